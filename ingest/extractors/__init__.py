"""Turn a file's bytes into text plus the metadata it declares, choosing the reader by detected type."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import ModuleType

from ingest.errors import ExtractionFailed, UnsupportedFile
from ingest.extractors import html, legacy, ooxml, opendocument, pdf, text
from ingest.sniff import detect_type
from ingest.source import Extracted, Source
from kb.folding import INVISIBLE

log = logging.getLogger(__name__)

DEFAULT_MAX_PAGES = 2000


@dataclass(frozen=True)
class Options:
    """How far an extractor may go for one file."""

    max_pages: int = DEFAULT_MAX_PAGES
    ocr: bool = True


Reader = Callable[[Source, str, Options], Extracted]

_MODULES: tuple[ModuleType, ...] = (pdf, html, text, ooxml, opendocument, legacy)


def _build_registry(modules: tuple[ModuleType, ...]) -> dict[str, Reader]:
    """Map each detected type to the reader of the module that declares it."""
    registry: dict[str, Reader] = {}
    for module in modules:
        for kind in module.TYPES:
            if kind in registry:
                raise RuntimeError(f"two extractors claim the type {kind!r}")
            registry[kind] = module.read
    return registry


_REGISTRY = _build_registry(_MODULES)


#: what a detected type whose name says little to a reader is, in words
_UNSUPPORTED_WORDS = {
    "ole": "an Office container with no Word, Excel or PowerPoint document in it, "
    "such as an Outlook message, a Visio or Publisher file or an Excel 95 workbook",
    "zip": "a zip archive: unpack it and add its files",
    "xml": "XML data, not a web page",
    "postscript": "PostScript: save it as PDF",
    "wasm": "a WebAssembly program",
    "sqlite": "a database",
}


def supported_types() -> frozenset[str]:
    """Return the detected types that extract() can read."""
    return frozenset(_REGISTRY)


def extract(source: Source, *, max_pages: int = DEFAULT_MAX_PAGES, ocr: bool = True) -> Extracted:
    """Read one file's text and declared metadata; raise an IngestError subclass for files we cannot read."""
    detected = detect_type(source.data, source.name)
    if detected == "empty":
        raise ExtractionFailed("empty file (0 bytes)")
    reader = _REGISTRY.get(detected)
    if reader is None:
        words = _UNSUPPORTED_WORDS.get(detected)
        said = f"{detected} ({words})" if words else detected
        raise UnsupportedFile(f"unsupported file type: {said}", detected)
    log.debug("extracting %s as %s", source.name, detected)
    return _composed(reader(source, detected, Options(max_pages=max_pages, ocr=ocr)))


def _composed(extracted: Extracted) -> Extracted:
    """The text and title in NFC: a Mac writes "ü" as "u" and a combining mark, which no word pattern
    takes for a letter, so "Lübeck" was indexed as "l" and "beck" and found by nothing typed. Invisible
    characters inside words are dropped."""
    extracted = _whole(extracted)
    text, title = extracted.text, extracted.title
    if INVISIBLE.search(text) or (title is not None and INVISIBLE.search(title)):
        text, title = INVISIBLE.sub("", text), INVISIBLE.sub("", title) if title is not None else None
        extracted = replace(extracted, text=text, title=title)
    if unicodedata.is_normalized("NFC", text) and (title is None or unicodedata.is_normalized("NFC", title)):
        return extracted
    title = unicodedata.normalize("NFC", title) if title is not None else None
    return replace(extracted, text=unicodedata.normalize("NFC", text), title=title)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole(extracted: Extracted) -> Extracted:
    """Text, title and author with UTF-16 halves made the characters they stand for (Word writes an emoji
    in RTF as two \\u numbers) and a half alone made U+FFFD: no page, JSON line or index takes them."""
    fields = {"text": extracted.text, "title": extracted.title, "author": extracted.author}
    halves = {k: v for k, v in fields.items() if v is not None and _SURROGATE.search(v)}
    if not halves:
        return extracted
    whole = {
        k: v.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace") for k, v in halves.items()
    }
    return replace(extracted, **whole)


__all__ = ["DEFAULT_MAX_PAGES", "Options", "extract", "supported_types"]
