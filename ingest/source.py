"""The records that flow through ingest: a source file in, its extracted content out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """One file's bytes with the name it came with (a path, or an upload's file name)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Extracted:
    """What an extractor read from a file: text plus the metadata the file itself declares."""

    text: str
    format: str  # "pdf", "html", "markdown", "text"
    title: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD, YYYY-MM or YYYY)
    language: str | None = None  # as declared by the file (html lang, PDF /Lang, XMP dc:language)
    author: str | None = None
    confirmed: Mapping[str, object] = field(default_factory=dict)  # front matter: confirmed metadata
    warnings: tuple[str, ...] = ()
