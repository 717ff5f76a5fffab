"""The kind of document (press release, minutes, project description) from cues in four languages.

Each kind has weighted cues; a cue counts at most three times, and a cue in the title counts
twice as much. The best kind wins when it scores at least 3 and at least 1 more than the
runner-up, and only on a strong cue of its own (an anchor: "Protokoll", "Referat", "Notulen" or an
agenda with attendees for minutes; "Pressemitteilung", a dateline or quoted speakers for a press
release; "Projektbeschreibung", aims of a project, or a project, initiative or network named in the
title for a project description, which without its name at the top also needs a score of 4). Documents of other kinds are "other": statutes, forms,
applications, contracts, letters, reports, CVs and help pages, recognised by their own cues in the
title or head (which always make them "other") or in the body (when these outweigh the best kind).
"""

from __future__ import annotations

import re
from itertools import islice

from ingest.metadata.entities import normalize

MIN_SCORE = 3.0
#: A project description's cues are common words ("Ziel", "initiativ", "project"): without its name at the
#: top ("Projektbeschreibung", "Ziele des Projekts") it needs more of them.
MIN_PROJECT_SCORE = 4.0
#: Minutes recognised by their structure alone (an agenda and attendees, no "Protokoll" at the top).
MIN_MINUTES_STRUCTURE_SCORE = 5.0
MIN_MARGIN = 1.0
TITLE_FACTOR = 2.0
MAX_HITS_PER_CUE = 3
OTHER = "other"


def _cues(*pairs: tuple[str, float]) -> tuple[tuple[re.Pattern[str], float], ...]:
    """Cue patterns over normalized (folded, punctuation-free) text."""
    return tuple((re.compile(rf"(?<!\w)(?:{pattern})(?!\w)"), weight) for pattern, weight in pairs)


_NORMALIZED_CUES: dict[str, tuple[tuple[re.Pattern[str], float], ...]] = {
    "minutes": _cues(
        (r"\w*protokoll(?:e|s|en)?", 3),  # not "protokolliert", "Protokollierung"
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
            # bounded: a "word" of 100,000 letters holding "netzwerk" at every eighth one was quadratic
            r"\w{0,64}(?:netzwerk|netvaerk|netwerk|network)\w{0,64}(?: \w{1,64}){0,3} "
            r"(?:organisiert|ermoglicht|kooperiert|forciert|"
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


HEAD_CHARS = 400  # the title and the start of the text: where a document names its kind
_ANCHORS: dict[str, re.Pattern[str]] = {
    "minutes": re.compile(
        r"(?<!\w)(?:\w*protokoll(?:e|s|en)?|niederschrift|zusammenfassung des (?:\w+ )?treffens|\w*referat|notulen|"
        r"minutes of|meeting minutes|^ minutes|verslag van de (?:\w+ )?vergadering|besluitenlijst)(?!\w)"
    ),
    "press-release": re.compile(
        r"(?<!\w)(?:pressemitteilung\w*|pressemeddelelse\w*|persbericht\w*|press releases?|presseinformation|"
        r"pressemeldung|for immediate release|news release)(?!\w)"
    ),
    "project-description": re.compile(
        r"(?<!\w)(?:projektbeschreibung|projektskizze|projektsteckbrief|projektprofil|projektbeskrivelse|"
        r"projectbeschrijving|projectplan|project description|project profile|project outline|"
        r"ziele? des projekt\w*|projektziel\w*|formalet med projektet|doel van het project|the project aims)(?!\w)"
    ),
}
_MINUTES_STRUCTURE = (
    re.compile(r"(?<!\w)(?:tagesordnung|top \d{1,2}|dagsorden|agenda|agendapunt\w*)(?!\w)"),
    re.compile(
        r"(?<!\w)(?:teilnehmer\w*|anwesend\w*|deltagere|fremmodte|afbud|aanwezig|afwezig|attendees|apologies)(?!\w)"
    ),
)
_PROJECT_AT_TOP = re.compile(
    r"(?<!\w)\w*(?:projekt|project|initiativ|netzwerk|netvaerk|netwerk|network|vorhaben|programm)\w*(?!\w)"
)
# Kinds that are "other": statutes, forms and applications, contracts, letters, reports, CVs, help pages.
_OTHER_KINDS = _cues(
    (r"satzung|vereinssatzung|statuten?|vedtaegter|vedtaegt|statuut|articles of association|bylaws|by laws", 4),
    (r"name und sitz|navn og hjemsted|naam en zetel|name and seat|zweck des vereins|foreningens formal", 3),
    (r"antrag|antragsteller\w*|formular|ansogning\w*|ansogningsskema|aanvraag\w*|aanvraagformulier|"
     r"application form|applicant", 2),
    (r"bitte ankreuzen|zutreffendes ankreuzen|unterschrift|underskrift|handtekening|signature|datum unterschrift", 2),
    (r"vertrag|vertragspartner\w*|rahmenvertrag|kontrakt|overeenkomst|agreement|contract", 2),
    (r"sehr geehrte\w*|mit freundlichen grussen|kaere|med venlig hilsen|geachte|met vriendelijke groet|"
     r"dear (?:sir|madam|mr|ms)|yours sincerely|yours faithfully", 2),
    (r"jahresbericht|geschaftsbericht|tatigkeitsbericht|arsrapport|arsberetning|jaarverslag|annual report", 4),
    (r"lebenslauf|curriculum vitae|cv", 4),
    (r"klicken sie|wahlen sie|menu|dialogfeld|tastenkombination|klik op|kies|vaelg|klik pa|click|choose|"
     r"dialog box|keyboard shortcut|shortcut keys", 1),
    (r"registerkarte|symbolleiste|kontextmenu|strg|ctrl|befehl|dialogboks|vaerktojslinje|fanebladet|"
     r"werkbalk|dialoogvenster|tabblad|toolbar|tab page|menu bar|menulinje|menuleiste|menubalk", 1),
    (r"merkblatt|gebuhren|gebuhrenverzeichnis|leaflet|faq", 2),
)  # fmt: skip
OTHER_KIND_MIN_SCORE = 4.0
OTHER_HEAD_CHARS = 150  # the title and first line, where statutes, forms and reports name themselves


def _has_anchor(kind: str, body: str, head: str, text: str) -> bool:
    """A strong cue of a kind: its name at the top, or the structure only that kind has."""
    top = head + " " + body[:HEAD_CHARS]
    if _ANCHORS[kind].search(top):
        return True
    if kind == "minutes":
        return all(pattern.search(body) for pattern in _MINUTES_STRUCTURE)
    if kind == "press-release":
        return _hits(_DATELINE, text[:HEAD_CHARS], 1) > 0 or _hits(_QUOTE_ATTRIBUTION, text, 2) > 0
    return bool(_ANCHORS[kind].search(body) or (head.strip() and _PROJECT_AT_TOP.search(head)))


def other_kind_score(text: str, title: str | None, titled: bool = False) -> tuple[float, float]:
    """(score at the top, score in the whole text) of the cues of kinds that are "other".

    The top is the title and the first line; only the title when it names the best kind (`titled`).
    """
    body, head = normalize(text), normalize(title or "")
    top = head if titled else head + " " + body[:OTHER_HEAD_CHARS]
    at_top = sum(w * _hits(p, top, 1) for p, w in _OTHER_KINDS)
    overall = sum(w * _hits(p, body, MAX_HITS_PER_CUE) for p, w in _OTHER_KINDS) + TITLE_FACTOR * sum(
        w * _hits(p, head, 1) for p, w in _OTHER_KINDS
    )
    return at_top, overall


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
    if top < MIN_SCORE or top - second < MIN_MARGIN:
        return OTHER
    top_text = normalize(title or "") + " " + normalize(text)[:HEAD_CHARS]
    if best == "project-description" and top < MIN_PROJECT_SCORE and not _ANCHORS[best].search(top_text):
        return OTHER
    if best == "minutes" and top < MIN_MINUTES_STRUCTURE_SCORE and not _ANCHORS[best].search(top_text):
        return OTHER  # an agenda and attendees without the minutes' name: a template, a help page
    body, head = normalize(text), normalize(title or "")
    at_top, overall = other_kind_score(text, title, titled=bool(_ANCHORS[best].search(head)))
    if at_top >= OTHER_KIND_MIN_SCORE or (overall >= OTHER_KIND_MIN_SCORE and overall >= top):
        return OTHER
    return best if _has_anchor(best, body, head, text) else OTHER
