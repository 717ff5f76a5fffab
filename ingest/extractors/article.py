"""A web page's article text: trafilatura's extraction, gaps filled from our own reader, chrome lines dropped.

Measured on ../shared/data/html-de-dev (bench/html_extraction.py; tuned on the "tune" half, reported
on the other): trafilatura with `favor_precision` and without comments leaves out more boilerplate
than its defaults, and loses some article paragraphs; a paragraph our reader (main_text.py) keeps
that trafilatura dropped comes back when it is long prose (>= GAP_MIN_CHARS, ending like a
sentence). Short lines that are page chrome ("Kontakt:", "Quelle: …", "Mehr zum Thema …",
"Der Beitrag wurde am … veröffentlicht") are dropped from the result.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

GAP_MIN_CHARS = 160
CHROME_MAX_CHARS = 60
TRAFILATURA_OPTIONS = {"favor_precision": True, "include_comments": False}

_SENTENCE_END = re.compile(r"[.!?\"“”»«)]$")
_SPACES = re.compile(r"\s+")
_CHROME_LABEL = re.compile(
    r"^\W*(?:anzeige|werbung|advertisement|annonce|advertentie|kontakt|kontaktdaten|pressekontakt|contact|"
    r"weitere informationen|weiterführende (?:informationen|links)|mehr (?:zum thema|dazu|informationen|"
    r"erfahren|lesen)|more information|related|read more|weiterlesen|læs (?:mere|også)|lees (?:meer|ook)|"
    r"kategorie|kategorien|category|categories|kategori|categorie|rubrik|schlagwörter|schlagworte|"
    r"stichwörter|stichworte|tags?|quelle|source|kilde|bron|teilen|share|del|delen|drucken|print|udskriv|"
    r"pdf|zurück|back|tilbage|terug|nach oben|alle angaben ohne gewähr|foto|bild|photo)\b",
    re.I,
)
_POST_META = re.compile(
    r"^\W*(?:(?:dieser|der|die) (?:beitrag|eintrag|artikel|meldung) wurde|this (?:entry|post) was posted|"
    r"posted in\b|veröffentlicht (?:am|in|unter)\b|indlægget blev)",
    re.I,
)


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def is_chrome_line(line: str) -> bool:
    """True for a short label line of page chrome, or a blog's "posted on … in …" line."""
    stripped = line.strip()
    if _POST_META.match(stripped):
        return True
    return len(stripped) <= CHROME_MAX_CHARS and bool(_CHROME_LABEL.match(stripped))


def trafilatura_text(data: bytes) -> str:
    """trafilatura's main text of a page (paragraphs one per line), or "" when it finds none or fails."""
    import trafilatura  # imported on first use: it loads lxml and its models

    try:
        return trafilatura.extract(data, **TRAFILATURA_OPTIONS) or ""
    except (ValueError, TypeError, LookupError, RecursionError, AttributeError) as exc:
        log.debug("trafilatura failed: %s", exc)
        return ""


def combine(primary: str, fallback: str) -> str:
    """trafilatura's paragraphs with our reader's long prose paragraphs it missed, in reading order."""
    paragraphs = [p.strip() for p in primary.split("\n") if p.strip()]
    if not paragraphs:
        return "\n\n".join(p for p in fallback.split("\n\n") if not is_chrome_line(p))
    known = [_norm(p) for p in paragraphs]
    everything = " ".join(known)
    inserts: dict[int, list[str]] = {}
    anchor = -1
    for paragraph in (p.strip() for p in fallback.split("\n\n") if _norm(p)):
        key = _norm(paragraph)
        if key in everything:
            anchor = next((i for i, k in enumerate(known) if key in k or k in key), anchor)
            continue
        if len(paragraph) >= GAP_MIN_CHARS and _SENTENCE_END.search(paragraph):
            inserts.setdefault(anchor, []).append(paragraph)
    result = list(inserts.get(-1, []))
    for index, paragraph in enumerate(paragraphs):
        result.append(paragraph)
        result.extend(inserts.get(index, []))
    return "\n\n".join(p for p in result if not is_chrome_line(p))


def article_text(data: bytes, ours: str, headline: str | None = None) -> str:
    """The article text of a page: trafilatura's, completed by our reader's text `ours`.

    trafilatura leaves the page's headline out of the text; the first <h1> comes back at the top when
    our reader kept it as part of the article.
    """
    text = combine(trafilatura_text(data), ours)
    head = " ".join((headline or "").split())
    if head and len(head) <= 300 and _norm(head) in _norm(ours) and _norm(head) not in _norm(text):
        return f"{head}\n\n{text}" if text else head
    return text
