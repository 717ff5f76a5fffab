"""A network's history as a new member reads it: documents per year, the topics that stood out each year,
the people and organisations that recur, and one line of what each document is about.

Computed from the network's documents' stored text when first asked for (at most MAX_SCANNED_DOCUMENTS,
the newest) and kept until the index changes (one cache per search session)."""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from kb.attendance import participants, recurring
from kb.backend import MAX_PAGE_SIZE
from kb.errors import UnknownDocumentError
from kb.minutes import boilerplate, summary
from kb.models import Hit, SearchPage, SearchRequest

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

#: the newest documents of a network whose text is read (for boilerplate, summaries and participants)
MAX_SCANNED_DOCUMENTS = 400
#: networks kept per search session
MAX_CACHED_NETWORKS = 64
STANDOUT_LIMIT = 3
STANDOUT_LIFT = 1.25  # a year's share of documents with the topic, over the network's share overall


@dataclass(frozen=True)
class Standout:
    """A topic that stood out in a year: in `count` of that year's documents; `new`: not seen before."""

    topic: str
    count: int
    new: bool = False


@dataclass(frozen=True)
class NetworkHistory:
    network: str
    total: int
    scanned: int  # documents whose text was read (the newest ones)
    per_year: tuple[tuple[int, int], ...]  # (year, documents), oldest first, years without any left out
    undated: int
    doctypes: tuple[tuple[str, int], ...]  # document type → documents, most first
    topics: tuple[tuple[str, int], ...]  # topic → documents, most first
    standouts: Mapping[int, tuple[Standout, ...]]
    people: tuple[tuple[str, int], ...]  # recurring, with the number of documents naming them
    organisations: tuple[tuple[str, int], ...]
    first: Hit | None
    latest: Hit | None  # None when it is the first document too
    skip: frozenset[str] = field(default=frozenset(), repr=False)  # the network's boilerplate lines
    summaries: Mapping[str, str] = field(default_factory=dict, repr=False)  # id → one line


def standout_topics(
    per_year: Mapping[int, Mapping[str, int]],
    documents: Mapping[int, int],
    limit: int = STANDOUT_LIMIT,
    lift: float = STANDOUT_LIFT,
) -> dict[int, tuple[Standout, ...]]:
    """Per year the topics over-represented that year relative to the network overall (at least half a
    document more than expected and `lift` times the overall share), and topics seen for the first time
    after the first year; the largest surplus first."""
    years = sorted(y for y in per_year if documents.get(y))
    total = sum(documents[y] for y in years)
    overall: Counter[str] = Counter()
    for y in years:
        overall.update(per_year[y])
    first_seen = {t: min(y for y in years if per_year[y].get(t)) for t in overall}
    out: dict[int, tuple[Standout, ...]] = {}
    for y in years:
        scored = []
        for topic, count in per_year[y].items():
            if not count:
                continue
            expected = documents[y] * overall[topic] / total
            new = first_seen[topic] == y and y != years[0]
            if count < min(2, documents[y]):  # one document of many is no trend
                continue
            if new or (count - expected >= 0.5 and count >= lift * expected):
                scored.append((-(count - expected), topic, Standout(topic, count, new)))
        out[y] = tuple(s for *_, s in sorted(scored)[:limit])
    return out


def _scan(kb: KnowledgeBase, network: str) -> tuple[int, list[Hit], SearchPage]:
    base = SearchRequest(networks=(network,), sort="newest", page_size=MAX_PAGE_SIZE)
    page = kb.search(base)
    hits, number = list(page.hits), 1
    while len(hits) < min(page.total, MAX_SCANNED_DOCUMENTS):
        number += 1
        more = kb.search(replace(base, page=number)).hits
        if not more:
            break
        hits += more
    return page.total, hits[:MAX_SCANNED_DOCUMENTS], page


def _build(kb: KnowledgeBase, network: str) -> NetworkHistory:
    total, hits, page = _scan(kb, network)
    texts: dict[str, str] = {}
    for hit in hits:
        try:
            texts[hit.id] = kb.get(hit.id).text
        except UnknownDocumentError:  # deleted since the search
            continue
    skip = boilerplate(texts.values())
    summaries = {h.id: summary(texts[h.id], h.title, skip) for h in hits if h.id in texts}
    people, organisations = recurring(participants(text) for text in texts.values())
    counts = {int(v.value): v.count for v in page.facet("year").values if v.value.isdigit() and v.count}
    per_year: dict[int, dict[str, int]] = {}
    for year in counts:
        found = kb.search(SearchRequest(networks=(network,), years=(year,), page_size=1))
        per_year[year] = {v.value: v.count for v in found.facet("topic").values if v.count}
    oldest = kb.search(SearchRequest(networks=(network,), sort="oldest", page_size=1)).hits
    first = oldest[0] if oldest else None
    latest = hits[0] if hits and first is not None and hits[0].id != first.id else None
    return NetworkHistory(
        network=network,
        total=total,
        scanned=len(texts),
        per_year=tuple(sorted(counts.items())),
        undated=max(0, total - sum(counts.values())),
        doctypes=tuple((v.value, v.count) for v in page.facet("doctype").values if v.count),
        topics=tuple((v.value, v.count) for v in page.facet("topic").values if v.count),
        standouts=standout_topics(per_year, counts),
        people=people,
        organisations=organisations,
        first=first,
        latest=latest,
        skip=skip,
        summaries=summaries,
    )


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def network_history(kb: KnowledgeBase, network: str) -> NetworkHistory:
    """The history of one network (computed once per network until the index or vocabulary changes)."""
    generation = kb.generation()
    with _LOCK:
        kept = _CACHE.get(kb)
        found = kept[1].get(network) if kept and kept[0] == generation else None
    if found is not None:
        return found
    history = _build(kb, network)
    with _LOCK:
        kept = _CACHE.get(kb)
        if not kept or kept[0] != generation or len(kept[1]) >= MAX_CACHED_NETWORKS:
            kept = _CACHE[kb] = (generation, {})
        kept[1][network] = history
    return history


def document_summary(kb: KnowledgeBase, history: NetworkHistory, hit: Hit) -> str:
    """One line of what a document of the network is about (read now if it was not scanned)."""
    found = history.summaries.get(hit.id)
    if found is not None:
        return found
    try:
        return summary(kb.get(hit.id).text, hit.title, history.skip)
    except UnknownDocumentError:
        return ""
