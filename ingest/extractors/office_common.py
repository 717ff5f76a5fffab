"""What the office readers share: opening the zip safely, one-line failures, declared properties, table rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from collections.abc import Iterable

from ingest.errors import ExtractionFailed
from ingest.extractors.fields import clean_title, normalize_date

MAX_UNZIPPED_BYTES = 512 * 1024 * 1024  # a document that unpacks to more is refused (decompression bombs)
MAX_TABLE_CELLS = 200_000  # cells read from one spreadsheet or table-heavy file
# Dates that office programs write when nobody set one: the zip (DOS) epoch, Unix and Windows epochs.
_PLACEHOLDER_DATES = frozenset({"1980-01-01", "1970-01-01", "1601-01-01", "1900-01-01", "1899-12-30"})
_LABELS = {
    "docx": ".docx (Word)", "xlsx": ".xlsx (Excel)", "pptx": ".pptx (PowerPoint)",
    "odt": ".odt (OpenDocument text)", "ods": ".ods (OpenDocument spreadsheet)",
    "odp": ".odp (OpenDocument presentation)", "doc": ".doc (Word 97-2003)", "rtf": ".rtf",
}  # fmt: skip
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    EOFError,
    KeyError,
    RuntimeError,
    zlib.error,  # a part whose packed bytes are damaged ("invalid code lengths set")
)


def label(kind: str) -> str:
    return _LABELS.get(kind, kind)


# Reasons in words a coordinator reads (the library's own message names its exception classes: it is
# kept as the failure's __cause__, for a developer)
NOT_A_ZIP = "not a readable zip archive (cut short, damaged, or another kind of file renamed)"
NOT_XML = "its text cannot be read: a part of it is not well-formed XML"
UNREADABLE = "its text cannot be read: its parts are damaged or do not fit together"


def broken(kind: str, reason: str) -> ExtractionFailed:
    """A one-line failure naming the format and the reason (a reason in words, never an exception's name)."""
    return ExtractionFailed(f"broken {label(kind)} file: {' '.join(str(reason).split())[:200]}")


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """The file's zip container, checked for being whole and not unpacking to more than the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise ExtractionFailed(
                f"the {label(kind)} file unpacks to more than {MAX_UNZIPPED_BYTES >> 20} MB"
            )
        bad = _damaged_part(archive) if len(data) < 20 * 1024 * 1024 else None
    except _ZIP_ERRORS as exc:
        raise broken(kind, NOT_A_ZIP) from exc
    if bad is not None:
        raise broken(kind, f"the part {bad} is damaged")
    return archive


def _damaged_part(archive: zipfile.ZipFile) -> str | None:
    """The first part that cannot be unpacked whole (a wrong checksum, packed bytes damaged), or None;
    zipfile's testzip names only the first kind, and raised zlib.error for the second."""
    for info in archive.infolist():
        try:
            with archive.open(info) as part:
                while part.read(1 << 20):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError):
            return info.filename
    return None


def property_date(value: object) -> str | None:
    """An ISO date from a declared creation date, or None for empty and placeholder dates."""
    if isinstance(value, dt.datetime | dt.date | str):
        date = normalize_date(value)
        if date and date not in _PLACEHOLDER_DATES and len(date) >= 4:
            return date
    return None


def property_text(value: object) -> str | None:
    """A declared title or author with whitespace collapsed, or None when empty or a placeholder."""
    return clean_title(value) if isinstance(value, str) else None


def row_text(cells: Iterable[str]) -> str:
    """A table row as one line: its non-empty cells (merged cells once) joined by " | "."""
    kept: list[str] = []
    for cell in cells:
        text = " ".join(cell.split())
        if text and (not kept or kept[-1] != text):
            kept.append(text)
    return " | ".join(kept)


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks of text separated by blank lines, empty ones dropped."""
    return "\n\n".join(b.strip() for b in blocks if b and b.strip())
