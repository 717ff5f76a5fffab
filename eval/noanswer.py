"""No-answer queries: letter salad and real words that no document of a collection holds.

Generated deterministically (a fixed seed), for one collection (its documents' texts):

* salad: one to three random strings of 5–10 lowercase letters ("xqzvbnm");
* absent: one real word of de, da, nl or en (wordfreq's list, zipf 2.5–4.5, at least 6 letters)
  that occurs in no document of the collection, folded or as typed, nor as the stem of a word in it;
* absent-multi: three such words of different languages ("Quantenverschränkung Zebrastreifen Xylophon").

The right answer to each is "nothing found": a search that returns a document for them shows noise.
Queries are split into a tuning half and a held-out half by a stable hash of their text, like the
XQuAD articles and the LibreOffice pages.
"""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass

from kb.analysis import analyze, stem_analyzer
from kb.folding import fold

NOANSWER_KINDS: tuple[str, ...] = ("salad", "absent", "absent-multi")
LANGUAGES: tuple[str, ...] = ("de", "da", "nl", "en")
PER_KIND = 200
SEED = 20261206
MIN_LETTERS = 6
ZIPF_BAND = (2.5, 4.5)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class NoAnswer:
    id: str
    kind: str
    text: str

    @property
    def split(self) -> str:
        return split_of(self.text)


def split_of(text: str) -> str:
    digest = hashlib.sha256(f"noanswer-{text}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "held-out"


def _stems(word: str) -> set[str]:
    out = set()
    for lang in LANGUAGES:
        out.update(analyze(stem_analyzer(lang), word))
    return out


def collection_words(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """(every word folded, every stem of every word in any of the four languages) of the texts."""
    words: set[str] = set()
    for text in texts:
        words.update(w.lower() for w in _WORD.findall(text))
    folded = {fold(w) for w in words} | words
    stems: set[str] = set()
    for lang in LANGUAGES:
        analyzer = stem_analyzer(lang)
        for w in words:
            stems.update(analyze(analyzer, w))
    return folded, stems


def absent_words(texts: Iterable[str], per_language: int, rng: random.Random) -> dict[str, list[str]]:
    """Per language, up to `per_language` real words no text holds (sampled with `rng`)."""
    from wordfreq import top_n_list, zipf_frequency

    folded, stems = collection_words(texts)
    out: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        pool = []
        for word in top_n_list(lang, 60_000):
            if len(word) < MIN_LETTERS or not word.isalpha():
                continue
            z = zipf_frequency(word, lang)
            if not ZIPF_BAND[0] <= z <= ZIPF_BAND[1]:
                continue
            if word in folded or fold(word) in folded or _stems(word) & stems:
                continue
            pool.append(word)
        pool.sort()
        rng.shuffle(pool)
        out[lang] = pool[:per_language]
    return out


def salad(rng: random.Random) -> str:
    letters = string.ascii_lowercase
    return " ".join(
        "".join(rng.choice(letters) for _ in range(rng.randint(5, 10))) for _ in range(rng.randint(1, 3))
    )


def noanswer_queries(texts: Iterable[str], per_kind: int = PER_KIND, seed: int = SEED) -> list[NoAnswer]:
    """per_kind queries of each kind for a collection (the same texts give the same queries)."""
    rng = random.Random(seed)
    out = [NoAnswer(f"salad-{i}", "salad", salad(rng)) for i in range(per_kind)]
    words = absent_words(texts, per_kind, rng)
    singles = [(lang, words[lang][i]) for i in range(per_kind) for lang in LANGUAGES if i < len(words[lang])]
    for i, (_, w) in enumerate(singles[:per_kind]):
        out.append(NoAnswer(f"absent-{i}", "absent", w.capitalize() if i % 2 else w))
    for i in range(per_kind):
        langs = rng.sample(LANGUAGES, 3)
        picked = [rng.choice(words[lang]) for lang in langs if words[lang]]
        out.append(NoAnswer(f"absent-multi-{i}", "absent-multi", " ".join(picked)))
    return out
