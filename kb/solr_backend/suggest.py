"""'Did you mean' on Solr: the collection answers kb/suggest.py's questions (the choice of the suggestion
is made there, the same as for the Whoosh backend). Only a word no document holds costs requests: its
stems' counts, the known words sharing its first two letters (Solr's /terms handler, over every shard),
and the two counts that decide whether the corrected text finds more."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from kb.models import SearchRequest
from kb.solr_backend.compile import compile_plan, quoted, solr_fields

if TYPE_CHECKING:
    from kb.solr_backend.backend import SolrBackend

#: read from the shard leaders, as every read of the backend (kb/solr_backend/backend.py's LEADERS)
LEADERS = ("shards.preference", "replica.leader:true")


class SolrWords:
    """kb.suggest.Words over a collection, within the filters `fq` of a request; `frequencies` holds the
    folded words' document counts the search has asked for already."""

    def __init__(self, backend: SolrBackend, fq: list[str], frequencies: dict[str, int], total: int) -> None:
        self.backend, self.fq, self.frequencies, self.total = backend, fq, frequencies, total
        self.languages = backend.languages()

    def doc_frequency(self, field: str, word: str) -> int:
        if field == "fold" and word in self.frequencies:
            return self.frequencies[word]
        query = " OR ".join(f"{f}:{quoted(word)}" for f in solr_fields(field))
        return self.backend.count([query])

    def known_words(self, prefix: str) -> Mapping[str, int]:
        params = [
            ("terms.fl", "text"),
            ("terms.prefix", prefix),
            ("terms.limit", -1),
            ("terms.sort", "index"),
            LEADERS,  # a TLOG replica that is no leader copies the leader's segments seconds late
        ]
        answer = self.backend.client.request(self.backend.path("terms"), params)
        flat = (answer.get("terms") or {}).get("text") or []
        return {str(flat[i]): int(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}

    def count(self, text: str, request: SearchRequest) -> int:
        plan = self.backend.plan(text, request, False, self.frequencies, self.total)
        query = compile_plan(plan.query, self.backend.canonical(self.backend.concepts()[0]))
        if query is None:
            return 0
        params = [
            ("q", query),
            ("defType", "lucene"),
            ("q.op", "OR"),
            ("rows", 0),
            *(("fq", f) for f in self.fq),
        ]
        return int(self.backend.select(params)["response"]["numFound"])


def known_terms(backend: SolrBackend, field: str, words: set[str]) -> set[str]:
    """Which of the words a plan field (title, content) holds as typed: /terms with terms.list, over
    every shard (kb/solr_backend/compile.py's `respell` asks)."""
    import urllib.parse

    listed = sorted(w for w in words if w and "," not in w)
    target = solr_fields(field)[0]
    if not listed:
        return set()
    params = [
        ("terms.fl", target),
        ("terms.list", ",".join(listed)),
        ("terms.limit", -1),
        ("wt", "json"),
        LEADERS,
    ]
    body = urllib.parse.urlencode(params).encode("utf-8")
    answer = backend.client.request(
        backend.path("terms"), body=body, content_type="application/x-www-form-urlencoded"
    )
    flat = (answer.get("terms") or {}).get(target) or []
    return {str(flat[i]) for i in range(0, len(flat) - 1, 2) if int(flat[i + 1]) > 0}
