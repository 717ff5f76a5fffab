"""The ingest pipeline: files → documents → index, one outcome per file.

Extraction runs in worker processes with a time and memory limit per file, so a file that makes a
parser spin or swell is stopped and reported while the batch goes on. Unchanged files are skipped
by checksum, byte-identical duplicates are indexed once, and nothing in the corpus is ever changed.
Which files a batch holds and their ids come from `ingest/paths.py`; each file is checked (a
regular file, no link, within the size limit) before a byte of it is read (`ingest/reading.py`).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError, UnsupportedFile
from ingest.paths import discover, document_id, file_id, label_in, scan, source_label  # noqa: F401  (named here too)
from ingest.reading import NotRegularFile, file_checksum
from ingest.sidecar import parse_sidecar, sidecar_bytes, sidecar_path
from ingest.worker import Limits, prepare
from kb.api import KnowledgeBase
from kb.models import Document

log = logging.getLogger(__name__)

PIPELINE_VERSION = "3"  # bump when extraction or derivation changes, so every file is read again
# (3: a spreadsheet that declares no creation date is no longer dated the day it was read; an emoji of
# an RTF file is one character, not its two UTF-16 halves; lines between rules that are no front matter
# stay text)
COMMIT_EVERY = 20_000  # documents per commit: each writer process makes a segment per commit, and every
# segment costs each query a term lookup per word (5,000 made 40 segments at 100k documents)
WRITE_PROCS = 2  # processes analyzing a large batch for the index (beside the readers)
COMMIT_CHARS = 100_000_000  # or sooner, when the documents waiting hold this much text (memory)
IN_PROCESS_BELOW = 0  # batches smaller than this are read without worker processes (0: always workers)
IN_FLIGHT_PER_WORKER = 64  # files submitted ahead per worker, so finished documents never pile up in memory
STATUSES = ("indexed", "updated", "unchanged", "duplicate", "unsupported", "failed", "skipped", "removed")


@dataclass(frozen=True)
class Outcome:
    """What happened to one file (its document not indexed when its status is in NOT_INDEXED)."""

    source: str
    status: str
    id: str | None = None
    message: str = ""
    revises: bool = False  # it replaces the file's earlier "indexed" or "updated": the index refused it
    warnings: tuple[str, ...] = ()  # what a user should know of a file still indexed (a misspelled
    # metadata key, PDF pages not read), one line each without the file's name


#: The statuses of a file whose document is not indexed (each said in one line to the user).
NOT_INDEXED = ("failed", "unsupported", "duplicate", "skipped")


def content_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def state_checksum(data: bytes, path: Path) -> str:
    """Content checksum plus a checksum of the confirmed metadata and the pipeline version."""
    return with_metadata(content_checksum(data), path)


def with_metadata(content: str, path: Path) -> str:
    """A content checksum joined with a checksum of the file's metadata file and the pipeline version.

    IngestError when the metadata file is refused (a link, a FIFO, too large).
    """
    return with_sidecar(content, sidecar_bytes(path))


def with_sidecar(content: str, sidecar: bytes | None) -> str:
    """A content checksum joined with a checksum of these metadata file bytes and the pipeline version."""
    tail = hashlib.sha256((sidecar or b"") + PIPELINE_VERSION.encode()).hexdigest()[:8]
    return f"{content}-{tail}"


def file_state(path: Path, max_bytes: int) -> str:
    """state_checksum of a file read a chunk at a time, refused before reading when it is no regular
    file or larger than max_bytes (IngestError; FileNotFoundError when it is gone)."""
    content, _ = file_checksum(path, max_bytes)
    return with_metadata(content, path)


@dataclass(frozen=True)
class Import:
    """How files from outside the corpus come in: where each goes, and how it is stored there.

    `target(path)` is the corpus path for an outside file (None: the file is indexed where it is);
    `store(source, target)` copies it there with its metadata. A file is stored only once it has
    been read, so corpus/ never receives a file the index refuses. `metadata(source, target)`: the
    bytes of the metadata file the stored copy gets (None: none), read as it is indexed; without it,
    the outside file's own. `finish()` is called once the run is over, whatever its end.
    """

    target: Callable[[Path], Path | None]
    store: Callable[[Path, Path], None]
    metadata: Callable[[Path, Path], bytes | None] | None = None
    finish: Callable[[], None] | None = None


@dataclass(frozen=True)
class _Job:
    path: Path
    label: str
    id: str
    checksum: str
    existed: bool
    target: Path | None = None
    confirmed: dict | None = None  # the metadata an import is stored with (None: its sidecar's)


def run(
    kb: KnowledgeBase,
    paths: Iterable[Path],
    *,
    limits: Limits,
    prune: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
    imports: Import | None = None,
    skip: Iterable[Path] = (),
) -> list[Outcome]:
    """Ingest files and folders into the index; returns one outcome per file (and per pruned document).

    `skip`: files and folders that are never documents (the archive's own data); the index always is.

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
        if progress:
            progress(outcome)
        elif outcome.status == "failed":  # (with `progress`, the caller shows it: one line per file)
            log.warning("%s", outcome.message or outcome.source)
        else:
            for line in outcome.warnings:
                log.warning("%s: %s", outcome.source, line)

    stored_new: dict[str, Path] = {}  # imports stored by this run where no copy was before: id → file

    def refused(doc_id: str, reason: str) -> None:
        """A document the index could not take: its file's outcome becomes "failed" (reported as revising
        the earlier one, so a caller that shows outcomes as they come can keep one per file)."""
        at = max(n for n, o in enumerate(outcomes) if o.id == doc_id and o.status in ("indexed", "updated"))
        label = outcomes.pop(at).source
        note = ""
        if doc_id in stored_new:  # an import the index refused leaves the corpus as it was
            target = stored_new.pop(doc_id)
            sidecar_path(target).unlink(missing_ok=True)
            target.unlink(missing_ok=True)
            note = " (not imported)"
        message = f"{label}: {reason.removeprefix(f'{doc_id}: ')}{note}"
        report(Outcome(label, "failed", doc_id, message, revises=True))

    # files with the same bytes as a file of this batch not read yet: its outcome decides theirs
    twins_of: dict[str, list[tuple[str, str, bool, bool]]] = {}  # its id → (shown, own id, imported,
    # whether its own document is to leave the index)
    dropped: list[str] = []  # documents of corpus files that now hold another document's bytes
    seen_ids: dict[str, tuple[str, Path]] = {}  # id → the label and the file that has it
    by_source = {src: i for i, (_, src) in known.items()}
    reached: set[Path] = set()  # a file reached twice (a folder given twice, or in itself) is one line
    folders: dict[Path, Path] = {}  # a folder → resolved, once (a resolve costs ~40 µs, a file took five)
    corpus_resolved = corpus.resolve()
    # the contents of files read in this run that were refused: a later file of the same bytes gets
    # the same reason (the files are read while the rest are walked)
    refused_contents: dict[str, tuple[str, str, str]] = {}  # content → (status, reason, first)

    def jobs() -> Iterator[_Job]:
        """The files to read, found while the ones before are read (the walk and the checksums of
        100,000 files took 15 s of one core before the first was read)."""
        for found in scan(paths, skip=[kb.index_dir, *skip]):
            path = found.path
            folder = folders.get(path.parent)
            if folder is None:
                folder = folders[path.parent] = path.parent.resolve()
            where = folder / path.name  # a link itself, not where it points
            if where in reached:
                continue
            reached.add(where)
            if found.refused:
                shown = _shown(path, corpus)
                report(Outcome(shown, "skipped", None, f"{shown}: {found.refused}"))
                continue
            target = imports.target(path) if imports else None
            if target is not None and _same_bytes(path, target, limits.max_bytes):  # imported before: the
                path, target = target, None  # corpus copy (and its metadata corrected since) is what counts
            # a file scan did not refuse is no link: where it is is where it points
            resolved = where if path is found.path else path.resolve()
            label = (
                source_label(target, corpus) if target is not None else label_in(resolved, corpus_resolved)
            )
            shown = str(path) if target is not None else label
            if not _is_text(label):  # bytes of another encoding in a corpus file's name: no source to store
                # named with its odd bytes escaped (\xfc): the name itself cannot be written as UTF-8 anywhere
                shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                message = f"{shown}: the file name is not UTF-8 text; rename it (imports get a safe name)"
                report(Outcome(shown, "failed", None, message))
                continue
            hidden = _hidden_folder(label)
            if hidden:  # the trash (.deleted) or another hidden folder: a walk of the corpus never reads it
                message = f"{shown}: in the hidden folder {hidden}/ of the corpus, not a document"
                report(Outcome(shown, "skipped", None, message))
                continue
            doc_id = file_id(label)
            if doc_id in seen_ids:
                other, other_path = seen_ids[doc_id]
                if other_path == resolved:  # reached twice through overlapping paths: read once
                    continue
                message = f"{shown}: has the same id {doc_id} as {other}; not indexed (rename one of them)"
                report(Outcome(shown, "failed", None, message))
                continue
            confirmed = None
            try:
                checksum = file_state(path, limits.max_bytes)
                if target is not None and imports is not None and imports.metadata is not None:
                    stored = imports.metadata(path, target)  # what the copy is stored with is what is indexed
                    confirmed = parse_sidecar(stored, sidecar_path(target))
                    checksum = with_sidecar(checksum.split("-")[0], stored)
            except NotRegularFile as exc:
                report(Outcome(shown, "skipped", None, f"{shown}: {exc}"))
                continue
            except (IngestError, OSError) as exc:
                reason = str(exc) if isinstance(exc, IngestError) else f"cannot read the file: {exc.strerror}"
                note = " (not imported)" if target is not None else ""
                report(Outcome(shown, "failed", None if target else doc_id, f"{shown}: {reason}{note}"))
                continue
            seen_ids[doc_id] = (label, resolved)
            old = known.get(doc_id)
            former = by_source.get(label)  # the id this file had before ids changed
            if former == doc_id or former in replaces.values():
                former = None
            unchanged = old is not None and old[0] == checksum and old[1] in (label, "")
            if unchanged and (target is None or target.exists()) and former is None:
                report(Outcome(label, "unchanged", doc_id))
                continue
            content = checksum.split("-")[0]
            twin = by_content.get(content)
            if twin in legacy and target is not None:
                replaces[doc_id], twin = twin, None
            if former is not None:
                replaces[doc_id] = former
                twin = None if twin == former else twin
            if twin and twin != doc_id:
                shown, note = (str(path), " (not imported)") if target is not None else (label, "")
                # a corpus file whose document held other text: that text is in no file any more
                drops = old is not None and target is None
                if drops and by_content.get(old[0].split("-")[0]) == doc_id:  # a copy of its old text
                    del by_content[old[0].split("-")[0]]  # read later in this run takes its place
                if twin in twins_of:  # its twin is read below: a twin that fails indexes nothing
                    twins_of[twin].append((shown, doc_id, target is not None, drops))
                    continue
                if content in refused_contents:  # its twin was read already, and refused
                    status, reason, first = refused_contents[content]
                    said = f"{shown}: {reason} (the same bytes as {first}){note}"
                    report(Outcome(shown, status, None if target is not None else doc_id, said))
                    continue
                dropped.extend([doc_id] if drops else [])
                report(
                    Outcome(shown, "duplicate", twin, _duplicate(shown, twin, note, doc_id if drops else ""))
                )
                continue
            twins_of[doc_id] = []
            by_content[content] = doc_id
            yield _Job(path, label, doc_id, checksum, old is not None, target, confirmed)

    pending: list[Document] = []
    pending_chars = 0
    write_procs = max(1, min(WRITE_PROCS, os.cpu_count() or 1))
    superseded: list[str] = []
    # an engine that indexes elsewhere (Solr: its nodes analyse) is written in smaller writes, each in
    # a thread while the pipeline reads the next files; a local one (Whoosh) takes turns with reading
    ahead = getattr(kb.backend, "write_ahead", 0)
    every = min(COMMIT_EVERY, ahead) if ahead else COMMIT_EVERY
    writer = _Writer(kb, write_procs, refused, background=bool(ahead))
    try:
        for job, result in _prepare_all(jobs(), corpus, limits, workers):
            warned: tuple[str, ...] = ()
            if isinstance(result, _Read):
                result, warned = result.document, result.warnings
            if isinstance(result, Document) and job.target is not None and imports is not None:
                try:
                    new = not job.target.exists()
                    imports.store(job.path, job.target)
                    if new:
                        stored_new[job.id] = job.target
                except (OSError, IngestError) as exc:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                    result = ("failed", f"{job.label}: cannot store the file in the corpus: {reason}")
            if isinstance(result, Document):
                pending.append(result)
                pending_chars += len(result.text)
                note = f"imported from {job.path}" if job.target is not None else ""
                if job.id in replaces:
                    superseded.append(replaces[job.id])
                    note = f"{note} (replaces {replaces[job.id]})".lstrip()
                status = "updated" if job.existed else "indexed"
                report(Outcome(job.label, status, job.id, note, warnings=warned))
                for shown, own_id, imported, drops in twins_of.pop(job.id, ()):
                    note = " (not imported)" if imported else ""
                    dropped.extend([own_id] if drops else [])
                    said = _duplicate(shown, job.id, note, own_id if drops else "")
                    report(Outcome(shown, "duplicate", job.id, said))
            else:
                status, message = result
                first = job.label
                if job.target is not None:  # an outside file that is refused is not imported
                    first = str(job.path)
                    message = message.replace(job.label, first, 1) + " (not imported)"
                report(Outcome(first, status, None if job.target is not None else job.id, message))
                reason = message.removeprefix(f"{first}: ").removesuffix(" (not imported)")
                refused_contents[job.checksum.split("-")[0]] = (status, reason, first)
                for shown, own_id, imported, _ in twins_of.pop(job.id, ()):
                    note = " (not imported)" if imported else ""
                    said = f"{shown}: {reason} (the same bytes as {first}){note}"
                    report(Outcome(shown, status, None if imported else own_id, said))
            if len(pending) >= every or pending_chars >= COMMIT_CHARS:
                writer.write(pending, _unclaimed(superseded, seen_ids) + dropped)
                pending, pending_chars, superseded, dropped = [], 0, [], []
        if pending or dropped:
            writer.write(pending, _unclaimed(superseded, seen_ids) + dropped)
        writer.wait()
    finally:
        writer.close()
        if imports is not None and imports.finish is not None:
            imports.finish()
    written = writer.written

    if prune:
        try:
            gone = [
                i
                for i, (_, src) in known.items()
                if i not in seen_ids and i not in replaces.values() and not _source_exists(src, corpus)
            ]
        except _Unknown as exc:  # part of the corpus cannot be read: whether its files are gone is not known
            gone = []
            why = f"cannot tell whether the file is still in the corpus ({exc.reason})"
            report(
                Outcome(exc.source, "failed", None, f"{exc.source}: pruning skipped, nothing removed: {why}")
            )
        if gone:
            kb.remove(gone)
            for doc_id in gone:
                report(Outcome(known[doc_id][1], "removed", doc_id, "the file is no longer in the corpus"))
    log.info("ingest: %d files, %d documents written", len(outcomes), written)
    return outcomes


class _Writer:
    """The pipeline's writes to the index, in order. In the background, one write runs in a thread while
    the next batch is read; the pipeline waits for it before handing over the next (so at most two
    batches are held), and its refused documents are reported in the pipeline's own thread. A write
    that raises (the engine unreachable) raises from the next `write` or `wait`; documents not written
    then are read again by the next run (their checksums are not in the index)."""

    def __init__(self, kb: KnowledgeBase, procs: int, refused: Callable[[str, str], None], background: bool):
        self.kb, self.procs, self.refused = kb, procs, refused
        self.written = 0
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-write") if background else None
        self.running: Future | None = None
        self.failures: list[tuple[str, str]] = []

    def _write(self, docs: list[Document], delete: list[str]) -> int:
        return self.kb.write(
            docs, delete=delete, procs=self.procs, on_failure=lambda *f: self.failures.append(f)
        )

    def write(self, docs: list[Document], delete: list[str]) -> None:
        self.wait()
        if self.pool is None:
            self.written += self._write(docs, delete)
            self._report()
        else:
            self.running = self.pool.submit(self._write, docs, delete)

    def wait(self) -> None:
        """Until the write in the background has ended (raising what it raised)."""
        running, self.running = self.running, None
        if running is not None:
            self.written += running.result()
            self._report()

    def _report(self) -> None:
        failures, self.failures = self.failures, []
        for doc_id, reason in failures:
            self.refused(doc_id, reason)

    def close(self) -> None:
        """Let a write still running end (an error elsewhere stopped the pipeline), then the thread."""
        if self.pool is not None:
            self.pool.shutdown(wait=True)


def _duplicate(shown: str, twin: str, note: str, dropped: str) -> str:
    """A duplicate's line; `dropped`: the file's own document, which held other text, left the index."""
    gone = f"; its earlier text ({dropped}) left the index" if dropped else ""
    return f"{shown}: the same bytes as document {twin}{gone}{note}"


def _hidden_folder(label: str) -> str:
    """The first hidden folder on a corpus file's path ("" for none, or for a file outside the corpus)."""
    if label.startswith("/"):
        return ""
    return next((p for p in label.split("/")[:-1] if p.startswith(".")), "")


def _is_text(label: str) -> bool:
    """Whether a name is text (a name of Latin-1 bytes on a UTF-8 file system holds lone surrogates)."""
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _same_bytes(a: Path, b: Path, max_bytes: int) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and file_checksum(a, max_bytes) == file_checksum(
            b, max_bytes
        )
    except (OSError, IngestError):
        return False


def _unclaimed(superseded: list[str], claimed: dict[str, tuple[str, Path]]) -> list[str]:
    """The former ids to delete: not those a file of this batch has now (it was written, or will be)."""
    return [i for i in superseded if i not in claimed]


def _shown(path: Path, corpus: Path) -> str:
    """A path as shown, links not resolved: relative to the corpus when inside it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(os.path.abspath(corpus)).as_posix()
    except ValueError:
        return absolute.as_posix()


class _Unknown(Exception):
    def __init__(self, source: str, reason: str) -> None:
        self.source, self.reason = source, reason


def _source_exists(source: str, corpus: Path) -> bool:
    """Whether a document's file is there; _Unknown when that cannot be told (a folder denied)."""
    path = Path(source)
    try:
        return (path if path.is_absolute() else corpus / path).exists()
    except OSError as exc:
        raise _Unknown(source, (exc.strerror or str(exc)).lower()) from exc


def _prepare_all(jobs: Iterable[_Job], corpus: Path, limits: Limits, workers: int | None):
    """(job, _Read or (status, message)) for each job in order, extracting in worker processes.

    At most IN_FLIGHT_PER_WORKER files per worker are submitted ahead of the one yielded next. A
    worker that dies breaks its pool: each file it had in flight is read once more in a process of its own
    (so only the file that kills its reader fails), and a new pool reads the rest.
    """
    jobs = iter(jobs)
    # as many as there are workers, or IN_PROCESS_BELOW, are taken before the pool starts (no pool for none)
    ahead = list(itertools.islice(jobs, max(IN_PROCESS_BELOW, workers or os.cpu_count() or 1)))
    if not ahead:
        return
    if len(ahead) < IN_PROCESS_BELOW:
        for job in ahead:
            yield job, _guarded(job, corpus, limits)
        return
    count = max(1, min(workers or os.cpu_count() or 1, len(ahead)))
    window = count * IN_FLIGHT_PER_WORKER
    remaining = itertools.chain(ahead, jobs)
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
                if isinstance(exc, BrokenProcessPool) and owner is pool:
                    pool.shutdown(wait=True)
                    pool = None
                # it may only have shared the pool with the file that broke it: read it once more, alone
                result = _alone(job, corpus, limits) if isinstance(exc, BrokenProcessPool) else None
                if result is None:
                    result = (
                        "failed",
                        f"{job.label}: the reader crashed ({type(exc).__name__}); file skipped",
                    )
            yield job, result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _alone(job: _Job, corpus: Path, limits: Limits) -> _Read | tuple[str, str] | None:
    """The job read in a worker process of its own (None when that one dies too)."""
    with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(limits,)) as solo:
        try:
            return solo.submit(_guarded, job, corpus, limits).result()
        except BrokenProcessPool:
            return None


def _init_worker(limits: Limits) -> None:
    from ingest.worker import init_worker

    init_worker(limits)


@dataclass(frozen=True)
class _Read:
    """A file read in a worker: its document and what the user should know of it."""

    document: Document
    warnings: tuple[str, ...] = ()


def _guarded(job: _Job, corpus: Path, limits: Limits) -> _Read | tuple[str, str]:
    warnings: list[str] = []
    try:
        doc = prepare(job.path, job.label, job.id, job.checksum, corpus, limits, job.confirmed, warnings)
        return _Read(doc, tuple(warnings))
    except UnsupportedFile as exc:
        return ("unsupported", _prefixed(job.label, str(exc)))
    except IngestError as exc:
        return ("failed", _prefixed(job.label, str(exc)))


def _prefixed(label: str, message: str) -> str:
    """The message with the file named once at its start."""
    name = Path(label).name
    return message if message.startswith((f"{label}:", f"{name}:")) else f"{label}: {message}"
