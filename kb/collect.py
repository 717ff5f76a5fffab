"""One scoring pass that yields both the whole match set (for facets) and the ranked top hits."""

from __future__ import annotations

import numpy as np
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


def expand_terms(q: Q.Query, reader) -> Q.Query:
    """The query with fuzzy, prefix and wildcard words replaced by the existing terms they match.

    Whoosh re-walks the term dictionary for these each time a query is run; a results page runs the
    query for matches, ranking and snippets, so expanding once saves most of the time of such queries.
    """
    if isinstance(q, (Q.FuzzyTerm, Q.Prefix, Q.Wildcard)):
        cap = MAX_FUZZY_TERMS if isinstance(q, Q.FuzzyTerm) else MAX_PREFIX_TERMS
        texts = [t for t in q._btexts(reader)]
        if len(texts) > cap:
            texts.sort(key=lambda t: -reader.doc_frequency(q.fieldname, t))
            texts = texts[:cap]
        if not texts:
            return Q.NullQuery
        terms = [Q.Term(q.fieldname, t.decode("utf-8") if isinstance(t, bytes) else t) for t in texts]
        return Q.Or(terms, boost=q.boost) if len(terms) > 1 else _boosted(terms[0], q.boost)
    if q.is_leaf():
        return q
    return q.apply(lambda child: expand_terms(child, reader))


def _boosted(term: Q.Term, boost: float) -> Q.Term:
    term.boost = boost
    return term
