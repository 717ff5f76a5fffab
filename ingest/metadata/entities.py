"""Networks and regions a document is about, recognised by their names, labels and aliases.

Salience: a mention in the title scores 5 (once), each mention in the text 1, and a bare head of
a compound name ("des Kunststoffnetzwerks") 0.5, but only when the full name also occurs. For
regions, each selected network adds half its score to the regions it belongs to. An entry is
kept when it scores at least max(2, 0.4 × the best score); at most three, best first.

Matching is folded (case, umlauts, å/æ/ø), hyphens count as spaces, and a name may take a
short inflection ("Trekantområdets", "Dänemarks"). At each position the longest name wins, so
"Kunststoffnetzwerk Ems-Achse" is one network mention, not also a mention of a shorter name.
A region named inside a network's name ("Wachstumsregion Ems-Achse") still counts for the region.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

from kb.folding import fold_text
from kb.vocabulary import Entry, Vocabulary

TITLE_WEIGHT = 5.0
MENTION_WEIGHT = 1.0
HEAD_WEIGHT = 0.5
IMPLIED_SHARE = 0.5
MIN_SCORE = 2.0
RELATIVE_SCORE = 0.4
MAX_ENTITIES = 3
HEAD_MIN_LETTERS = 10

INFLECTION = r"(?:s|es|e|en|er|n|ns|et|ets|ens)?"
_NON_WORD = re.compile(r"[\W_]+")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")
_KINDS = ("networks", "regions")


@lru_cache(maxsize=8)  # a document's text and title are normalized for networks, regions and topics
def normalize(text: str) -> str:
    """Folded text with every run of non-word characters turned into one space."""
    return " " + _NON_WORD.sub(" ", fold_text(text)).strip() + " "


def _forms(entry: Entry) -> tuple[str, ...]:
    """The normalized surface forms of an entry, parentheticals ("(plastnetværk)") dropped."""
    forms = {normalize(_PARENTHETICAL.sub("", name)).strip() for name in entry.names()}
    return tuple(sorted((f for f in forms if f), key=len, reverse=True))


@cache
def _matcher(table: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over (form, id) pairs, longest first, and the form → id lookup."""
    lookup = dict(table)
    forms = sorted(lookup, key=len, reverse=True)
    if not forms:
        return re.compile(r"(?!x)x"), lookup
    alternation = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<!\w)(?P<core>{alternation}){INFLECTION}(?!\w)"), lookup


def _mentions(text: str, table: tuple[tuple[str, str], ...]) -> list[tuple[str, int]]:
    """(id, start) of each mention in normalized text."""
    pattern, lookup = _matcher(table)
    return [(lookup[m.group("core")], m.start()) for m in pattern.finditer(text)]


def _heads(entries: Iterable[Entry]) -> tuple[tuple[str, str], ...]:
    """(long first word of a multi-word name, id), for weak back-references like "des Kunststoffnetzwerks"."""
    table: dict[str, str] = {}
    for entry in entries:
        for form in _forms(entry):
            first, _, rest = form.partition(" ")
            if rest and len(first) >= HEAD_MIN_LETTERS:
                table.setdefault(first, entry.id)
    return tuple(table.items())


_tables: dict[int, tuple[tuple[Entry, ...], tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {}


def _tables_of(entries: tuple[Entry, ...]) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The (form, id) and (head, id) tables of entries, cached by the identity of the tuple."""
    cached = _tables.get(id(entries))
    if cached is not None and cached[0] is entries:
        return cached[1], cached[2]
    table = tuple((form, e.id) for e in entries for form in _forms(e))
    heads = _heads(entries)
    if len(_tables) >= 32:
        _tables.clear()
    _tables[id(entries)] = (entries, table, heads)
    return table, heads


def score_entities(text: str, title: str | None, entries: tuple[Entry, ...]) -> dict[str, float]:
    """The salience score of every entry mentioned in the title or text, by id."""
    table, heads = _tables_of(entries)
    body = normalize(text)
    scores: dict[str, float] = {}
    full = _mentions(body, table)
    for entry_id, _ in full:
        scores[entry_id] = scores.get(entry_id, 0.0) + MENTION_WEIGHT
    for entry_id in {i for i, _ in _mentions(normalize(title or ""), table)}:
        scores[entry_id] = scores.get(entry_id, 0.0) + TITLE_WEIGHT
    starts = {start for _, start in full}
    pattern, lookup = _matcher(heads)
    for match in pattern.finditer(body):
        entry_id = lookup[match.group("core")]
        singular = match.end() - match.end("core") <= 2 and body[match.end("core") : match.end()] in (
            "",
            "s",
            "es",
        )
        if entry_id in scores and match.start() not in starts and singular:
            scores[entry_id] += HEAD_WEIGHT
    return scores


def select(scores: dict[str, float]) -> list[str]:
    """The ids that pass the salience threshold, best first (ties by id), at most three."""
    if not scores:
        return []
    floor = max(MIN_SCORE, RELATIVE_SCORE * max(scores.values()))
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return [i for i, s in ranked if s >= floor][:MAX_ENTITIES]


def find_entities(text: str, title: str | None, vocabulary: Vocabulary, kind: str) -> tuple[str, ...]:
    """Canonical names of the networks or regions a document is about, most salient first."""
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}, not {kind!r}")
    entries = vocabulary.entries(kind)
    scores = score_entities(text, title, entries)
    if kind == "regions":
        network_scores = score_entities(text, title, vocabulary.networks)
        known = {e.id for e in entries}
        for network in vocabulary.networks:
            if network.id in select(network_scores):
                for region_id in network.regions:
                    if region_id in known:
                        bonus = IMPLIED_SHARE * network_scores[network.id]
                        scores[region_id] = scores.get(region_id, 0.0) + bonus
    by_id = {e.id: e for e in entries}
    return tuple(by_id[i].value for i in select(scores))
