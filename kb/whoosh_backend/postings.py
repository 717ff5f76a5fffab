"""Reading whoosh's postings and field lengths into numpy arrays (for kb/engine.py).

Whoosh reads a posting list one document at a time through a matcher; these read a block at a
time (or from a term info found while listing terms), and a segment's one-byte field lengths
straight from its length column.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from io import BytesIO
from itertools import accumulate, islice

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher, W3TermInfo
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


_TERM_INFO = struct.Struct("!BfIBBfII")  # whoosh 3: flags, weight, df, lengths, max weight, ids
_EXTENT = struct.Struct("!qi")  # after it, for postings kept in the postings file: offset, length
_BLOCK_LENGTH = struct.Struct("!i")  # before each block; negative for the last block
READ_GAP = 1 << 16  # postings at most this many bytes apart are read together


def postings_extent(info: bytes) -> tuple[int, int] | None:
    """(offset, length) of a term's postings in its segment's postings file; None when inlined."""
    if info[0]:
        return None
    return _EXTENT.unpack_from(info, _TERM_INFO.size)


def known_postings(info: bytes) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
    """The postings a term info tells by itself, without reading the postings file, or None.

    It holds the document frequency, the first and last document and the total and highest weight:
    a term in one document is there entirely, and so is a term in two documents with the same
    (whole-number) weight in both. Most of a prefix's completions are such rare words.
    """
    inlined, weight, df, _, _, top, first, last = _TERM_INFO.unpack_from(info)
    if inlined:
        return None
    if df == 1:
        return (first,), (weight,)
    if df == 2 and weight == 2 * top and top.is_integer():
        return (first, last), (top, top)
    return None


def read_extents(segment, extents: list[tuple[int, int]]) -> dict[int, tuple[bytes, int]]:
    """For each extent's offset: (bytes holding its postings, where they start in those bytes).

    A prefix's completions follow each other in the term dictionary and their postings follow each
    other in the postings file: extents at most READ_GAP bytes apart share one read, instead of a
    seek and several reads per term and block.
    """
    postfile = segment._terms._postfile
    found: dict[int, tuple[bytes, int]] = {}
    group: list[int] = []
    start = end = 0
    for offset, length in sorted(set(extents)) + [(-1, 0)]:
        if group and (offset < 0 or offset - end > READ_GAP):
            buf = postfile.get(start, end - start)
            for at in group:
                found[at] = (buf, at - start)
            group = []
        if offset < 0:
            break
        if not group:
            start = end = offset
        group.append(offset)
        end = max(end, offset + length)
    return found


def term_postings(segment, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """A segment's (ids, weights) of a term from its term info and postings bytes; None without the term.

    One hash lookup and one read, where whoosh's matcher seeks and reads for each step of each
    block. Deleted documents are included (the engine masks them). Raises AttributeError for a
    reader that is not a whoosh 3 segment.
    """
    terms = segment._terms
    info = terms._tindex.get(terms._keycoder(field, btext))
    if info is None:
        return None
    known = known_postings(info)
    if known is not None:
        return np.asarray(known[0], dtype=np.int64), np.asarray(known[1], dtype=np.float32)
    extent = postings_extent(info)
    if extent is None:  # inlined in the term info
        ids, weights, _ = W3TermInfo.from_bytes(info).inlined_postings()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    offset, length = extent
    return decode_many([[(terms._postfile.get(offset, length), 0, length, 0)]])[0]


#: Where a term's postings are in one segment: (bytes, position, length, the segment's first document
#: number), or (None, ids, weights, that number) for postings known already.
Extent = tuple[bytes, int, int, int] | tuple[None, tuple[int, ...], tuple[float, ...], int]


def decode_many(terms: list[list[Extent]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(ids, weights) of each term, whose postings are given per segment in segment order.

    A posting list is the header tag, then blocks: a signed length (negative for the last block),
    the pickled block info (count, last id, max weight, compression, min and max length) and the
    (compressed) pickled (id deltas, weights, values). What W3LeafMatcher reads through a seek and
    a read per step is decoded in place here, into one list for all terms (a prefix's completions
    are mostly rare words with a posting or two): each term's arrays are views of one array.
    """
    ids: list[int] = []
    weights: list[float] = []
    bounds = [0]
    stream, streamed = None, None
    for extents in terms:
        for buf, at, length, offset in extents:
            if buf is None:  # (None, ids, weights, offset): postings known from the term info
                ids += [i + offset for i in at]
                weights += length
                continue
            if buf is not streamed:
                stream, streamed = BytesIO(buf), buf
            if buf[at : at + 4] != WHOOSH3_HEADER_MAGIC:
                raise ValueError(f"not a whoosh 3 posting list at byte {at}")
            pos, end = at + 4, at + length
            while pos < end:
                size = _BLOCK_LENGTH.unpack_from(buf, pos)[0]
                block_end = pos + _BLOCK_LENGTH.size + abs(size)
                stream.seek(pos + _BLOCK_LENGTH.size)
                count, _, _, compression, _, _ = pickle.load(stream)
                data = buf[stream.tell() : block_end]
                deltas, block_weights, _ = pickle.loads(zlib.decompress(data) if compression else data)
                ids += islice(accumulate(deltas, initial=offset), 1, None)
                if block_weights is None:
                    weights += [1.0] * count
                elif isinstance(block_weights, float):
                    weights += [block_weights] * count
                else:
                    weights += block_weights
                pos = block_end
                if size < 0:
                    break
        bounds.append(len(ids))
    all_ids = np.array(ids, dtype=np.int64)
    all_weights = np.array(weights, dtype=np.float32)
    return [(all_ids[a:b], all_weights[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


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
