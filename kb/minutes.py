"""What a network's documents say, read from their text: the informative lines of minutes (agenda items
and decisions, not the header every meeting repeats) and the people and organisations listed as present
or signing, in German, Danish, Dutch and English. Pure functions over plain text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from kb.models import Fragment
from kb.snippets import plain

#: A line in at least this share of a network's documents (and in at least BOILERPLATE_MIN of them), or
#: in BOILERPLATE_ENOUGH of them, is boilerplate: the letterhead, "Protokoll der Sitzung vom …", the
#: location, the standing items ("Bericht der Bürgermeisterin", "Einwohnerfragestunde").
BOILERPLATE_SHARE = 0.3
BOILERPLATE_MIN = 3
BOILERPLATE_ENOUGH = 10
SUMMARY_CHARS = 220

_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_DECOR = re.compile(r"^[\s#>*_•·\-–—|]+|[\s*_|]+$")
_EMPHASIS = re.compile(r"\*\*|__")
_NUMBER = r"\d{1,2}[a-z]?(?:\.\d{1,2})*"
# "TOP 3: …", "Tagesordnungspunkt 3 …", "Punkt 2.", "Item 4 –", "Agendapunt 5:", "Dagsordenspunkt 2"
_AGENDA_WORD = re.compile(
    r"^(?:TOP|Tagesordnungspunkt|Punkt|Pkt\.?|Item|Agenda\s+item|Agendapunt|Punt|Dagsordenspunkt|Ad)"
    rf"\s*{_NUMBER}\.?\s*[:.)\-–—]?\s+(?P<item>\S.*)$",
    re.IGNORECASE,
)
# "1. …", "2) …", "3.1 …" (a date such as "12.03.2019" is not a number followed by a space)
_AGENDA_NUMBER = re.compile(rf"^{_NUMBER}(?:[.)]|(?<=\d)(?=\s))\s+(?P<item>\S.*)$")
_DECISION = re.compile(
    r"^(?:Beschluss|Beschlüsse|Beschlossen|Beslutning|Beslutninger|Besluttet|Vedtaget|Besluit|Besluiten"
    r"|Besloten|Decision|Decisions|Decided|Resolved|Resolution)\b\s*[:.\-–—]?\s*(?P<item>.*)$",
    re.IGNORECASE,
)
_MONTHS = frozenset(
    [
        "januar",
        "january",
        "januari",
        "februar",
        "february",
        "februari",
        "märz",
        "marts",
        "march",
        "maart",
        "april",
        "mai",
        "maj",
        "may",
        "mei",
        "juni",
        "june",
        "juli",
        "july",
        "august",
        "augustus",
        "september",
        "oktober",
        "october",
        "november",
        "dezember",
        "december",
    ]
)
# agenda items every meeting has: they say nothing about what this meeting was about
_PROCEDURAL = (
    "begrüßung", "eröffnung", "genehmigung", "feststellung", "verschiedenes", "sonstiges", "termine",
    "nächste sitzung", "nächster termin", "schließung", "schluss der sitzung", "protokoll der letzten",
    "mitteilungen", "anfragen", "einwohnerfragestunde", "öffentlicher teil", "nichtöffentlicher teil",
    "nicht öffentlicher teil", "- öffentlicher", "velkomst", "godkendelse", "eventuelt", "næste møde",
    "valg af", "meddelelser", "orientering", "opening", "welkom", "vaststelling", "vaststellen",
    "mededelingen", "rondvraag", "sluiting", "volgende vergadering", "notulen", "welcome", "apologies",
    "approval of", "any other business", "aob", "next meeting", "close", "closing", "minutes of",
)  # fmt: skip
_PROCEDURAL_FOLDED = tuple(p.casefold() for p in _PROCEDURAL)


def normalized(line: str) -> str:
    """A line as compared across documents: no Markdown marks, case folded, numbers as 0, one space."""
    line = _DECOR.sub("", _EMPHASIS.sub("", line))
    return _SPACE.sub(" ", _DIGITS.sub("0", line.casefold())).strip(" .:;,")


def _lines(text: str) -> list[str]:
    return [line for line in (_EMPHASIS.sub("", raw).strip() for raw in text.splitlines()) if line]


def boilerplate(
    texts: Iterable[str],
    share: float = BOILERPLATE_SHARE,
    at_least: int = BOILERPLATE_MIN,
    enough: int = BOILERPLATE_ENOUGH,
) -> frozenset[str]:
    """The normalized lines that occur in many of these documents (each document counts a line once)."""
    seen: Counter[str] = Counter()
    documents = 0
    for text in texts:
        documents += 1
        seen.update({normalized(line) for line in _lines(text)} - {""})
    needed = max(at_least, min(share * documents, enough))
    return frozenset(line for line, n in seen.items() if n >= needed)


def _clean(item: str) -> str:
    return _DECOR.sub("", item).strip(" :;,")


def _procedural(item: str) -> bool:
    folded = item.casefold().lstrip("-– ")
    return folded.startswith(_PROCEDURAL_FOLDED) or folded.split(" ")[0] in _MONTHS


def agenda_item(line: str) -> str | None:
    """The subject of an agenda line ("TOP 3: Recycling-Projekt" → "Recycling-Projekt"), else None."""
    line = _DECOR.sub("", line)
    for pattern in (_AGENDA_WORD, _AGENDA_NUMBER):
        m = pattern.match(line)
        if m:
            item = _clean(m.group("item"))
            return item if len(item) >= 3 and re.search(r"[^\W\d_]{3}", item) else None
    return None


def decision(line: str) -> str | None:
    """A decision line as shown ("Beschluss: Das Netzwerk …"), else None."""
    line = _clean(line)
    m = _DECISION.match(line)
    if m and len(m.group("item")) >= 8:
        return line
    return None


def informative_lines(
    text: str, title: str = "", skip: frozenset[str] = frozenset(), limit: int = 3
) -> tuple[str, ...]:
    """What a document is about in a few lines: its agenda items (standing ones and boilerplate left out)
    and decisions; without those, its first lines of prose that are neither title nor boilerplate."""
    lines = _lines(text)
    known = skip | {normalized(title)}
    items: list[str] = []
    decisions: list[str] = []
    for line in lines:
        if normalized(line) in known:
            continue
        item = agenda_item(line)
        if item is not None:
            if not _procedural(item) and normalized(item) not in known:
                items.append(item)
            continue
        found = decision(line)
        if found is not None:
            decisions.append(found)
    chosen = list(dict.fromkeys(items))[:limit]
    chosen += decisions[: max(0, limit - len(chosen))] if len(chosen) < limit else []
    if chosen:
        return tuple(chosen)
    prose = [
        _clean(line)
        for line in lines
        if normalized(line) not in known
        and not normalized(line).startswith(normalized(title) or "\0")
        and len(line.split()) >= 4
        and not re.match(r"^[^:]{1,30}:\s*\S{0,40}$", _clean(line))  # "Ort: Rathaus", "Datum: …"
    ]
    return tuple(prose[:1])


def summary(
    text: str, title: str = "", skip: frozenset[str] = frozenset(), chars: int = SUMMARY_CHARS
) -> str:
    """One line of what a document is about (see informative_lines) without Markdown syntax (a link as its
    label, as in the search's snippets and the document's text), cut at a word near `chars`."""
    line = " · ".join(
        " ".join(plain(Fragment(item)).text.split()) for item in informative_lines(text, title, skip)
    )
    if len(line) <= chars:
        return line
    cut = line[:chars].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:·-–") + " …"
