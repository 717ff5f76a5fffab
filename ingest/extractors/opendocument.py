"""OpenDocument files (.odt, .ods, .odp, as LibreOffice writes them): text in reading order plus meta.xml.

Headings and paragraphs are one block each, list items get "- " in front, table rows become one
line of cells joined by " | ". A file whose manifest lists encryption data is password-protected.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ingest.errors import ExtractionFailed, PasswordProtected
from ingest.extractors.office_common import (
    MAX_TABLE_CELLS,
    UNREADABLE,
    broken,
    join_blocks,
    label,
    open_zip,
    property_date,
    property_text,
    row_text,
)
from ingest.source import Extracted, Source

if TYPE_CHECKING:
    from ingest.extractors import Options

log = logging.getLogger(__name__)

TYPES = frozenset({"odt", "ods", "odp"})

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_SKIP = frozenset(
    {"sequence-decls", "tracked-changes", "forms", "annotation", "variable-decls", "user-field-decls",
     "table-columns", "table-column", "table-header-columns", "named-expressions", "calculation-settings",
     "database-ranges", "notes", "soft-page-break", "bookmark", "bookmark-start", "bookmark-end"}
)  # fmt: skip
_NOT_XML = "its text cannot be read: content.xml is not well-formed XML"
_REFUSED_XML = "its text cannot be read: content.xml declares entities or a DTD, which are not read"
_READ_ERRORS = (
    KeyError, ValueError, TypeError, AttributeError, IndexError, zipfile.BadZipFile, EOFError, zlib.error
)  # fmt: skip


def read(source: Source, detected: str, options: Options) -> Extracted:
    from xml.sax import SAXException

    from defusedxml import DefusedXmlException

    with open_zip(source.data, detected) as archive:
        _refuse_encrypted(archive)
        warnings: list[str] = []
        try:
            document = _load(archive, detected, warnings)
            blocks = list(_blocks(document.body, [0]))
            meta = _meta(document)
        except SAXException as exc:
            raise broken(detected, _NOT_XML) from exc
        except DefusedXmlException as exc:
            raise broken(detected, _REFUSED_XML) from exc
        except _READ_ERRORS as exc:
            raise broken(detected, UNREADABLE) from exc
    return Extracted(
        text=join_blocks(blocks),
        format=detected,
        title=property_text(meta.get("title")),
        author=property_text(meta.get("initial-creator") or meta.get("creator")),
        date=property_date(meta.get("creation-date")),
        warnings=tuple(warnings),
    )


def _load(archive: zipfile.ZipFile, kind: str, warnings: list[str]) -> object:
    """An odfpy document of the file's meta.xml and content.xml only (odfpy's load() also parses
    embedded objects, whose external DTDs it refuses, and prints unparsable parts to stdout)."""
    from xml.sax import SAXException, handler

    from defusedxml.sax import make_parser
    from odf.load import LoadParser
    from odf.opendocument import OpenDocument

    names = set(archive.namelist())
    if "content.xml" not in names:
        if "mimetype" in names:  # an OpenDocument file that lost its text
            raise broken(kind, "it has no content.xml")
        raise ExtractionFailed(f"not a {label(kind)} file: the zip archive has no content.xml")
    try:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
    except KeyError:
        mimetype = "application/vnd.oasis.opendocument.text"

    def parse(document: object, part: str) -> None:
        parser = make_parser()
        parser.setFeature(handler.feature_namespaces, 1)
        parser.setFeature(handler.feature_external_ges, 0)
        parser.setContentHandler(LoadParser(document))
        parser.setErrorHandler(handler.ErrorHandler())
        document._parsing = part  # type: ignore[attr-defined]
        parser.parse(io.BytesIO(archive.read(part)))

    document = OpenDocument(mimetype, add_generator=False)
    if "meta.xml" in names:
        try:
            parse(document, "meta.xml")
        except SAXException:  # the text is still read, as a PDF's with unreadable XMP metadata
            warnings.append("document properties unreadable: meta.xml is no well-formed XML")
            document = OpenDocument(mimetype, add_generator=False)  # nothing half read of it
    parse(document, "content.xml")
    return document


def _refuse_encrypted(archive: zipfile.ZipFile) -> None:
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        return
    if b"encryption-data" in manifest:
        raise PasswordProtected(
            "password-protected: the OpenDocument file is encrypted and needs its password"
        )


def _name(node: object) -> tuple[str, str]:
    qname = getattr(node, "qname", None)
    return qname if isinstance(qname, tuple) else ("", "")


def _text(node: object) -> str:
    """The text of an element, spaces and tabs included, nested frames and notes left out."""
    parts: list[str] = []
    for child in getattr(node, "childNodes", ()):
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        namespace, local = _name(child)
        if namespace == _TEXT_NS and local in ("s", "tab", "line-break"):
            parts.append(" ")
        elif local not in _SKIP and local != "note":
            parts.append(_text(child))
    return "".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _blocks(node: object, cells: list[int]) -> Iterator[str]:
    """Headings, paragraphs, list items and table rows below a node, in document order."""
    for child in getattr(node, "childNodes", ()):
        if child.nodeType != child.ELEMENT_NODE:
            continue
        namespace, local = _name(child)
        if local in _SKIP:
            continue
        if namespace == _TEXT_NS and local in ("h", "p"):
            yield from _paragraph(child, cells)
        elif namespace == _TEXT_NS and local == "list-item":
            for index, block in enumerate(_blocks(child, cells)):
                yield block if block.startswith("- ") or index else f"- {block}"
        elif namespace == _TABLE_NS and local == "table-row":
            yield from _row(child, cells)
        else:
            yield from _blocks(child, cells)


def _paragraph(element: object, cells: list[int]) -> Iterator[str]:
    """A paragraph's own text, then the paragraphs of text boxes anchored in it."""
    text = _one_line(_text(element))
    if text:
        yield text
    for child in getattr(element, "childNodes", ()):
        if child.nodeType == child.ELEMENT_NODE and _name(child)[1] == "frame":
            yield from _blocks(child, cells)


def _row(row: object, cells: list[int]) -> Iterator[str]:
    texts: list[str] = []
    for cell in getattr(row, "childNodes", ()):
        if cell.nodeType != cell.ELEMENT_NODE or _name(cell)[1] not in ("table-cell", "covered-table-cell"):
            continue
        cells[0] += 1
        if cells[0] > MAX_TABLE_CELLS:
            return
        texts.append(" ".join(_blocks(cell, cells)))
    line = row_text(texts)
    if line:
        yield line


def _meta(document: object) -> dict[str, str]:
    """dc:title, dc:creator, meta:initial-creator and meta:creation-date from meta.xml."""
    found: dict[str, str] = {}
    for child in getattr(document.meta, "childNodes", ()):  # type: ignore[attr-defined]
        if child.nodeType == child.ELEMENT_NODE:
            found.setdefault(_name(child)[1], _one_line(_text(child)))
    return found
