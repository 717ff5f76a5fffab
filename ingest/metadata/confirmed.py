"""Validation of confirmed metadata, whichever door it comes through (CLI, app, sidecar, front matter).

Confirmed metadata is the archive's source of truth, so it is checked before anything is written:
dates as people type them in German, Danish, Dutch and English become ISO dates; networks, regions
and topics must be in the vocabulary (stored by canonical value); languages are ISO 639-1 codes
(or "und"); the type is one of DOCTYPES. Anything else raises InvalidMetadata with one line naming
the field, the value and what is accepted.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping

from ingest.errors import IngestError
from ingest.extractors.fields import NO_CONTROL
from ingest.language import UNDETERMINED, normalize_language
from ingest.metadata.dates import MIN_YEAR, MONTHS
from ingest.sidecar import emptied
from kb.models import DOCTYPES
from kb.vocabulary import Vocabulary

DATE_FORMS = (
    "2020-12-31; 2020-12; 2020; 20201231; 31.12.2020; 31. Dezember 2020; 3. marts 2015; "
    "31 december 2020; December 31, 2020; Dezember 2020"
)
FACETS = ("networks", "regions", "topics")
MAX_TITLE_CHARS = 1000  # a confirmed title; derived ones are at most a few hundred
MAX_NOTE_CHARS = 200  # who added a file (a user name) and when (a timestamp)
MAX_SHOWN_CHARS = 60  # of a refused value in its error message
MAX_KEYS_NAMED = 5  # unknown keys of one metadata file named one by one; the others are counted
FIELD_NAMES = {"networks": "network", "regions": "region", "topics": "topic"}
LIST_SEPARATOR = re.compile(r"\s*[,;]\s*")
#: the keys a metadata file may hold (the archive writes who added a file and when beside them)
SIDECAR_KEYS = (
    "title",
    "language",
    "date",
    "year",
    "networks",
    "regions",
    "topics",
    "doctype",
    "added_by",
    "added_at",
)
#: keys front matter is read for besides, and keys other tools' front matter holds that look like ours
FRONT_MATTER_KEYS = frozenset({"lang", "author", "created", "updated", "published", "modified"})
_FOREIGN_FRONT_MATTER = frozenset({"authors", "subtitle", "type", "tags", "categories", "keywords"})

_MONTH = r"(?P<month>[^\W\d_]+)\.?"
_FORMS = (
    re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"),  # ISO
    re.compile(r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),  # ISO's basic form: 20201231
    re.compile(r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})"),  # 31.12.2020
    re.compile(rf"(?P<day>\d{{1,2}})\.?\s+{_MONTH}\s+(?P<year>\d{{4}})"),  # 31. Dezember 2020
    re.compile(rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"),  # December 31, 2020
    re.compile(rf"{_MONTH}\s+(?P<year>\d{{4}})"),  # Dezember 2020
)


class InvalidMetadata(IngestError):
    """A confirmed value that is not accepted (the message names the field, the value and the accepted forms)."""


def parse_date(value: object) -> str:
    """The ISO date ("YYYY-MM-DD", "YYYY-MM" or "YYYY") of a typed or YAML date; InvalidMetadata otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, int) and not isinstance(value, bool) and not 10_000_000 <= value <= 99_999_999:
        return _checked(value, None, None, value)
    if isinstance(value, int) and not isinstance(value, bool):  # 20201231 unquoted in JSON or YAML
        value = str(value)
    if isinstance(value, str):
        text = " ".join(value.strip().split())
        for form in _FORMS:
            match = form.fullmatch(text)
            if match:
                parts = match.groupdict()
                month = parts.get("month")
                if month and not month.isdigit():
                    month = MONTHS.get(month.lower())
                    if month is None:
                        break
                return _checked(
                    int(parts["year"]), int(month) if month else None, _int(parts.get("day")), value
                )
    raise InvalidMetadata(f"date {_shown(value)} is not a date; accepted forms: {DATE_FORMS}")


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _checked(year: int, month: int | None, day: int | None, value: object) -> str:
    last = dt.date.today().year + 1
    if not MIN_YEAR <= year <= last:
        raise InvalidMetadata(f"date {_shown(value)} is out of range: the year must be {MIN_YEAR} to {last}")
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise InvalidMetadata(f"date {_shown(value)} does not exist; accepted forms: {DATE_FORMS}") from None
    if day:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}" if month else f"{year:04d}"


def shown_value(value: object) -> str:
    """A refused value as the message quotes it: its start only when it is long (one readable line)."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_SHOWN_CHARS:
        text = f"{text[:MAX_SHOWN_CHARS]}… ({len(text):,} characters)"
    return repr(text) if isinstance(value, str) else f"'{text}'"


_shown = shown_value


def known_values(vocabulary: Vocabulary, kind: str) -> str:
    values = [e.value for e in vocabulary.entries(kind)]
    return ", ".join(values) if values else "none (add entries to corpus/vocabulary.json)"


def canonical_value(vocabulary: Vocabulary, kind: str, value: str) -> str:
    """The stored value of a network, region or topic named by id, name, label or alias."""
    entry = vocabulary.resolve(kind, value)
    if entry is None:
        raise InvalidMetadata(
            f"{FIELD_NAMES[kind]} {_shown(value.strip())} is not in the vocabulary; known values: "
            f"{known_values(vocabulary, kind)}"
        )
    return entry.value


def list_items(value: object) -> list[str] | None:
    """The names in a list or a comma- or semicolon-separated string (None for anything else)."""
    if isinstance(value, str):
        items = LIST_SEPARATOR.split(value)
    elif isinstance(value, list | tuple | set | frozenset):
        items = [str(v) for v in value if v is not None]
    else:
        return None
    return [item for item in items if item.strip()]


def _values(value: object, vocabulary: Vocabulary, kind: str) -> list[str]:
    items = list_items(value)
    if items is None:
        raise InvalidMetadata(f"{kind} {_shown(value)} must be a list of names")
    return list(dict.fromkeys(canonical_value(vocabulary, kind, i) for i in items))


def parse_language(value: object) -> str:
    text = str(value).strip()
    if text.lower() == UNDETERMINED:
        return UNDETERMINED
    code = normalize_language(text)
    if not code:
        raise InvalidMetadata(
            f"language {_shown(value)} is not a language; accepted: a two-letter code such as de, da, nl, en"
        )
    return code


def parse_doctype(value: object) -> str:
    key = re.sub(r"[\s_]+", "-", str(value).strip().lower())
    if key not in DOCTYPES:
        raise InvalidMetadata(f"type {_shown(value)} is not a document type; accepted: {', '.join(DOCTYPES)}")
    return key


def unknown_keys(metadata: Mapping[str, object], *, front_matter: bool = False) -> list[str]:
    """One line for each key of confirmed metadata that is ignored for not being a field, with the field it
    was probably meant to be ("regoin": did you mean 'regions'?).

    A metadata file is the archive's own: every other key is named. Front matter is shared with other
    tools (a blog's layout, tags): only a key that looks like a misspelled field is named there.
    """
    lines: list[str] = []
    unknown = 0
    for key in metadata:
        if key in SIDECAR_KEYS or (
            front_matter and (key in FRONT_MATTER_KEYS or key in _FOREIGN_FRONT_MATTER)
        ):
            continue
        text = str(key)
        if not front_matter and len(lines) == MAX_KEYS_NAMED:  # counted, no closest field looked for
            unknown += 1
            continue
        close = difflib.get_close_matches(
            text[:MAX_SHOWN_CHARS].lower(), SIDECAR_KEYS, n=1, cutoff=0.75 if front_matter else 0.6
        )
        if front_matter and not close:
            continue
        unknown += 1
        if len(lines) < MAX_KEYS_NAMED:
            guess = (
                f" (did you mean {close[0]!r}?)"
                if close
                else f"; the fields are {', '.join(SIDECAR_KEYS[:8])}"
            )
            lines.append(f"unknown key {_shown(text)} ignored{guess}")
    if unknown > len(lines):  # a file of many keys is no page of warnings
        lines.append(f"{unknown - len(lines):,} more unknown keys ignored")
    return lines


def date_year_conflict(metadata: Mapping[str, object]) -> str | None:
    """A warning when checked metadata holds a date and a year that disagree (the date is kept), else None."""
    date, year = metadata.get("date"), metadata.get("year")
    if isinstance(date, str) and isinstance(year, int) and not date.startswith(f"{year:04d}"):
        return f"date '{date}' and year {year} disagree; the date is kept"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _half_character(value: object) -> str | None:
    """The first UTF-16 half (a surrogate) in a text or a list of texts, escaped ("\\ud83d"), or None."""
    for item in value if isinstance(value, list | tuple) else (value,):
        found = _SURROGATE.search(item) if isinstance(item, str) else None
        if found:
            return f"\\u{ord(found[0]):04x}"
    return None


def _one_line(key: str, value: object, limit: int) -> str:
    """A text field's value as one line (a number is its text); InvalidMetadata for a list, a mapping, a
    yes/no, an empty or an overlong value."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidMetadata(f"{key} {_shown(value)} is not text")
    line = " ".join(str(value).translate(NO_CONTROL).split())  # no NUL, ESC, BEL
    line = unicodedata.normalize("NFC", line)  # a Mac's decomposed ü too
    if not line:
        raise InvalidMetadata(f"{key} is empty")
    if len(line) > limit:
        raise InvalidMetadata(f"{key} is {len(line):,} characters long; at most {limit:,}")
    return line


def validate(
    metadata: Mapping[str, object], vocabulary: Vocabulary, *, keep_emptied: bool = False
) -> dict[str, object]:
    """The confirmed metadata with every known field checked and normalised; other keys kept as they are.

    Empty values (None, "", []) mean "not given" and are left out. With `keep_emptied` (an edit, and
    the archive's metadata files) a date of None or an empty list of networks, regions or topics is
    kept: the coordinator removed every value, and the field stays empty (None, []).
    """
    clean: dict[str, object] = {}
    for key, value in metadata.items():
        if keep_emptied and emptied(key, value):
            clean[key] = None if key == "date" else []
            continue
        if value is None or value == "" or value == [] or value == ():
            continue
        half = _half_character(value) if key in SIDECAR_KEYS else None
        if half:  # JSON's and YAML's \ud83d without its other half: no page or JSON line carries it
            raise InvalidMetadata(
                f"{key} {_shown(value)} holds {half}, half of a character (an escape without its other "
                "half): not text"
            )
        if key == "title":
            clean[key] = _one_line(key, value, MAX_TITLE_CHARS)
        elif key in ("added_by", "added_at"):  # who added the file and when: one line of text
            clean[key] = _one_line(key, value, MAX_NOTE_CHARS)
        elif key == "date":
            clean[key] = parse_date(value)
        elif key == "year":
            try:
                year = parse_date(value if not isinstance(value, str) else value.strip())
            except InvalidMetadata as exc:  # named as the field it came in
                raise InvalidMetadata(f"year{str(exc).removeprefix('date')}") from None
            if len(year) != 4:
                raise InvalidMetadata(f"year {_shown(value)} is not a year such as 2020")
            clean[key] = int(year)
        elif key == "language":
            clean[key] = parse_language(value)
        elif key == "doctype":
            clean[key] = parse_doctype(value)
        elif key in FACETS:
            if list_items(value) == []:  # blanks only ("", " , "): not given, never an emptied list
                continue
            clean[key] = _values(value, vocabulary, key)
        else:
            clean[key] = value
    return clean
