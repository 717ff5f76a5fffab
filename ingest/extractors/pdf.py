"""Read PDF files with pypdf: page text in order, plus title, author, date and language the file declares."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

from ingest.errors import ExtractionFailed, NoTextLayer, PasswordProtected
from ingest.extractors import ocr as ocr_module
from ingest.extractors.fields import clean_text, clean_title, normalize_date, normalize_language
from ingest.source import Extracted, Source

if TYPE_CHECKING:
    from ingest.extractors import Options

log = logging.getLogger(__name__)
# pypdf logs a warning for every damaged object it steps over (33,000 lines for one PDF of nested
# dictionaries); a file's problems that matter become its outcome (pypdf raises), so only pypdf's
# critical messages are let through.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)

TYPES = frozenset({"pdf"})
PASSWORD_MESSAGE = "password-protected PDF: cannot be read without its password"
# pypdf reports broken input through many exception types; all mean "this file is broken".
_BROKEN = (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, AssertionError,
           ZeroDivisionError, OverflowError, RecursionError, UnicodeError, EOFError, OSError, LookupError,
           NotImplementedError)  # pypdf: a filter it has no decoder for  # fmt: skip


def read(source: Source, detected: str, options: Options) -> Extracted:
    """Return the text of every page and the PDF's declared metadata."""
    reader = _open(source.data)
    try:
        page_count = len(reader.pages)
    except FileNotDecryptedError as exc:
        raise PasswordProtected(PASSWORD_MESSAGE) from exc
    except _BROKEN as exc:
        raise ExtractionFailed(f"broken PDF: {_reason(exc)}") from exc
    if page_count > options.max_pages:
        raise ExtractionFailed(f"PDF has {page_count} pages, more than the limit of {options.max_pages}")
    if page_count == 0:
        raise ExtractionFailed("broken PDF: no pages")
    warnings: list[str] = []
    pages = _page_texts(reader, page_count, warnings)
    if not any(p.strip() for p in pages):
        if not options.ocr or not ocr_module.available():
            raise NoTextLayer("no text layer (image-only scan); install tesseract to OCR it")
        pages = ocr_module.ocr_pdf(source.data, page_count)
        warnings.append("text recognised by OCR")
        if not any(p.strip() for p in pages):
            raise NoTextLayer("no text layer (image-only scan) and OCR found no text")
    meta = _metadata(reader, warnings)
    return Extracted(
        text=clean_text("\n\n".join(p.strip() for p in pages if p.strip())),
        format="pdf",
        title=meta.get("title"),
        date=meta.get("date"),
        language=meta.get("language"),
        author=meta.get("author"),
        warnings=tuple(warnings),
    )


def _open(data: bytes) -> PdfReader:
    """Open the PDF, trying the empty password so owner-password-only files read normally."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PasswordProtected(PASSWORD_MESSAGE)
    except DependencyError as exc:
        raise ExtractionFailed(
            "encrypted PDF (AES) cannot be opened: the 'cryptography' package is not installed"
        ) from exc
    except FileNotDecryptedError as exc:
        raise PasswordProtected(PASSWORD_MESSAGE) from exc
    except (PdfReadError, *_BROKEN) as exc:
        raise ExtractionFailed(f"broken PDF: {_reason(exc)}") from exc
    return reader


def _page_texts(reader: PdfReader, page_count: int, warnings: list[str]) -> list[str]:
    """Extract each page's text; a page that fails is skipped with a warning."""
    pages: list[str] = []
    failed: list[int] = []
    for number in range(page_count):
        try:
            pages.append(reader.pages[number].extract_text() or "")
        except FileNotDecryptedError as exc:
            raise PasswordProtected(PASSWORD_MESSAGE) from exc
        except _BROKEN as exc:
            log.debug("page %d unreadable: %s", number + 1, exc)
            failed.append(number + 1)
            pages.append("")
    if failed and len(failed) == page_count:
        raise ExtractionFailed(f"broken PDF: no page could be read ({len(failed)} pages)")
    if failed:
        warnings.append(f"{len(failed)} page(s) could not be read: {', '.join(map(str, failed[:10]))}")
    return pages


def _metadata(reader: PdfReader, warnings: list[str]) -> dict[str, str]:
    """Collect title, author, date and language from the document info, the catalog and XMP."""
    found: dict[str, str] = {}
    try:
        info = reader.metadata or {}
        _put(found, "title", clean_title(_string(info.get("/Title"))))
        _put(found, "author", clean_title(_string(info.get("/Author"))))
        _put(found, "date", normalize_date(_string(info.get("/CreationDate"))))
    except _BROKEN as exc:
        warnings.append(f"document info unreadable: {_reason(exc)}")
    try:
        _put(found, "language", normalize_language(_string(reader.trailer["/Root"].get("/Lang"))))
    except _BROKEN as exc:
        log.debug("catalog /Lang unreadable: %s", exc)
    try:
        xmp = reader.xmp_metadata
        if xmp is not None:
            titles = xmp.dc_title or {}
            _put(found, "title", clean_title(titles.get("x-default") or next(iter(titles.values()), None)))
            _put(found, "author", clean_title(", ".join(xmp.dc_creator or [])))
            _put(found, "date", normalize_date(xmp.xmp_create_date or next(iter(xmp.dc_date or []), None)))
            _put(found, "language", normalize_language(next(iter(xmp.dc_language or []), None)))
    except _BROKEN as exc:
        warnings.append(f"XMP metadata unreadable: {_reason(exc)}")
    return found


def _put(found: dict[str, str], key: str, value: str | None) -> None:
    """Keep the first value found for a field."""
    if value and key not in found:
        found[key] = value


def _string(value: object) -> str | None:
    """Return a PDF object as a plain string, or None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _reason(exc: BaseException) -> str:
    """One line naming what went wrong."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text[:200]
