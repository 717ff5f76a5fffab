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
from bisect import bisect_right
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


def _starts_and_words(words: dict[str, float]) -> dict[str, float]:
    """Each word → its zipf, and each start of a word (MIN_PART letters or more) that is no word → 0.0:
    a part found in neither can grow into no word, so a split stops lengthening it."""
    table: dict[str, float] = {}
    for word in words:
        for end in range(MIN_PART, len(word)):
            table.setdefault(word[:end], 0.0)
    table.update(words)
    return table


@lru_cache(maxsize=1)
def _sorted_lexicon(lexicon_size: int) -> tuple[str, ...]:  # noqa: ARG001 - a cache key
    """The lexicon's words in order, sorted once a process (~50 ms; a table of every word's starts took
    0.25 s, paid by the first document a writer analysed, inside its deadline, and by every `kb search`)."""
    return tuple(sorted(lexicon()))


#: what _lexicon_zipf answered, part → zipf, 0.0 or None (cleared past _PARTS_KEPT entries, ~25 MB: any text's parts)
_lexicon_parts: dict[str, float | None] = {}
_UNKNOWN = object()
_PARTS_KEPT = 300_000


def _lexicon_zipf(part: str, ordered: tuple[str, ...]) -> float | None:
    """The part's zipf as a lexicon word, 0.0 when it is no word but a longer word starts with it, None when
    no lexicon word starts with it (a split stops lengthening it); remembered."""
    z = _lexicon_parts.get(part, _UNKNOWN)
    if z is not _UNKNOWN:
        return z
    z = lexicon().get(part)
    if z is None:
        after = bisect_right(ordered, part)  # the words starting with `part` follow it in order
        z = 0.0 if after < len(ordered) and ordered[after].startswith(part) else None
    if len(_lexicon_parts) >= _PARTS_KEPT:
        _lexicon_parts.clear()
    _lexicon_parts[part] = z
    return z


@lru_cache(maxsize=16)
def _protected_parts(protected: frozenset[str]) -> dict[str, float]:
    """The protected words, each with a very common word's zipf, and their starts (_starts_and_words)."""
    return _starts_and_words(dict.fromkeys(sorted(protected), _VOCAB_ZIPF + _VOCAB_BONUS))


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


@lru_cache(maxsize=1024)
def _link_steps(following: str) -> tuple[int, ...]:
    """The lengths of the LINKS that `following` (the next two letters) starts with, in LINKS' order."""
    return tuple(len(link) for link in LINKS if following.startswith(link))


def _best_split(word: str, protected: frozenset[str]) -> tuple[tuple[str, ...], float] | None:
    """The split with the fewest parts (at most three), then the highest mean frequency.

    A linking element may stand between parts; an inflection ending (s, es, n, en, e, er) may
    follow the last part at a small cost, so "kunststoffnetzwerks" → kunststoff + netzwerk.
    No recursion: the known parts are found from the start (only where a part can begin), then the
    best few splits of each such tail from the end.
    """
    n = len(word)
    size = len(lexicon())
    longest = _longest_part(size, protected)
    ordered = _sorted_lexicon(size)
    in_protected = _protected_parts(protected).get if protected else None
    known: dict[int, list[tuple[int, float]]] = {}  # where a part can begin → (its end, its zipf)
    reachable = [True] + [False] * n
    for i in range(n):
        if not reachable[i]:
            continue
        ends = known[i] = []
        for j in range(i + MIN_PART, min(n, i + longest) + 1):
            part = word[i:j]
            z = _lexicon_zipf(part, ordered)  # None: no lexicon word starts so
            if in_protected is not None:
                vocab = in_protected(part)
                if vocab is not None and (vocab or z is None):  # a protected word is very common
                    z = vocab
            if z is None:  # no longer part from here is a word
                break
            if z:
                ends.append((j, z))
                for step in _link_steps(word[j : j + 2]):
                    if j + step < n:
                        reachable[j + step] = True
    best: dict[int, list[tuple[tuple[str, ...], float]]] = {n: [((), 0.0)]}
    for i in sorted(known, reverse=True):
        found: list[tuple[tuple[str, ...], float]] = []
        for j, z in known[i]:
            if j == n:
                found.append(((word[i:j],), z))
                continue
            part = word[i:j]
            if i > 0 and word[j:] in LINKS:
                found.append(((part,), z - _INFLECTION_COST))
            for step in _link_steps(word[j : j + 2]):
                if j + step < n:
                    for parts, total in best[j + step]:
                        if len(parts) < MAX_PARTS:
                            found.append(((part, *parts), z + total))
        found.sort(key=lambda c: (len(c[0]), -c[1] / len(c[0])))
        best[i] = found[:4]
    splits = [c for c in best[0] if len(c[0]) >= 2]
    if not splits:
        return None
    parts, total = splits[0]
    return parts, total / len(parts)
