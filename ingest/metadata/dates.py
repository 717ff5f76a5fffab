"""The date a document states for itself, in German, Danish, Dutch or English.

A document states its date in its title, its heading (a dateline such as "Berlin, 18. November
2021", "Protokoll vom 1.4.2020"), its sign-off, or in a sentence that dates an event of its own
("Das Treffen fand am 24.09.2019 statt"). Everything else is left alone: dates in code and examples
(quoted, inside brackets, on lines that read as code), in tables of figures (rows of numbers, " | "
rows), version and standard numbers ("v2020.1", "ISO 9001:2015"), and any date in the body of a
document whose body holds many different dates (a chronology, a help page on date functions).
Unknown stays unknown.

Scoring: every date-like phrase in those places becomes a candidate with a score.

* precision: full date 3, day and month completed with the heading's year 2.5, month and year 2,
  year statement ("im Jahr 2021", "in 2019") 1.5, the present year ("i år 2015", "dieses Jahr 2021": this
  year, the document's own, also in a sentence of the first lines) 1.5, bare year 0.5;
* years in passing: a year statement counts only in the title; a bare year or month and year only in
  the title or a heading-like line (short, not a sentence), and never after a word that places it in
  another time ("seit 1999", "founded in 1956", "bis 2030", "em 2012"); in sentences of the first
  lines only full dates count;
* position: in the title +4, in a heading (the first three non-empty lines or a Markdown
  heading) +2.5, in the sign-off (the last three non-empty lines) +2; the heading beats the
  sign-off, so minutes get their meeting date rather than the day they were written down; in the
  body only full dates count, and only after a word that dates something ("am", "vom", "on", "den",
  "op", "Datum:", ...);
* references: a phrase introduced by "ab dem", "seit", "bis", "from", "fra", "vanaf", ... or
  followed by "in Kraft" is about something else and loses 2;
* support: a precise candidate adds the best score of a coarser one it agrees with (the title's
  "2021" supports "18. November" completed to 2021-11-18); repeats add 0.5 each, at most 1.5.

The best candidate wins if it scores at least 2. A day and month without a year only count when
the title or heading states a year. Impossible dates (31.02.) and years outside 1950..next year are
ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MIN_YEAR = 1950
MIN_SCORE = 2.0
HEAD_LINES = 3
TAIL_LINES = 3

#: month names and abbreviations in de/da/nl/en -> month number (also used for typed dates)
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "januar january januari jan",
        "februar february februari feb",
        "märz maerz marts maart march mär mrz mrt mar",
        "april apr",
        "mai maj mei may",
        "juni june jun",
        "juli july jul",
        "august augustus aug",
        "september sept sep",
        "oktober october okt oct",
        "november nov",
        "dezember december dez dec",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>\d{4})"
_DAY = r"(?P<day>\d{1,2})"
_END = r"(?!\d)"

# (pattern, precision score, kind); earlier patterns claim their text first.
_PATTERNS: tuple[tuple[re.Pattern[str], float, str], ...] = (
    (re.compile(rf"(?<![\d.]){_YEAR}-(?P<month>\d{{2}})-{_DAY}{_END}"), 3.0, "day"),
    (re.compile(rf"(?<![\d.]){_DAY}\s?[./]\s?(?P<month>\d{{1,2}})\s?[./]\s?{_YEAR}{_END}"), 3.0, "day"),
    (
        re.compile(rf"(?<!\d){_DAY}(?:\.|st|nd|rd|th)?\s+(?:de\s+)?{_MONTH}\s*,?\s+{_YEAR}{_END}", re.I),
        3.0,
        "day",
    ),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}{_END}", re.I), 3.0, "day"),
    (re.compile(rf"\b{_MONTH}\s+{_YEAR}{_END}", re.I), 2.0, "month"),
    (re.compile(rf"(?<!\d){_DAY}(?:\.|st|nd|rd|th)?\s+{_MONTH}(?![^\W\d_])", re.I), 2.5, "daymonth"),
    (
        re.compile(
            rf"\b(?:i\s+år|dieses\s+Jahr|in\s+diesem\s+Jahr|dit\s+jaar|this\s+year)\s+{_YEAR}{_END}",
            re.I,
        ),
        1.5,
        "present",
    ),
    (
        re.compile(
            rf"\b(?:im\s+Jahre?|in\s+het\s+jaar|in\s+the\s+year|in|i|år|Jahre?|jaar|year|anno)\s+{_YEAR}{_END}",
            re.I,
        ),
        1.5,
        "statement",
    ),
    (re.compile(rf"(?<![\w./:-]){_YEAR}(?![\d.:]\d|\w)"), 0.5, "year"),
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:ab|seit|bis|vom|from|since|until|till|before|after|fra|siden|indtil|inden|efter|vanaf|sinds|tot|"
    r"voor|na|per|deadline|frist|vor|nach|før|geboren|born|født|birthday|geburtstag)\b"
    r"(?:\s+(?:dem|den|der|zum|de|het|the|am|on|op|d\.))?[\s:]*$",
    re.I,
)
_REFERENCE_AFTER = re.compile(r"^\s*(?:in\s+Kraft|i\s+kraft|in\s+werking)", re.I)
# A year after these words is mentioned in passing ("seit 1999", "founded in 1956", "a Lula em 2012"),
# not the document's own: such a year is never a candidate, wherever it stands.
_PASSING = re.compile(
    r"\b(?:in|im|em|en|i|år|jahr|jahre|jahres|year|years|jaar|seit|since|siden|sinds|sedan|from|fra|ab|vanaf|"
    r"bis|until|till|tot|indtil|vor|before|after|nach|efter|før|voor|na|um|circa|ca|around|rund|etwa|omkring|"
    r"ongeveer|during|während|under|tijdens|gegründet|founded|grundlagt|opgericht|established|etabliert|"
    r"seitdem|anno|von|of|van|af|bereits|schon|already|allerede|al|de|do|da)\s*$",
    re.I,
)
_HEADING = re.compile(r"^\s*#")
_DIGIT = re.compile(r"\d")
MAX_BODY_DATES = 4  # a body with more different full dates than this is a chronology or a reference text
_BODY_CUE = re.compile(
    r"(?:\b(?:am|vom|den|dem|on|of|dated|op|van|d\.|per|held|fand|stattgefunden|afholdt|gehouden)"
    r"|(?:datum|date|dato|stand|termin|sitzung|mødedato|vergaderdatum)\s*:?)\s*(?:\w+,?\s+){0,2}$",
    re.I,
)
_CODE_LINE = re.compile(
    r"^\s*(?:'|//|--|#\s*\w+\s*[=(]|rem\b|dim\b|print\b|msgbox\b|sub\b|function\b|def\b|return\b|import\b"
    r"|from\s+\w+\s+import|[$@]?\w+(?:\.\w+)*\s*(?:=|\+=|:=)\s)"
    r"|[;{}]\s*$|\w\(.*\)|=>|\bnew\s+\w+\(",
    re.I,
)
_LABEL_ROW = re.compile(
    r"^\W*(?:datum|date|dato|sitzungsdatum|sitzung am|mødedato|vergaderdatum|termin|meeting date)\s*:?\s*\|",
    re.I,
)
_QUOTED_OR_BRACKETED = re.compile(r"[\"'“„»«(\[]\s*$")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,:]\d+)*(?![\w])")
_WORD_LETTERS = re.compile(r"[^\W\d_]{2,}")
_EXAMPLE = re.compile(
    r"\b(?:zum beispiel|z\.\s?b\.|beispiel|beispielsweise|for example|for instance|e\.g\.|example|"
    r"f\.\s?eks\.|eksempel|fx|bijvoorbeeld|bijv\.|voorbeeld|bv\.)",
    re.I,
)
_SIGN_OFF_LEAD = re.compile(
    r"(?:^|[,;/–—-]|\b(?:den|am|d\.|dato|datum|date|stand|dated)\s*:?)\W*(?:\w+,?\s+)?$", re.I
)
MAX_HEADING_CHARS = 80  # a bare year counts in the title, or in a heading line this short
_SENTENCE_END = re.compile(r"[.!?:]\s*$")


@dataclass(frozen=True)
class _Candidate:
    iso: str
    score: float
    kind: str
    head: bool  # in the title or a heading


TITLE, HEAD, TAIL, BODY = "title", "head", "tail", "body"
_BONUS = {TITLE: 4.0, HEAD: 2.5, TAIL: 2.0, BODY: 0.0}


def find_date(text: str, title: str | None = None) -> str | None:
    """The document's own date as ISO "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when unknown."""
    places = ([(title, TITLE)] if title else []) + _zoned_lines(text)
    body_ok = _few_body_dates(places)
    first = [c for line, zone in places for c in _candidates(line, zone, None, body_ok)]
    heading = [c for c in first if c.head]
    if not heading:
        return _choose(first)
    head_year = max(heading, key=lambda c: c.score).iso[:4]
    return _choose([c for line, zone in places for c in _candidates(line, zone, head_year, body_ok)])


def _zoned_lines(text: str) -> list[tuple[str, str]]:
    """Each non-empty line with its place: heading, sign-off or body."""
    lines = [line for line in text.splitlines() if line.strip()]
    zoned = []
    for index, line in enumerate(lines):
        zone = BODY
        if index >= len(lines) - TAIL_LINES:
            zone = TAIL
        if index < HEAD_LINES or _HEADING.match(line):
            zone = HEAD
        zoned.append((line, zone))
    return zoned


def _few_body_dates(places: list[tuple[str, str]]) -> bool:
    """False when the body holds many different full dates (a chronology or reference text)."""
    seen: set[str] = set()
    for line, zone in places:
        if zone != BODY or not _DIGIT.search(line):
            continue
        for pattern, _, _kind in _PATTERNS[:4]:
            seen.update(m.group(0) for m in pattern.finditer(line))
        if len(seen) > MAX_BODY_DATES:
            return False
    return True


def is_code_or_table(line: str) -> bool:
    """A line of code, a table row or a row of figures: its dates are examples or data, not the document's."""
    if _CODE_LINE.search(line) or "\t" in line.strip():
        return True
    if " | " in line:
        return not _LABEL_ROW.match(line)
    numbers = len(_NUMBER.findall(line))
    return numbers >= 4 and numbers > 2 * len(_WORD_LETTERS.findall(line))


def _candidates(line: str, zone: str, head_year: str | None, body_ok: bool = True) -> list[_Candidate]:
    """The date candidates of one line; day-and-month phrases only when a heading year is known."""
    found: list[_Candidate] = []
    if not _DIGIT.search(line):
        return found  # every pattern needs a digit: most lines are passed over at once
    if zone != TITLE and is_code_or_table(line):
        return found
    heading_like = len(line.strip()) <= MAX_HEADING_CHARS and not _SENTENCE_END.search(line)
    if zone in (BODY, TAIL) and not body_ok:
        return found
    taken = [False] * len(line)
    # the first "for example" of the line, found once: searching the text before each date was quadratic
    example = _EXAMPLE.search(line) if zone != TITLE else None
    for pattern, precision, kind in _PATTERNS:
        for match in pattern.finditer(line):
            if any(taken[match.start() : match.end()]):
                continue
            for i in range(match.start(), match.end()):
                taken[i] = True
            before = line[max(0, match.start() - 40) : match.start()]
            if _QUOTED_OR_BRACKETED.search(before) or (
                example is not None and example.end() <= match.start()
            ):
                continue  # "2020-12-31", (1.1.2020), "for example 1.1.2020": an example, not a statement
            if zone == BODY and (kind not in ("day", "daymonth") or not _BODY_CUE.search(before)):
                continue
            if kind in ("year", "statement", "month") and zone in (HEAD, TAIL) and not heading_like:
                continue  # a year or month in a sentence ("Access 2007-Format", "seit März 1999") is in passing
            if kind == "statement" and zone != TITLE:
                continue  # "im Jahr 2005", "in 2019" in the text: a year the text talks about
            if kind in ("year", "statement") and _PASSING.search(
                line[max(0, match.start() - 24) : match.start()]
            ):
                continue  # "seit 1999", "founded in 1956", "im Jahr 2005": another time than the document's
            if kind == "month" and _REFERENCE_BEFORE.search(line[max(0, match.start() - 24) : match.start()]):
                continue  # "seit März 1999", "ab Mai 2024": a time the text refers to
            if zone == TAIL and not _SIGN_OFF_LEAD.search(before):
                continue  # a sign-off puts its date after a name, a place or "den": "RB Ost, 01.04.2020"
            iso = _iso(match, kind, head_year)
            if iso is None:
                continue
            score = precision + _BONUS[zone]
            if _REFERENCE_BEFORE.search(line[max(0, match.start() - 24) : match.start()]) or (
                _REFERENCE_AFTER.match(line[match.end() :])
            ):
                score -= 2.0
            kind = "day" if kind == "daymonth" else "year" if kind in ("statement", "present") else kind
            found.append(_Candidate(iso, score, kind, zone in (TITLE, HEAD)))
    return found


def _iso(match: re.Match[str], kind: str, head_year: str | None) -> str | None:
    """The ISO string of a match, or None when it is not a valid date in range."""
    groups = match.groupdict()
    year_text = groups.get("year") or head_year
    if year_text is None:
        return None
    year = int(year_text)
    if not MIN_YEAR <= year <= dt.date.today().year + 1:
        return None
    if kind in ("year", "statement", "present"):
        return f"{year:04d}"
    raw_month = groups["month"].lower().rstrip(".")
    month = int(raw_month) if raw_month.isdigit() else MONTHS[raw_month]
    if kind == "month":
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    try:
        return dt.date(year, month, int(groups["day"])).isoformat()
    except ValueError:
        return None


def _choose(candidates: list[_Candidate]) -> str | None:
    """The winning ISO value after support from agreeing coarser candidates and repeats."""
    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    for c in candidates:
        best[c.iso] = max(best.get(c.iso, float("-inf")), c.score)
        counts[c.iso] = counts.get(c.iso, 0) + 1
    totals: dict[str, float] = {}
    for iso, score in best.items():
        coarser = [best[p] for p in (iso[:4], iso[:7]) if p != iso and p in best and best[p] > 0]
        totals[iso] = score + max(coarser, default=0.0) + min(1.5, 0.5 * (counts[iso] - 1))
    eligible = [(total, len(iso), iso) for iso, total in totals.items() if best[iso] >= MIN_SCORE]
    return max(eligible)[2] if eligible else None
