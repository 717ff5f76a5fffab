"""Changing single documents: uploads, metadata corrections and deletions.

Every change is validated and read before anything is written, so a refused file or value leaves
corpus/ byte for byte as it was; what is stored is written atomically (the metadata file first, then
the original) before the index is touched, and deletions move files to corpus/.deleted/.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from archive.audit import audit, now
from archive.names import free_path, name_max, safe_filename
from archive.trash import move_to_trash, note_deletion, put_back
from ingest.errors import IngestError
from ingest.metadata.confirmed import validate
from ingest.paths import reserved_reason
from ingest.pipeline import Outcome, content_checksum, discover, file_id, run, source_label, state_checksum
from ingest.reading import read_regular
from ingest.sidecar import atomic_write, read_sidecar, sidecar_path, write_sidecar
from ingest.source import Source
from ingest.worker import Limits, init_worker, read_noted
from kb.api import KnowledgeBase
from kb.errors import DocumentNotIndexedError
from kb.models import Document
from kb.settings import Settings, env_int

UPLOAD_DIR = "uploads"
METADATA_KEYS = ("title", "language", "date", "networks", "regions", "topics", "doctype")


class DuplicateUpload(IngestError):
    """The bytes are already archived (the message names the document)."""

    def __init__(self, message: str, doc_id: str) -> None:
        super().__init__(message)
        self.doc_id = doc_id


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_bytes=settings.max_upload_bytes,
        max_pdf_pages=settings.max_pdf_pages,
        timeout_s=settings.extract_timeout_s,
        memory_mb=env_int("KB_WORKER_MEMORY_MB", 2048, least=0),  # 0: no limit
    )


def read_in_worker(
    settings: Settings, name: str, data: bytes, *, doc_id: str, label: str, confirmed: Mapping | None = None
) -> tuple[Document, tuple[str, ...]]:
    """Bytes read into a Document in a worker process (time and memory limits), with what a user should
    know of the file (read_document's warnings); IngestError if refused."""
    limits = limits_from(settings)
    if len(data) > limits.max_bytes:
        raise IngestError(
            f"{name}: the file is larger than the limit ({len(data):,} > {limits.max_bytes:,} bytes)"
        )
    with ProcessPoolExecutor(max_workers=1, initializer=init_worker, initargs=(limits,)) as pool:
        future = pool.submit(
            read_noted,
            Source(name, data),
            doc_id=doc_id,
            label=label,
            checksum=content_checksum(data),
            corpus=settings.corpus_dir,
            limits=limits,
            confirmed=dict(confirmed or {}),
        )
        try:
            return future.result(timeout=limits.timeout_s + 30)
        except IngestError as exc:
            message = str(exc)
            raise type(exc)(message if message.startswith(name) else f"{name}: {message}") from exc
        except Exception as exc:  # the worker died: memory limit, crash
            raise IngestError(f"{name}: the reader crashed ({type(exc).__name__})") from exc


def preview(settings: Settings, filename: str, data: bytes) -> tuple[Document, tuple[str, ...]]:
    """What an upload would become (text, language, suggested metadata), read in a worker process, and
    what the coordinator should know of the file (PDF pages not read …)."""
    name = safe_filename(filename)
    return read_in_worker(settings, name, data, doc_id="preview", label=name)


def find_duplicate(kb: KnowledgeBase, data: bytes) -> str | None:
    """The id of an archived document with exactly these bytes, if any."""
    wanted = content_checksum(data)
    for doc_id, (checksum, _) in kb.checksums().items():
        if checksum.split("-")[0] == wanted:
            return doc_id
    return None


def store_upload(
    kb: KnowledgeBase,
    settings: Settings,
    filename: str,
    data: bytes,
    metadata: Mapping[str, object],
    user: str,
) -> Outcome:
    """Store an upload in corpus/ with its confirmed metadata, then index it (searchable at once).

    An empty date (None) or list of networks, regions or topics in `metadata` is confirmed empty
    (the coordinator removed what was suggested); leave a field out to have it derived.

    Refused (InvalidMetadata, DuplicateUpload, or any IngestError from reading) before anything is
    written, and taken out of corpus/ again when the index refuses it (IngestError) or cannot be
    written (KBError): corpus/ only ever receives files that are indexed.
    """
    meta = validate(
        {k: metadata[k] for k in METADATA_KEYS if k in metadata}, kb.vocabulary, keep_emptied=True
    )
    twin = find_duplicate(kb, data)
    name = safe_filename(filename)
    if reserved_reason(name):  # the corpus walk would never see it: a rebuild would drop the document
        raise IngestError(f"{name}: a reserved name ({reserved_reason(name)}); rename the file to add it")
    if twin:
        raise DuplicateUpload(f"{name}: already archived as {twin} (the same bytes)", twin)
    folder = settings.corpus_dir / UPLOAD_DIR / datetime.now(UTC).strftime("%Y")
    if linked := linked_reason(settings.corpus_dir, folder):
        raise IngestError(f"{name}: cannot store the file: {linked}")
    path = free_path(folder / name)
    label = source_label(path, settings.corpus_dir)
    doc_id = file_id(label)
    meta.update(added_by=user, added_at=now())
    doc, warnings = read_in_worker(settings, name, data, doc_id=doc_id, label=label, confirmed=meta)
    created = [f for f in (folder, *folder.parents) if inside(f, settings.corpus_dir) and not f.exists()]
    try:
        write_sidecar(path, meta)  # the metadata first: a file is never seen without its metadata
        atomic_write(path, data)
        kb.write([dataclasses.replace(doc, checksum=state_checksum(data, path))])
    except BaseException as exc:
        _unstore(path, created)
        if isinstance(exc, DocumentNotIndexedError):
            raise IngestError(f"{name}: {exc.failed[doc_id].removeprefix(f'{doc_id}: ')}") from exc
        raise
    outcome = Outcome(label, "indexed", doc_id, warnings=warnings)
    audit(settings, user, "upload", doc_id, {"source": label, "status": outcome.status})
    return outcome


def linked_reason(corpus: Path, folder: Path) -> str:
    """Why nothing may be stored in `folder` ("" when it may): a folder of the corpus on the way to it is
    a symbolic link, and what is stored through it lies where no walk of the corpus (a rebuild) looks."""
    here = corpus
    for part in folder.relative_to(corpus).parts:
        here = here / part
        if here.is_symlink():
            return (
                f"{here.relative_to(corpus).as_posix()}/ in the corpus is a link to {os.readlink(here)}, which "
                "the archive never follows (a rebuild would drop what is stored there); make it a folder"
            )
    return ""


def _unstore(path: Path, created: list[Path]) -> None:
    """Take a stored upload out of corpus/ again: the file, its metadata and the folders made for it."""
    path.unlink(missing_ok=True)  # the file first: a metadata file left alone is never read
    sidecar_path(path).unlink(missing_ok=True)
    for folder in created:  # deepest first
        try:
            folder.rmdir()
        except OSError:  # another upload stored a file there meanwhile
            break


def corpus_path(settings: Settings, doc: Document) -> Path:
    path = Path(doc.source)
    return path if path.is_absolute() else settings.corpus_dir / path


def original_bytes(settings: Settings, doc: Document) -> bytes | None:
    """The bytes of a document's original for download: a regular file inside corpus/, read as ingest
    reads one (no link followed, no FIFO, the size checked first); None when there is no such file."""
    path = corpus_path(settings, doc)
    if not inside(path, settings.corpus_dir):  # an earlier version's outside file, or a linked folder
        return None
    try:
        return read_regular(path, settings.max_upload_bytes)
    except (OSError, IngestError):
        return None


def update_metadata(
    kb: KnowledgeBase, settings: Settings, doc_id: str, changes: Mapping[str, object], user: str
) -> Outcome:
    """Correct a document's metadata: checked, stored as confirmed metadata beside the file, re-indexed.

    When the index refuses the document (IngestError) or cannot be written, the metadata file is put
    back as it was: the archive keeps the version the index holds.
    """
    clean = validate(
        {k: v for k, v in changes.items() if k in METADATA_KEYS}, kb.vocabulary, keep_emptied=True
    )
    doc = kb.get(doc_id)
    path = corpus_path(settings, doc)
    if not path.exists():
        raise IngestError(f"{doc.source}: the original file is missing, so its metadata cannot be stored")
    if not inside(path.parent, settings.corpus_dir):  # indexed where it was by an earlier version
        raise IngestError(
            f"{doc.source}: the file lies outside the corpus, where nothing is written; "
            f"`kb ingest {doc.source}` imports it, then its copy can be corrected"
        )
    if len(os.fsencode(sidecar_path(path).name)) > name_max(path.parent):  # a name put in corpus/ by hand
        raise IngestError(
            f"{doc.source}: the name is too long for a metadata file beside it ({sidecar_path(path).name}); "
            "rename the file to correct its metadata"
        )
    meta = {**read_sidecar(path), **clean}
    if "date" in clean and "year" not in clean:  # a year confirmed before would override the new date
        meta.pop("year", None)
    try:
        data = read_regular(path, settings.max_upload_bytes)  # as ingest reads it: a link is not followed
    except IngestError as exc:
        raise IngestError(f"{doc.source}: {exc}") from exc
    new, warnings = read_in_worker(settings, path.name, data, doc_id=doc.id, label=doc.source, confirmed=meta)
    meta_file = sidecar_path(path)
    before = meta_file.read_bytes() if meta_file.exists() else None
    write_sidecar(path, meta)
    try:
        kb.write([dataclasses.replace(new, checksum=state_checksum(data, path))])
    except BaseException as exc:  # the index keeps the old version: so does the metadata file
        if before is None:
            meta_file.unlink(missing_ok=True)
        else:
            atomic_write(meta_file, before)
        if isinstance(exc, DocumentNotIndexedError):
            raise IngestError(f"{path.name}: {exc.failed[doc_id].removeprefix(f'{doc_id}: ')}") from exc
        raise
    audit(settings, user, "edit", doc_id, clean)
    return Outcome(doc.source, "updated", doc_id, warnings=warnings)


def delete_document(kb: KnowledgeBase, settings: Settings, doc_id: str, user: str) -> Path | None:
    """Remove a document from the archive: its file moves to corpus/.deleted/, then it leaves the index."""
    doc = kb.get(doc_id)
    path = corpus_path(settings, doc)
    size = path.stat().st_size if path.exists() else -1
    moved = move_to_trash(settings, path) if path.exists() and inside(path, settings.corpus_dir) else None
    try:
        if moved is not None:  # kept with the corpus: an import of its outside folder skips it from anywhere
            where = moved.relative_to(settings.corpus_dir).as_posix()
            note_deletion(settings, doc.source, {"at": now(), "user": user, "id": doc_id, "moved_to": where})
        kb.remove([doc_id])
    except BaseException:  # the index keeps the document: so does the corpus
        if moved is not None:
            put_back(moved, path)
        raise
    audit(settings, user, "delete", doc_id, {"source": doc.source, "title": doc.title})
    if moved is not None:
        index_twins(kb, settings, {doc.checksum.split("-")[0]}, size)
    return moved


def index_twins(kb: KnowledgeBase, settings: Settings, contents: set[str], size: int = -1) -> list[Outcome]:
    """Index the byte-identical copies elsewhere in corpus/ (duplicates until now) of contents the
    index no longer holds (a document removed, or changed), so every original in corpus/ stays indexed.

    With `size`, only files of that size are read.
    """
    contents = contents - {c.split("-")[0] for c, _ in kb.checksums().values()}
    twins = []
    for path in discover([settings.corpus_dir], skip=[kb.index_dir]) if contents else ():
        try:
            if (size < 0 or path.stat().st_size == size) and content_checksum(path.read_bytes()) in contents:
                twins.append(path)
        except OSError:
            continue
    return run(kb, twins, limits=limits_from(settings)) if twins else []


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False
