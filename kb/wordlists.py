"""Word lists built from wordfreq once per machine and kept on disk, so a process reads them in milliseconds.

wordfreq answers one word at a time by loading that language's whole frequency table: importing it and
asking about one German, Danish, Dutch and English word took 1.0-2.3 s of every `kb search` that met a
rare word. The archive needs two lists from it, built from its top lists once and cached in KB_CACHE_DIR
(one file per wordfreq version and parameters, written atomically; a damaged file is built again):

- the compound splitter's lexicon (folded word → zipf frequency over de/da/nl: `kb.compound`);
- the common words of de/da/nl/en (`common_words`), which decide whether a query word gets typo variants.
"""

from __future__ import annotations

import logging
import marshal
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from kb.files import atomic_write
from kb.settings import env

log = logging.getLogger(__name__)

T = TypeVar("T")

LANGUAGES = ("de", "da", "nl", "en")
#: A word at least this common (zipf scale) in one of LANGUAGES is a common word.
COMMON_ZIPF = 2.5
_COMMON_FORMAT = 1  # bump when common_words changes what the list holds
_lock = threading.Lock()


def wordfreq_version() -> str | None:
    """The installed wordfreq's version, or None without it."""
    try:
        from importlib.metadata import version

        return version("wordfreq")
    except Exception:  # noqa: BLE001 - no wordfreq, no lists
        return None


def cache_file(name: str, params: str) -> Path | None:
    """Where the list `name` built with `params` is kept, or None without wordfreq."""
    wordfreq = wordfreq_version()
    if wordfreq is None:
        return None
    folder = Path(env("KB_CACHE_DIR") or Path.home() / ".cache" / "network-kb")
    return folder / f"{name}-{wordfreq}-{params}.marshal"


def cached(name: str, params: str, build: Callable[[], T]) -> T:
    """The list from its cache file when that is there and readable, else built (and cached)."""
    path = cache_file(name, params)
    if path is None:
        return build()
    try:
        data = marshal.loads(path.read_bytes())
        if data:
            return data
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError) as exc:
        log.warning("cannot read the cached word list %s (%s): building it again", path, exc)
    with _lock:
        built = build()
        if built:
            try:
                atomic_write(path, marshal.dumps(built))
            except OSError as exc:  # a failure only costs the cache
                log.warning("cannot cache the word list at %s: %s", path, exc)
    return built


def _build_common_words() -> frozenset[str]:
    try:
        from wordfreq import top_n_list, zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        return frozenset()
    words: set[str] = set()
    for lang in LANGUAGES:
        for word in top_n_list(lang, 10_000_000):  # most common first: stop at the threshold
            if zipf_frequency(word, lang) < COMMON_ZIPF:
                break
            words.add(word)
    return frozenset(words)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words (as wordfreq keeps them: case-folded) at least COMMON_ZIPF common in a language of LANGUAGES."""
    return cached("common", f"{COMMON_ZIPF}-f{_COMMON_FORMAT}", _build_common_words)


def is_common(word: str) -> bool:
    """Whether a single alphabetic word is at least COMMON_ZIPF common in German, Danish, Dutch or English.

    The same answer as asking wordfreq's `zipf_frequency` in each language (checked on 24,000 words of
    ../shared/data in tests/test_wordlists.py), without loading its tables.
    """
    return word.casefold() in common_words()
