"""The kind of document (press release, minutes, project description) from cues in four languages.

Each kind has weighted cues; a cue counts at most three times, and a cue in the title counts
twice as much. The best kind wins when it scores at least 3 and at least 1 more than the
runner-up; otherwise (nothing clear, or a tie) the document is "other".
"""

from __future__ import annotations

import re
from itertools import islice

from ingest.metadata.entities import normalize

MIN_SCORE = 3.0
MIN_MARGIN = 1.0
TITLE_FACTOR = 2.0
MAX_HITS_PER_CUE = 3
OTHER = "other"


def _cues(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    """Cue patterns over normalized (folded, punctuation-free) text."""
    return tuple((re.compile(rf"(?<!\w)(?:{pattern})(?!\w)"), weight) for pattern, weight in pairs)


_NORMALIZED_CUES: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {
    "minutes": _cues(
        (r"protokoll\w*|ergebnisprotokoll|sitzungsprotokoll", 3),
        (r"zusammenfassung des (?:\w+ )?treffens", 3),
        (r"tagesordnung\w*|top \d{1,2}", 3),
        (r"teilnehmer\w*|teilnehmende", 2),
        (r"vorstellungsrunde|begrussung|ruckblick auf das|nachstes (?:\w+ )?treffen", 1.5),
        (r"referat|dagsorden|fremmodte|afbud", 3),
        (r"deltagere|naeste mode", 1),
        (r"notulen|agendapunt\w*|actiepunt\w*", 3),
        (r"aanwezig|afwezig|afmelding\w*|volgende vergadering", 2),
        (r"minutes|attendees|apologies|action items?|next meeting", 3),
        (r"agenda|present", 1),
    ),
    "press-release": _cues(
        (r"pressemitteilung\w*|pressemeddelelse\w*|persbericht\w*|press release\w*", 3),
        (r"for immediate release|zur sofortigen veroffentlichung|til umiddelbar offentliggorelse", 4),
        (r"lancerer|lanceert|launches|launched|kundigt \w+ an|stellt \w+ vor", 2),
        (r"zeichnet (?:\w+ ){0,10}aus|ausgezeichnet|wurdigt|pramiert|awarded|honoured|bekroond", 1.5),
        (r"presse|presseinformation|pressekontakt|press contact|perscontact", 1),
    ),
    "project-description": _cues(
        (r"projekt|projekte|projektes|projekts|projektet|project|projects|het project", 1),
        (r"ziel|ziele|zielgruppe|massnahmen|laufzeit|forderung|gefordert von", 1),
        (r"formal|malet er|malgruppe|initiativ\w*|indsats\w*|sigter|malrettet", 1),
        (r"doel|doelen|doelstelling\w*|doelgroep|looptijd|activiteiten", 1),
        (r"aims?|objectives?|target group|duration|funded by", 1),
        (r"lenkungsausschuss|geschaftsstelle|netzwerkpartner\w*|mitglied\w*", 1),
        (
            r"\w*(?:netzwerk|netvaerk|netwerk|network)\w*(?: \w+){0,3} (?:organisiert|ermoglicht|kooperiert|forciert|"
            r"bietet|organiserer|tilbyder|organiseert|biedt|organises|organizes|offers)",
            1.5,
        ),
    ),
}
_QUOTE_ATTRIBUTION = re.compile(
    r"[,“”\"»«‘’']\s*(?:sagt|sagte|erzählt|erzählte|erklärt|erklärte|betont|betonte|fortæller|siger|sagde|udtaler|"
    r"forklarer|zegt|zei|vertelt|legt uit|says|said|explains|adds)\s+(?:[A-ZÄÖÜÆØÅ][\w.-]+\s+){0,2}[A-ZÄÖÜÆØÅ][\w-]+"
)
_DATELINE = re.compile(
    r"^\W{0,3}[A-ZÄÖÜÆØÅ][\w./ -]{1,40},\s+(?:den\s+)?(?:\d{1,2}\.?\s*[^\W\d_]+\.?|\d{1,2}\.\d{1,2}\.)\s*\d{4}\s*[–—-]",
    re.M,
)


def score_doctypes(text: str, title: str | None) -> dict[str, float]:
    """The cue score of every document kind."""
    body, head = normalize(text), normalize(title or "")
    scores: dict[str, float] = {}
    for doctype, cues in _NORMALIZED_CUES.items():
        total = 0.0
        for pattern, weight in cues:
            total += weight * _hits(pattern, body, MAX_HITS_PER_CUE)
            total += weight * TITLE_FACTOR * _hits(pattern, head, 1)
        scores[doctype] = total
    scores["press-release"] += 2.0 * _hits(_QUOTE_ATTRIBUTION, text, MAX_HITS_PER_CUE)
    scores["press-release"] += 3.0 * _hits(_DATELINE, text, 1)
    return scores


def _hits(pattern: re.Pattern[str], text: str, cap: int) -> int:
    """How often a pattern matches, counting no further than `cap` (the search stops there)."""
    return sum(1 for _ in islice(pattern.finditer(text), cap))


def classify_doctype(text: str, title: str | None) -> str:
    """One of "press-release", "minutes", "project-description" or "other"."""
    ranked = sorted(score_doctypes(text, title).items(), key=lambda item: -item[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= MIN_SCORE and top - second >= MIN_MARGIN:
        return best
    return OTHER
