"""Read plain text and Markdown: detect the encoding, take YAML front matter as confirmed metadata."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

import yaml

from ingest.extractors.fields import clean_text, clean_title, normalize_date, normalize_language
from ingest.sniff import SNIFF_BYTES, wide_encoding
from ingest.source import Extracted, Source

if TYPE_CHECKING:
    from ingest.extractors import Options

log = logging.getLogger(__name__)

TYPES = frozenset({"markdown", "text"})

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
_SETEXT_HEADING = re.compile(r"^ {0,3}(\S[^\n]*)\n {0,3}(?:=+|-+)[ \t]*$", re.M)
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.M | re.S)
_DATE_KEYS = frozenset({"date", "created", "updated", "published", "modified"})
#: dates written with day, month and year in numbers (ISO, and 31.12.2020)
_NUMERIC_DATES = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})"),
)

#: libyaml's safe loader when PyYAML was built with it (about ten times faster), else the Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(source: Source, detected: str, options: Options) -> Extracted:
    """Return the text of a Markdown or plain-text file, with front matter as confirmed metadata."""
    decoded, encoding = decode_text(source.data)
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    warnings: list[str] = []
    if not encoding.startswith("utf-"):
        warnings.append(f"not UTF-8; read as {encoding}")
    fmt = "markdown" if detected == "markdown" else "text"
    confirmed, text = split_front_matter(text, warnings, plain=fmt == "text")
    title = clean_title(confirmed.get("title"))
    if title is None and fmt == "markdown":
        title = first_heading(text)
    return Extracted(
        text=clean_text(text),
        format=fmt,
        title=title,
        date=normalize_date(confirmed.get("date")),
        language=normalize_language(confirmed.get("language") or confirmed.get("lang")),
        author=_author(confirmed.get("author")),
        confirmed=confirmed,
        warnings=tuple(warnings),
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes by BOM, then as UTF-8, then cp1252, then latin-1; return the text and the encoding."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace"), "utf-8-sig"
    wide = wide_encoding(data[:SNIFF_BYTES])
    if wide:
        return data.decode(wide, errors="replace"), wide
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def split_front_matter(
    text: str, warnings: list[str], *, plain: bool = False
) -> tuple[dict[str, object], str]:
    """Parse YAML front matter at the start of the text; return it as a mapping and the text without it.

    Lines between two rules that are no front matter stay text: a line of prose (a title set off by
    rules), and in a plain text file (`plain`) lines of keys none of which the archive reads or takes
    for a misspelling of one ("Ort: Papenburg"); they were left out of what was indexed."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    rest = text[match.end() :]
    try:
        loaded = yaml.load(match.group(1), Loader=_loader(_SAFE_LOADER))
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        warnings.append(f"invalid front matter ignored: {reason}")
        return {}, rest
    except (RecursionError, ValueError, OverflowError) as exc:
        warnings.append(f"invalid front matter ignored: {type(exc).__name__}")
        return {}, rest
    if loaded is None:
        return {}, rest
    if not isinstance(loaded, Mapping | list):  # a line of prose (a scalar) set off by rules
        return {}, text
    if not isinstance(loaded, Mapping):
        warnings.append("invalid front matter ignored: not a mapping of keys to values")
        return {}, rest
    if plain and not _front_matter_of_ours(loaded):  # a text file's header lines: its text
        return {}, text
    confirmed: dict[str, object] = {}
    for key, value in loaded.items():
        ignored = _nested_ignored(str(key), value)
        warnings += ignored
        if not (ignored and isinstance(value, dict)):  # a mapping named in a warning is left out whole
            confirmed[str(key)] = _normalize_value(str(key), value)
    return confirmed, rest


def _front_matter_of_ours(loaded: Mapping) -> bool:
    """Whether a mapping holds a key the archive reads, or one it would name as a misspelling of one."""
    from ingest.metadata.confirmed import FRONT_MATTER_KEYS, SIDECAR_KEYS, unknown_keys  # it imports this

    keys = {str(k) for k in loaded}
    return bool(keys & {*SIDECAR_KEYS, *FRONT_MATTER_KEYS}) or bool(unknown_keys(loaded, front_matter=True))


def _flow(value: object) -> str:
    """A list or mapping as front matter writes it ([a, b], {k: v}), not as Python shows it."""
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return str(value)


def _nested_ignored(key: str, value: object) -> list[str]:
    """One warning for each list or mapping inside a read key's list, which reading leaves out, and for a
    mapping as the value of a key that is read but not checked (`author`, `lang`, `added_by`).

    A blog's own keys (tags, layout) are left to it, whatever they hold."""
    from ingest.metadata.confirmed import FRONT_MATTER_KEYS, SIDECAR_KEYS, shown_value  # it imports this

    if key not in SIDECAR_KEYS and key not in FRONT_MATTER_KEYS:
        return []
    if isinstance(value, list):
        return [
            f"front matter: {_kind(item)} inside {key!r} ignored: {shown_value(_flow(item))}"
            for item in value
            if isinstance(item, list | dict)
        ]
    if isinstance(value, dict) and key in FRONT_MATTER_KEYS | {"added_by", "added_at"}:
        return [f"front matter: {key!r} holds a mapping, ignored: {shown_value(_flow(value))}"]
    return []


def _kind(item: object) -> str:
    return "a list" if isinstance(item, list) else "a mapping"


@cache
def _loader(base: type) -> type:
    """The safe loader, except that a timestamp naming no day (2026-02-30) stays the text it is."""

    class Loader(base):  # type: ignore[valid-type,misc]
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    return Loader


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:  # the whole front matter is not lost: the metadata check names the date
        return loader.construct_scalar(node)


def _impossible_date(value: object) -> bool:
    """A date written with day, month and year in numbers that names no day (2026-02-30, 31.04.2020)."""
    text = str(value).strip()
    for form in _NUMERIC_DATES:
        match = form.fullmatch(text)
        if match:
            try:
                dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
            except ValueError:
                return True
    return False


def _normalize_value(key: str, value: object) -> object:
    """Dates become ISO strings; a language becomes its primary subtag; other values stay as they are.

    An impossible date stays as it was typed, so that checking the confirmed metadata refuses it
    (rather than a month or a year made of it)."""
    if isinstance(value, dt.date | dt.datetime):
        return normalize_date(value)
    if key.lower() in _DATE_KEYS and isinstance(value, str | int):
        return value if _impossible_date(value) else normalize_date(value) or value
    if key.lower() in {"language", "lang"} and isinstance(value, str):
        return normalize_language(value) or value
    if isinstance(value, list):  # one level: nested aliases ("billion laughs") are never walked
        return [_normalize_value("", v) for v in value if not isinstance(v, list | dict)]
    return value


def first_heading(text: str) -> str | None:
    """Return the first Markdown heading (ATX or setext) outside code fences, or None."""
    body = _FENCE.sub("", text)
    candidates = []
    for pattern in (_ATX_HEADING, _SETEXT_HEADING):
        match = pattern.search(body)
        if match:
            candidates.append((match.start(), match.group(1)))
    for _, heading in sorted(candidates):
        title = clean_title(heading.strip("#* \t"))
        if title:
            return title
    return None


def _author(value: object) -> str | None:
    """Return an author string from a string or a list of names."""
    if isinstance(value, list):
        names = [str(v).strip() for v in value if str(v).strip()]
        return ", ".join(names) or None
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
