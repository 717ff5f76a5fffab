"""A document's title: what a reader sees as its title.

The declared title (PDF or file properties, a page's <title>) unless it is junk, else a heading or
short line of the text, else the file name.

Declared titles and file names lose application and file-name noise first (" - Google Docs",
"Microsoft Word - ", "Kopie von ", ".docx", a leading date stamp like "240412" or "2024-04-12_",
"_final", " (1)"), keeping the words; what is left is junk when it is empty, a placeholder or an
application's default name ("Dokument1", "Binder1", "Tabelle1"), a section label, or the file name
itself. A declared title longer than 200 characters keeps its first part (up to " - ").

From the text, lines that are page furniture are passed over: running heads and feet (the same
line, digits aside, three times or more), table rows (" | "), list items ("1. one", "- item"),
section labels ("EINLEITUNG", "I", "IV.", "Contents", "§ 1"), lines starting in lower case
("verordening", "bevoegdheid raad"), and lines that are only a date. Then: the first Markdown
heading; else a subject line's subject ("Betreff:", "Vedr:", "Onderwerp:", "Subject:"); else the
first line if it reads as a title (at most 160 characters, not ending like a sentence or a quote;
an all-caps heading wrapped over two lines is joined); else the first such line of at most 100
characters among the first 40 standing on a line of its own, before the body's first section label;
else a running head at the very top ("THE SIEGE OF VICKSBURG. 49"); else the file name when it says
something, else the first line trimmed at a word boundary.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from ingest.metadata.dates import MONTHS

MAX_DECLARED_CHARS = 200
MAX_TITLE_CHARS = 160
MAX_LINES_SCANNED = 40
SHORT_LINE_CHARS = 100

_JUNK = re.compile(
    r"^(?:powerpoint[- ](?:presentation|präsentation|presentatie|præsentation)|untitled\d*|unbenannt\d*|ohne titel|uden titel|naamloos|"
    r"dokument\s*\d*|document\s*\d*|doc\d*|titel|title|new document|neues dokument|presentation\d*|"
    r"präsentation\d*|folie\s*\d*|slide\s*\d*|binder\s*\d*|mappe\s*\d*|tabelle\s*\d*|book\s*\d*|"
    r"sheet\s*\d*|workbook\s*\d*|scan\s*\d*|img\s*\d*|image\s*\d*|dsc\s*\d*|page\s*\d*|seite\s*\d*|"
    r"microsoft word|word document|pdf document|pdf-dokument|adobe pdf|file|datei|fil|bestand|text|upload)$",
    re.I,
)
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_MARKDOWN = re.compile(r"[*_`]+|^\s*[-+>]\s+|\\(?=[\\*_`#])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SPACES = re.compile(r"\s+")
_LIST_MARKS = ("-", "+", ">")  # what _MARKDOWN takes off a line's start
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
    """A line without Markdown markers, links reduced to their text, whitespace collapsed.

    Every line of a text is cleaned (running heads are counted over all of them): each expression runs
    only when the line holds a character it needs, and the whitespace is collapsed by str.split, which
    takes the same characters for whitespace as the expressions' \\s."""
    heading = _HEADING.match(line)  # "# A": the heading's text, never its marker
    if heading:
        line = heading.group("text")
    if "[" in line:
        line = _LINK.sub(r"\1", line)
    if "*" in line or "_" in line or "`" in line or "\\" in line or line.lstrip()[:1] in _LIST_MARKS:
        line = _MARKDOWN.sub("", line)
    return " ".join(line.split())


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


_SECTION_WORDS = (
    r"einleitung|einführung|inhalt|inhaltsverzeichnis|vorwort|zusammenfassung|anhang|anlage|anlagen|"
    r"indledning|indhold|indholdsfortegnelse|forord|resumé|resume|bilag|sammenfatning|"
    r"inleiding|inhoud|inhoudsopgave|voorwoord|samenvatting|bijlage|bijlagen|"
    r"introduction|contents|table of contents|preface|foreword|abstract|summary|appendix|annex|"
    r"regulations|directives|decisions|legislative acts|non-legislative acts|präambel|preamble|definitions"
)
_SECTION_LABEL = re.compile(
    rf"^(?:[(\[]?(?:{_SECTION_WORDS})[)\]]?|[ivxlcdm]{{1,7}}|[a-z]|"
    r"(?:§+|art\.?|artikel|article|artikkel|kapitel|chapter|kapittel|hoofdstuk|afdeling|abschnitt|teil|part|"
    r"section|del)\s*[\divxlcdm]+\w?(?:\s.*)?)[.:)]?$",
    re.I,
)
_LIST_ITEM = re.compile(r"^(?:[•·▪◦�]\s+|\(?\d{1,3}[.)]\s|\(?[a-z]\)\s)", re.I)
_SUBJECT = re.compile(
    r"^(?:betreff|betr\.|vedr\.?|vedrørende|emne|onderwerp|betreft|subject|re)\s*:\s*(?P<rest>.*)$", re.I
)
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_ONLY = re.compile(  # "Januari 2025", "Heerlen, 3. marts 2015", "12.03.2024": a date, not a title
    rf"^[\W\d]*(?:[^\W\d_]+,\s+)?(?:den\s+)?(?:\d{{1,2}}\.?\s*)?(?:(?:{_MONTH_NAMES})\.?\s*)?\d{{4}}[\W\d]*$",
    re.I,
)
_LETTERS = re.compile(r"[^\W\d_]+")  # what a running key keeps
_DIGIT = re.compile(r"\d")
RUNNING_REPEATS = 3  # a line seen this often (digits aside) is a running head or foot …
RUNNING_PLAIN_CHARS = 20_000  # … when it carries a page number, or the text is this long
_QUOTES = '"“”„»«'
_PIPE_ROW = re.compile(r"(?:^\s*\||\s\|\s|\|\s*$)")


def _label(text: str) -> bool:
    """A section label, not a title: "EINLEITUNG", "I", "IV.", "(Legislative acts)", "§ 1", "Artikel 3"."""
    return bool(_SECTION_LABEL.match(text.strip()))


def is_junk_title(title: str | None, filename: str = "") -> bool:
    """True for titles that say nothing: empty, the file name, "Dokument1", "Binder1", "EINLEITUNG", …."""
    if title is None:
        return True
    raw = _SPACES.sub(" ", title).strip()
    cleaned = strip_noise(_shortened(raw))
    if not cleaned or _NO_LETTERS.match(cleaned) or _label(cleaned):
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


def _shortened(title: str) -> str:
    """A declared title of at most MAX_DECLARED_CHARS: a longer one keeps its first part ("… - of 27 April
    2016 - …" in the GDPR's) when that has three words or more, else it is junk (empty)."""
    if len(title) <= MAX_DECLARED_CHARS:
        return title
    first = re.split(r"\s+[-–—|]\s+", title, maxsplit=1)[0].strip()
    return first if len(first.split()) >= 3 and len(first) <= MAX_TITLE_CHARS else ""


def _title_like(line: str, limit: int) -> bool:
    """A line that reads as a heading: has letters, fits the limit, no sentence or quote at its end."""
    return (
        bool(line) and len(line) <= limit and not _NO_LETTERS.match(line) and not _SENTENCE_END.search(line)
    )


def _furniture(line: str, raw: str, running: set[str]) -> bool:
    """A line no reader takes for the title: running head, table row, list item, label, lower case, date."""
    if _PIPE_ROW.search(raw) or "\t" in raw.strip():
        return True
    if _LIST_ITEM.match(raw.strip()) and not _HEADING.match(raw):
        return True
    return (
        _running_key(line) in running
        or _label(line)
        or (_lower_fragment(line) and not _HEADING.match(raw))
        or bool(_DATE_ONLY.match(line))
    )


def _lower_fragment(line: str) -> bool:
    """A line all in lower case that is a label ("verordening", "bevoegdheid raad") or a piece of a
    sentence ("however, did not last long; it became"); "instructie On...GoSub" and "pdf encryption
    test" may be titles."""
    return (
        line[:1].isalpha()
        and line == line.lower()
        and (len(line.split()) <= 2 or bool(re.search(r"[,;]", line)))
    )


def _running_key(line: str) -> str:
    """The line's letters, each run of other characters (digits, punctuation, spaces) one space, casefolded."""
    return " ".join(_LETTERS.findall(line)).casefold()


def _running_heads(lines: list[str]) -> set[str]:
    """Page heads and feet: lines seen RUNNING_REPEATS times or more, digits and punctuation aside, that
    carry a page number or stand in a long text (a help page repeating its title as a heading has none)."""
    counts: dict[str, int] = {}
    numbered: set[str] = set()
    for line in lines:
        key = _running_key(line)
        if key and len(key) <= SHORT_LINE_CHARS:
            counts[key] = counts.get(key, 0) + 1
            if _DIGIT.search(line):
                numbered.add(key)
    long_text = sum(len(line) for line in lines) >= RUNNING_PLAIN_CHARS
    return {
        key for key, count in counts.items() if count >= RUNNING_REPEATS and (long_text or key in numbered)
    }


def _joined(first: str, following: list[str]) -> str:
    """An all-caps heading wrapped over lines ("VERORDENING OP HET GEBRUIK … / VAN VERGUNNINGEN …"), or one
    opened with a quote not yet closed, joined back into one line (at most MAX_TITLE_CHARS)."""
    text = first
    for line in following[:3]:
        open_quote = text[:1] in _QUOTES and sum(text.count(q) for q in _QUOTES) % 2 == 1
        caps = text.isupper() and line.isupper() and not _SENTENCE_END.search(text)
        if not (open_quote or caps) or len(text) + 1 + len(line) > MAX_TITLE_CHARS:
            break
        text = f"{text} {line}"
    return text.strip("\"“”„»«' ")


def title_from_text(text: str) -> str | None:
    """The title a reader sees at the top of a text (see the module's docstring), or None."""
    raw_lines = text.splitlines()
    running = _running_heads([_clean(line) for line in raw_lines if line.strip()])
    head = raw_lines[:MAX_LINES_SCANNED]
    for raw in head:
        match = _HEADING.match(raw)
        if (
            match
            and not _NO_LETTERS.match(_clean(match.group("text")))
            and not _label(_clean(match.group("text")))
        ):
            return _trim(_clean(match.group("text")))
    # (line, stands on its own: a blank line or the text's edge before and after it)
    lines: list[tuple[str, str, bool]] = []
    for i, raw in enumerate(head):
        line = _clean(raw)
        if line and not _NO_LETTERS.match(line):
            alone = (i == 0 or not head[i - 1].strip()) and (
                i + 1 >= len(raw_lines) or not raw_lines[i + 1].strip()
            )
            lines.append((line, raw, alone))
    if not lines:
        return None
    for index, (line, _raw, _alone) in enumerate(lines[:8]):
        subject = _SUBJECT.match(line)
        if subject:
            rest = subject.group("rest").strip() or (lines[index + 1][0] if index + 1 < len(lines) else "")
            if rest and _title_like(rest, MAX_TITLE_CHARS):
                return rest
    content = [(line, raw, alone) for line, raw, alone in lines if not _furniture(line, raw, running)]
    if (
        content
        and _title_like(content[0][0], MAX_TITLE_CHARS)
        and _only_furniture_before(content[0], lines, running)
    ):
        following = [line for line, _, _ in content[1:]]
        return _trim(_joined(content[0][0], following))
    for line, _raw, alone in lines:
        if _label(line):
            break  # the body has begun: later short lines are its section headings
        if (line, _raw, alone) in content and alone and _title_like(line, SHORT_LINE_CHARS):
            return line
    if _running_key(lines[0][0]) in running:
        top = re.sub(r"^[\d\W]+|[\d\W]+$", "", lines[0][0])
        if _title_like(top, SHORT_LINE_CHARS) and len(top.split()) >= 2:
            return _SPACES.sub(" ", top)
    return None


def _only_furniture_before(
    first: tuple[str, str, bool], lines: list[tuple[str, str, bool]], running: set[str]
) -> bool:
    """Whether only short furniture stands above a line ("I", "verordening", a running head, a table row),
    no text: a line below a paragraph's words ("however, did not last long; it became") is no title."""
    for line, raw, _alone in lines[: lines.index(first)]:
        if len(line.split()) > 3 and not (
            _PIPE_ROW.search(raw) or _label(line) or _running_key(line) in running
        ):
            return False
    return True


def _first_words(text: str) -> str | None:
    """The text's first line with letters, trimmed at a word boundary (the last resort)."""
    for raw in text.splitlines()[:MAX_LINES_SCANNED]:
        line = _clean(raw)
        if line and not _NO_LETTERS.match(line):
            return _trim(line)
    return None


def title_from_filename(filename: str) -> str:
    """A readable title from a file name: stem, separators as spaces, first letter upper-case."""
    stem = PurePath(filename.replace("\\", "/")).stem or filename
    words = _SPACES.sub(" ", _STEM_SEPARATORS.sub(" ", strip_noise(stem) or stem)).strip()
    return (words[:1].upper() + words[1:]) if words else "Untitled"


def choose_title(declared: str | None, text: str, filename: str) -> str:
    """The document's title: declared unless junk, else from the text, else from the file name."""
    if not is_junk_title(declared, filename):
        return strip_noise(_shortened(_SPACES.sub(" ", declared or "").strip()))
    found = title_from_text(text)
    if found:
        return found
    if filename and not is_junk_title(title_from_filename(filename)):
        return title_from_filename(filename)
    return _first_words(text) or title_from_filename(filename)
