"""Read HTML pages: the main text without navigation and boilerplate, plus declared title, date and language.

The text is trafilatura's, completed by our own reader (main_text.py); see article.py.
"""

from __future__ import annotations

import json
import logging
import re
import warnings as pywarnings
from typing import TYPE_CHECKING

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning

from ingest.errors import ExtractionFailed
from ingest.extractors.article import article_text
from ingest.extractors.fields import clean_title, normalize_date, normalize_language
from ingest.extractors.main_text import main_text
from ingest.source import Extracted, Source

if TYPE_CHECKING:
    from ingest.extractors import Options

log = logging.getLogger(__name__)

TYPES = frozenset({"html"})

_TITLE_METAS = ("og:title", "twitter:title", "dc.title", "dcterms.title", "title")
_DATE_METAS = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "dc.date",
    "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
    "publication_date", "sailthru.date", "parsely-pub-date", "date.release", "citation_publication_date",
    "article.published", "og:published_time", "article:modified_time", "last-modified", "dc.date.modified",
)  # fmt: skip
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "dcterms.creator", "byl", "parsely-author")
_LANG_METAS = ("content-language", "dc.language", "og:locale", "language")


def read(source: Source, detected: str, options: Options) -> Extracted:
    """Return the main text of an HTML page and the metadata the page declares."""
    soup = parse_html(source.data)
    metas = _meta_values(soup)
    ld = _json_ld(soup)
    title = _title(soup, metas, ld)
    date = _date(soup, metas, ld)
    language = _language(soup, metas)
    author = next((clean_title(metas[k]) for k in _AUTHOR_METAS if clean_title(metas.get(k))), None)
    author = author or clean_title(ld.get("author"))
    h1 = soup.find("h1")
    headline = h1.get_text(" ") if isinstance(h1, Tag) else None
    text = article_text(source.data, main_text(soup), headline)
    found_warnings = () if text else ("no main text found",)
    return Extracted(
        text=text, format="html", title=title, date=date, language=language, author=author,
        warnings=found_warnings,
    )  # fmt: skip


def parse_html(data: bytes) -> BeautifulSoup:
    """Parse HTML bytes with the standard-library parser, guessing the encoding from BOM and meta charset."""
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        pywarnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        try:
            return BeautifulSoup(data, "html.parser")
        except (ValueError, TypeError, AssertionError, RecursionError, LookupError) as exc:
            raise ExtractionFailed(f"broken HTML: {type(exc).__name__}") from exc


def _meta_values(soup: BeautifulSoup) -> dict[str, str]:
    """Map lower-cased meta names/properties/http-equiv to their content (first one wins)."""
    values: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        content = meta.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if isinstance(key, str):
                values.setdefault(key.strip().lower(), content.strip())
    return values


def _json_ld(soup: BeautifulSoup) -> dict[str, str]:
    """Read headline, datePublished and author from JSON-LD blocks (never executed, only parsed)."""
    found: dict[str, str] = {}
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            data = json.loads(script.string or "")
        except (ValueError, RecursionError):
            continue
        for item in _ld_items(data):
            for key, field in (("headline", "title"), ("datePublished", "date"), ("dateCreated", "date")):
                if isinstance(item.get(key), str):
                    found.setdefault(field, item[key])
            author = item.get("author")
            author = author[0] if isinstance(author, list) and author else author
            if isinstance(author, dict) and isinstance(author.get("name"), str):
                found.setdefault("author", author["name"])
    return found


def _ld_items(data: object) -> list[dict]:
    """Flatten JSON-LD into a list of objects (top level, lists and @graph)."""
    if isinstance(data, list):
        return [item for entry in data[:50] for item in _ld_items(entry)]
    if isinstance(data, dict):
        return [data, *_ld_items(data.get("@graph"))] if "@graph" in data else [data]
    return []


def _title(soup: BeautifulSoup, metas: dict[str, str], ld: dict[str, str]) -> str | None:
    """og:title and similar metas first, then JSON-LD headline, then <title>, then the first h1."""
    for key in _TITLE_METAS:
        title = clean_title(metas.get(key))
        if title:
            return title
    if clean_title(ld.get("title")):
        return clean_title(ld.get("title"))
    if soup.title is not None and clean_title(soup.title.get_text()):
        return clean_title(soup.title.get_text())
    h1 = soup.find("h1")
    return clean_title(h1.get_text(" ")) if isinstance(h1, Tag) else None


def _date(soup: BeautifulSoup, metas: dict[str, str], ld: dict[str, str]) -> str | None:
    """Publication date from meta tags, JSON-LD, then the first <time datetime>."""
    for key in _DATE_METAS:
        date = normalize_date(metas.get(key))
        if date:
            return date
    if normalize_date(ld.get("date")):
        return normalize_date(ld.get("date"))
    for time in soup.find_all("time"):
        value = time.get("datetime")
        date = normalize_date(value if isinstance(value, str) else None)
        if date:
            return date
    return None


def _language(soup: BeautifulSoup, metas: dict[str, str]) -> str | None:
    """<html lang> (or xml:lang) first, then content-language style metas."""
    html = soup.find("html")
    if isinstance(html, Tag):
        for attr in ("lang", "xml:lang"):
            lang = normalize_language(html.get(attr))
            if lang:
                return lang
    for key in _LANG_METAS:
        lang = normalize_language(metas.get(key))
        if lang:
            return lang
    return None
