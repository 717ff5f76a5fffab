"""Compound splitting for German, Danish and Dutch with a frequency lexicon.

The lexicon is built from wordfreq's lists for de/da/nl plus the vocabulary's words. A word is
split when every part is a known word of at least MIN_PART letters (with the linking elements
of the three languages between parts) and the parts are, on the geometric mean, more frequent
than the whole word (Koehn & Knight 2003). Vocabulary words are never split themselves, and a
split that uses them wins, so "Kunststoff" stays whole while "Kunststoffnetzwerk" → kunststoff + netzwerk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from kb import wordlists
from kb.folding import fold

log = logging.getLogger(__name__)

MIN_PART = 4
MIN_WORD = 8  # shorter words are not split
#: Longer words are not split: the longest split in 6,000 German federal laws has 42 letters
#: ("unfallversicherungsmodernisierungsgesetzes"), and parts are at most 30 letters.
MAX_WORD = 64
LEXICON_WORDS_PER_LANGUAGE = 60_000
MIN_ZIPF = 2.5  # parts must be at least this common (zipf scale) unless the vocabulary has them
LINKS: tuple[str, ...] = ("", "s", "es", "n", "en", "e", "er")
MAX_PARTS = 3
_INFLECTION_COST = 0.5
_VOCAB_ZIPF = 6.0  # vocabulary words count as very common parts
_VOCAB_BONUS = 1.0

_LEXICON_FORMAT = 1  # bump when _base_lexicon or folding changes what the lexicon holds
_lock = threading.Lock()
_lexicon: dict[str, float] | None = None
#: the words the splits of the current context protect (see `protecting`); none outside a knowledge base's call
_protected: ContextVar[frozenset[str]] = ContextVar("protected_words", default=frozenset())


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


def protected_words(words: Iterable[str]) -> frozenset[str]:
    """The folded form of words that are never split and that splits prefer (a vocabulary's own)."""
    return frozenset(fold(w) for w in words if len(w) >= MIN_PART and w.isalpha())


@contextmanager
def protecting(words: frozenset[str]) -> Iterator[None]:
    """Within the block (this thread or task only), splits protect `words` (from `protected_words`).

    A knowledge base wraps each of its calls in its vocabulary's words, so two archives with different
    vocabularies in one process never split each other's words; the memos are keyed by the set.
    """
    token = _protected.set(words)
    try:
        yield
    finally:
        _protected.reset(token)


def current_protection() -> frozenset[str]:
    """The protected words of the current context (a memo of anything built on splits is keyed by it)."""
    return _protected.get()


def lexicon() -> dict[str, float]:
    """The shared frequency lexicon, loaded from the disk cache or built once per process."""
    global _lexicon
    if _lexicon is None:
        with _lock:
            if _lexicon is None:
                _lexicon = _cached_lexicon()
    return _lexicon


def _cached_lexicon() -> dict[str, float]:
    """The lexicon from its cache file (kb.wordlists), or built and cached."""
    params = f"{LEXICON_WORDS_PER_LANGUAGE}-{MIN_ZIPF}-{MIN_PART}-f{_LEXICON_FORMAT}"
    return wordlists.cached("lexicon", params, _base_lexicon)


@lru_cache(maxsize=4)
def _longest_part(lexicon_size: int, protected: frozenset[str]) -> int:  # noqa: ARG001 - a cache key
    """The length of the longest known word: no longer part can be found."""
    return max(map(len, (*lexicon(), *protected)), default=0)


def _zipf(part: str, protected: frozenset[str]) -> float:
    if part in protected:
        return _VOCAB_ZIPF + _VOCAB_BONUS
    return lexicon().get(part, 0.0)


def split(word: str) -> tuple[str, ...]:
    """The parts of a folded compound word, or () when it is not a compound (see `protecting`)."""
    if not MIN_WORD <= len(word) <= MAX_WORD or not word.isalpha():
        return ()
    return _split(word, _protected.get())


@lru_cache(maxsize=100_000)
def _split(word: str, protected: frozenset[str]) -> tuple[str, ...]:
    best = _best_split(word, protected)
    if best is None:
        return ()
    parts, mean = best
    if word in protected:  # a vocabulary compound splits only where it holds a vocabulary word
        return parts if any(p in protected for p in parts) else ()
    whole = lexicon().get(word, 0.0)
    if whole and mean <= whole:
        return ()
    return parts


def spelled_parts(word: str) -> tuple[str, ...]:
    """The parts of a lower-cased compound in the word's own spelling: schülerlabor → schüler + labor.

    Parts are found on the folded word; spelled as in the word, they can be folded both ways (ü → u
    and ue) like whole words, so "Schueler" finds "Schülerlabor" too.
    """
    folded = fold(word)
    parts = split(folded)
    if not parts or folded == word:
        return parts
    ends = {0: 0}  # an offset in the folded word → the same place in the word
    for end in range(1, len(word) + 1):
        ends[len(fold(word[:end]))] = end
    spelled, start = [], 0
    for part in parts:
        at = folded.find(part, start)
        start = at + len(part)
        spelled.append(word[ends[at] : ends[start]] if at in ends and start in ends else part)
    return tuple(spelled)


def _best_split(word: str, protected: frozenset[str]) -> tuple[tuple[str, ...], float] | None:
    """The split with the fewest parts (at most three), then the highest mean frequency.

    A linking element may stand between parts; an inflection ending (s, es, n, en, e, er) may
    follow the last part at a small cost, so "kunststoffnetzwerks" → kunststoff + netzwerk.
    No recursion: the known parts are found from the start (only where a part can begin), then the
    best few splits of each such tail from the end.
    """
    n = len(word)
    longest = _longest_part(len(lexicon()), protected)
    known: dict[int, list[tuple[int, float]]] = {}  # where a part can begin → (its end, its zipf)
    reachable = [True] + [False] * n
    for i in range(n):
        if not reachable[i]:
            continue
        ends = known[i] = []
        for j in range(i + MIN_PART, min(n, i + longest) + 1):
            z = _zipf(word[i:j], protected)
            if z:
                ends.append((j, z))
                for link in LINKS:
                    k = j + len(link)
                    if k < n and word.startswith(link, j):
                        reachable[k] = True
    best: dict[int, list[tuple[tuple[str, ...], float]]] = {n: [((), 0.0)]}
    for i in sorted(known, reverse=True):
        found: list[tuple[tuple[str, ...], float]] = []
        for j, z in known[i]:
            if j == n:
                found.append(((word[i:j],), z))
                continue
            if i > 0 and word[j:] in LINKS:
                found.append(((word[i:j],), z - _INFLECTION_COST))
            for link in LINKS:
                k = j + len(link)
                if word.startswith(link, j) and k < n:
                    for parts, total in best[k]:
                        if len(parts) < MAX_PARTS:
                            found.append(((word[i:j], *parts), z + total))
        found.sort(key=lambda c: (len(c[0]), -c[1] / len(c[0])))
        best[i] = found[:4]
    splits = [c for c in best[0] if len(c[0]) >= 2]
    if not splits:
        return None
    parts, total = splits[0]
    return parts, total / len(parts)
