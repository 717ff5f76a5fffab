"""The date a document states for itself, in German, Danish, Dutch or English.

Scoring: every date-like phrase becomes a candidate with a score.

* precision: full date 3, day and month completed with the heading's year 2.5, month and year 2,
  year statement ("im Jahr 2021", "i år 2015", "in 2019") 1.5, bare year 0.5;
* position: in the title +4, in a heading (the first three non-empty lines or a Markdown
  heading) +2.5, in the sign-off (the last three non-empty lines) +2; the heading beats the
  sign-off, so minutes get their meeting date rather than the day they were written down;
* references: a phrase introduced by "ab dem", "seit", "bis", "from", "fra", "vanaf", ... or
  followed by "in Kraft" is about something else and loses 2;
* support: a precise candidate adds the best score of a coarser one it agrees with (the title's
  "2021" supports "18. November" completed to 2021-11-18); repeats add 0.5 each, at most 1.5.

The best candidate wins if it scores at least 2, so a year mentioned in passing in the body
never dates a document. A day and month without a year only count when the title or heading
states a year. Impossible dates (31.02.) and years outside 1950..next year are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MIN_YEAR = 1950
MIN_SCORE = 2.0
HEAD_LINES = 3
TAIL_LINES = 3

_MONTHS: dict[str, int] = {}
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
        _MONTHS[_name] = _number

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
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
            rf"\b(?:i\s+år|im\s+Jahre?|in\s+het\s+jaar|in\s+the\s+year|in|i|år|Jahre?|jaar|year|anno)\s+{_YEAR}{_END}",
            re.I,
        ),
        1.5,
        "year",
    ),
    (re.compile(rf"(?<![\d./-]){_YEAR}{_END}"), 0.5, "year"),
)
_REFERENCE_BEFORE = re.compile(
    r"\b(?:ab|seit|bis|vom|from|since|until|till|before|after|fra|siden|indtil|inden|efter|vanaf|sinds|tot|"
    r"voor|na|per|deadline|frist)\b(?:\s+(?:dem|den|der|zum|de|het|the))?[\s:]*$",
    re.I,
)
_REFERENCE_AFTER = re.compile(r"^\s*(?:in\s+Kraft|i\s+kraft|in\s+werking)", re.I)
_HEADING = re.compile(r"^\s*#")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class _Candidate:
    iso: str
    score: float
    kind: str
    head: bool  # in the title or a heading


def find_date(text: str, title: str | None = None) -> str | None:
    """The document's own date as ISO "YYYY-MM-DD", "YYYY-MM" or "YYYY"; None when unknown."""
    places = ([(title, 4.0)] if title else []) + _scored_lines(text)
    first = [c for line, bonus in places for c in _candidates(line, bonus, None)]
    heading = [c for c in first if c.head]
    if not heading:
        return _choose(first)
    head_year = max(heading, key=lambda c: c.score).iso[:4]
    return _choose([c for line, bonus in places for c in _candidates(line, bonus, head_year)])


def _scored_lines(text: str) -> list[tuple[str, float]]:
    """Each non-empty line with its position bonus (heading, sign-off or body)."""
    lines = [line for line in text.splitlines() if line.strip()]
    scored = []
    for index, line in enumerate(lines):
        bonus = 0.0
        if index >= len(lines) - TAIL_LINES:
            bonus = 2.0
        if index < HEAD_LINES or _HEADING.match(line):
            bonus = 2.5
        scored.append((line, bonus))
    return scored


def _candidates(line: str, base: float, head_year: str | None) -> list[_Candidate]:
    """The date candidates of one line; day-and-month phrases only when a heading year is known."""
    found: list[_Candidate] = []
    if not _DIGIT.search(line):
        return found  # every pattern needs a digit: most lines are passed over at once
    taken = [False] * len(line)
    for pattern, precision, kind in _PATTERNS:
        for match in pattern.finditer(line):
            if any(taken[match.start() : match.end()]):
                continue
            for i in range(match.start(), match.end()):
                taken[i] = True
            iso = _iso(match, kind, head_year)
            if iso is None:
                continue
            score = precision + base
            if _REFERENCE_BEFORE.search(line[max(0, match.start() - 24) : match.start()]) or (
                _REFERENCE_AFTER.match(line[match.end() :])
            ):
                score -= 2.0
            found.append(_Candidate(iso, score, "day" if kind == "daymonth" else kind, base >= 2.5))
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
    if kind == "year":
        return f"{year:04d}"
    raw_month = groups["month"].lower().rstrip(".")
    month = int(raw_month) if raw_month.isdigit() else _MONTHS[raw_month]
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
