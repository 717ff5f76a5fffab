"""Word, PowerPoint and Excel files (.docx, .pptx, .xlsx): text in reading order plus title, author, created.

Headings, list items and table rows stay one block each ("- " before list items, table cells joined
by " | "). A password-protected file is an OLE container holding "EncryptedPackage" (sniff.py says
"ooxml-encrypted"): it fails as password-protected.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml.etree import LxmlError

from ingest.errors import ExtractionFailed, PasswordProtected
from ingest.extractors.office_common import (
    MAX_TABLE_CELLS,
    NOT_XML,
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

TYPES = frozenset({"docx", "pptx", "xlsx", "ooxml-encrypted"})

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_LIST_STYLE = re.compile(r"list|aufzählung|liste|opsomming|opstilling|bullet", re.I)
_HEADING_STYLES = ("heading", "title", "überschrift", "titel", "overskrift", "kop ")
# Errors the libraries raise on damaged parts (lxml's are LxmlError, a SyntaxError for bad XML).
_READ_ERRORS = (
    KeyError, ValueError, TypeError, AttributeError, IndexError, zipfile.BadZipFile, EOFError, LxmlError,
    zlib.error,  # a part whose packed bytes are damaged (a file too large to be tested whole first)
    OSError,  # openpyxl: "File contains no valid workbook part" (it reads bytes in memory: no disk error)
    SyntaxError,  # openpyxl reads a sheet with ElementTree: its ParseError for a sheet of no XML
)  # fmt: skip


# the parts without which a zip archive is no Office file (a zip, or another program's file, renamed);
# Word and PowerPoint read the main part's name from _rels/.rels (word/document2.xml is a Word file too)
_PACKAGE_PARTS = {
    "docx": ("[Content_Types].xml", "_rels/.rels"),
    "pptx": ("[Content_Types].xml", "_rels/.rels"),
}
# the document properties (title, author, dates) in an empty but valid form: a file whose own are damaged
# is read with these, and a warning, as a PDF with unreadable XMP metadata is
_EMPTY_PROPERTIES = {
    "docProps/core.xml": b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
    b'metadata/core-properties"/>',
    "docProps/app.xml": b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties"/>',
}
_MISSING_PART = re.compile(r"no item named '([^']+)'|no member '/?([^']+)'")


def read(source: Source, detected: str, options: Options) -> Extracted:
    if detected == "ooxml-encrypted":
        raise PasswordProtected("password-protected: the Office file is encrypted and needs its password")
    with open_zip(source.data, detected) as archive:
        names = set(archive.namelist())
    for part in _PACKAGE_PARTS.get(detected, ("[Content_Types].xml",)):
        if part not in names:
            raise ExtractionFailed(f"not a {label(detected)} file: the zip archive has no {part}")
    reader = {"docx": _docx, "pptx": _pptx, "xlsx": _xlsx}[detected]
    warnings: tuple[str, ...] = ()
    try:
        try:
            text, props = reader(source.data)
        except (*_READ_ERRORS, SyntaxError):
            repaired, warnings = _with_empty_properties(source.data)
            if not warnings:
                raise
            try:  # the text, without the document properties that are damaged
                text, props = reader(repaired)
            except (*_READ_ERRORS, SyntaxError):
                warnings = ()
                raise
    except ExtractionFailed:
        raise
    except KeyError as exc:  # a part the package names is not in it, or it names no main part
        missing = _MISSING_PART.search(str(exc))
        part = next(filter(None, missing.groups())) if missing else None
        reason = f"the part {part} is missing" if part else "_rels/.rels names no main document"
        raise broken(detected, reason) from exc
    except (LxmlError, SyntaxError) as exc:
        raise broken(detected, NOT_XML) from exc
    except _READ_ERRORS as exc:  # e.g. openpyxl's OSError "File contains no valid workbook part"
        raise broken(detected, UNREADABLE) from exc
    if b"/metadata/core-properties" not in _part(source.data, "_rels/.rels"):
        props = None  # the libraries make up their own ("Word Document", by "python-docx"; by "openpyxl")
    return Extracted(
        text=text,
        format=detected,
        title=property_text(getattr(props, "title", None)),
        author=property_text(getattr(props, "author", None) or getattr(props, "creator", None)),
        date=property_date(getattr(props, "created", None)),
        warnings=warnings,
    )


def _with_empty_properties(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The file with each document-properties part that is no XML replaced by an empty one, and a warning
    for each (none: every such part is whole, so the damage is elsewhere)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    damaged: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for part in _EMPTY_PROPERTIES:
            if part in names:
                try:
                    etree.fromstring(archive.read(part), parser)
                except LxmlError:
                    damaged[part] = f"document properties unreadable: {part} is no well-formed XML"
        if not damaged:
            return data, ()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in archive.infolist():
                target.writestr(
                    info, _EMPTY_PROPERTIES[info.filename] if info.filename in damaged else archive.read(info)
                )
    return out.getvalue(), tuple(damaged.values())


def _docx(data: bytes) -> tuple[str, object]:
    import docx

    document = docx.Document(io.BytesIO(data))
    styles = _style_names(document)
    blocks = list(_docx_blocks(document.element.body, styles))
    seen: set[str] = set()
    for section in document.sections:  # headers and footers once each, after the body
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            text = join_blocks(_docx_blocks(part._element, styles))
            if text and text not in seen:
                seen.add(text)
                blocks.append(text)
    return join_blocks(blocks), document.core_properties


def _style_names(document: object) -> dict[str, str]:
    """Paragraph style id -> lower-cased style name (ids are localised: "berschrift1")."""
    names: dict[str, str] = {}
    for style in document.styles:  # type: ignore[attr-defined]
        style_id = getattr(style, "style_id", None)
        if style_id:
            names[style_id] = (getattr(style, "name", "") or style_id).lower()
    return names


def _docx_blocks(container: object, styles: dict[str, str]) -> Iterator[str]:
    """Paragraphs and tables of a body, cell or content control in document order."""
    for child in container.iterchildren():  # type: ignore[attr-defined]
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph(child, styles)
        elif tag == f"{_W}tbl":
            for row in child.iterchildren(f"{_W}tr"):
                cells = [" ".join(_docx_blocks(cell, styles)) for cell in row.iterchildren(f"{_W}tc")]
                yield row_text(cells)
        elif tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _docx_blocks(content, styles)


def _paragraph(element: object, styles: dict[str, str]) -> str:
    """One paragraph's text; list items get "- " in front."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):  # type: ignore[attr-defined]
        parts.append(node.text or "" if node.tag == f"{_W}t" else " ")
    text = " ".join("".join(parts).split())
    if not text:
        return ""
    props = element.find(f"{_W}pPr")  # type: ignore[attr-defined]
    if props is None:
        return text
    style = props.find(f"{_W}pStyle")
    name = styles.get(style.get(f"{_W}val"), "") if style is not None else ""
    numbered = props.find(f"{_W}numPr") is not None
    if (numbered or _LIST_STYLE.search(name)) and not name.startswith(_HEADING_STYLES):
        return f"- {text}"
    return text


def _pptx(data: bytes) -> tuple[str, object]:
    import pptx

    presentation = pptx.Presentation(io.BytesIO(data))
    blocks: list[str] = []
    for slide in presentation.slides:
        shapes = sorted(slide.shapes, key=lambda s: (s.top or 0, s.left or 0))
        title = slide.shapes.title
        if title is not None:
            shapes = [title, *[s for s in shapes if s.shape_id != title.shape_id]]
        for shape in shapes:
            blocks.extend(_shape_blocks(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            blocks.append(slide.notes_slide.notes_text_frame.text)
    return join_blocks(blocks), presentation.core_properties


def _shape_blocks(shape: object) -> Iterator[str]:
    """The text of one slide shape: its paragraphs, table rows, or the shapes of a group."""
    if getattr(shape, "has_text_frame", False):
        for paragraph in shape.text_frame.paragraphs:  # type: ignore[attr-defined]
            text = " ".join("".join(run.text for run in paragraph.runs).split())
            if text:
                yield f"- {text}" if paragraph.level > 0 else text
    elif getattr(shape, "has_table", False):
        for row in shape.table.rows:  # type: ignore[attr-defined]
            yield row_text(cell.text for cell in row.cells)
    elif hasattr(shape, "shapes"):
        for inner in shape.shapes:  # type: ignore[attr-defined]
            yield from _shape_blocks(inner)


def _xlsx(data: bytes) -> tuple[str, object]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    blocks: list[str] = []
    cells = 0
    try:
        for sheet in workbook.worksheets:
            rows: list[str] = []
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_TABLE_CELLS:
                    log.info("spreadsheet cut after %d cells", MAX_TABLE_CELLS)
                    break
                line = row_text(_cell_text(value) for value in row)
                if line:
                    rows.append(line)
            if rows:
                blocks.append(sheet.title)
                blocks.extend(rows)
            if cells > MAX_TABLE_CELLS:
                break
        props = workbook.properties
        if not _CREATED.search(_part(data, "docProps/core.xml")):  # openpyxl says "now" for no date: the
            props.created = None  # spreadsheet was dated the day it was read
        return join_blocks(blocks), props
    finally:
        workbook.close()


_CREATED = re.compile(rb"<(?:[\w.-]+:)?created[\s>/]")


def _part(data: bytes, name: str) -> bytes:
    """One part of the zip `data` (b"" when it has none)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            return archive.read(name)
        except KeyError:
            return b""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
