"""What the app and the CLI do to the archive: open, ingest, rebuild, upload, correct, delete, audit.

Every change to corpus/ is written atomically before the index is touched, and deletions move files
to corpus/.deleted/ instead of removing them, so nothing stored is ever lost.
"""

from __future__ import annotations

import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.errors import IngestError
from ingest.pipeline import (
    Outcome,
    content_checksum,
    discover,
    file_id,
    run,
    source_label,
    state_checksum,
)
from ingest.sidecar import atomic_write, read_sidecar, sidecar_path, write_sidecar
from ingest.source import Source
from ingest.worker import Limits, init_worker, read_document
from kb.api import KnowledgeBase
from kb.errors import IndexDamagedError
from kb.models import Document
from kb.settings import Settings

log = logging.getLogger(__name__)

UPLOAD_DIR = "uploads"
TRASH_DIR = ".deleted"
AUDIT_FILE = "audit.jsonl"
MAX_NAME_CHARS = 120
METADATA_KEYS = ("title", "language", "date", "networks", "regions", "topics", "doctype")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def limits_from(settings: Settings) -> Limits:
    return Limits(
        max_bytes=settings.max_upload_bytes,
        max_pdf_pages=settings.max_pdf_pages,
        timeout_s=settings.extract_timeout_s,
        memory_mb=int(os.environ.get("KB_WORKER_MEMORY_MB", 2048)),
    )


def open_knowledge_base(
    settings: Settings, progress: Callable[[Outcome], None] | None = None, index_corpus: bool = True
) -> KnowledgeBase:
    """The opened index; a new, outdated or damaged one is rebuilt from corpus/ at once."""
    try:
        kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    except IndexDamagedError as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        aside = settings.index_dir.with_name(f"{settings.index_dir.name}.damaged-{stamp}")
        os.replace(settings.index_dir, aside)
        log.error("%s; moved it to %s and rebuilding from %s", exc, aside, settings.corpus_dir)
        kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    if index_corpus and kb.created and settings.corpus_dir.exists():
        log.info("new index at %s: indexing %s", settings.index_dir, settings.corpus_dir)
        run(kb, [settings.corpus_dir], limits=limits_from(settings), progress=progress)
    return kb


def ingest(
    kb: KnowledgeBase,
    settings: Settings,
    paths: Iterable[Path],
    *,
    prune: bool = False,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    return run(kb, list(paths), limits=limits_from(settings), prune=prune, progress=progress)


def rebuild(
    kb: KnowledgeBase, settings: Settings, progress: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Recreate the index from corpus/ alone (documents from outside the corpus are dropped)."""
    kb.clear()
    return run(kb, [settings.corpus_dir], limits=limits_from(settings), progress=progress)


@dataclass(frozen=True)
class CheckReport:
    """How the index differs from corpus/: ids missing from the index, stale (changed since), orphaned."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]
    orphaned: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def check(kb: KnowledgeBase, settings: Settings) -> CheckReport:
    """Compare the index with corpus/ without changing either."""
    known = kb.checksums()
    missing, stale, seen, content = [], [], set(), {}
    for path in discover([settings.corpus_dir], skip=[kb.index_dir]):
        label = source_label(path, settings.corpus_dir)
        doc_id = file_id(path, label)
        try:
            checksum = state_checksum(path.read_bytes(), path)
        except OSError:
            continue
        seen.add(doc_id)
        if doc_id in known:
            if known[doc_id][0] != checksum:
                stale.append(doc_id)
        elif content.setdefault(checksum.split("-")[0], doc_id) == doc_id and not _is_duplicate(
            known, checksum
        ):
            missing.append(doc_id)
    orphaned = [
        i
        for i, (_, src) in known.items()
        if i not in seen and not (Path(src).is_absolute() and Path(src).exists())
    ]
    return CheckReport(tuple(missing), tuple(stale), tuple(sorted(orphaned)))


def _is_duplicate(known: dict[str, tuple[str, str]], checksum: str) -> bool:
    content = checksum.split("-")[0]
    return any(c.split("-")[0] == content for c, _ in known.values())


def repair(kb: KnowledgeBase, settings: Settings) -> list[Outcome]:
    """Make the index match corpus/: index what is missing or stale, remove what is orphaned."""
    report = check(kb, settings)
    if report.orphaned:
        kb.remove(report.orphaned)
    outcomes = [Outcome(i, "removed", i, "no file in the corpus") for i in report.orphaned]
    return outcomes + run(kb, [settings.corpus_dir], limits=limits_from(settings))


# -- uploads -------------------------------------------------------------------------------------


def safe_filename(name: str) -> str:
    """A file name that is safe to store: no folders, no control characters, NFC, bounded length."""
    name = unicodedata.normalize("NFC", name.replace("\x00", ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"))
    name = _UNSAFE_NAME.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10].strip(" ")  # cut ends are trimmed again, so a stored name stays as it is
    stem = stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip(" .") or "upload"
    return f"{stem}.{suffix}" if suffix else stem


def preview(settings: Settings, filename: str, data: bytes) -> Document:
    """What an upload would become (text, language, suggested metadata), read in a worker process."""
    limits = limits_from(settings)
    if len(data) > limits.max_bytes:
        raise IngestError(
            f"{filename}: the file is larger than the limit ({len(data):,} > {limits.max_bytes:,} bytes)"
        )
    name = safe_filename(filename)
    with ProcessPoolExecutor(max_workers=1, initializer=init_worker, initargs=(limits,)) as pool:
        future = pool.submit(
            read_document,
            Source(name, data),
            doc_id="preview",
            label=name,
            checksum=content_checksum(data),
            corpus=settings.corpus_dir,
            limits=limits,
        )
        try:
            return future.result(timeout=limits.timeout_s + 30)
        except IngestError as exc:
            raise type(exc)(f"{name}: {exc}") from exc
        except Exception as exc:  # the worker died: memory limit, crash
            raise IngestError(f"{name}: the reader crashed ({type(exc).__name__})") from exc


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
    """Store an upload in corpus/ with its confirmed metadata, then index it (searchable at once)."""
    name = safe_filename(filename)
    folder = settings.corpus_dir / UPLOAD_DIR / datetime.now(UTC).strftime("%Y")
    path = _free_path(folder / name, data)
    if not path.exists():
        atomic_write(path, data)
    meta = {k: metadata[k] for k in METADATA_KEYS if k in metadata}
    meta.update(added_by=user, added_at=_now())
    write_sidecar(path, meta)
    outcome = _index_one(kb, settings, path)
    audit(settings, user, "upload", outcome.id or "", {"source": outcome.source, "status": outcome.status})
    return outcome


def _free_path(path: Path, data: bytes) -> Path:
    """The path itself, or with -2, -3 … when a different file already has the name."""
    candidate, n = path, 1
    while candidate.exists() and candidate.read_bytes() != data:
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _index_one(kb: KnowledgeBase, settings: Settings, path: Path) -> Outcome:
    label = source_label(path, settings.corpus_dir)
    doc_id = file_id(path, label)
    data = path.read_bytes()
    doc = _read_in_worker(settings, path, label, doc_id, data)
    existed = kb.contains(doc_id)
    kb.write([doc])
    return Outcome(label, "updated" if existed else "indexed", doc_id)


def _read_in_worker(settings: Settings, path: Path, label: str, doc_id: str, data: bytes) -> Document:
    limits = limits_from(settings)
    with ProcessPoolExecutor(max_workers=1, initializer=init_worker, initargs=(limits,)) as pool:
        future = pool.submit(
            read_document,
            Source(path.name, data),
            doc_id=doc_id,
            label=label,
            checksum=state_checksum(data, path),
            corpus=settings.corpus_dir,
            limits=limits,
            confirmed=read_sidecar(path),
        )
        return future.result(timeout=limits.timeout_s + 30)


# -- corrections and deletions ---------------------------------------------------------------------


def corpus_path(settings: Settings, doc: Document) -> Path:
    path = Path(doc.source)
    return path if path.is_absolute() else settings.corpus_dir / path


def update_metadata(
    kb: KnowledgeBase, settings: Settings, doc_id: str, changes: Mapping[str, object], user: str
) -> Outcome:
    """Correct a document's metadata: stored as confirmed metadata beside the file, then re-indexed."""
    doc = kb.get(doc_id)
    path = corpus_path(settings, doc)
    if not path.exists():
        raise IngestError(f"{doc.source}: the original file is missing, so its metadata cannot be stored")
    meta = read_sidecar(path)
    meta.update({k: v for k, v in changes.items() if k in METADATA_KEYS})
    write_sidecar(path, meta)
    outcome = _index_one(kb, settings, path)
    audit(settings, user, "edit", doc_id, {k: changes[k] for k in changes if k in METADATA_KEYS})
    return outcome


def delete_document(kb: KnowledgeBase, settings: Settings, doc_id: str, user: str) -> Path | None:
    """Remove a document from the archive: its file moves to corpus/.deleted/, then it leaves the index."""
    doc = kb.get(doc_id)
    path = corpus_path(settings, doc)
    moved = None
    if path.exists() and _inside(path, settings.corpus_dir):
        trash = settings.corpus_dir / TRASH_DIR / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        trash.mkdir(parents=True, exist_ok=True)
        moved = trash / path.name
        os.replace(path, moved)
        meta = sidecar_path(path)
        if meta.exists():
            os.replace(meta, sidecar_path(moved))
    kb.remove([doc_id])
    audit(settings, user, "delete", doc_id, {"source": doc.source, "title": doc.title})
    return moved


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


# -- audit log -------------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit_path(settings: Settings) -> Path:
    return settings.secrets_file.parent / AUDIT_FILE


def audit(settings: Settings, user: str, action: str, doc_id: str, details: Mapping[str, object]) -> None:
    """Append one line to the audit log (who, when, what); the log is never rewritten."""
    entry = {"at": _now(), "user": user, "action": action, "id": doc_id, "details": dict(details)}
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = audit_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read_audit(settings: Settings, limit: int = 200) -> list[dict]:
    """The newest audit entries, newest first."""
    path = audit_path(settings)
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines()[-limit:]:
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries[::-1]
