"""Whoosh's segment writer, adding a document whole or not at all (imported by kb.index).

Whoosh adds a field's postings as soon as it has analysed the field, so a document whose analysis
raises halfway leaves its earlier fields' postings behind, credited to the next document added, and
an exception in one of the processes of its multiprocessing writer loses that process's whole
segment without a word. Here every field of a document is analysed first, within
INDEX_TIMEOUT_S; a document that fails raises DocumentRejected and the writer goes on as if it had
never been given it. In the writer's processes such a document is left out and logged; the caller
finds it missing after the commit (`missing_ids`) and asks `rejection` why.
"""

from __future__ import annotations

import logging
import pickle

from whoosh.multiproc import SubWriterTask
from whoosh.writing import SegmentWriter

from kb.errors import KBError
from kb.settings import env_float
from kb.whoosh_backend.analysis import analysis_deadline

log = logging.getLogger(__name__)

#: How long analysing one document for the index may take in the writer, unless KB_INDEX_TIMEOUT_S
#: says otherwise (a 5 MB text takes about 20 s).
INDEX_TIMEOUT_S = 120.0
_MESSAGE_CHARS = 200


class DocumentRejected(KBError):
    """One document cannot be indexed; the message says why, in one line."""


def _analyzed(writer: SegmentWriter, fields: dict) -> list[tuple]:
    """(name, field, postings, length, stored value, column value) of every field given, or DocumentRejected."""
    schema = writer.schema
    docboost = writer._doc_boost(fields)
    names = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, names)
    out = []
    try:
        with analysis_deadline(index_timeout_s()):
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                postings, length = [], 0
                if field.indexed:
                    boost = writer._field_boost(fields, name, docboost)
                    for tbytes, freq, weight, vbytes in field.index(value):
                        postings.append((tbytes, weight * boost, vbytes))
                        length += freq if field.scorable else 0
                custom = fields.get(f"_stored_{name}", value)
                column = None
                if field.column_type and custom is not None:
                    column = field.to_column_value(custom)
                out.append((name, field, postings, length, custom if field.stored else None, column))
    except Exception as exc:  # whatever the analysis raises is this document's failure, not the batch's
        raise DocumentRejected(_one_line(fields.get("id"), exc)) from exc
    return out


def index_timeout_s() -> float:
    """The time one document's analysis may take in the writer (KB_INDEX_TIMEOUT_S, else INDEX_TIMEOUT_S)."""
    return env_float("KB_INDEX_TIMEOUT_S", INDEX_TIMEOUT_S)


def _one_line(doc_id: object, exc: Exception) -> str:
    reason = " ".join(str(exc).split())[:_MESSAGE_CHARS] or type(exc).__name__
    return f"{doc_id}: cannot be indexed: {reason}"


def _add_document(self: SegmentWriter, **fields) -> None:
    """SegmentWriter.add_document with every field analysed before anything of the document is added."""
    self._check_state()
    if any(
        self.schema[n].separate_spelling() or self.schema[n].vector
        for n in fields
        if not n.startswith("_") and n in self.schema
    ):  # features this archive does not use: whoosh's own way
        return _whoosh_add_document(self, **fields)
    analyzed = _analyzed(self, fields)
    perdoc, docnum, add_post = self.perdocwriter, self.docnum, self.pool.add
    perdoc.start_doc(docnum)
    try:
        for name, field, postings, length, stored, column in analyzed:
            for tbytes, weight, vbytes in postings:
                add_post((name, tbytes, docnum, weight, vbytes))
            perdoc.add_field(name, field, stored, length)
            if column is not None:
                perdoc.add_column_value(name, field.column_type, column)
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    self._added = True
    self.docnum += 1


def _process_file(self: SubWriterTask, filename: str, doc_count: int) -> None:
    """SubWriterTask._process_file leaving out a document it cannot index instead of dying."""
    writer = self.writer
    storage = writer.temp_storage()
    with storage.open_file(filename).raw_file() as f:
        for _ in range(doc_count):
            code, args = pickle.load(f)
            assert code == 0
            try:
                writer.add_document(**args)
            except DocumentRejected as exc:  # the parent reports it: the document is missing after commit
                log.info("%s", exc)
    storage.delete_file(filename)


def rejection(schema, fields: dict) -> str | None:
    """Why a document cannot be indexed (None: it can), found by analysing it as the writer would."""

    class _Probe:  # the parts of a writer that _analyzed uses
        _doc_boost = SegmentWriter._doc_boost
        _field_boost = SegmentWriter._field_boost
        _check_fields = SegmentWriter._check_fields

    probe = _Probe()
    probe.schema = schema
    try:
        _analyzed(probe, fields)
    except DocumentRejected as exc:
        return str(exc)
    return None


def missing_ids(ix, ids) -> list[str]:
    """The ids the committed index does not hold."""
    with ix.searcher() as s:
        return [i for i in ids if s.document_number(id=i) is None]


_whoosh_add_document = SegmentWriter.add_document
SegmentWriter.add_document = _add_document
SubWriterTask._process_file = _process_file
