"""Compound splitting for German, Danish and Dutch with a frequency lexicon.

The lexicon is built from wordfreq's lists for de/da/nl plus the vocabulary's words. A word is
split when every part is a known word of at least MIN_PART letters (with the linking elements
of the three languages between parts) and the parts are, on the geometric mean, more frequent
than the whole word (Koehn & Knight 2003). Vocabulary words are never split themselves, and a
split that uses them wins, so "Kunststoff" stays whole while "Kunststoffnetzwerk" → kunststoff + netzwerk.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable
from functools import lru_cache

from kb.folding import fold

log = logging.getLogger(__name__)

MIN_PART = 4
MIN_WORD = 8  # shorter words are not split
LEXICON_WORDS_PER_LANGUAGE = 60_000
MIN_ZIPF = 2.5  # parts must be at least this common (zipf scale) unless the vocabulary has them
LINKS: tuple[str, ...] = ("", "s", "es", "n", "en", "e", "er")
_VOCAB_ZIPF = 6.0  # vocabulary words count as very common parts
_VOCAB_BONUS = 1.0

_lock = threading.Lock()
_lexicon: dict[str, float] | None = None
_protected: frozenset[str] = frozenset()


def _base_lexicon() -> dict[str, float]:
    """Folded word → zipf frequency, the best over de/da/nl."""
    try:
        from wordfreq import top_n_list, zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        log.warning("wordfreq is not installed: compound splitting uses the vocabulary only")
        return {}
    lexicon: dict[str, float] = {}
    for lang in ("de", "da", "nl"):
        for word in top_n_list(lang, LEXICON_WORDS_PER_LANGUAGE):
            if len(word) < MIN_PART or not word.isalpha():
                continue
            z = zipf_frequency(word, lang)
            if z < MIN_ZIPF:
                break
            key = fold(word)
            if z > lexicon.get(key, 0.0):
                lexicon[key] = z
    return lexicon


def set_protected_words(words: Iterable[str]) -> None:
    """Words that are never split and that splits prefer (the vocabulary's and the corpus' own)."""
    global _protected
    folded = frozenset(fold(w) for w in words if len(w) >= MIN_PART and w.isalpha())
    if folded != _protected:
        _protected = folded
        split.cache_clear()


def lexicon() -> dict[str, float]:
    """The shared frequency lexicon, built once per process."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = _base_lexicon()
    return _lexicon


def _zipf(part: str) -> float:
    if part in _protected:
        return _VOCAB_ZIPF + _VOCAB_BONUS
    return lexicon().get(part, 0.0)


@lru_cache(maxsize=100_000)
def split(word: str) -> tuple[str, ...]:
    """The parts of a folded compound word, or () when it is not a compound."""
    if len(word) < MIN_WORD or not word.isalpha() or word in _protected:
        return ()
    best = _best_split(word)
    if best is None:
        return ()
    parts, mean = best
    whole = lexicon().get(word, 0.0)
    if whole and mean <= whole:
        return ()
    return parts


def _best_split(word: str) -> tuple[tuple[str, ...], float] | None:
    """The split with the highest geometric mean frequency (at most three parts)."""
    n = len(word)
    # best[i] = (parts, sum of zipf) for word[i:] split into known parts
    best: list[tuple[tuple[str, ...], float] | None] = [None] * (n + 1)
    best[n] = ((), 0.0)
    for i in range(n - MIN_PART, -1, -1):
        candidates = []
        for j in range(i + MIN_PART, n + 1):
            part = word[i:j]
            z = _zipf(part)
            if not z:
                continue
            # a linking element may stand between parts, never after the last one
            rests = (
                [j]
                if j == n
                else [j + len(link) for link in LINKS if word.startswith(link, j) and j + len(link) < n]
            )
            for k in rests:
                rest = best[k]
                if rest is None or len(rest[0]) >= 3:
                    continue
                candidates.append(((part, *rest[0]), z + rest[1]))
        if candidates:
            best[i] = max(candidates, key=lambda c: c[1] / len(c[0]))
    result = best[0]
    if result is None or len(result[0]) < 2:
        return None
    parts, total = result
    return parts, total / len(parts)


def split_score(parts: tuple[str, ...]) -> float:
    """Geometric-mean frequency of parts (for tests and diagnostics)."""
    return math.fsum(_zipf(p) for p in parts) / max(1, len(parts))
