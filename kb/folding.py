"""Language-neutral folding: case, accents, umlauts, ß, æ/ø/å, as dropped marks and as transliterations."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# German and Danish transliterations: the forms people type on a keyboard without the letters.
#: Invisible characters inside words: a soft hyphen (a word processor's "Werkzeug\xadbau"), zero-width
#: spaces and word joiners, a byte-order mark left mid-text. A word pattern took "Werkzeug" and "bau"
#: apart, so "Werkzeugbau" typed found nothing. Dropped from extracted text and from queries.
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa"})
#: Letters a cognate key keeps: "Kriterier", "criteria" and "Kriterien" share "krite".
COGNATE_LETTERS = 5
# Spellings of one sound across de/da/nl/en, rewritten in this order: Schema/skema, Phase/fase,
# Thema/tema, Technik/teknik, Funktion/function/functie, Qualität/kvalitet/kwaliteit, Wert/værdi,
# Zelle/celle, Typ/type, Text/tekst. Soft c (before e, i, y) sounds like s: Zentrum/centrum, Zelle/cel.
_COGNATE_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("sch", "sk"),
    ("ph", "f"),
    ("th", "t"),
    ("ch", "k"),
    ("ck", "k"),
    ("qu", "kv"),
    ("kw", "kv"),
    ("w", "v"),
    ("z", "s"),
    ("y", "i"),
    ("x", "ks"),
)
_SOFT_C = re.compile(r"c(?=[eiy])")
_DOUBLED = re.compile(r"(.)\1+")
# Letters that are not a base letter plus a combining mark, folded by hand.
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ı": "i"})


class _Marks(dict):
    """A str.translate table that drops combining marks, filled in as characters are met."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = None if unicodedata.combining(char) else char
        self[code] = kept
        return kept


_MARKS = _Marks()


def fold_text(text: str) -> str:
    """Lower-case and drop marks: Schülerlabor → schulerlabor, Trekantområdet → trekantomradet, Straße → strasse.

    Uncached, for whole texts; `fold` is the same, cached, for words.
    """
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL)).translate(_MARKS)


fold = lru_cache(maxsize=200_000)(fold_text)


@lru_cache(maxsize=200_000)
def transliterate(word: str) -> str:
    """Lower-case with German/Danish transliteration: Schüler → schueler, område → omraade, Øst → oest."""
    return fold(word.casefold().translate(_TRANSLIT))


def variants(word: str) -> tuple[str, ...]:
    """The folded forms a word is indexed under (one or two)."""
    a, b = fold(word), transliterate(word)
    return (a,) if a == b else (a, b)


# A word typed without its letters, spelt with them again: transliterations first, then dropped marks.
_RESTORE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ae", ("ä", "æ")),
    ("oe", ("ö", "ø")),
    ("ue", ("ü",)),
    ("aa", ("å",)),
    ("ss", ("ß",)),
    ("a", ("ä", "å")),
    ("o", ("ö", "ø")),
    ("u", ("ü",)),
)
MAX_SPELLINGS = 256


def spellings(word: str) -> list[str]:
    """The spellings of a lower-case word with umlauts and æ/ø/å/ß put back where its letters could
    stand for them (saeulen → säulen, fur → für, vaerdi → værdi), the word itself first; at most
    MAX_SPELLINGS (for a word with many vowels, those that change its first letters are left out)."""
    tails: list[list[str]] = [[""] for _ in range(len(word) + 1)]  # spellings of word[i:]
    for i in range(len(word) - 1, -1, -1):
        found = [word[i] + t for t in tails[i + 1]]
        for letters, restored in _RESTORE:
            if word.startswith(letters, i):
                found += [r + t for r in restored for t in tails[i + len(letters)]]
        tails[i] = found[:MAX_SPELLINGS]
    return list(dict.fromkeys(tails[0]))


#: A language's letters typed as two ("moede", "Schaltflaeche", "Aabn"), put back by `restored`.
_TYPED_AS_TWO: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (("ae", "ä"), ("oe", "ö"), ("ue", "ü")),
    "da": (("ae", "æ"), ("oe", "ø"), ("aa", "å")),
}
MAX_RESTORED = 8


@lru_cache(maxsize=50_000)
def restored(word: str, language: str) -> tuple[str, ...]:
    """The spellings of a lower-case word with the language's letters put back where it has them typed
    as two (German ae/oe/ue, Danish ae/oe/aa: moede → møde, aabn → åbn), the word itself left out; at
    most MAX_RESTORED. Its stems and vocabulary terms are those of the letters it stands for."""
    rules = _TYPED_AS_TWO.get(language, ())
    found = [""]
    i = 0
    while i < len(word):
        pair = next((letter for two, letter in rules if word.startswith(two, i)), None)
        if pair is None:
            found = [f + word[i] for f in found]
            i += 1
            continue
        found = [f + w for f in found for w in (word[i : i + 2], pair)][: MAX_RESTORED + 1]
        i += 2
    return tuple(f for f in found if f != word)[:MAX_RESTORED]


@lru_cache(maxsize=200_000)
def cognate_key(word: str) -> str | None:
    """The first COGNATE_LETTERS letters of a word spelt alike across de/da/nl/en, or None when shorter.

    Interface and trade words are often cognates spelt differently (Diagramm/diagram, Funktion/
    functie/function, Nummerierung/nummerering/nummering): folded, with one spelling per sound and
    doubled letters written once, their beginnings agree.
    """
    key = fold(word)
    if not key.isalpha():
        return None
    key = _SOFT_C.sub("s", key)
    for spelling, sound in _COGNATE_SPELLINGS:
        key = key.replace(spelling, sound)
    key = _DOUBLED.sub(r"\1", key.replace("c", "k"))
    return key[:COGNATE_LETTERS] if len(key) >= COGNATE_LETTERS else None
