"""Metadata derived from a document's text, and confirmed metadata that overrides it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ingest.language import detect_language, normalize_language
from ingest.metadata.confirmed import InvalidMetadata, list_items, parse_date, parse_doctype
from ingest.metadata.dates import find_date
from ingest.metadata.doctype import classify_doctype
from ingest.metadata.entities import find_entities
from ingest.metadata.title import choose_title
from ingest.metadata.topics import find_topics
from ingest.source import Extracted
from kb.vocabulary import Vocabulary

log = logging.getLogger(__name__)

_FACETS = {"networks": "networks", "regions": "regions", "topics": "topics"}


@dataclass(frozen=True)
class Derived:
    """Metadata for one document: derived from its text, possibly overridden by confirmed values."""

    title: str
    language: str
    date: str | None
    year: int | None
    networks: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    doctype: str


def _lenient(parse: Callable[[object], str], value: object) -> str | None:
    """What a validator of ingest/metadata/confirmed.py makes of a value, or None where it refuses it."""
    try:
        return parse(value)
    except InvalidMetadata:
        return None


def valid_iso_date(value: str | None) -> str | None:
    """A declared date (page metadata, file properties) as an ISO date in range, else None."""
    return _lenient(parse_date, value) if isinstance(value, str) else None


def derive(
    extracted: Extracted, vocabulary: Vocabulary, filename: str, confirmed: Mapping[str, object] | None = None
) -> Derived:
    """Title, language, date, networks, regions, topics and kind of a document from its text.

    A valid confirmed value (front matter, or `confirmed` such as a sidecar's) is not derived:
    apply_confirmed puts it in place anyway (the language is used as it is, without detection; a
    confirmed date, networks, regions, topics or kind leave that field empty here). Deriving them
    took most of the time of reading a file with a sidecar.
    """
    merged = {**extracted.confirmed, **(confirmed or {})}
    text = extracted.text
    title = choose_title(extracted.title, text, filename)
    language = _confirmed_language(merged) or detect_language(text, extracted.language)
    if confirmed and "date" in confirmed and confirmed["date"] is None:  # emptied by a coordinator
        date = None
    elif valid_iso_date(extracted.date) or merged.get("date") is None or not _confirmed_date(merged["date"]):
        date = valid_iso_date(extracted.date) or find_date(text, title)
    else:
        date = None

    def facet(key: str, find) -> tuple[str, ...]:
        if key in merged and _confirmed_values(merged[key], vocabulary, key) is not None:
            return ()
        return tuple(find())

    return Derived(
        title=title,
        language=language,
        date=date,
        year=int(date[:4]) if date else None,
        networks=facet("networks", lambda: find_entities(text, title, vocabulary, "networks")),
        regions=facet("regions", lambda: find_entities(text, title, vocabulary, "regions")),
        topics=facet("topics", lambda: find_topics(text, title, vocabulary, language)),
        doctype="other" if _confirmed_doctype(merged.get("doctype")) else classify_doctype(text, title),
    )


def _confirmed_language(confirmed: Mapping[str, object]) -> str | None:
    value = confirmed.get("language")
    return normalize_language(str(value)) if value is not None else None


def _confirmed_date(value: object) -> str | None:
    return _lenient(parse_date, value)


def _confirmed_values(value: object, vocabulary: Vocabulary, kind: str) -> tuple[str, ...] | None:
    """Canonical values from a confirmed list (or comma-separated string) of names, aliases or ids."""
    items = list_items(value)
    if items is None:
        return None
    return tuple(dict.fromkeys(vocabulary.canonical(kind, item) for item in items))


def _confirmed_doctype(value: object) -> str | None:
    return _lenient(parse_doctype, value)


def apply_confirmed(derived: Derived, confirmed: Mapping[str, object], vocabulary: Vocabulary) -> Derived:
    """Derived metadata with every valid confirmed value in its place; confirmed always wins."""
    changes: dict[str, object] = {}
    title = confirmed.get("title")
    if isinstance(title, str) and title.strip():
        changes["title"] = " ".join(title.split())
    if "language" in confirmed:
        language = normalize_language(str(confirmed["language"]))
        if language:
            changes["language"] = language
        else:
            log.warning("ignoring confirmed language %r", confirmed["language"])
    if confirmed.get("date") is not None:
        date = _confirmed_date(confirmed["date"])
        if date:
            changes["date"], changes["year"] = date, int(date[:4])
        else:
            log.warning("ignoring confirmed date %r", confirmed["date"])
    elif "date" in confirmed:  # emptied by a coordinator: no date, whatever the text says
        changes["date"], changes["year"] = None, None
    if confirmed.get("year") is not None and not changes.get("date"):  # a date names its own year
        year = _confirmed_date(confirmed["year"])
        if year and len(year) == 4:
            changes["year"] = int(year)
            current = changes.get("date", derived.date)
            if not (isinstance(current, str) and current.startswith(year)):
                changes["date"] = year
        else:
            log.warning("ignoring confirmed year %r", confirmed["year"])
    for key, kind in _FACETS.items():
        if key in confirmed:
            values = _confirmed_values(confirmed[key], vocabulary, kind)
            if values is not None:
                changes[key] = values
    if "doctype" in confirmed:
        doctype = _confirmed_doctype(confirmed["doctype"])
        if doctype:
            changes["doctype"] = doctype
        else:
            log.warning("ignoring confirmed doctype %r", confirmed["doctype"])
    return replace(derived, **changes)
