"""The ingest pipeline: files → documents → index, one outcome per file.

Extraction runs in worker processes with a time and memory limit per file, so a file that makes a
parser spin or swell is stopped and reported while the batch goes on. Unchanged files are skipped
by checksum, byte-identical duplicates are indexed once, and nothing in the corpus is ever changed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError, UnsupportedFile
from ingest.sidecar import is_sidecar, sidecar_path
from ingest.worker import Limits, prepare
from kb.api import KnowledgeBase
from kb.models import Document
from kb.vocabulary import VOCABULARY_FILE

log = logging.getLogger(__name__)

PIPELINE_VERSION = "1"  # bump when extraction or derivation changes, so every file is read again
COMMIT_EVERY = 20_000  # documents per commit: each writer process makes a segment per commit, and every
# segment costs each query a term lookup per word (5,000 made 40 segments at 100k documents)
WRITE_PROCS = 2  # processes analyzing a large batch for the index (beside the readers)
COMMIT_CHARS = 100_000_000  # or sooner, when the documents waiting hold this much text (memory)
IN_PROCESS_BELOW = 0  # batches smaller than this are read without worker processes (0: always workers)
IN_FLIGHT_PER_WORKER = 64  # files submitted ahead per worker, so finished documents never pile up in memory
STATUSES = ("indexed", "updated", "unchanged", "duplicate", "unsupported", "failed", "removed")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class Outcome:
    """What happened to one file."""

    source: str
    status: str
    id: str | None = None
    message: str = ""


def discover(paths: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Files below the paths, recursively and sorted; hidden files, sidecars, the vocabulary and `skip` left out."""
    skipped = {Path(p).resolve() for p in skip}
    for root in paths:
        root = Path(root)
        if root.is_file():
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(
                d for d in dirnames if not d.startswith(".") and (here / d).resolve() not in skipped
            )
            for name in sorted(filenames):
                path = here / name
                if name.startswith(".") or is_sidecar(path) or name == VOCABULARY_FILE:
                    continue
                yield path


def source_label(path: Path, corpus_dir: Path) -> str:
    """The path as shown and stored: relative to the corpus when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def document_id(label: str) -> str:
    """A stable id from a source label: the path without its suffix (outside files get a hash prefix)."""
    stem = label.rsplit(".", 1)[0] if "." in Path(label).name else label
    if label.startswith("/"):
        digest = hashlib.sha1(label.encode("utf-8")).hexdigest()[:8]
        stem = f"ext-{digest}/{Path(stem).name}"
    return _UNSAFE_ID.sub("-", stem).strip("-/") or hashlib.sha1(label.encode()).hexdigest()[:12]


#: Suffixes of the files we read: a file whose stem another of these shares gets its suffix in the id.
READ_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")


def file_id(path: Path, label: str) -> str:
    """The document id of a file: as document_id, plus the suffix when a sibling shares the stem.

    So notes.txt and notes.md are two documents (notes-txt, notes-md), whatever order they come in.
    """
    base = document_id(label)
    suffix = path.suffix.lower()
    for other in READ_SUFFIXES:
        if other != suffix and path.with_suffix(other).exists():
            return f"{base}-{suffix.lstrip('.')}" if suffix else base
    return base


def content_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def state_checksum(data: bytes, path: Path) -> str:
    """Content checksum plus a checksum of the confirmed metadata and the pipeline version."""
    meta = sidecar_path(path)
    extra = meta.read_bytes() if meta.exists() else b""
    tail = hashlib.sha256(extra + PIPELINE_VERSION.encode()).hexdigest()[:8]
    return f"{content_checksum(data)}-{tail}"


@dataclass(frozen=True)
class Import:
    """How files from outside the corpus come in: where each goes, and how it is stored there.

    `target(path)` is the corpus path for an outside file (None: the file is indexed where it is);
    `store(source, target)` copies it there with its metadata. A file is stored only once it has
    been read, so corpus/ never receives a file the index refuses.
    """

    target: Callable[[Path], Path | None]
    store: Callable[[Path, Path], None]


@dataclass(frozen=True)
class _Job:
    path: Path
    label: str
    id: str
    checksum: str
    existed: bool
    target: Path | None = None


def run(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    *,
    limits: Limits,
    prune: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
    imports: Import | None = None,
) -> list[Outcome]:
    """Ingest files and folders into the index; returns one outcome per file (and per pruned document).

    With `imports`, files from outside the corpus are stored in it (once read) and indexed there.
    """
    corpus = kb.corpus_dir
    known = kb.checksums()
    by_content = {c.split("-")[0]: i for i, (c, _) in known.items() if c}
    # documents indexed from outside the corpus by earlier versions: an import takes their place
    legacy = {i for i, (_, src) in known.items() if src.startswith("/")} if imports else set()
    replaces: dict[str, str] = {}
    outcomes: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if outcome.status == "failed":
            log.warning("%s: %s", outcome.source, outcome.message)
        if progress:
            progress(outcome)

    def refused(doc_id: str, reason: str) -> None:
        """A document the index could not take: its file's outcome becomes "failed" (reported again)."""
        at = max(n for n, o in enumerate(outcomes) if o.id == doc_id and o.status in ("indexed", "updated"))
        label = outcomes.pop(at).source
        report(Outcome(label, "failed", doc_id, f"{label}: {reason.removeprefix(f'{doc_id}: ')}"))

    jobs: list[_Job] = []
    seen_ids: set[str] = set()
    for path in discover(paths, skip=[kb.index_dir]):
        target = imports.target(path) if imports else None
        if target is not None and _same_bytes(path, target):  # imported before: the corpus copy (and
            path, target = target, None  # the metadata corrected in the archive since) is what counts
        label = source_label(target or path, corpus)
        doc_id = file_id(path, label)
        if doc_id in seen_ids:  # reached twice through overlapping paths: read once
            continue
        try:
            data = path.read_bytes()
            checksum = state_checksum(data, path)
        except OSError as exc:
            report(Outcome(label, "failed", doc_id, f"{label}: cannot read the file: {exc.strerror}"))
            continue
        seen_ids.add(doc_id)
        old = known.get(doc_id)
        if old and old[0] == checksum and (target is None or target.exists()):
            report(Outcome(label, "unchanged", doc_id))
            continue
        content = checksum.split("-")[0]
        twin = by_content.get(content)
        if twin in legacy and target is not None:
            replaces[doc_id], twin = twin, None
        if twin and twin != doc_id:
            shown, note = (str(path), " (not imported)") if target is not None else (label, "")
            report(Outcome(shown, "duplicate", twin, f"{shown}: the same bytes as document {twin}{note}"))
            continue
        by_content[content] = doc_id
        jobs.append(_Job(path, label, doc_id, checksum, old is not None, target))

    pending: list[Document] = []
    pending_chars = 0
    write_procs = max(1, min(WRITE_PROCS, os.cpu_count() or 1))
    written = 0
    superseded: list[str] = []
    for job, result in _prepare_all(jobs, corpus, limits, workers):
        if isinstance(result, Document) and job.target is not None and imports is not None:
            try:
                imports.store(job.path, job.target)
            except OSError as exc:
                result = ("failed", f"{job.label}: cannot store the file in the corpus: {exc.strerror}")
        if isinstance(result, Document):
            pending.append(result)
            pending_chars += len(result.text)
            note = f"imported from {job.path}" if job.target is not None else ""
            if job.id in replaces:
                superseded.append(replaces[job.id])
                note += f" (replaces {replaces[job.id]})"
            report(Outcome(job.label, "updated" if job.existed else "indexed", job.id, note))
        elif job.target is not None:  # an outside file that is refused is not imported
            status, message = result
            message = message.replace(job.label, str(job.path), 1)
            report(Outcome(str(job.path), status, None, f"{message} (not imported)"))
        else:
            status, message = result
            report(Outcome(job.label, status, job.id, message))
        if len(pending) >= COMMIT_EVERY or pending_chars >= COMMIT_CHARS:
            written += kb.write(pending, delete=superseded, procs=write_procs, on_failure=refused)
            pending, pending_chars, superseded = [], 0, []
    if pending:
        written += kb.write(pending, delete=superseded, procs=write_procs, on_failure=refused)

    if prune:
        gone = [i for i, (_, src) in known.items() if i not in seen_ids and not _source_exists(src, corpus)]
        if gone:
            kb.remove(gone)
            for doc_id in gone:
                report(Outcome(known[doc_id][1], "removed", doc_id, "the file is no longer in the corpus"))
    log.info("ingest: %d files, %d documents written", len(outcomes), written)
    return outcomes


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _source_exists(source: str, corpus: Path) -> bool:
    path = Path(source)
    return (path if path.is_absolute() else corpus / path).exists()


def _prepare_all(jobs: list[_Job], corpus: Path, limits: Limits, workers: int | None):
    """(job, Document or (status, message)) for each job in order, extracting in worker processes.

    At most IN_FLIGHT_PER_WORKER files per worker are submitted ahead of the one yielded next. A
    worker that dies breaks its pool: the files it had in flight fail, and a new pool reads the rest.
    """
    if not jobs:
        return
    if len(jobs) < IN_PROCESS_BELOW:
        for job in jobs:
            yield job, _guarded(job, corpus, limits)
        return
    count = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    window = count * IN_FLIGHT_PER_WORKER
    remaining = iter(jobs)
    in_flight: deque[tuple[_Job, Future, ProcessPoolExecutor]] = deque()
    pool: ProcessPoolExecutor | None = None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=count, initializer=_init_worker, initargs=(limits,))

    try:
        while True:
            while len(in_flight) < window and (job := next(remaining, None)) is not None:
                pool = pool or new_pool()
                try:
                    future = pool.submit(_guarded, job, corpus, limits)
                except BrokenProcessPool:  # it broke before any of its futures told us
                    pool.shutdown(wait=True)
                    pool = new_pool()
                    future = pool.submit(_guarded, job, corpus, limits)
                in_flight.append((job, future, pool))
            if not in_flight:
                return
            job, future, owner = in_flight.popleft()
            try:
                result = future.result()
            except Exception as exc:  # a worker died (killed by the memory limit or a crash)
                result = ("failed", f"{job.label}: the reader crashed ({type(exc).__name__}); file skipped")
                if isinstance(exc, BrokenProcessPool) and owner is pool:
                    pool.shutdown(wait=True)
                    pool = None
            yield job, result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(limits: Limits) -> None:
    from ingest.worker import init_worker

    init_worker(limits)


def _guarded(job: _Job, corpus: Path, limits: Limits) -> Document | tuple[str, str]:
    try:
        return prepare(job.path, job.label, job.id, job.checksum, corpus, limits)
    except UnsupportedFile as exc:
        return ("unsupported", _prefixed(job.label, str(exc)))
    except IngestError as exc:
        return ("failed", _prefixed(job.label, str(exc)))


def _prefixed(label: str, message: str) -> str:
    """The message with the file named once at its start."""
    name = Path(label).name
    return message if message.startswith((f"{label}:", f"{name}:")) else f"{label}: {message}"
