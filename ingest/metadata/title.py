"""A document's title: the declared one unless it is junk, else a heading or short line of its text, else its file name.

Declared titles and file names lose application and file-name noise first (" - Google Docs",
"Microsoft Word - ", "Kopie von ", ".docx", a leading date stamp like "240412" or "2024-04-12_",
"_final", " (1)"), keeping the words; what is left is junk when it is empty, a placeholder, or
the file name itself.

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
    r"^(?:powerpoint[- ](?:presentation|präsentation|presentatie|præsentation)|untitled\d*|unbenannt\d*|ohne titel|uden titel|naamloos|"
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
_APPS = (
    r"google (?:docs|sheets|slides|tabellen|präsentationen|dokumente|regneark|documenten)|microsoft (?:word|excel|"
    r"powerpoint)|word|excel|powerpoint|libreoffice(?: writer| calc| impress)?|openoffice(?:\.org)?(?: writer)?|"
    r"adobe acrobat(?: reader)?(?: dc)?|acrobat reader|onedrive|sharepoint|dropbox|pages|keynote"
)
_APP_SUFFIX = re.compile(rf"\s+[-–—|]\s+(?:{_APPS})\s*$", re.I)
_APP_PREFIX = re.compile(rf"^(?:{_APPS})\s*[-–—:]\s+", re.I)
_COPY_PREFIX = re.compile(
    r"^(?:kopie von|copy of|kopi af|kopie van|kopie -|entwurf[:_ ]|draft[:_ ])\s*", re.I
)
_EXTENSION = re.compile(r"\.(?:docx?|odt|ods|odp|pdf|xlsx?|pptx?|rtf|txt|md|html?)\s*$", re.I)
_COPY_SUFFIX = re.compile(
    r"(?:[\s_-]*(?:\(\d{1,2}\)|final|endg(?:ü|ue)ltig|endelig|definitief|v\d{1,2}(?:\.\d{1,2})?|"
    r"rev\d{0,2}|kopie|copy|kopi)(?=$|[\s_-]))+\s*$",
    re.I,
)
_DATE_STAMP = re.compile(
    r"^\(?(?:\d{6}|\d{8}|\d{4}[-_.]\d{2}[-_.]\d{2}|\d{2}[-_.]\d{2}[-_.]\d{2,4})\)?(?:[\s_-]+|$)"
)


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


def strip_noise(title: str) -> str:
    """A title without application and file-name noise: "240412 DDSC vedtægter.docx - Google Docs" → "DDSC vedtægter"."""
    text = _SPACES.sub(" ", title).strip()
    for _ in range(
        3
    ):  # noise can be nested: "Microsoft Word - 2024-04-12_Protokoll_final.docx - Google Docs"
        before = text
        text = _APP_SUFFIX.sub("", text)
        text = _APP_PREFIX.sub("", text)
        text = _COPY_PREFIX.sub("", text)
        text = _EXTENSION.sub("", text).strip()
        text = _COPY_SUFFIX.sub("", text).strip()
        stamped = _DATE_STAMP.sub("", text, count=1).strip()
        text = stamped if _NO_LETTERS.match(stamped) is None else text
        if " " not in text and "_" in text:
            text = text.replace("_", " ")
        text = _SPACES.sub(" ", text).strip(" -_–—|")
        if text == before:
            break
    return text


def _filename_key(text: str) -> str:
    return _SPACES.sub(" ", _STEM_SEPARATORS.sub(" ", text)).strip().casefold()


def is_junk_title(title: str | None, filename: str = "") -> bool:
    """True for titles that say nothing: empty, the file name, "Dokument1", "PowerPoint-Präsentation", …."""
    if title is None:
        return True
    raw = _SPACES.sub(" ", title).strip()
    cleaned = strip_noise(raw)
    if not cleaned or len(raw) > MAX_DECLARED_CHARS or _NO_LETTERS.match(cleaned):
        return True
    name = PurePath(filename.replace("\\", "/")).name if filename else ""
    if name and _filename_key(cleaned) in (
        _filename_key(name),
        _filename_key(strip_noise(PurePath(name).stem)),
    ):
        return True
    if name and _filename_key(raw) in (_filename_key(name), _filename_key(PurePath(name).stem)):
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
    words = _SPACES.sub(" ", _STEM_SEPARATORS.sub(" ", strip_noise(stem) or stem)).strip()
    return (words[:1].upper() + words[1:]) if words else "Untitled"


def choose_title(declared: str | None, text: str, filename: str) -> str:
    """The document's title: declared unless junk, else from the text, else from the file name."""
    if not is_junk_title(declared, filename):
        return strip_noise(declared or "")
    return title_from_text(text) or title_from_filename(filename)
