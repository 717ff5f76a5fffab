"""Opening, creating and writing the index: the lock with back-off, upserts and deletes, a rebuild's swap."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import random
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.multiproc import MpWriter
from whoosh.writing import SegmentWriter

from kb.errors import IndexBusyError, IndexDamagedError, IndexWriteError
from kb.models import Document, document_from_stored
from kb.schema import SCHEMA_VERSION, stem_field
from kb.whoosh_backend import (
    document_add,  # noqa: F401  (patches whoosh's writer: a document is added whole or not at all)
    segment_flush,  # noqa: F401  (patches whoosh's segment writer on import)
    superseded,  # noqa: F401  (patches whoosh's commit: replaced files stay a while)
)
from kb.whoosh_backend.analysis import STEM_LANGUAGES
from kb.whoosh_backend.document_add import DocumentRejected
from kb.whoosh_backend.index_folder import (
    INDEX_NAME,
    STAMP_FILE,  # noqa: F401  (re-exported: the stamp file is read by tests and tools)
    claim,
    clear,
    mark,
    remove_stale_building,
    remove_stale_temp,
)
from kb.whoosh_backend.index_stamp import (  # record_files, validate: re-exported too
    record_files,
    stamped_version,
    validate,
)
from kb.whoosh_backend.schema import build_schema

log = logging.getLogger(__name__)

WRITE_WAIT_S = 60.0  # how long a writer waits for the lock before it reports the index busy
WRITER_MEMORY_MB = 256


def create_index(index_dir: Path) -> FileIndex:
    """A new, empty index (the files of an old one in the folder are removed first).

    Raises IndexFolderError for a folder that is neither empty nor one of our indexes.
    """
    index_dir = Path(index_dir)
    clear(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    mark(index_dir)
    try:
        ix = whoosh_index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)
        record_files(index_dir, ix)
    except OSError as exc:
        raise IndexWriteError(f"cannot write the index at {index_dir}: {exc.strerror or exc}") from exc
    return ix


def open_index(index_dir: Path) -> tuple[FileIndex, bool]:
    """The index in a folder and whether it was (re)created empty: missing, other schema version, or damaged.

    Raises IndexFolderError for a folder that is neither empty nor one of our indexes (nothing in it
    is touched), IndexDamagedError for damaged files.
    """
    index_dir = Path(index_dir)
    claim(index_dir)
    remove_stale_building(index_dir)
    if index_dir.is_dir():
        remove_stale_temp(index_dir)
    created = False
    if not _exists(index_dir) or stamped_version(index_dir) != SCHEMA_VERSION:
        with _creation_lock(index_dir):  # another process may be creating it right now: one at a time
            if not _exists(index_dir):
                return create_index(index_dir), True
            version = stamped_version(index_dir)
            if version != SCHEMA_VERSION:
                log.warning(
                    "index %s has schema version %s, the code %s: rebuilding",
                    index_dir,
                    version,
                    SCHEMA_VERSION,
                )
                return create_index(index_dir), True
        created = True  # another process created it a moment ago: the caller indexes the corpus too
    try:
        ix = whoosh_index.open_dir(str(index_dir), indexname=INDEX_NAME)
        validate(ix, index_dir)
    except IndexDamagedError:
        raise
    except Exception as exc:  # whoosh raises many kinds for damaged files
        raise IndexDamagedError(f"index {index_dir} is damaged: {type(exc).__name__}: {exc}") from exc
    if not created:
        mark(index_dir)  # an index made by an earlier version
    return ix, created


def _exists(index_dir: Path) -> bool:
    try:
        return whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)
    except Exception as exc:  # a damaged table of contents fails here already
        raise IndexDamagedError(f"index {index_dir} is damaged: {type(exc).__name__}: {exc}") from exc


@contextmanager
def _creation_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive lock beside the index folder (creating the index removes what is in the folder)."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(index_dir.parent / f".{index_dir.name}.create-lock", "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def writer(ix: FileIndex, wait_s: float = WRITE_WAIT_S, procs: int = 1) -> Iterator[SegmentWriter]:
    """A writer that waits for the lock with back-off; commits on success, cancels on error.

    With procs > 1, whoosh's multiprocessing writer: documents are analyzed in that many processes,
    each writing its own segment (kept as it is, not merged into one), for large batches.
    """
    folder = Path(ix.storage.folder)
    w = _locked_writer(ix, wait_s, procs)
    try:
        yield w
    except BaseException as exc:
        _cancel(w, ix)
        if isinstance(exc, OSError):
            raise _write_error(folder, exc) from exc
        raise
    try:
        w.commit()
        record_files(folder, ix)
    except OSError as exc:  # the disk is full: the last committed index stays as it was
        _cancel(w, ix)
        raise _write_error(folder, exc) from exc


def _locked_writer(ix: FileIndex, wait_s: float, procs: int = 1) -> SegmentWriter:
    deadline = time.monotonic() + wait_s
    delay = 0.05
    parallel = {"procs": procs, "multisegment": True} if procs > 1 else {}
    while True:
        try:
            return ix.writer(limitmb=WRITER_MEMORY_MB, compound=False, **parallel)
        except LockError as exc:
            if time.monotonic() >= deadline:
                raise IndexBusyError(
                    f"the index is busy: another write held it for over {wait_s:.0f} s"
                ) from exc
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 1.0)
        except OSError as exc:  # no room even for the writer's first files
            raise _write_error(Path(ix.storage.folder), exc) from exc


def _write_error(folder: Path, exc: OSError) -> IndexWriteError:
    return IndexWriteError(f"cannot write the index at {folder}: {exc.strerror or exc}")


def _cancel(w: SegmentWriter, ix: FileIndex) -> None:
    """Cancel a writer that failed; its lock is released even when closing its files fails again."""
    if w.is_closed:
        return
    try:
        w.cancel()
    except Exception as exc:  # the disk is still full: whoosh could not close the segment's files
        log.info("cancelling the write failed too: %s", exc)
        try:
            w._finish()  # removes the temporary folder and releases the lock
        except Exception:
            if w.writelock:
                w.writelock.release()
    segment = getattr(w, "newsegment", None)  # its files are in no table of contents: free the space now
    listed = _listed(ix)
    if segment is not None and listed is not None and segment.segid not in listed:
        for path in Path(w.storage.folder).glob(f"{INDEX_NAME}_{segment.segid}.*"):
            path.unlink(missing_ok=True)


def _listed(ix: FileIndex) -> set[str] | None:
    try:
        return {seg.segid for seg in ix._segments()}
    except Exception:  # no readable table of contents: keep every file
        return None


def adopt(ix: FileIndex, source: Path, wait_s: float = WRITE_WAIT_S) -> None:
    """Replace every segment of the index with those of the complete index in `source`, in one commit.

    The segment files are hard-linked (copied where links are impossible) into the index folder, then
    one new table of contents lists them: a reader sees the old index or the new one, never a part,
    and one that opened before keeps the old files (kb/superseded.py removes them later).
    """
    folder = Path(ix.storage.folder)
    new = whoosh_index.open_dir(str(source), indexname=INDEX_NAME)
    segments = new._segments()
    names = [
        p.name
        for p in Path(source).iterdir()
        if p.name.startswith(tuple(f"{INDEX_NAME}_{s.segid}." for s in segments))
    ]
    w = _locked_writer(ix, wait_s)
    try:
        for name in names:
            target = folder / name
            target.unlink(missing_ok=True)  # a file of an earlier adoption that was interrupted
            try:
                os.link(Path(source) / name, target)
            except OSError:
                shutil.copy2(Path(source) / name, target)
        w._close_segment()  # the writer's own (empty) segment is never listed
        w.schema = new.schema
        w._commit_toc(segments)
        w._finish()
        record_files(folder, ix)
    except BaseException as exc:
        _cancel(w, ix)
        if isinstance(exc, OSError):
            raise _write_error(folder, exc) from exc
        raise


def ledger(reader, live) -> Iterator[tuple[int, str, str, str]]:
    """(document number, id, checksum, source) of every live document, from the ledger column (or the
    stored fields of a document written without it)."""
    for docnum, row in enumerate(column_rows(reader, "ledger")):
        if not live[docnum]:  # the column also holds deleted documents
            continue
        if row:
            doc_id, checksum, source = json.loads(row)
        else:
            fields = reader.stored_fields(docnum)
            doc_id, checksum, source = fields["id"], fields.get("checksum"), fields.get("source")
        yield docnum, doc_id, checksum or "", source or ""


def column_rows(reader, name: str) -> list[bytes | None]:
    """A column's value for every document of a reader, in document order (None where missing).

    Read per segment: whoosh's multi-segment column reader leaves out segments without the column,
    which would shift every later document's value.
    """
    rows: list[bytes | None] = []
    for segment, _ in reader.leaf_readers() if reader.doc_count_all() else ():
        count = segment.doc_count_all()
        rows += (
            _values(segment.column_reader(name, translate=False))
            if segment.has_column(name)
            else [None] * count
        )
    return rows


def _values(column) -> list[bytes]:
    """Every value of a column of byte strings, read in one piece when it is whoosh's VarBytesColumn
    (its own iterator reads the file once per document: a third of the first page at 100,000)."""
    try:
        lengths, read, start = column._lengths, column._dbfile.get, column._basepos
    except AttributeError:  # another kind of column
        return list(column)
    data = read(start, sum(lengths))
    values, position = [], 0
    for length in lengths:
        values.append(data[position : position + length])
        position += length
    return values


def facet_row(doc: Document) -> bytes:
    """The compact column value with every facet of a document."""
    row = [doc.language, doc.doctype, doc.year or 0, doc.date or "", doc.networks, doc.regions, doc.topics]
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def index_fields(doc: Document) -> dict:
    """The field values of one document."""
    fields = {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "title_fold": doc.title,
        "content": doc.text,
        "fold": doc.text,
        "text": doc.text,
        "language": doc.language,
        "doctype": doc.doctype,
        "year": doc.year or 0,
        "date": doc.date or "",
        "network": ",".join(doc.networks),
        "region": ",".join(doc.regions),
        "topic": ",".join(doc.topics),
        # stored as JSON lists: a value may itself hold a comma ("Fachausschuss Finanzen, Wirtschaft")
        "_stored_network": json.dumps(doc.networks, ensure_ascii=False),
        "_stored_region": json.dumps(doc.regions, ensure_ascii=False),
        "_stored_topic": json.dumps(doc.topics, ensure_ascii=False),
        "checksum": doc.checksum,
        "added_by": doc.added_by,
        "added_at": doc.added_at,
        "facetrow": facet_row(doc),
        "ledger": json.dumps([doc.id, doc.checksum, doc.source], ensure_ascii=False).encode("utf-8"),
    }
    if doc.language in STEM_LANGUAGES:
        fields[stem_field(doc.language)] = f"{doc.title}\n{doc.text}"
    return fields


def upsert(w: SegmentWriter, docs: Iterable[Document], failed: dict[str, str] | None = None) -> int:
    """Add or replace documents by id; returns how many were written.

    A document that cannot be indexed (DocumentRejected) is left out and its indexed version kept;
    with `failed`, why goes there (id → one line) and the others are written. The writer's processes
    (procs > 1) leave such a document out unseen: KnowledgeBase.write looks for it after the commit.
    """
    n = 0
    for doc in docs:
        fields = index_fields(doc)
        if isinstance(w, MpWriter):
            w.update_document(**fields)
            n += 1
            continue
        try:
            w.add_document(**fields)  # before the old version is deleted, which a failure keeps
        except DocumentRejected as exc:
            if failed is None:
                raise
            failed[doc.id] = str(exc)
            continue
        w.delete_by_term("id", doc.id)  # the committed documents only: not the one just added
        n += 1
    return n


def document_from_fields(fields: dict) -> Document:
    """A Document from stored fields."""

    def split(value: str | None) -> tuple[str, ...]:
        if value and value.startswith("["):
            return tuple(json.loads(value))
        return tuple(v for v in (value or "").split(",") if v)  # indexes written before JSON lists

    return document_from_stored(fields, split)
