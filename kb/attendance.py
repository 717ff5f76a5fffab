"""Who took part, read from a document's text: attendance lists ("Anwesend:", "Deltagere:", "Til stede:",
"Aanwezig:", "Present:", "Attendees:" … on the line or as a list below it) and signatures ("gez.",
"Protokoll:", "Referent:", "Notulist:", a name under "Mit freundlichen Grüßen"), in German, Danish,
Dutch and English; and the people and organisations that recur across a network's documents."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kb.folding import fold_text

RECURRING_MIN = 2  # documents a name must appear in to recur
RECURRING_LIMIT = 12

_PRESENT = (
    "anwesend", "anwesende", "teilnehmer", "teilnehmende", "teilnehmer*innen", "teilnehmerinnen",
    "teilnehmer/innen", "gäste", "deltagere", "deltager", "til stede", "tilstede", "fremmødte", "gæster",
    "aanwezig", "aanwezigen", "deelnemers", "gasten", "present", "attendees", "attendance",
    "participants", "in attendance", "guests",
)  # fmt: skip
_ABSENT = (
    "entschuldigt", "abwesend", "es fehlten", "nicht anwesend", "afbud", "fraværende", "ikke til stede",
    "afwezig", "afgemeld", "met kennisgeving afwezig", "apologies", "absent", "excused", "regrets",
    "verteiler", "kopie", "cc", "kopi", "distribution",
)  # fmt: skip
_SIGNING = (
    "protokoll", "protokollführung", "protokollführer", "protokollführerin", "schriftführer",
    "schriftführerin", "vorsitz", "leitung", "sitzungsleitung", "moderation", "referent", "referentin",
    "referat", "referent", "ordstyrer", "mødeleder", "formand", "notulist", "notulen", "voorzitter",
    "chair", "chaired by", "minutes", "minute taker", "minutes taken by", "recorded by", "secretary",
)  # fmt: skip
_CLOSINGS = (
    "mit freundlichen grüßen", "freundliche grüße", "viele grüße", "beste grüße", "med venlig hilsen",
    "venlig hilsen", "de bedste hilsner", "met vriendelijke groet", "met vriendelijke groeten",
    "kind regards", "best regards", "yours sincerely", "sincerely",
)  # fmt: skip
_CLOSINGS_FOLDED = frozenset(c.casefold() for c in _CLOSINGS)
_ROLES = (
    "vorsitz", "vorsitzende", "vorsitzender", "protokoll", "gast", "leitung", "moderation", "formand",
    "referent", "ordstyrer", "voorzitter", "notulist", "chair", "secretary", "guest", "gæst", "online",
    "digital", "per video", "teilweise", "bis top", "ab top", "entschuldigt",
)  # fmt: skip
_ORG_WORDS = re.compile(
    r"\b(?:GmbH|gGmbH|AG|e\.\s?V\.|eV|KG|mbH|SE|A/S|ApS|I/S|B\.V\.|BV|N\.V\.|Ltd|Inc|LLC|IHK|HWK|"
    r"Universität|Hochschule|University|Universiteit|Kommune|Gemeente|Gemeinde|Landkreis|Stadt|Kreis|"
    r"Verband|Forening|Vereniging|Association|Institut|Institute|Instituut|Agentur|Agency|Ministerium|"
    r"Region|Akademie|Academy|Akademi|Schule|Skole|School|College|Kammer|Council|Rat)\b"
)
_PARTICLES = {"von", "van", "de", "der", "den", "zu", "ter", "te", "la", "da", "af", "du", "vom", "zum", "el"}
_TITLES = re.compile(
    r"^(?:(?:Dr|Prof|Dipl\.-Ing|Ing|Herr|Frau|Hr|Fr|Mr|Mrs|Ms|Dhr|Mevr|Mevrouw|De heer|Fru|Hr)\.?\s+)+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"^(?:[A-ZÄÖÜÆØÅÉ][\w'’\-]*\.?|[A-ZÄÖÜÆØÅ]\.)$")
_LABEL = re.compile(r"^\s*[-*•]?\s*(?:\*\*)?(?P<label>[^:*]{2,40}?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(?P<rest>.*)$")
_GEZ = re.compile(r"^\s*(?:gez\.?|sign\.?|signed|underskrevet|get\.)\s+(?P<rest>.+)$", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+(?P<rest>.+)$")
_SPLIT_INLINE = re.compile(r"\s*[;,]\s*|\s+(?:und|og|en|and|sowie)\s+")


@dataclass(frozen=True)
class Participant:
    """A person (name, possibly with an organisation) or an organisation alone (name empty)."""

    name: str
    organisation: str = ""


def _outside_parentheses(text: str, pattern: re.Pattern[str]) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if depth == 0:
            m = pattern.match(text, i)
            if m and m.end() > i:
                parts.append(text[start:i])
                start = m.end()
    parts.append(text[start:])
    return [p for p in (p.strip() for p in parts) if p]


def is_name(text: str) -> bool:
    """Whether a text looks like a person's name: 2–5 capitalised words (particles allowed), no digits."""
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 50 or re.search(r"\d", text) or _ORG_WORDS.search(text):
        return False
    capital = [w for w in words if w not in _PARTICLES]
    return len(capital) >= 2 and all(_NAME_WORD.match(w) for w in capital)


def _entry(text: str, list_line: bool) -> Participant | None:
    """One entry of a list: "Dr. Anna Müller (Kunststoff GmbH)", "Jens Hansen, Plastindustrien", an
    organisation alone."""
    text = re.sub(r"\*\*|__", "", text).strip(" .;:-–")
    organisation = ""
    m = re.match(r"^(?P<name>[^()]+?)\s*\((?P<inner>[^()]*)\)\s*(?P<tail>.*)$", text)
    if m:
        inner = m.group("inner").strip()
        if inner and not any(inner.casefold().startswith(r) for r in _ROLES):
            organisation = inner
        text = (m.group("name") + " " + m.group("tail")).strip()
    for sep in (" – ", " — ", " - ", " / ", ", ") if list_line else (" – ", " — ", " - ", " / "):
        if sep in text:
            head, _, tail = text.partition(sep)
            if not any(tail.casefold().startswith(r) for r in _ROLES):
                organisation = organisation or tail.strip()
            text = head.strip()
            break
    name = _TITLES.sub("", text).strip()
    if is_name(name):
        return Participant(name, organisation.strip())
    if _ORG_WORDS.search(text) and 2 <= len(text) <= 80 and not re.search(r"^\d|\d{3}", text):
        return Participant("", text)
    return Participant("", organisation) if organisation and _ORG_WORDS.search(organisation) else None


def _label(line: str) -> tuple[str, str] | None:
    m = _LABEL.match(line)
    if not m:
        return None
    return m.group("label").strip().casefold(), m.group("rest").strip()


def participants(text: str) -> tuple[Participant, ...]:
    """The people and organisations a document lists as present or signing (each once, in order)."""
    found: list[Participant] = []
    mode = ""  # "present": list lines below a label belong to it; "absent": skipped
    lines = text.splitlines()
    # the next line that is not blank, below each line: found once for all (a search below every blank
    # line took minutes for a long text of short paragraphs, and the network's history page waited)
    filled_below = [""] * len(lines)
    below = ""
    for i in range(len(lines) - 1, -1, -1):
        filled_below[i] = below
        if lines[i].strip():
            below = lines[i]
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:  # a list may start after a blank line below its label, and ends at one
            mode = mode if mode == "present" and _LIST_ITEM.match(filled_below[i]) else ""
            continue
        labelled = _label(line)
        if labelled is not None and (labelled[0] in _PRESENT + _SIGNING or labelled[0].startswith(_ABSENT)):
            label, rest = labelled
            if label.startswith(_ABSENT):
                mode = "absent"
                continue
            mode = "present" if label in _PRESENT else ""
            if rest:
                entries = _outside_parentheses(rest, _SPLIT_INLINE) if label in _PRESENT else [rest]
                found += [p for p in (_entry(e, False) for e in entries) if p]
            continue
        gez = _GEZ.match(line)
        if gez:
            found += [p for p in (_entry(gez.group("rest"), True),) if p]
            mode = ""
            continue
        if line.casefold().rstrip(" ,.!") in _CLOSINGS_FOLDED:
            following = next((ln.strip() for ln in lines[i + 1 : i + 3] if ln.strip()), "")
            found += [p for p in (_entry(following, True),) if p and p.name]
            mode = ""
            continue
        if mode == "present":
            item = _LIST_ITEM.match(line)
            if item or (
                is_name(_TITLES.sub("", line.split("(")[0].split(",")[0]).strip()) and len(line) < 90
            ):
                found += [p for p in (_entry(item.group("rest") if item else line, True),) if p]
            else:
                mode = ""
        elif labelled is not None:
            mode = ""
    return _merged(found)


def _merged(found: list[Participant]) -> tuple[Participant, ...]:
    """Each person once (with the first organisation given), each organisation alone once."""
    people: dict[str, Participant] = {}
    for p in found:
        key = _key(p.name or p.organisation) + ("" if p.name else "\0org")
        known = people.get(key)
        if known is None or (not known.organisation and p.organisation):
            people[key] = p
    return tuple(people.values())


def _key(text: str) -> str:
    return " ".join(fold_text(text).split())


def recurring(
    documents: Iterable[Iterable[Participant]], at_least: int = RECURRING_MIN, limit: int = RECURRING_LIMIT
) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """(people, organisations) named in at least `at_least` documents, with in how many, most first."""
    counts = {"people": Counter(), "organisations": Counter()}
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in documents:
        keys: dict[str, set[str]] = {"people": set(), "organisations": set()}
        for p in doc:
            for kind, value in (("people", p.name), ("organisations", p.organisation)):
                if value:
                    key = _key(value)
                    keys[kind].add(key)
                    spellings[key][value] += 1
        for kind, found in keys.items():
            counts[kind].update(found)

    def top(kind: str) -> tuple[tuple[str, int], ...]:
        ranked = sorted(
            ((spellings[k].most_common(1)[0][0], n) for k, n in counts[kind].items() if n >= at_least),
            key=lambda vn: (-vn[1], vn[0]),
        )
        return tuple(ranked[:limit])

    return top("people"), top("organisations")
