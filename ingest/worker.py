"""Reading one file into a Document, under a time and memory limit (runs in a worker process)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ExtractionFailed, IngestError
from ingest.reading import read_regular
from ingest.sidecar import read_sidecar
from ingest.source import Source
from kb.models import Document
from kb.vocabulary import load_vocabulary

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 2000
    timeout_s: float = 60.0
    memory_mb: int = 2048  # address space a worker may add to what it inherits (0: no limit)


def end_with_parent() -> None:
    """Have Linux kill this worker when the process that started it ends: a `kill -9` of `kb ingest`
    left its reader processes (120 MB each) waiting for work that would never come."""
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError) as exc:  # not Linux: the pool's own shutdown is all there is
        log.debug("ingest workers do not end with their parent: %s", exc)
        return
    if os.getppid() == 1:  # the parent ended before the signal was asked for
        os._exit(0)


def init_worker(limits: Limits) -> None:
    """End with the parent; limit the worker's memory to what it inherited plus `memory_mb`, so a
    decompression bomb fails alone.

    A forked worker inherits its parent's address space (a Streamlit server is often over 2 GB), so
    the limit is counted from the worker's size at start, not from zero.
    """
    end_with_parent()
    if not limits.memory_mb:
        return
    try:
        import resource

        with open("/proc/self/statm") as fh:
            inherited = int(fh.read().split()[0]) * resource.getpagesize()
        size = inherited + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    except (ImportError, ValueError, OSError, IndexError) as exc:  # not on every platform
        log.debug("no memory limit for ingest workers: %s", exc)


@contextmanager
def time_limit(seconds: float):
    """Raise ExtractionFailed when the block runs longer than `seconds` (main thread only)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum, _frame):
        raise ExtractionFailed(f"reading took longer than {seconds:g} s and was stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    # then again every half second: a library that swallows the first exception (bs4 did, in a
    # getattr with a default) is interrupted again until the reader gives up
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_document(
    source: Source,
    *,
    doc_id: str,
    label: str,
    checksum: str,
    corpus: Path,
    limits: Limits,
    confirmed: dict | None = None,
    warnings: list[str] | None = None,
) -> Document:
    """Extract, detect the language, derive metadata and apply confirmed metadata: one Document.

    What a user should know of a file that is still read (a misspelled metadata key, PDF pages that could
    not be read, unreadable XMP metadata, a guessed encoding) is added to `warnings`, one line each
    without the file's name; without that list, it is logged.
    """
    from ingest.extractors import extract
    from ingest.metadata import apply_confirmed, derive
    from ingest.metadata.confirmed import InvalidMetadata, date_year_conflict, unknown_keys, validate

    if len(source.data) > limits.max_bytes:
        raise ExtractionFailed(
            f"the file is larger than the limit ({len(source.data):,} > {limits.max_bytes:,} bytes)"
        )
    try:
        with time_limit(limits.timeout_s):
            extracted = extract(source, max_pages=limits.max_pdf_pages)
            vocabulary = load_vocabulary(corpus)
            checked = []
            said: list[str] = []
            # a field the metadata file holds empty (null, []) was emptied by a coordinator: it stays so
            doors = (("front matter", extracted.confirmed, False), (_sidecar_name(label), confirmed, True))
            for where, values, keep_emptied in doors:
                try:
                    checked.append(validate(values or {}, vocabulary, keep_emptied=keep_emptied))
                except InvalidMetadata as exc:
                    raise InvalidMetadata(f"{where}: {exc}") from None
                # the document is still read: a coordinator learns that a misspelled key tagged nothing
                said += [
                    f"{where}: {line}"
                    for line in unknown_keys(values or {}, front_matter=where == "front matter")
                ]
                conflict = date_year_conflict(checked[-1])
                said += [f"{where}: {conflict}"] if conflict else []
            said += [line for line in extracted.warnings if line not in _NO_PROBLEM]
            front, own = checked
            if (
                "date" in own or "year" in own
            ):  # the metadata file's date stands whole over the front matter's
                front = {k: v for k, v in front.items() if k not in ("date", "year")}
            merged = {**front, **own}
            derived = derive(extracted, vocabulary, Path(source.name).name, confirmed=merged)
            if merged:
                derived = apply_confirmed(derived, merged, vocabulary)
    except MemoryError as exc:
        raise ExtractionFailed(f"reading needed more than the memory limit ({limits.memory_mb} MB)") from exc
    except RecursionError as exc:
        raise ExtractionFailed("the file is nested too deeply to read") from exc
    if not extracted.text.strip():  # what the reader noticed says why (a web page of no main text)
        raise ExtractionFailed("no text could be extracted" + (f" ({'; '.join(said)})" if said else ""))
    if warnings is None:
        for line in said:
            log.warning("%s: %s", label, line)
    else:
        warnings += said
    return Document(
        id=doc_id,
        source=label,
        title=derived.title,
        text=extracted.text,
        language=derived.language,
        date=derived.date,
        year=derived.year,
        networks=tuple(derived.networks),
        regions=tuple(derived.regions),
        topics=tuple(derived.topics),
        doctype=derived.doctype,
        checksum=checksum,
        added_by=_str_or_none(merged.get("added_by")),
        added_at=_str_or_none(merged.get("added_at")),
    )


def read_noted(source: Source, **how) -> tuple[Document, tuple[str, ...]]:
    """read_document's Document and its warnings (what a worker process sends back)."""
    warnings: list[str] = []
    return read_document(source, warnings=warnings, **how), tuple(warnings)


# what an extractor says of a file that is no problem of it: not a warning
_NO_PROBLEM = frozenset({"text recognised by OCR"})


def _sidecar_name(label: str) -> str:
    return Path(label).name + ".meta.json"


def _str_or_none(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def prepare(
    path: Path,
    label: str,
    doc_id: str,
    checksum: str,
    corpus: Path,
    limits: Limits,
    confirmed: dict | None = None,
    warnings: list[str] | None = None,
) -> Document:
    """A corpus or outside file read into a Document (its sidecar's metadata confirmed, or `confirmed`:
    the metadata an imported copy will be stored with); its warnings as read_document's."""
    try:  # a regular file, no link, no larger than the limit: checked on the open file, before reading
        data = read_regular(path, limits.max_bytes)
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror}") from exc
    return read_document(
        Source(path.name, data),
        doc_id=doc_id,
        label=label,
        checksum=checksum,
        corpus=corpus,
        limits=limits,
        confirmed=read_sidecar(path) if confirmed is None else confirmed,
        warnings=warnings,
    )
