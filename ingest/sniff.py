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
_OFFICE_PARTS = (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"), ("ppt/presentation.xml", "pptx"))
_OPENDOCUMENT = (
    ("opendocument.text", "odt"),
    ("opendocument.spreadsheet", "ods"),
    ("opendocument.presentation", "odp"),
)
# Streams of an OLE compound file that name what it holds (names are UTF-16LE in its directory).
_OLE_STREAMS = (
    ("EncryptedPackage", "ooxml-encrypted"),  # a password-protected .docx/.xlsx/.pptx
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("PowerPoint Document", "ppt"),
)
# What a file named like an office document must be; content of another kind makes it a broken one.
OFFICE_SUFFIXES = {
    ".docx": "docx", ".xlsx": "xlsx", ".pptx": "pptx", ".odt": "odt", ".ods": "ods", ".odp": "odp",
    ".doc": "doc", ".rtf": "rtf",
}  # fmt: skip
_CONTROL_BYTES = frozenset(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}) | {0x7F}
_CONTROL_DELETE = bytes(sorted(_CONTROL_BYTES))


def detect_type(data: bytes, name: str) -> str:
    """Return the type of a file: "pdf", "html", "docx", "odt", …, or the name of a type we do not read.

    Content decides (a renamed .docx is still a docx); a file named like an office document whose
    content is no such document gets the named type, so that its reader reports it as broken.
    """
    if not data:
        return "empty"
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:PDF_HEADER_WINDOW_BYTES]:
        return "pdf"
    suffix = PurePath(name).suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return _claimed_office_type(_zip_type(data), suffix)
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "webp"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return _ole_type(data) if kind == "ole" else kind
    if not _looks_like_text(head):
        return _claimed_office_type("binary", suffix)
    return _claimed_office_type(_text_type(head, suffix), suffix)


def _claimed_office_type(detected: str, suffix: str) -> str:
    """A plain zip, binary or text file named .docx/.odt/…: the named type, so its reader says it is broken."""
    if detected in ("zip", "binary", "text") and suffix in OFFICE_SUFFIXES:
        return OFFICE_SUFFIXES[suffix]
    return detected


def _ole_type(data: bytes) -> str:
    """What an OLE compound file (legacy Office) holds, from the stream names in its directory."""
    for stream, kind in _OLE_STREAMS:
        if stream.encode("utf-16-le") in data:
            return kind
    return "ole"


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
    """Drop a BOM and, for UTF-16 or UTF-32, the zero bytes, so byte patterns can match."""
    if wide_encoding(head):
        return head.lstrip(b"\xff\xfe\x00").replace(b"\x00", b"")
    for bom in _BOMS:
        if head.startswith(bom):
            body = head[len(bom) :]
            return body.replace(b"\x00", b"") if bom != b"\xef\xbb\xbf" else body
    return head


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
#: in units of 4 bytes, where a Latin text's zero bytes stand and where its letters: UTF-32, then UTF-16
_WIDE_ZEROS = (
    ((2, 3), (0,), "utf-32-le"),
    ((0, 1), (3,), "utf-32-be"),
    ((1, 3), (0, 2), "utf-16-le"),
    ((0, 2), (1, 3), "utf-16-be"),
)
MIN_WIDE_ZERO_RATIO = 0.3  # of the places a wide encoding puts a Latin letter's zero byte


def wide_encoding(head: bytes) -> str | None:
    """The codec of UTF-32 or UTF-16 text, with a byte order mark or without one (a Windows tool's
    "Unicode" export): without, from where its zero bytes stand and whether it decodes; else None."""
    for bom, codec in _WIDE_BOMS:
        if head.startswith(bom):
            return codec
    units = len(head) // 4
    if not units or b"\x00" not in head:
        return None
    column = [head[i : units * 4 : 4] for i in range(4)]
    for zero_places, letter_places, codec in _WIDE_ZEROS:
        zeros = min(column[i].count(0) for i in zero_places) / units
        letters = max(column[i].count(0) for i in letter_places) / units
        if zeros >= MIN_WIDE_ZERO_RATIO and letters < 0.05:
            sample = head[: units * 4]
            try:
                text = sample.decode(codec)
            except UnicodeDecodeError as exc:
                if exc.start < len(sample) - 4:  # only a character cut at the sniff boundary is allowed
                    continue
                text = sample[: exc.start].decode(codec)
            if "\x00" not in text and _few_controls(text.encode("utf-8")):
                return codec
    return None


def _looks_like_text(head: bytes) -> bool:
    """True when the bytes decode as text with few control characters."""
    codec = wide_encoding(head)
    if codec:
        sample = head[: len(head) - len(head) % 4]
        return _few_controls(sample.decode(codec, "replace").encode("utf-8", "replace"))
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
    controls = len(sample) - len(
        sample.translate(None, _CONTROL_DELETE)
    )  # C speed: every byte was 5 % of a reader
    return controls <= len(sample) * MAX_CONTROL_CHAR_RATIO


def _zip_type(data: bytes) -> str:
    """Name the kind of ZIP container: an Office or OpenDocument file, or a plain zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace")
                for marker, kind in _OPENDOCUMENT:
                    if marker in mimetype:
                        return kind
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
        if prefix in names:
            return kind
    return "zip"
