"""Analyzers for the index: exact words, per-language stems, and a folded field with compound parts
and cognate keys.

Filter classes are pickled into the index schema, so they stay importable here and as kb.analysis.X
(the name in indexes written before the Whoosh backend had a package) and carry no data: the compound
lexicon is loaded lazily per process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from whoosh.analysis import CompositeAnalyzer, Filter, LanguageAnalyzer, RegexTokenizer
from whoosh.lang import languages as _whoosh_languages
from whoosh.lang.stopwords import stoplists

from kb import compound
from kb.errors import AnalysisTimeoutError
from kb.folding import fold, variants
from kb.forms import (  # noqa: F401 - named here for kb/analysis.py
    COGNATE_MARK,
    MAX_WORD_CHARS,
    WORD_PATTERN,
    _index_forms,
    _index_forms_memo,
    cognate_term,
    index_forms,
    word_forms,
)

#: Languages with their own stemmed field (everything whoosh.lang supports).
STEM_LANGUAGES: tuple[str, ...] = tuple(sorted(set(_whoosh_languages)))
#: Stop words per language (whoosh's lists): not highlighted in a text of that language.
STOPLISTS: dict[str, frozenset[str]] = {language: frozenset(words) for language, words in stoplists.items()}
#: Languages whose compounds are split.
COMPOUND_LANGUAGES: tuple[str, ...] = ("de", "da", "nl")
# MAX_WORD_CHARS (kb/forms.py): longer words are cut to their first 100 characters, indexed and
# searched alike: the longest word in 6,000 German federal laws has 61 letters, and every later step of
# the analysis (folding, compound parts, cognate keys, stems, memos) stays small on a file of one giant "word".
#: Words between two looks at the clock of an analysis deadline.
_CLOCK_EVERY = 1024
_deadline = threading.local()  # per thread: queries analysed in other threads have none


class _StatelessFilter(Filter):
    """A filter with no settings: any two of the same class are equal (the schema compares them)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class LowercaseCutFilter(_StatelessFilter):
    """Index and query: a word lower-cased and cut to MAX_WORD_CHARS (whoosh's LowercaseFilter, bounded).

    In every analyzer, it also keeps the thread's analysis deadline (`analysis_deadline`).
    """

    def __call__(self, tokens):
        until = getattr(_deadline, "at", None)
        if until is None:
            for t in tokens:
                text = t.text.lower()
                t.text = text if len(text) <= MAX_WORD_CHARS else text[:MAX_WORD_CHARS]
                yield t
            return
        left = 1
        for t in tokens:
            left -= 1
            if not left:
                left = _CLOCK_EVERY
                if time.monotonic() > until:
                    raise AnalysisTimeoutError(f"analysing the text took longer than {_deadline.seconds:g} s")
            text = t.text.lower()
            t.text = text if len(text) <= MAX_WORD_CHARS else text[:MAX_WORD_CHARS]
            yield t


TruncateFilter = LowercaseCutFilter  # its name in the schemas of indexes written while it had one


@contextmanager
def analysis_deadline(seconds: float) -> Iterator[None]:
    """Within the block, an analyzer run in this thread raises AnalysisTimeoutError once `seconds` have passed."""
    _deadline.at, _deadline.seconds = time.monotonic() + seconds, seconds
    try:
        yield
    finally:
        _deadline.at = None


class FoldFilter(_StatelessFilter):
    """Index: each word under its folded forms (marks dropped and transliterated). Query: marks dropped."""

    def __call__(self, tokens):
        for t in tokens:
            if t.mode == "query":
                t.text = fold(t.text)
                yield t
                continue
            for form in variants(t.text):
                t.text = form
                yield t


class CompoundFilter(_StatelessFilter):
    """Index only: after each word, its compound parts in its own spelling (the whole word is kept)."""

    def __call__(self, tokens):
        for t in tokens:
            # the parts are found before the token is yielded: later filters rewrite it in place
            parts = () if t.mode == "query" else compound.spelled_parts(t.text)
            yield t
            for part in parts:
                t.text = part
                yield t


class CognateFilter(_StatelessFilter):
    """Index only: after each word of COGNATE_LETTERS letters or more, its marked cognate key."""

    def __call__(self, tokens):
        for t in tokens:
            # the key is found before the token is yielded: later filters rewrite it in place
            term = None if t.mode == "query" else cognate_term(t.text)
            yield t
            if term:
                t.text = term
                yield t


def exact_analyzer():
    """Words lower-cased (and cut to MAX_WORD_CHARS), nothing else: the exact field."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseCutFilter()


class FoldFormsFilter(_StatelessFilter):
    """CognateFilter | CompoundFilter | FoldFilter in one step, each word's forms computed once per process.

    Index: a word's folded forms, then those of its compound parts, then those of its cognate key (what
    the three filters yield, in their order). Query: the word folded. Words recur across documents, so
    a memo saves most of the analysis of a large ingest.
    """

    def __call__(self, tokens):
        for t in tokens:
            if t.mode == "query":
                t.text = fold(t.text)
                yield t
                continue
            for form in word_forms(t.text):  # kb/forms.py: the Solr backend sends the same terms
                t.text = form
                yield t


def fold_analyzer():
    """Words folded both ways, with cognate keys and compound parts at index time."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseCutFilter() | FoldFormsFilter()


def chained_fold_analyzer():
    """fold_analyzer as three separate filters (indexes written before FoldFormsFilter; tests)."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseCutFilter()
        | CognateFilter()
        | CompoundFilter()
        | FoldFilter()
    )


@cache
def stem_analyzer(language: str):
    """Stemming and stop words for one language (words cut to MAX_WORD_CHARS first)."""
    tokenizer, _lowercase, *filters = LanguageAnalyzer(language).items
    return CompositeAnalyzer(tokenizer, LowercaseCutFilter(), *filters)


def analyze(analyzer, text: str) -> list[str]:
    """The query-mode tokens of a text (for building queries by hand)."""
    return [t.text for t in analyzer(text, mode="query")]
