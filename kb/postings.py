"""Reading whoosh's postings and field lengths into numpy arrays (for kb/engine.py).

Whoosh reads a posting list one document at a time through a matcher; these read a block at a
time (or from a term info found while listing terms), and a segment's one-byte field lengths
straight from its length column.
"""

from __future__ import annotations

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3TermInfo
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length

_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


def unwrapped(m):
    """The postings matcher under whoosh's deleted-documents filter (deleted documents are masked by `live`)."""
    return m.child if isinstance(m, FilterMatcher) else m


def read_postings(m) -> tuple[np.ndarray, np.ndarray]:
    """All (ids, weights) of a leaf matcher, a block at a time for whoosh's on-disk postings."""
    if isinstance(m, W3LeafMatcher) and not m._byteids:
        ids_parts, weight_parts = [], []
        while m.is_active():
            if m._data is None:
                m._read_data()
            ids_parts.append(np.cumsum(np.asarray(m._data[0], dtype=np.int64)))
            m._read_weights()
            weight_parts.append(np.asarray(m._weights, dtype=np.float32))
            m._next_block()
        if ids_parts:
            return np.concatenate(ids_parts), np.concatenate(weight_parts)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)


def postings_from_info(segment, field: str, btext: bytes, info: bytes, fmt) -> tuple[np.ndarray, np.ndarray]:
    """A segment's (ids, weights) of a term from its term info bytes (inlined, or where in the postings file)."""
    terminfo = W3TermInfo.from_bytes(info)
    if terminfo.is_inlined():
        ids, weights, _ = terminfo.inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    terms = segment._terms
    m = terms._codec.postings_reader(terms._postfile, terminfo, fmt, term=(field, btext))
    return read_postings(m)


def segment_lengths(reader, field: str) -> np.ndarray:
    """A segment's field lengths from its length column (a byte per document)."""
    count = reader.doc_count_all()
    raw = np.zeros(count, dtype=np.uint8)
    column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    if column is not None:
        n = min(column._count, count)
        raw[:n] = np.frombuffer(column._dbfile.get(column._basepos, n), dtype=np.uint8)
    lengths = _BYTE_TO_LENGTH[raw]
    lengths[raw == 0] = 1.0  # whoosh's scorer reads a missing length as 1
    return lengths
