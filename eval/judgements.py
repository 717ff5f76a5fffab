"""Judged queries: hand-judged ones over the seed corpus, generated known-item ones over LibreOffice help.

Seeds (eval/queries.jsonl): every query was judged by reading the five seed texts; ``relevant``
maps a seed's number (the first three characters of its file name) to a grade (2 = the main
answer, 1 = relevant).

LibreOffice help (../shared/data/libreoffice-help): pages whose title is non-empty and unique
within every language are sampled with a fixed seed; a page's title is the query and the page is
the one relevant document (known-item search):

* exact: the title as it is, relevant the page in the same language (and any other language whose
  title is the same string);
* cross-language: the title in one language, searched with a language filter on another
  language, relevant the same page in that language (all 12 ordered pairs, in turn);
* folding: titles with ä ö ü ß æ ø å é …, typed without them: transliterated (ä→ae, ß→ss,
  å→aa, ø→oe) for half of them, the marks dropped (ä→a, ø→o) for the other half;
* typo: one edit (deletion, insertion, substitution or transposition, never the first letter)
  in the longest word of at least five letters.
"""

from __future__ import annotations

import hashlib
import json
import random
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent
SEED_QUERIES = EVAL_DIR / "queries.jsonl"
SHARED_DATA = EVAL_DIR.parent.parent / "shared" / "data"
LIBREOFFICE_DIR = SHARED_DATA / "libreoffice-help"
LANGUAGES: tuple[str, ...] = ("de", "da", "nl", "en")
KINDS: tuple[str, ...] = ("exact", "inflection", "compound", "folding", "typo", "cross-language")
LIBREOFFICE_KINDS: tuple[str, ...] = ("exact", "folding", "typo", "cross-language")
SEED = 20240611


@dataclass(frozen=True)
class Judged:
    """One query with its relevant documents (id → grade) and an optional language filter."""

    id: str
    kind: str
    lang: str
    text: str
    relevant: Mapping[str, int]
    languages: tuple[str, ...] = ()  # the language filter both systems get
    note: str = field(default="", compare=False)


# -- seeds ---------------------------------------------------------------------------------------


def seed_queries(path: Path = SEED_QUERIES) -> list[Judged]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw["kind"] not in KINDS:
            raise ValueError(f"{path}: unknown kind {raw['kind']!r} in {raw['id']}")
        out.append(
            Judged(
                id=raw["id"],
                kind=raw["kind"],
                lang=raw["lang"],
                text=raw["text"],
                relevant={str(k): int(v) for k, v in raw["relevant"].items()},
                languages=tuple(raw.get("languages", ())),
            )
        )
    return out


# -- LibreOffice help ------------------------------------------------------------------------------


def libreoffice_available(folder: Path = LIBREOFFICE_DIR) -> bool:
    return all((folder / f"{lang}.jsonl").is_file() for lang in LANGUAGES)


def load_libreoffice(folder: Path = LIBREOFFICE_DIR) -> dict[str, dict[str, dict]]:
    """language → page id → record."""
    pages: dict[str, dict[str, dict]] = {}
    for lang in LANGUAGES:
        with (folder / f"{lang}.jsonl").open(encoding="utf-8") as fh:
            pages[lang] = {r["id"]: r for r in map(json.loads, fh)}
    return pages


def doc_id(lang: str, page_id: str) -> str:
    """The id a LibreOffice page has in the evaluation index."""
    return f"{lang}/{page_id}"


def known_item_pages(pages: Mapping[str, Mapping[str, dict]]) -> list[str]:
    """Page ids present in every language whose title is non-empty and unique within each language."""
    counts = {lang: Counter(r["title"].strip().casefold() for r in pages[lang].values()) for lang in pages}
    common = set.intersection(*(set(p) for p in pages.values()))
    ok = []
    for pid in sorted(common):
        titles = {lang: pages[lang][pid]["title"].strip() for lang in pages}
        if all(len(t) >= 3 and counts[lang][t.casefold()] == 1 for lang, t in titles.items()):
            ok.append(pid)
    return ok


_TRANSLIT = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe", "å": "aa", "Ä": "Ae", "Ö": "Oe"}
    | {"Ü": "Ue", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}
)
_PLAIN = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "Æ": "Ae", "Ø": "O"})


def ascii_typed(text: str, transliterate: bool) -> str:
    """The text as typed on a keyboard without its special letters."""
    text = text.translate(_TRANSLIT if transliterate else _PLAIN)
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def has_foldable(text: str) -> bool:
    return ascii_typed(text, True) != text


def with_typo(text: str, rng: random.Random) -> str | None:
    """The text with one edit in its longest word of at least five letters (None when it has none)."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return None
    i = max(candidates, key=lambda j: (len(words[j]), -j))
    word = words[i]
    for _ in range(20):
        op = rng.choice(("delete", "insert", "substitute", "transpose"))
        pos = rng.randrange(1, len(word) - 1)
        letter = rng.choice(string.ascii_lowercase)
        if op == "delete":
            new = word[:pos] + word[pos + 1 :]
        elif op == "insert":
            new = word[:pos] + letter + word[pos:]
        elif op == "substitute":
            new = word[:pos] + letter + word[pos + 1 :]
        else:
            new = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
        if new.casefold() != word.casefold():
            words[i] = new
            return " ".join(words)
    return None


def libreoffice_queries(
    pages: Mapping[str, Mapping[str, dict]], per_kind: int = 100, seed: int = SEED
) -> list[Judged]:
    """Known-item queries of the four LibreOffice kinds, per_kind of each, reproducible by seed."""
    rng = random.Random(seed)
    pool = known_item_pages(pages)
    langs = list(LANGUAGES)
    out: list[Judged] = []

    def same_title(lang: str, pid: str) -> dict[str, int]:
        title = pages[lang][pid]["title"].strip().casefold()
        return {doc_id(o, pid): 1 for o in langs if pages[o][pid]["title"].strip().casefold() == title}

    for n, pid in enumerate(rng.sample(pool, min(per_kind, len(pool)))):
        lang = langs[n % len(langs)]
        title = pages[lang][pid]["title"].strip()
        out.append(Judged(f"lo-ex-{n:03d}", "exact", lang, title, same_title(lang, pid), note=pid))

    pairs = [(a, b) for a in langs for b in langs if a != b]
    for n, pid in enumerate(rng.sample(pool, min(per_kind, len(pool)))):
        src, dst = pairs[n % len(pairs)]
        title = pages[src][pid]["title"].strip()
        out.append(
            Judged(
                f"lo-cl-{n:03d}",
                "cross-language",
                src,
                title,
                {doc_id(dst, pid): 1},
                languages=(dst,),
                note=f"{pid} {src}→{dst}",
            )
        )

    foldable = [(lang, pid) for pid in pool for lang in langs if has_foldable(pages[lang][pid]["title"])]
    for n, (lang, pid) in enumerate(rng.sample(foldable, min(per_kind, len(foldable)))):
        title = pages[lang][pid]["title"].strip()
        typed = ascii_typed(title, transliterate=n % 2 == 0)
        out.append(Judged(f"lo-fo-{n:03d}", "folding", lang, typed, same_title(lang, pid), note=title))

    n = 0
    for pid in rng.sample(pool, len(pool)):
        if n >= per_kind:
            break
        lang = langs[n % len(langs)]
        title = pages[lang][pid]["title"].strip()
        typo = with_typo(title, rng)
        if typo is None:
            continue
        out.append(Judged(f"lo-ty-{n:03d}", "typo", lang, typo, same_title(lang, pid), note=title))
        n += 1
    return out


def libreoffice_split(query: Judged) -> str:
    """A stable half of the LibreOffice pages for tuning ("tune"), the other held out ("held-out"):
    by a hash of the page id, so a page's queries of every kind fall in the same half."""
    page = next(iter(query.relevant)).split("/", 1)[1]
    digest = hashlib.sha256(f"libreoffice-page-{page}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "held-out"


def by_kind(queries: Iterable[Judged]) -> dict[str, list[Judged]]:
    out: dict[str, list[Judged]] = {}
    for q in queries:
        out.setdefault(q.kind, []).append(q)
    return out
