"""Expanding typo-tolerant, prefix and wildcard words into the existing terms they match, once per request."""

from __future__ import annotations

import copy
import struct
from collections.abc import Callable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as Q

from kb.folding import spellings
from kb.plan import MAX_FUZZY_TERMS

MAX_PREFIX_TERMS = 1024  # existing terms a prefix expands to (most frequent first)
MAX_PHRASE_SPELLINGS = 8  # phrases a phrase with words typed without their umlauts becomes
MAX_NEAR_MEMO = 10_000  # typo-tolerant words whose closest terms a lexicon remembers


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
        self._near: dict[
            tuple[str, str, int, int, int], list[str]
        ] = {}  # a question's strict and relaxed plans

    def block(self, field: str, prefix: str) -> list[str]:
        key = (field, prefix)
        found = self._blocks.get(key)
        if found is None:
            terms: set[bytes] = set()
            for segment in _segments(self.reader):
                terms.update(segment_terms(segment, field, prefix.encode("utf-8")))
            found = sorted(t.decode("utf-8") for t in terms)
            self._blocks[key] = found
        return found

    def near(
        self, field: str, word: str, maxdist: int, prefixlength: int = 1, limit: int = MAX_FUZZY_TERMS
    ) -> list[str]:
        """Existing terms within maxdist edits of the word (sharing its first letters), closest and most frequent first."""
        if len(word) < prefixlength:
            return []
        key = (field, word, maxdist, prefixlength, limit)
        found = self._near.get(key)
        if found is None:
            if len(self._near) >= MAX_NEAR_MEMO:
                self._near.clear()
            found = self._near[key] = self._nearest(field, word, maxdist, prefixlength, limit)
        return list(found)

    def _nearest(self, field: str, word: str, maxdist: int, prefixlength: int, limit: int) -> list[str]:
        block = self.block(field, word[:prefixlength])
        found = process.extract(word, block, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
        if len(found) > limit:
            found.sort(key=lambda m: (m[1], -self.reader.doc_frequency(field, m[0])))
        return [m[0] for m in found[:limit]]


#: Receives the term infos of prefix completions (see _most_frequent_completions).
Sink = Callable[[str, list[tuple[bytes, int, list[tuple[object, bytes | None]]]]], None]


def expand_terms(q: Q.Query, reader, lexicon: Lexicon | None = None, sink: Sink | None = None) -> Q.Query:
    """The query with fuzzy, prefix and wildcard words replaced by the existing terms they match.

    Whoosh re-walks the term dictionary for these each time a query is run; a results page runs the
    query for matches, ranking and snippets, so expanding once saves most of the time of such queries.
    """
    if isinstance(q, Q.FuzzyTerm):
        lexicon = lexicon or Lexicon(reader)
        texts = lexicon.near(q.fieldname, q.text, q.maxdist, q.prefixlength)
        return _either(q.fieldname, texts, q.boost)
    if type(q) is Q.Prefix:
        texts = _most_frequent_completions(reader, q.fieldname, q.text, sink)
        return _either(q.fieldname, texts, q.boost)
    if isinstance(q, (Q.Prefix, Q.Wildcard)):
        texts = [t.decode("utf-8") if isinstance(t, bytes) else t for t in q._btexts(reader)]
        if len(texts) > MAX_PREFIX_TERMS:
            texts.sort(key=lambda t: -reader.doc_frequency(q.fieldname, t))
            texts = texts[:MAX_PREFIX_TERMS]
        return _either(q.fieldname, texts, q.boost)
    if isinstance(q, Q.Phrase):
        return _respelt(q, reader)
    if q.is_leaf():
        return q
    return _merged(q.apply(lambda child: expand_terms(child, reader, lexicon, sink)))


def _respelt(q: Q.Phrase, reader) -> Q.Query:
    """A phrase whose words are not in its field as typed, with the spellings of them with umlauts,
    æ/ø/å or ß that are: "Saeulen und Balken" finds "Säulen und Balken" (the folded fields keep no
    positions). An OR of at most MAX_PHRASE_SPELLINGS phrases. A word that is in the field as typed
    stays as it is ("fur" is not also "für": looking every word up cost a question's plan up to 8 ms more at 100k)."""
    options = [
        [w]
        if (q.fieldname, w) in reader
        else [s for s in spellings(w)[1:] if (q.fieldname, s) in reader] or [w]
        for w in q.words
    ]
    combos = _products(options)
    if combos == [tuple(q.words)]:
        return Q.Term(q.fieldname, q.words[0], boost=q.boost) if len(q.words) == 1 else q
    phrases = [Q.Phrase(q.fieldname, list(words), slop=q.slop, boost=q.boost) for words in combos]
    return phrases[0] if len(phrases) == 1 else Q.Or(phrases)


def _products(options: list[list[str]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for o in options:
        out = [p + (w,) for p in out for w in o][:MAX_PHRASE_SPELLINGS]
    return out


def merge_term_groups(q: Q.Query) -> Q.Query:
    """The query with every AND/OR's children of its own kind that hold only terms merged into it
    (see _merged), bottom up: what whoosh's normalize would do, without its copies."""
    if type(q) not in (Q.Or, Q.And):
        return q
    children = [merge_term_groups(s) for s in q.subqueries]
    if any(c is not s for c, s in zip(children, q.subqueries, strict=True)):
        q = copy.copy(q)  # keeps an OR's minmatch and scale
        q.subqueries = children
    return _merged(q)


def _merged(q: Q.Query) -> Q.Query:
    """An AND or OR with its children of the same kind that hold only terms merged into it.

    What whoosh's normalize does next, but with new terms: normalize copies each merged term with
    deepcopy, which for a prefix's thousands of completions cost more than reading their postings.
    """
    kind = type(q)
    if kind not in (Q.Or, Q.And) or not any(_only_terms(s, kind) for s in q.subqueries):
        return q
    subqueries: list[Q.Query] = []
    for s in q.subqueries:
        if _only_terms(s, kind):
            subqueries += [Q.Term(t.fieldname, t.text, boost=t.boost * s.boost) for t in s.subqueries]
        else:
            subqueries.append(s)
    merged = copy.copy(q)  # keeps an OR's minmatch and scale
    merged.subqueries = subqueries
    return merged


def _only_terms(q: Q.Query, kind: type) -> bool:
    return type(q) is kind and bool(q.subqueries) and all(type(t) is Q.Term for t in q.subqueries)


def _most_frequent_completions(reader, field: str, prefix: str, sink: Sink | None = None) -> list[str]:
    """The terms starting with a prefix, at most MAX_PREFIX_TERMS, the most frequent ones when more.

    `sink(field, [(term, document frequency, [(segment, term info bytes), ...]), ...])` is handed the
    chosen terms' term infos found on the way, so their postings are read without another lookup.
    """
    counts: dict[bytes, int] = {}
    infos: dict[bytes, list[tuple[object, bytes | None]]] = {}
    for segment in _segments(reader):
        for term, df, info in segment_term_records(segment, field, prefix.encode("utf-8")):
            counts[term] = counts.get(term, 0) + df
            infos.setdefault(term, []).append((segment, info))
    terms = sorted(counts)
    if len(terms) > MAX_PREFIX_TERMS:
        terms = sorted(terms, key=lambda t: -counts[t])[:MAX_PREFIX_TERMS]
    if sink is not None:
        sink(field, [(t, counts[t], infos[t]) for t in terms])
    return [t.decode("utf-8") for t in terms]


def _either(field: str, texts: list[str], boost: float) -> Q.Query:
    if not texts:
        return Q.NullQuery
    terms = [Q.Term(field, t) for t in texts]
    return Q.Or(terms, boost=boost) if len(terms) > 1 else _boosted(terms[0], boost)


def _boosted(term: Q.Term, boost: float) -> Q.Term:
    term.boost = boost
    return term


_RECORD = struct.Struct("!ii")  # whoosh's term file: key length, value length, then the key and value
_CHUNK = 1 << 20
_FIRST_CHUNK = 1 << 15
#: The start of a whoosh 3 term info: flags (B), total weight (f), document frequency (I).
_INFO_DF = struct.Struct("!BfI")


def _segments(reader) -> list:
    return [r for r, _ in reader.leaf_readers()]


def segment_terms(reader, field: str, prefix: bytes) -> list[bytes]:
    """The terms of a field starting with a prefix, in one segment, read straight from its term file.

    The same as whoosh's reader.expand_prefix, several times faster: whoosh reads each record with
    two seeks and reads; this reads the file a megabyte at a time and decodes the records in place.
    """
    return [term for term, _ in segment_term_counts(reader, field, prefix)]


def segment_term_counts(reader, field: str, prefix: bytes) -> list[tuple[bytes, int]]:
    """(term, document frequency) of the terms starting with a prefix in one segment (see segment_terms)."""
    return [(term, df) for term, df, _ in segment_term_records(reader, field, prefix)]


def segment_term_records(reader, field: str, prefix: bytes) -> list[tuple[bytes, int, bytes | None]]:
    """(term, document frequency, term info bytes) of the terms starting with a prefix in one segment.

    The term info locates (or holds) the term's postings, so they can be read without looking the term
    up again (None: not a whoosh 3 segment).
    """
    try:
        index = reader._terms._tindex
        start = reader._terms._keycoder(field, prefix)
        pos = index.closest_key_pos(start)
        end, dbfile = index.endofdata, index.dbfile
    except AttributeError:  # not a whoosh 3 segment: the slow, general way
        return [(t, reader.doc_frequency(field, t), None) for t in reader.expand_prefix(field, prefix)]
    found: list[tuple[bytes, int, bytes | None]] = []
    if pos is None:
        return found
    skip = len(start) - len(prefix)  # the field number in front of each key
    chunk = _FIRST_CHUNK  # most prefixes' terms fill a few kilobytes: read more only when they go on
    while pos < end:
        buf = dbfile.get(pos, min(chunk, end - pos))
        chunk = min(chunk * 4, _CHUNK)
        i = 0
        while i + _RECORD.size <= len(buf):
            keylen, datalen = _RECORD.unpack_from(buf, i)
            keyat = i + _RECORD.size
            valat = keyat + keylen
            if valat + datalen > len(buf):
                break
            key = buf[keyat:valat]
            if not key.startswith(start):
                return found
            found.append((key[skip:], _INFO_DF.unpack_from(buf, valat)[2], buf[valat : valat + datalen]))
            i = valat + datalen
        if i == 0:  # one record larger than a chunk
            keylen, datalen = _RECORD.unpack_from(buf, 0)
            record = dbfile.get(pos + _RECORD.size, keylen + datalen)
            key = record[:keylen]
            if not key.startswith(start):
                return found
            found.append((key[skip:], _INFO_DF.unpack_from(record, keylen)[2], record[keylen:]))
            i = _RECORD.size + keylen + datalen
        pos += i
    return found
