"""Detect a file's type from its content first and its name's suffix second."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import PurePath

log = logging.getLogger(__name__)

SNIFF_BYTES = 8192
PDF_HEADER_WINDOW_BYTES = 1024  # readers accept "%PDF-" anywhere in the first KiB
MAX_CONTROL_CHAR_RATIO = 0.05

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "exe"),
    (b"\x7fELF", "exe"),
    (b"\xcf\xfa\xed\xfe", "exe"),  # Mach-O 64-bit
    (b"\xce\xfa\xed\xfe", "exe"),  # Mach-O 32-bit
    (b"\xca\xfe\xba\xbe", "exe"),  # Mach-O universal / Java class
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy .doc/.xls/.ppt/.msg
    (b"{\\rtf", "rtf"),
    (b"%!PS", "postscript"),
    (b"\x00asm", "wasm"),
    (b"SQLite format 3\x00", "sqlite"),
    (b"ID3", "mp3"),
    (b"OggS", "ogg"),
    (b"fLaC", "flac"),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BOMS: tuple[bytes, ...] = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_ANYWHERE = re.compile(rb"<html\b|<body\b|<!doctype\s+html", re.I)
_OFFICE_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_CONTROL_BYTES = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}


def detect_type(data: bytes, name: str) -> str:
    """Return the type of a file: "pdf", "html", "markdown", "text", or the name of a type we do not read."""
    if not data:
        return "empty"
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:PDF_HEADER_WINDOW_BYTES]:
        return "pdf"
    if head.startswith(_ZIP_MAGIC):
        return _zip_type(data)
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "webp"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if not _looks_like_text(head):
        return "binary"
    return _text_type(head, PurePath(name).suffix.lower())


def _text_type(head: bytes, suffix: str) -> str:
    """Tell HTML, Markdown and plain text apart for content already known to be text."""
    ascii_head = _as_ascii(head)
    if _HTML_START.match(ascii_head):
        return "html"
    if suffix in _HTML_SUFFIXES and (_HTML_ANYWHERE.search(ascii_head) or b"<" in ascii_head):
        return "html"
    if ascii_head.lstrip().startswith(b"<?xml"):
        return "html" if _HTML_ANYWHERE.search(ascii_head) else "xml"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def _as_ascii(head: bytes) -> bytes:
    """Drop a BOM and, for UTF-16, the zero bytes, so byte patterns can match."""
    for bom in _BOMS:
        if head.startswith(bom):
            body = head[len(bom) :]
            return body.replace(b"\x00", b"") if bom != b"\xef\xbb\xbf" else body
    return head


def _looks_like_text(head: bytes) -> bool:
    """True when the bytes decode as text with few control characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            sample = head[: len(head) - len(head) % 2]
            text = sample.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return _few_controls(text.encode("utf-8", "replace"))
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still UTF-8.
        if exc.start < len(head) - 4:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return _few_controls(head)


def _few_controls(sample: bytes) -> bool:
    """True when control characters are rare enough for the sample to be text."""
    controls = sum(1 for b in sample if b in _CONTROL_BYTES)
    return controls <= len(sample) * MAX_CONTROL_CHAR_RATIO


def _zip_type(data: bytes) -> str:
    """Name the kind of ZIP container: an Office or OpenDocument file, or a plain zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace")
                if "opendocument.text" in mimetype:
                    return "odt"
                if "epub" in mimetype:
                    return "epub"
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        EOFError,
        KeyError,
    ) as exc:
        log.debug("not a readable zip: %s", exc)
        return "zip"
    for prefix, kind in _OFFICE_PARTS:
        if any(n.startswith(prefix) for n in names):
            return kind
    return "zip"
