"""Small pure functions that normalise metadata a file declares about itself."""

from __future__ import annotations

import datetime as dt
import re

_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)")
_COMPACT_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_DMY_DATE = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")
_PLACEHOLDER_TITLES = frozenset(
    {"untitled", "unbenannt", "ohne titel", "titel", "title", "document", "dokument"}
)
MIN_YEAR = 1000
MAX_YEAR = 2999


def normalize_language(value: object) -> str | None:
    """Return the primary language subtag in lower case ("de-DE" -> "de"), or None if not a language tag."""
    if not isinstance(value, str):
        return None
    match = _LANG.match(value)
    if not match or value.strip().lower() in {"und", "mul", "zxx", "x-none"}:
        return None
    return match.group(1).lower()


def normalize_date(value: object) -> str | None:
    """Return an ISO date (YYYY-MM-DD, YYYY-MM or YYYY) for a date, datetime or date-like string."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if MIN_YEAR <= value <= MAX_YEAR else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    compact = _COMPACT_DATE.match(text)
    if compact and (text.startswith("D:") or text[: compact.end()].isdigit() and compact.end() >= 8):
        return _assemble(compact.group(1), compact.group(2), compact.group(3))
    dmy = _DMY_DATE.search(text)
    if dmy:
        return _assemble(dmy.group(3), dmy.group(2), dmy.group(1))
    iso = _ISO_DATE.search(text)
    if iso:
        return _assemble(iso.group(1), iso.group(2), iso.group(3))
    return None


def _assemble(year: str, month: str | None, day: str | None) -> str | None:
    """Build the most precise valid ISO date from its parts, dropping parts that are out of range."""
    y = int(year)
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    if month is None or not 1 <= int(month) <= 12:
        return f"{y:04d}"
    m = int(month)
    if day is not None:
        try:
            return dt.date(y, m, int(day)).isoformat()
        except ValueError:
            pass
    return f"{y:04d}-{m:02d}"


# control characters that are no whitespace (NUL, BEL, ESC, DEL, C1): a title never holds them (a PDF's
# /Title of "\x1b[31m…" was stored with its escape codes)
NO_CONTROL = dict.fromkeys(c for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if not chr(c).isspace())


def clean_title(value: object) -> str | None:
    """Return a title with whitespace collapsed and control characters left out, or None when it is
    empty or a placeholder."""
    if not isinstance(value, str):
        return None
    title = " ".join(value.translate(NO_CONTROL).split())
    if not title or title.lower() in _PLACEHOLDER_TITLES:
        return None
    return title


def clean_text(text: str) -> str:
    """Normalise line endings, strip trailing spaces and collapse runs of blank lines to one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
