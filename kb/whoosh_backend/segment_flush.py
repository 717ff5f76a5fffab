"""Whoosh's segment writer, reading a new segment's field lengths once per field (imported by kb.index)."""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter


class _SegmentLengths:
    """A new segment's field lengths, each field's column read once (for whoosh's posting statistics).

    Whoosh asks the per-document reader for a document's field length once per posting while it
    writes a segment's postings, a file read each time; this answers from one read per field.
    """

    def __init__(self, pdr) -> None:
        self._pdr = pdr
        self._fields: dict[str, list[float] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: float = 0) -> float:
        lengths = self._fields.get(fieldname, _MISSING)
        if lengths is _MISSING:
            lengths = self._fields[fieldname] = self._read(fieldname)
        if lengths is None or docnum >= len(lengths):
            return self._pdr.doc_field_length(docnum, fieldname, default)
        return lengths[docnum] or default

    def _read(self, fieldname: str) -> list[float] | None:
        try:
            column = self._pdr._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
            if column is None:
                return None
            raw = column._dbfile.get(column._basepos, column._count)
        except AttributeError:  # another codec: ask it per document
            return None
        return [byte_to_length(b) if b else 0 for b in raw]


_MISSING = object()


def _flush_segment(self) -> None:
    """SegmentWriter._flush_segment with the segment's field lengths read once per field."""
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    postings = self.pool.iter_postings()
    self.fieldwriter.add_postings(self.schema, _SegmentLengths(pdr) if pdr else None, postings)
    self.fieldwriter.close()
    if pdr:
        pdr.close()


_whoosh_flush_segment = SegmentWriter._flush_segment  # kept for the test that compares both
SegmentWriter._flush_segment = _flush_segment
