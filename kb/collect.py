"""One scoring pass that yields both the whole match set (for facets) and the ranked top hits."""

from __future__ import annotations

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import collectors
from whoosh import query as Q

MAX_FUZZY_TERMS = 20  # closest existing terms a typo-tolerant word expands to
MAX_PREFIX_TERMS = 1024  # existing terms a prefix expands to (most frequent first)


class MaskingCollector(collectors.TopCollector):
    """Top hits among `allowed` documents, while recording every matching document."""

    def __init__(self, limit: int, size: int, allowed: np.ndarray | None) -> None:
        super().__init__(limit=max(1, limit), usequality=False)
        self.allowed = allowed
        self.matched = np.zeros(size, dtype=bool)
        self._seen: list[int] = []

    def set_subsearcher(self, subsearcher, offset):
        self._flush()
        super().set_subsearcher(subsearcher, offset)

    def collect(self, sub_docnum):
        docnum = self.offset + sub_docnum
        self._seen.append(docnum)
        if self.allowed is None or self.allowed[docnum]:
            return super().collect(sub_docnum)
        return None

    def _flush(self) -> None:
        if self._seen:
            self.matched[np.asarray(self._seen, dtype=np.int64)] = True
            self._seen = []

    def finish(self):
        self._flush()
        return super().finish()


class Lexicon:
    """The terms of a field, read once per searcher in blocks by prefix, for typo-tolerant lookups.

    Whoosh's own fuzzy matching computes a pure-Python Levenshtein distance to every term sharing the
    prefix, each time a query runs; here the block is read once and the distances are computed by
    rapidfuzz (C++). Its optimal-string-alignment distance also counts a swap of two neighbouring
    letters ("Etnries") as one edit, where whoosh counts two.
    """

    def __init__(self, reader) -> None:
        self.reader = reader
        self._blocks: dict[tuple[str, str], list[str]] = {}

    def block(self, field: str, prefix: str) -> list[str]:
        key = (field, prefix)
        found = self._blocks.get(key)
        if found is None:
            found = [t.decode("utf-8") for t in self.reader.expand_prefix(field, prefix)]
            self._blocks[key] = found
        return found

    def near(
        self, field: str, word: str, maxdist: int, prefixlength: int = 1, limit: int = MAX_FUZZY_TERMS
    ) -> list[str]:
        """Existing terms within maxdist edits of the word (sharing its first letters), closest and most frequent first."""
        if len(word) < prefixlength:
            return []
        block = self.block(field, word[:prefixlength])
        found = process.extract(word, block, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        if len(found) > limit:
            found.sort(key=lambda m: (m[1], -self.reader.doc_frequency(field, m[0])))
        return [m[0] for m in found[:limit]]


def expand_terms(q: Q.Query, reader, lexicon: Lexicon | None = None) -> Q.Query:
    """The query with fuzzy, prefix and wildcard words replaced by the existing terms they match.

    Whoosh re-walks the term dictionary for these each time a query is run; a results page runs the
    query for matches, ranking and snippets, so expanding once saves most of the time of such queries.
    """
    if isinstance(q, Q.FuzzyTerm):
        lexicon = lexicon or Lexicon(reader)
        texts = lexicon.near(q.fieldname, q.text, q.maxdist, q.prefixlength)
        return _either(q.fieldname, texts, q.boost)
    if isinstance(q, (Q.Prefix, Q.Wildcard)):
        texts = [t.decode("utf-8") if isinstance(t, bytes) else t for t in q._btexts(reader)]
        if len(texts) > MAX_PREFIX_TERMS:
            texts.sort(key=lambda t: -reader.doc_frequency(q.fieldname, t))
            texts = texts[:MAX_PREFIX_TERMS]
        return _either(q.fieldname, texts, q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda child: expand_terms(child, reader, lexicon))


def _either(field: str, texts: list[str], boost: float) -> Q.Query:
    if not texts:
        return Q.NullQuery
    terms = [Q.Term(field, t) for t in texts]
    return Q.Or(terms, boost=boost) if len(terms) > 1 else _boosted(terms[0], boost)


def _boosted(term: Q.Term, boost: float) -> Q.Term:
    term.boost = boost
    return term
