"""A document's title: the declared one unless it is junk, else a heading or short line of its text, else its file name.

From the text: the first Markdown heading; else the first non-empty line when it reads as a title
(at most 160 characters, not ending like a sentence or a quote); else the first such line of at
most 100 characters among the first 40 lines; else the first line trimmed at a word boundary.
"""

from __future__ import annotations

import re
from pathlib import PurePath

MAX_DECLARED_CHARS = 200
MAX_TITLE_CHARS = 160
MAX_LINES_SCANNED = 40
SHORT_LINE_CHARS = 100

_JUNK = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel)\s*-.*|untitled\d*|unbenannt\d*|ohne titel|uden titel|naamloos|"
    r"dokument\s*\d*|document\s*\d*|doc\d*|titel|title|new document|neues dokument|presentation\d*|"
    r"präsentation\d*|folie\s*\d*|slide\s*\d*)$",
    re.I,
)
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_MARKDOWN = re.compile(r"[*_`]+|^\s*[-+>]\s+|\\(?=[\\*_`#])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?:;,“”\"»«]$")
_STEM_SEPARATORS = re.compile(r"[_\-.]+")


def _clean(line: str) -> str:
    """A line without Markdown markers, links reduced to their text, whitespace collapsed."""
    line = _LINK.sub(r"\1", line)
    line = _MARKDOWN.sub("", line)
    return _SPACES.sub(" ", line).strip()


def _trim(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """Text cut to at most `limit` characters at a word boundary, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–-") + "…"


def is_junk_title(title: str | None, filename: str = "") -> bool:
    """True for titles that say nothing: empty, the file name, "Microsoft Word - …", "Dokument1", …."""
    if title is None:
        return True
    cleaned = _SPACES.sub(" ", title).strip()
    if not cleaned or len(cleaned) > MAX_DECLARED_CHARS or _NO_LETTERS.match(cleaned):
        return True
    name = PurePath(filename.replace("\\", "/")).name if filename else ""
    stem = PurePath(name).stem if name else ""
    lowered = cleaned.casefold()
    if name and lowered in (name.casefold(), stem.casefold()):
        return True
    return bool(_JUNK.match(cleaned))


def _title_like(line: str, limit: int) -> bool:
    """A line that reads as a heading: has letters, fits the limit, no sentence or quote at its end."""
    return (
        bool(line) and len(line) <= limit and not _NO_LETTERS.match(line) and not _SENTENCE_END.search(line)
    )


def title_from_text(text: str) -> str | None:
    """The first Markdown heading, else the first line if it reads as a title, else the first short one."""
    lines = [_clean(line) for line in text.splitlines()[:MAX_LINES_SCANNED] if line.strip()]
    for raw in text.splitlines()[:MAX_LINES_SCANNED]:
        match = _HEADING.match(raw)
        if match and not _NO_LETTERS.match(_clean(match.group("text"))):
            return _trim(_clean(match.group("text")))
    lines = [line for line in lines if line and not _NO_LETTERS.match(line)]
    if not lines:
        return None
    if _title_like(lines[0], MAX_TITLE_CHARS):
        return lines[0]
    short = next((line for line in lines if _title_like(line, SHORT_LINE_CHARS)), None)
    return short or _trim(lines[0])


def title_from_filename(filename: str) -> str:
    """A readable title from a file name: stem, separators as spaces, first letter upper-case."""
    stem = PurePath(filename.replace("\\", "/")).stem or filename
    words = _SPACES.sub(" ", _STEM_SEPARATORS.sub(" ", stem)).strip()
    return (words[:1].upper() + words[1:]) if words else "Untitled"


def choose_title(declared: str | None, text: str, filename: str) -> str:
    """The document's title: declared unless junk, else from the text, else from the file name."""
    if not is_junk_title(declared, filename):
        return _SPACES.sub(" ", declared or "").strip()
    return title_from_text(text) or title_from_filename(filename)
