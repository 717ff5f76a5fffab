"""Query evaluation over whole posting lists with numpy: the match set and BM25F scores in a few array operations.

Whoosh evaluates a query one document at a time through a tree of Python matchers; a results page
needs every match (for the facet counts) and a query fans each word out over up to eight fields, so
that walk costs most of a page. Here each term's postings are read once per searcher into arrays
(and kept in a bounded cache), and Or/And/AndMaybe/AndNot become unions, intersections and sums over
dense per-document arrays. Scores are whoosh's BM25F with the same statistics (idf, average field
length, the one-byte field lengths), so rankings match whoosh's.

Phrases are checked on positions for the documents that have every word; a phrase that only adds a
bonus (the proximity clause of a multi-word query) is checked for the best candidates only. Any other
query type is evaluated by whoosh's own matchers.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from math import log

import numpy as np
from whoosh import query as Q
from whoosh.reading import TermNotFound

from kb.whoosh_backend.postings import (
    decode_many,
    known_postings,
    postings_extent,
    read_extents,
    read_postings,
    segment_lengths,
    term_postings,
    unwrapped,
)

K1 = 1.2  # whoosh BM25F defaults
B = 0.75
POSTINGS_CACHE = 4_000_000  # postings kept across requests (ids and weights: 8 bytes each)
RERANK_DEPTH = 200  # candidates a proximity bonus is checked for, at least
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_SCORES = np.zeros(0, dtype=np.float64)


@dataclass
class Matches:
    """Which documents a (sub)query matches, and their scores (dense over the searcher's documents)."""

    mask: np.ndarray
    score: np.ndarray


class Engine:
    """Evaluates queries for one searcher; caches postings and field lengths until the searcher is replaced."""

    def __init__(self, searcher, live: np.ndarray) -> None:
        self.searcher = searcher
        self.live = live
        self.size = len(live)
        self.segments = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        self.schema = searcher.schema
        self._postings: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._idf: dict[tuple[str, str], float] = {}

    # -- the public entry -----------------------------------------------------------------------------

    def run(
        self, q: Q.Query, allowed: np.ndarray | None, limit: int
    ) -> tuple[np.ndarray, list[tuple[int, float]]]:
        """(every live matching document as a mask, the top `limit` allowed ones with scores)."""
        required, bonus = _split_bonus(q)
        found = self.evaluate(required)
        mask = found.mask & self.live
        ranked_mask = mask & allowed if allowed is not None else mask
        score = found.score
        if bonus:
            depth = max(RERANK_DEPTH, limit * 3)
            candidates = _top(ranked_mask, score, depth)
            extra = np.zeros(self.size)
            for phrase in bonus:  # one phrase, or its spellings (kb.collect): the best that matched
                near = self.phrase(phrase, boost=phrase.boost, within=candidates)
                extra = np.maximum(extra, np.where(near.mask, near.score, 0.0))
            score = score + extra
            ranked_mask = np.zeros(self.size, dtype=bool)
            ranked_mask[candidates] = True
        docs = _top(ranked_mask, score, limit)
        return mask, [(int(d), float(score[d])) for d in docs]

    # -- evaluation -----------------------------------------------------------------------------------

    def evaluate(self, q: Q.Query, boost: float = 1.0) -> Matches:
        boost *= q.boost if hasattr(q, "boost") else 1.0
        kind = type(q)
        if kind is Q.Term:
            return self.term(q.fieldname, q.text, boost)
        if kind is Q.Or and not q.scale:  # a coordination bonus (scale) is left to whoosh
            return self._or(q, boost)
        if kind is Q.And:
            return self._all([self.evaluate(s, boost) for s in q.subqueries])
        if kind is Q.AndMaybe:
            a, b = self.evaluate(q.a, boost), self.evaluate(q.b, boost)
            return Matches(a.mask, a.score + np.where(a.mask & b.mask, b.score, 0.0))
        if kind is Q.AndNot:
            a, b = self.evaluate(q.a, boost), self.evaluate(q.b, boost)
            keep = a.mask & ~b.mask
            return Matches(keep, np.where(keep, a.score, 0.0))
        if kind is Q.Require:  # both match, scored by the first alone
            a, b = self.evaluate(q.a, boost), self.evaluate(q.b, boost)
            keep = a.mask & b.mask
            return Matches(keep, np.where(keep, a.score, 0.0))
        if kind is Q.Not:
            inner = self.evaluate(q.query)  # whoosh scores each document outside the inner query 1
            return Matches(~inner.mask, np.where(inner.mask, 0.0, boost))
        if kind is Q.Phrase:
            return self.phrase(q, boost=boost)
        if q is Q.NullQuery or kind is type(Q.NullQuery):
            return Matches(np.zeros(self.size, dtype=bool), self._zeros())
        if kind is Q.Every:
            return Matches(np.ones(self.size, dtype=bool), self._zeros())
        return self._by_whoosh(q, boost)

    def _or(self, q: Q.Or, boost: float) -> Matches:
        """The union, summing scores; term children are added sparsely (a prefix can bring a thousand)."""
        if len(q.subqueries) > 2 and all(type(sub) is Q.Term for sub in q.subqueries):
            return self._terms_or(q.subqueries, boost)
        mask = np.zeros(self.size, dtype=bool)
        score = self._zeros()
        for sub in q.subqueries:
            if type(sub) is Q.Term:
                ids, scores = self.term_postings(sub.fieldname, sub.text, boost * sub.boost)
                mask[ids] = True
                score[ids] += scores
            else:
                part = self.evaluate(sub, boost)
                mask |= part.mask
                score += part.score
        return Matches(mask, np.where(mask, score, 0.0))

    def _terms_or(self, terms: list[Q.Term], boost: float) -> Matches:
        """An OR of terms (a prefix's or a typo's completions) scored in one vectorised pass.

        The same float32 operations per posting as term_postings, and bincount adds each document's
        scores in the order of the terms, as the term-by-term loop does: the scores are identical.
        """
        ids_parts, tf_parts, idfs, boosts, avgs, counts, slots = [], [], [], [], [], [], []
        fields: dict[str, tuple[object, int, float] | None] = {}  # field → (its object, slot, average length)
        for sub in terms:
            field = sub.fieldname
            known = fields.get(field, False)
            if known is False:
                known = None
                if field in self.schema:
                    fieldobj = self.schema[field]
                    if not fieldobj.scorable:
                        # unscored fields count their weight: tf 1 with a zero K1 term gives weight * idf 1
                        return self._or_terms_one_by_one(terms, boost)
                    average = self.searcher.avg_field_length(field) or 1
                    known = (fieldobj, sum(v is not None for v in fields.values()), average)
                fields[field] = known
            if known is None:
                continue
            try:
                btext = known[0].to_bytes(sub.text)
            except ValueError:
                continue
            ids, weights = self.postings(field, btext)
            if not len(ids):
                continue
            ids_parts.append(ids)
            tf_parts.append(weights)
            idfs.append(self._idf_of(field, btext))
            avgs.append(known[2])
            boosts.append(boost * sub.boost)
            counts.append(len(ids))
            slots.append(known[1])
        mask = np.zeros(self.size, dtype=bool)
        if not ids_parts:
            return Matches(mask, self._zeros())
        ids, tf = np.concatenate(ids_parts), np.concatenate(tf_parts)
        used = [f for f, v in fields.items() if v is not None]  # in slot order
        if len(used) == 1:
            length = self.lengths(used[0])[ids]
        else:
            length = np.stack([self.lengths(f) for f in used])[np.repeat(slots, counts), ids]
        idf = np.repeat(np.asarray(idfs, dtype=np.float32), counts)
        avg = np.repeat(np.asarray(avgs, dtype=np.float32), counts)
        scores = np.repeat(np.asarray(boosts, dtype=np.float32), counts) * (
            idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / avg)))
        )
        mask[ids] = True
        return Matches(mask, np.bincount(ids, weights=scores, minlength=self.size))

    def _or_terms_one_by_one(self, terms: list[Q.Term], boost: float) -> Matches:
        mask = np.zeros(self.size, dtype=bool)
        score = self._zeros()
        for sub in terms:
            ids, scores = self.term_postings(sub.fieldname, sub.text, boost * sub.boost)
            mask[ids] = True
            score[ids] += scores
        return Matches(mask, score)

    def _all(self, parts: list[Matches]) -> Matches:
        if not parts:
            return Matches(np.zeros(self.size, dtype=bool), self._zeros())
        mask = np.logical_and.reduce([p.mask for p in parts])
        score = np.add.reduce([p.score for p in parts])
        return Matches(mask, np.where(mask, score, 0.0))

    def term(self, field: str, text, boost: float) -> Matches:
        mask = np.zeros(self.size, dtype=bool)
        score = self._zeros()
        ids, scores = self.term_postings(field, text, boost)
        mask[ids] = True
        score[ids] = scores
        return Matches(mask, score)

    def term_postings(self, field: str, text, boost: float) -> tuple[np.ndarray, np.ndarray]:
        """(documents, scores) of one term: BM25F for scored fields, the weight for others."""
        if field not in self.schema:
            return _NO_IDS, _NO_SCORES
        try:
            btext = self.schema[field].to_bytes(text)
        except ValueError:
            return _NO_IDS, _NO_SCORES
        ids, weights = self.postings(field, btext)
        if not len(ids):
            return _NO_IDS, _NO_SCORES
        if self.schema[field].scorable:
            return ids, boost * self._bm25(field, btext, weights, self.lengths(field)[ids])
        return ids, boost * weights.astype(np.float64)

    def _idf_of(self, field: str, btext: bytes) -> float:
        key = (field, btext)
        idf = self._idf.get(key)
        if idf is None:
            idf = self._idf[key] = self.searcher.idf(field, btext)
        return idf

    def _bm25(self, field: str, btext: bytes, tf: np.ndarray, length: np.ndarray) -> np.ndarray:
        idf = self._idf_of(field, btext)
        avg = self.searcher.avg_field_length(field) or 1
        return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / avg)))

    # -- phrases --------------------------------------------------------------------------------------

    def phrase(self, q: Q.Phrase, boost: float = 1.0, within: np.ndarray | None = None) -> Matches:
        """Documents with the words in order, each at most `slop` positions after the one before."""
        field = q.fieldname
        words = [self.schema[field].to_bytes(w) for w in q.words] if field in self.schema else []
        mask = np.zeros(self.size, dtype=bool)
        score = self._zeros()
        if not words or not self.schema[field].format.supports("positions"):
            return Matches(mask, score)
        parts = [self.term(field, w, boost) for w in words]
        both = np.logical_and.reduce([p.mask for p in parts]) & self.live
        if within is not None:
            restricted = np.zeros(self.size, dtype=bool)
            restricted[within] = True
            both &= restricted
        candidates = np.flatnonzero(both)
        if not len(candidates):
            return Matches(mask, score)
        for reader, offset in self.segments:
            local = (
                candidates[(candidates >= offset) & (candidates < offset + reader.doc_count_all())] - offset
            )
            if not len(local):
                continue
            matchers = [unwrapped(reader.postings(field, w)) for w in words]
            for docnum in local.tolist():
                positions = []
                for m in matchers:
                    m.skip_to(docnum)
                    positions.append(m.value_as("positions"))
                if _in_order(positions, q.slop):
                    mask[offset + docnum] = True
        total = np.add.reduce([p.score for p in parts])
        return Matches(mask, np.where(mask, total, 0.0))

    # -- fallback -------------------------------------------------------------------------------------

    def _by_whoosh(self, q: Q.Query, boost: float) -> Matches:
        """Any other query: whoosh's matchers, one segment at a time."""
        mask = np.zeros(self.size, dtype=bool)
        score = self._zeros()
        for sub, offset in self.searcher.leaf_searchers():
            m = q.matcher(sub, sub.context())
            ids, scores = [], []
            while m.is_active():
                ids.append(offset + m.id())
                scores.append(m.score())
                m.next()
            if ids:
                mask[ids] = True
                score[ids] = np.asarray(scores, dtype=np.float64) * boost
        return Matches(mask, score)

    # -- storage --------------------------------------------------------------------------------------

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term frequencies) of a term over all segments, cached."""
        key = (field, btext)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        ids_parts, weight_parts = [], []
        for reader, offset in self.segments:
            try:  # one term lookup per segment (asking `in` first would make it two)
                read = term_postings(reader, field, btext)
            except AttributeError:  # not a whoosh 3 segment: its matcher
                try:
                    read = read_postings(unwrapped(reader.postings(field, btext)))
                except TermNotFound:
                    read = None
            if read is None:
                continue
            ids_parts.append(read[0] + offset)
            weight_parts.append(read[1])
        if ids_parts:
            found = (np.concatenate(ids_parts), np.concatenate(weight_parts))
        else:
            found = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        self._store(key, found)
        return found

    def _store(self, key: tuple[str, bytes], found: tuple[np.ndarray, np.ndarray]) -> None:
        self._postings[key] = found
        self._cached += len(found[0])
        while self._cached > POSTINGS_CACHE and len(self._postings) > 1:
            _, (old, _) = self._postings.popitem(last=False)
            self._cached -= len(old)

    def preload(self, field: str, found: list[tuple[bytes, int, list[tuple[object, bytes | None]]]]) -> None:
        """Postings and idf of terms whose term infos were read already (a prefix's completions).

        `found` holds (term, document frequency over all segments, [(segment reader, term info bytes)]);
        reading the postings from the term infos saves a term lookup per term and segment, and the
        completions' postings, which lie one after the other, are read with one read per segment.
        """
        offsets = {id(reader): offset for reader, offset in self.segments}
        count = self.searcher.doc_count_all()
        idf, cached = self._idf, self._postings
        wanted: list[tuple[bytes, list[tuple[object, tuple | None, tuple[int, int] | None]]]] = []
        for btext, df, infos in found:
            key = (field, btext)
            if key not in idf:
                idf[key] = log(count / (df + 1)) + 1  # whoosh's idf
            if key in cached or field not in self.schema:
                continue
            located = []
            for segment, info in infos:
                if info is None or id(segment) not in offsets:
                    break  # read the general way when asked
                known = known_postings(info)
                extent = postings_extent(info) if known is None else None
                if known is None and extent is None:
                    break
                located.append((segment, known, extent))
            else:
                wanted.append((btext, located))
        by_segment: dict[int, list[tuple[int, int]]] = {}
        for _, located in wanted:
            for segment, _, extent in located:
                if extent is not None:
                    by_segment.setdefault(id(segment), []).append(extent)
        buffers = {}
        for segment, _ in self.segments:
            if id(segment) in by_segment:
                buffers[id(segment)] = read_extents(segment, by_segment[id(segment)])
        extents = [
            [
                (None, *known, offsets[id(segment)])
                if known is not None
                else (*buffers[id(segment)][extent[0]], extent[1], offsets[id(segment)])
                for segment, known, extent in located
            ]
            for _, located in wanted
        ]
        for (btext, _), postings in zip(wanted, decode_many(extents), strict=True):
            self._store((field, btext), postings)

    def has(self, field: str, btext: bytes) -> bool:
        """Whether a term is in the index (from the postings cache once it has been read)."""
        return len(self.postings(field, btext)[0]) > 0

    def lengths(self, field: str) -> np.ndarray:
        """Each document's length in a field, as whoosh stores it (one byte, approximate); 1 when unknown."""
        found = self._lengths.get(field)
        if found is None:
            parts = []
            for reader, _ in self.segments:
                parts.append(segment_lengths(reader, field))
            found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
            self._lengths[field] = found
        return found

    def _zeros(self) -> np.ndarray:
        return np.zeros(self.size, dtype=np.float64)


def _split_bonus(q: Q.Query) -> tuple[Q.Query, list[Q.Phrase]]:
    """A query whose top is `required ANDMAYBE phrase` (or an OR of a phrase's spellings) as
    (required, phrases); else (query, [])."""
    if type(q) is Q.AndMaybe and q.boost == 1.0:
        if type(q.b) is Q.Phrase:
            return q.a, [q.b]
        if type(q.b) is Q.Or and q.b.boost == 1.0 and all(type(p) is Q.Phrase for p in q.b.subqueries):
            return q.a, list(q.b.subqueries)
    return q, []


def _top(mask: np.ndarray, score: np.ndarray, limit: int) -> np.ndarray:
    """The documents in the mask with the highest scores (ties: lower document number first)."""
    docs = np.flatnonzero(mask)
    if len(docs) > limit:
        keep = np.argpartition(-score[docs], limit - 1)[:limit]
        threshold = score[docs[keep]].min()
        docs = docs[score[docs] >= threshold]  # keep every tie at the edge, then order exactly
    order = np.lexsort((docs, -score[docs]))
    return docs[order[:limit]]


def _in_order(positions: list, slop: int) -> bool:
    """Whether each word occurs 1..slop positions after an occurrence of the word before it."""
    current = set(positions[0])
    steps = range(1, max(1, slop) + 1)
    for following in positions[1:]:
        reachable = {q + d for q in current for d in steps}
        current = reachable.intersection(following)
        if not current:
            return False
    return True
