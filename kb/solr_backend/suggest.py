"""'Did you mean' on Solr: the collection answers kb/suggest.py's questions (the choice of the suggestion
is made there, the same as for the Whoosh backend). Only a word no document holds costs requests, each
asked once for every word that needs it: the stems' counts of the query's unknown words in every
language (one request), the known words sharing its first two letters (Solr's /terms handler, over
every shard), and the two counts that decide whether the corrected text finds more (one request)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from kb.models import SearchRequest
from kb.solr_backend.compile import compile_plan, quoted, solr_fields
from kb.suggest import MAX_EDITS, MIN_LENGTH

if TYPE_CHECKING:
    from kb.solr_backend.backend import SolrBackend

#: read from the shard leaders, as every read of the backend (kb/solr_backend/backend.py's LEADERS)
LEADERS = ("shards.preference", "replica.leader:true")


class SolrWords:
    """kb.suggest.Words over a collection, within the filters `fq` of a request; `frequencies` holds the
    folded words' document counts the search has asked for already. `words`, the query's words: the
    first stem asked for fetches the stems of all of them that no document holds folded, in every
    language, in one request (kept in `frequencies` as "stem_LL:term")."""

    def __init__(
        self,
        backend: SolrBackend,
        fq: list[str],
        frequencies: dict[str, int],
        total: int,
        words: Iterable[str] = (),
    ) -> None:
        self.backend, self.fq, self.frequencies, self.total = backend, fq, frequencies, total
        self.languages = backend.languages()
        self.words = tuple(words)
        self._stems_fetched = False

    def doc_frequency(self, field: str, word: str) -> int:
        if field == "fold" and word in self.frequencies:
            return self.frequencies[word]
        key = f"{field}:{word}"
        if field.startswith("stem_") and not self._stems_fetched:
            self._stems_fetched = True
            self._fetch_stems()
        if key not in self.frequencies:
            self.frequencies[key] = self.backend.count([_any_field(field, word)])
        return self.frequencies[key]

    def _fetch_stems(self) -> None:
        """The counts of every stem, in every language, of the query's words no document holds folded
        (the page's request asked for them already when a word needed them: `stem_counts`)."""
        wanted = stem_queries(self.words, self.languages, self.frequencies)
        if not wanted:
            return
        names = list(wanted)
        facet = {f"s{i}": {"type": "query", "q": wanted[k]} for i, k in enumerate(names)}
        answer = self.backend.select([("q", "*:*"), ("rows", 0), ("json.facet", json.dumps(facet))])
        found = answer.get("facets", {})
        for i, key in enumerate(names):
            self.frequencies[key] = int((found.get(f"s{i}") or {}).get("count", 0))

    def known_words(self, prefix: str) -> Mapping[str, int]:
        """The words beginning with `prefix` that could be within MAX_EDITS of a query word beginning with
        it (kb/suggest.py's `closest`): their length differs by MAX_EDITS at most (terms.regex). Every
        word of the prefix was a large answer at 100k documents (a misspelled word's slowest request)."""
        lengths = [len(w.lower()) for w in self.words if w.lower().startswith(prefix)]
        params = [
            ("terms.fl", "text"),
            ("terms.prefix", prefix),
            *(
                [("terms.regex", f".{{{max(0, min(lengths) - MAX_EDITS)},{max(lengths) + MAX_EDITS}}}")]
                if lengths
                else []
            ),
            ("terms.limit", -1),
            ("terms.sort", "index"),
            LEADERS,  # a TLOG replica that is no leader copies the leader's segments seconds late
        ]
        answer = self.backend.client.request(self.backend.path("terms"), params)
        flat = (answer.get("terms") or {}).get("text") or []
        return {str(flat[i]): int(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}

    def counts(self, texts: Sequence[tuple[str, SearchRequest]]) -> list[int]:
        """One request: a query facet per text (each parsed as the page's query is: lucene, OR)."""
        spell = self.backend.canonical(self.backend.concepts()[0])
        queries = []
        for text, request in texts:
            plan = self.backend.plan(text, request, False, self.frequencies, self.total)
            queries.append(compile_plan(plan.query, spell))
        facet = {
            f"c{i}": {"type": "query", "q": f"{{!lucene q.op=OR df=text v=$c{i}}}"}
            for i, q in enumerate(queries)
            if q is not None
        }
        if not facet:
            return [0] * len(queries)
        params = [
            ("q", "*:*"),
            ("rows", 0),
            ("json.facet", json.dumps(facet)),
            *((f"c{i}", q) for i, q in enumerate(queries) if q is not None),
            *(("fq", f) for f in self.fq),
        ]
        found = self.backend.select(params).get("facets", {})
        return [
            int((found.get(f"c{i}") or {}).get("count", 0)) if q is not None else 0
            for i, q in enumerate(queries)
        ]


def stem_queries(
    words: Iterable[str], languages: Iterable[str], frequencies: Mapping[str, int]
) -> dict[str, str]:
    """{"stem_LL:stem": its query} for every stem, in every language, of the words no document holds
    folded, but those `frequencies` holds already."""
    from kb.folding import fold
    from kb.query import stems_of
    from kb.schema import stem_field

    wanted: dict[str, str] = {}
    for word in words:
        if frequencies.get(fold(word.lower()), 1) > 0:  # held (or not asked): not needed
            continue
        for lang in languages:
            for stem in stems_of(lang, word):
                wanted.setdefault(f"{stem_field(lang)}:{stem}", _any_field(stem_field(lang), stem))
    return {k: q for k, q in wanted.items() if k not in frequencies}


def stem_counts(
    words: Iterable[str], languages: Iterable[str], frequencies: Mapping[str, int]
) -> dict[str, str]:
    """The stems' counts 'did you mean' will ask for (`stem_queries`), when a word will make it ask: one
    of letters only, MIN_LENGTH or longer, that no document holds folded (kb/suggest.py's `suggest`)."""
    from kb.folding import fold

    words = tuple(words)
    if not any(
        w.lower().isalpha() and len(w.lower()) >= MIN_LENGTH and frequencies.get(fold(w.lower()), 1) == 0
        for w in words
    ):
        return {}
    return stem_queries(words, languages, frequencies)


def _any_field(field: str, word: str) -> str:
    return " OR ".join(f"{f}:{quoted(word)}" for f in solr_fields(field))


def known_terms(backend: SolrBackend, asked: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Which of the words each plan field (title, content) holds as typed: one /terms request with
    terms.list over every field asked, over every shard (kb/solr_backend/compile.py's `respell` asks)."""
    import urllib.parse

    targets = {field: solr_fields(field)[0] for field in asked}
    listed = sorted({w for words in asked.values() for w in words if w and "," not in w})
    if not listed:
        return {field: set() for field in asked}
    params = [
        *(("terms.fl", t) for t in dict.fromkeys(targets.values())),
        ("terms.list", ",".join(listed)),
        ("terms.limit", -1),
        ("wt", "json"),
        LEADERS,
    ]
    body = urllib.parse.urlencode(params).encode("utf-8")
    answer = backend.client.request(
        backend.path("terms"), body=body, content_type="application/x-www-form-urlencoded"
    )
    out = {}
    for field, target in targets.items():
        flat = (answer.get("terms") or {}).get(target) or []
        held = {str(flat[i]) for i in range(0, len(flat) - 1, 2) if int(flat[i + 1]) > 0}
        out[field] = held & asked[field]
    return out
