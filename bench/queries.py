"""The benchmark's query mix, drawn at random from the benchmark corpus, every query new to the process.

Each run draws with a new seed (recorded beside the figures), so no run is tuned to its queries.
Classes: one word, two words, a natural-language question built from a sentence of a document, a
two-word phrase, a four-letter prefix, one to three facet filters, browse-all and a misspelled word.
No query text occurs twice in a run (warm-up included), so every query is new to the serving process.

`SEMANTIC_CLASSES` are the text classes again with the meaning channel on: a class named
`<lexical class>+semantic` gets fresh queries of its lexical class and is sent with
`SearchRequest(semantic=True)` (the FTS5 baseline answers it lexically); the lexical classes are sent
with `semantic=False`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from bench.corpus import Record

LEXICAL_CLASSES: tuple[str, ...] = (
    "one-word",
    "two-words",
    "question",
    "phrase",
    "prefix",
    "filter-1",
    "filter-2",
    "filter-3",
    "browse-all",
    "misspelled",
)
#: the text classes again with the meaning channel on (a phrase, a prefix and browse-all take none)
SEMANTIC_CLASSES: tuple[str, ...] = tuple(
    f"{c}+semantic"
    for c in ("one-word", "two-words", "question", "filter-1", "filter-2", "filter-3", "misspelled")
)
SEMANTIC_SUFFIX = "+semantic"
CLASSES: tuple[str, ...] = LEXICAL_CLASSES + SEMANTIC_CLASSES
WARMUP_CLASS = "warm-up"
NO_VOCABULARY_CLASS = "no-vocabulary"  # one-word queries served from a corpus folder without vocabulary.json
PREFIX_LETTERS = 4

_TOKEN = re.compile(r"\w+", re.U)
_PAIR = re.compile(r"\b([^\W\d_]{3,}) ([^\W\d_]{3,})\b", re.U)
_SENTENCE = re.compile(r"[^.!?\n]{30,}", re.U)
_QUESTION_WORDS = {
    "de": ("Was", "Wie", "Wann", "Wer", "Welche", "Warum"),
    "da": ("Hvad", "Hvordan", "Hvornår", "Hvem", "Hvilke"),
    "nl": ("Wat", "Hoe", "Wanneer", "Wie", "Welke"),
    "en": ("What", "How", "When", "Who", "Which"),
}


def base_class(cls: str) -> str:
    """The lexical class of a class (itself, or the part before +semantic)."""
    return cls.removesuffix(SEMANTIC_SUFFIX)


def is_semantic(cls: str) -> bool:
    return cls.endswith(SEMANTIC_SUFFIX)


def words_of(text: str, min_len: int) -> list[str]:
    return [w for w in _TOKEN.findall(text) if w.isalpha() and len(w) >= min_len]


def misspell(word: str, rng: random.Random) -> str:
    """The word with two neighbouring letters swapped (or a doubled letter written once)."""
    i = rng.randrange(1, len(word) - 2)
    if word[i] == word[i + 1]:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class _Drawer:
    """Draws queries of each kind from random documents; None when a document offers none."""

    def __init__(self, records: list[Record], rng: random.Random) -> None:
        self.records = records
        self.rng = rng

    def record(self) -> Record:
        return self.rng.choice(self.records)

    def one_word(self, r: Record) -> dict | None:
        words = words_of(r.text, 4)
        return {"text": self.rng.choice(words)} if words else None

    def two_words(self, r: Record) -> dict | None:
        words = words_of(r.text, 4)
        if len(set(words)) < 2:
            return None
        a, b = self.rng.sample(sorted(set(words)), 2)
        return {"text": f"{a} {b}"}

    def question(self, r: Record) -> dict | None:
        """A question as a user would type it: a question word and five to nine words of one sentence."""
        sentences = [s for s in _SENTENCE.findall(r.text) if len(words_of(s, 1)) >= 6]
        if not sentences:
            return None
        words = words_of(self.rng.choice(sentences), 1)
        n = self.rng.randint(5, min(9, len(words)))
        start = self.rng.randrange(len(words) - n + 1)
        asks = _QUESTION_WORDS.get(r.language, _QUESTION_WORDS["en"])
        return {"text": f"{self.rng.choice(asks)} {' '.join(words[start : start + n])}?"}

    def phrase(self, r: Record) -> dict | None:
        pairs = _PAIR.findall(r.text)
        return {"text": '"{} {}"'.format(*self.rng.choice(pairs))} if pairs else None

    def prefix(self, r: Record) -> dict | None:
        words = words_of(r.text, PREFIX_LETTERS + 2)
        return {"text": self.rng.choice(words)[:PREFIX_LETTERS] + "*"} if words else None

    def misspelled(self, r: Record) -> dict | None:
        words = words_of(r.text, 6)
        return {"text": misspell(self.rng.choice(words), self.rng)} if words else None

    def filtered(self, r: Record, count: int) -> dict | None:
        found = self.one_word(r)
        if found is None:
            return None
        rng = self.rng
        choices = {
            1: {"region": [rng.choice(r.regions)]},
            2: {"network": [rng.choice(r.networks)], "year": [r.year]},
            3: {"topic": [rng.choice(r.topics)], "doctype": [r.doctype], "language": [r.language]},
        }
        return {**found, "filters": choices[count]}


def make_queries(
    records: list[Record], n: int, seed: int, warmup: int = 10, no_vocabulary: int | None = None
) -> dict[str, list[dict]]:
    """n queries per class (and `no_vocabulary` one-word ones), all different, the same for a seed; and
    `warmup` of every kind, answered untimed first: a served engine has met queries of every kind
    before (a Solr node's JVM compiles its query, facet and highlighting paths only after many calls,
    so five one-word queries left a fresh node's first timed pages of each kind 2-3 times slower)."""
    rng = random.Random(f"queries:{seed}")
    draw = _Drawer(records, rng)
    kinds: dict[str, Callable[[Record], dict | None]] = {
        "one-word": draw.one_word,
        "two-words": draw.two_words,
        "question": draw.question,
        "phrase": draw.phrase,
        "prefix": draw.prefix,
        "filter-1": lambda r: draw.filtered(r, 1),
        "filter-2": lambda r: draw.filtered(r, 2),
        "filter-3": lambda r: draw.filtered(r, 3),
        "misspelled": draw.misspelled,
    }
    seen: set[str] = set()

    def fresh(kind: Callable[[Record], dict | None]) -> dict:
        for _ in range(10_000):
            q = kind(draw.record())
            if q is not None and q["text"].casefold() not in seen:
                seen.add(q["text"].casefold())
                return q
        raise RuntimeError("the corpus offers too few distinct queries for this many")

    out: dict[str, list[dict]] = {
        WARMUP_CLASS: [fresh(kind) for kind in kinds.values() for _ in range(warmup)]
    }
    for cls in CLASSES:
        base = base_class(cls)
        if base == "browse-all":  # no text: the newest documents, each time the same page
            out[cls] = [{"text": ""} for _ in range(n)]
        else:
            out[cls] = [fresh(kinds[base]) for _ in range(n)]
    out[NO_VOCABULARY_CLASS] = [
        fresh(draw.one_word) for _ in range(n if no_vocabulary is None else no_vocabulary)
    ]
    return out
