"""The Solr backend (kb/backend.py's protocol): the archive's documents in a SolrCloud collection.

KB_SOLR_URL names the nodes (`http://host:8983/solr`, several separated by commas), KB_SOLR_COLLECTION
the collection or, better, the alias the backend reads and writes through (docs/solr.md). The index
folder stays local: it holds the meaning layer's vectors and, during a rebuild, which collection
the rebuild fills.

Writes go in batches (one /update request per BATCH documents, deletes first, one commit at the
end); a rebuild fills a new collection and swaps the alias to it (CREATEALIAS: readers see the old
collection or the new one, never a part), then deletes the old one. Reads go to the shard leaders
(`shards.preference=replica.leader:true`): a replica that missed a batch while its node was coming
back is stale until it has recovered, a leader never is.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb import plan as P
from kb.backend import MAX_PAGE_SIZE
from kb.errors import EngineError, UnknownDocumentError
from kb.folding import fold
from kb.forms import folded_text
from kb.models import (
    FACETS,
    Document,
    Facet,
    FacetValue,
    Fragment,
    Hit,
    SearchPage,
    SearchRequest,
    document_from_stored,
)
from kb.query import ConceptIndex, QueryPlan, build_query, is_multiword, is_plain
from kb.settings import env
from kb.snippets import FRAGMENT_CHARS, FRAGMENTS, MAX_ANALYZED_CHARS, SNIPPET_CHARS, fragments, highlight
from kb.solr_backend import near
from kb.solr_backend.client import SolrClient, SolrHTTPError, json_params
from kb.solr_backend.compile import compile_highlight, compile_plan, quoted
from kb.solr_backend.vectors import VectorSync, mean_vectors
from kb.translations import Candidate, pick, profile
from kb.vocabulary import FACET_KINDS, Vocabulary

if TYPE_CHECKING:
    from kb.solr_backend.meaning import View

log = logging.getLogger(__name__)

LANGUAGES = ("de", "da", "nl", "en")
DEFAULT_COLLECTION = "network-kb"
#: Documents per /update request, and the requests in flight at a time while writing many.
BATCH = 250
WRITERS = 3
#: Documents per write when the ingest pipeline writes while it reads (ingest/pipeline.py): Solr's nodes
#: analyse one write while the pipeline reads the files of the next.
WRITE_AHEAD = 2000
#: Documents fetched per request while listing the live ones (cursorMark).
PAGE = 2000
#: The marker a rebuild leaves in its folder: the collection it fills.
SPACE_FILE = "solr-space.json"
#: Translations: the documents nearest in meaning (in other languages) examined as candidates, and the
#: most documents compared by structure alone without vectors (as the Whoosh backend).
TRANSLATION_NEAREST = 12
#: A search's meaning channel: the nearest documents asked of Solr (its statistics are over these).
MEANING_POOL = 100
#: A search's scope (its filters, or the words' matches within them) of at most this many documents is
#: listed whole in the scope request (each id with its language) and scored exactly from the store, in
#: place of a kNN within it (11-18 ms a page at 100k; docs/solr.md, tenth round).
LISTED = 2500
GENERATION_S = 30  # how old a view derived from many searches may be (another process's writes)
#: seconds the live documents' languages are remembered (another process's first document of a language
#: is stemmed in it after at most this long; this process's own commits count at once)
LANGUAGES_S = 10.0
TRANSLATION_POOL = 400
#: seconds a document's similar or translated documents wait for a vector copy running in its thread
VECTOR_WAIT_S = 5.0
#: Unified-highlighter marks: private-use characters that no document holds.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKS = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)
_WS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})
STORED = "id,source,title,language,date,year,doctype,network,region,topic,checksum,added_by,added_at"
LEADERS = ("shards.preference", "replica.leader:true")
#: Every search reads the clauses of its queries and filters as alternatives: the configset's `/select`
#: defaults to q.op=AND, and a request that did not say otherwise read the words' compiled query and a
#: facet's two selected values as all at once (meaning found nothing under two languages: docs/solr.md).
ANY_CLAUSE = ("q.op", "OR")
#: For a search that asks many documents for a few small fields (ids, scores, languages): each shard
#: sends them with its first answer, where a distributed search asks the shards a second time for the
#: fields of the merged rows. 1,400 documents' languages: QTime 17-21 -> 7-8 ms (docs/solr.md).
SINGLE_PASS = ("distrib.singlePass", "true")
#: The plan fields a phrase is respelt in and the fields holding their words as typed (compile.py's `respell`).
TYPED_FIELDS = {"title": "title", "content": "text"}
#: Solr's rule for collection and alias names (SolrIdentifierValidator)
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*")
WITHIN = "within"  # the facet of `_ranked`'s answer counting the documents that pass the filters
PREFETCHED = "prefetched"  # the key of the statistics request's answer in a search's respelling memo
RELATED_WEIGHTS = (("network", "networks", 3.0), ("topic", "topics", 1.0), ("region", "regions", 0.5))


def solr_urls() -> list[str]:
    value = env("KB_SOLR_URL")
    if not value:
        raise EngineError(
            "KB_ENGINE=solr needs KB_SOLR_URL (http://host:8983/solr, several separated by commas)"
        )
    return [u.strip() for u in value.split(",") if u.strip()]


def document_fields(doc: Document) -> dict:
    """A Document as the configset's fields: title and text also in their language's pair."""
    fields: dict = {
        "id": doc.id,
        "source": doc.source,
        "title": doc.title,
        "text": doc.text,
        "language": doc.language,
        "doctype": doc.doctype,
        "network": list(doc.networks),
        "region": list(doc.regions),
        "topic": list(doc.topics),
        "checksum": doc.checksum,
    }
    if doc.language in LANGUAGES:
        fields[f"title_{doc.language}"] = doc.title
        fields[f"text_{doc.language}"] = doc.text
    # the folded fields' terms, computed here as the Whoosh backend's analyzer computes them (kb/forms.py)
    fields["title_fold"] = folded_text(doc.title)
    fields["text_fold"] = folded_text(doc.text)
    for name in ("date", "year", "added_by", "added_at"):
        value = getattr(doc, name)
        if value is not None and value != "":
            fields[name] = value
    return fields


def document_from_solr(fields: Mapping) -> Document:
    return document_from_stored(fields)


def marked_fragment(marked: str) -> Fragment:
    """A highlighter passage with MARK_START/MARK_END as a Fragment (the marks become match spans)."""
    text, spans, pos = [], [], 0
    last = 0
    for m in _MARKS.finditer(marked):
        text.append(marked[last : m.start()])
        pos += m.start() - last
        word = m.group(1)
        if spans and spans[-1][1] == pos:  # neighbouring marks make one span
            spans[-1] = (spans[-1][0], pos + len(word))
        else:
            spans.append((pos, pos + len(word)))
        text.append(word)
        pos += len(word)
        last = m.end()
    text.append(marked[last:])
    return Fragment("".join(text).translate(_WS), tuple(spans))


class SolrBackend:
    """A SolrCloud collection (or alias) holding the archive's documents. Thread-safe."""

    name = "solr"
    write_ahead = WRITE_AHEAD  # see ingest/pipeline.py

    def __init__(
        self,
        index_dir: Path,
        vocabulary: Callable[[], Vocabulary],
        semantic=None,
        urls: Iterable[str] | None = None,
        collection: str | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.vocabulary = vocabulary
        self.semantic = semantic  # kept for the protocol; meaning is not fused on Solr yet
        self.damaged: str | None = None
        self.client = SolrClient(urls if urls is not None else solr_urls())
        space = self._space_marker(self.index_dir)
        self.space = space  # a rebuild's backend: which collection it fills
        self._uncommitted = False  # a rebuild's writes not committed yet (see `write`)
        self._lent = None  # a rebuild's backend: the live meaning layer (`lend_vectors`)
        self.written_vectors: dict[str, str] = {}  # a rebuild's backend: id → content key written with `vec`
        self.collection = (
            space["collection"] if space else (collection or env("KB_SOLR_COLLECTION") or DEFAULT_COLLECTION)
        )
        if not _COLLECTION_NAME.fullmatch(self.collection):  # else it would be a path on the node
            raise EngineError(
                f"KB_SOLR_COLLECTION: {self.collection!r} is no Solr collection name (letters, digits, "
                "'.', '_' and '-', not first)"
            )
        self._lock = threading.Lock()
        # the vectors' bookkeeping (`vectors`), held by a copy for all of its run: not the lock of the
        # derived views a search asks for (`concepts`), so a copy in its thread keeps no search waiting
        self._vector_lock = threading.Lock()
        # a write's changes to that bookkeeping while a copy holds it, made by whoever holds it next (a
        # write does not wait for a copy: at 100k one ran minutes): `_vectors_held`, `_bookkeep`
        self._pending: list[Callable[[], None]] = []
        self._pending_guard = threading.Lock()
        self._copy_guard = threading.Lock()  # starts at most one vector copy at a time (`_vectors_copying`)
        self._copying: threading.Thread | None = None
        self._concepts: tuple[Vocabulary, ConceptIndex] | None = None
        self._languages: tuple[float, tuple[str, ...]] | None = None
        self.written: list[str] = []  # ids written by a rebuild that fills the live collection itself
        self.vectors = VectorSync(self.index_dir)  # the meaning layer's vectors copied into `vec`
        self._meaning = None  # the meaning layer's store as searches score it (`meaning`)
        self._behind: tuple[float, tuple[str, ...]] | None = None
        self._near: tuple[tuple, dict[str, dict[str, int]]] = ((), {})  # near.py's answers, per generation
        self._commits = 0  # this process's commits: its own writes show in derived views at once
        self.index_dir.mkdir(parents=True, exist_ok=True)
        target = self.resolve()
        if target is None:
            raise EngineError(
                f"Solr at {self.client.shown} has no collection or alias {self.collection!r}: create it "
                "(docs/solr.md, 'Pointing network-kb at a SolrCloud')"
            )
        self.created = self.count() == 0 if not space else True

    # -- the collection -------------------------------------------------------------------------------

    @staticmethod
    def _space_marker(folder: Path) -> dict | None:
        try:
            return json.loads((folder / SPACE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _collections(self, status: dict | None = None) -> tuple[dict, dict]:
        """(collection name → its CLUSTERSTATUS, alias → the collections it names)."""
        status = status or self.client.request("/admin/collections", {"action": "CLUSTERSTATUS"})["cluster"]
        aliases = {k: v.split(",") for k, v in (status.get("aliases") or {}).items()}
        return status.get("collections") or {}, aliases

    def resolve(self) -> list[str] | None:
        """The collections KB_SOLR_COLLECTION names (an alias's, or itself), None when it names none."""
        collections, aliases = self._collections()
        if self.collection in aliases:
            return aliases[self.collection]
        return [self.collection] if self.collection in collections else None

    def behind(self, ttl: float = 5.0) -> tuple[str, ...]:
        """The collections behind KB_SOLR_COLLECTION, remembered for `ttl` seconds (a search asks: the
        vectors copied are remembered per collection, and an alias moves only when a rebuild adopts)."""
        now = time.monotonic()
        known = self._behind
        if known is None or now - known[0] > ttl:
            known = self._behind = (now, tuple(self.resolve() or ()))
        return known[1]

    def generation(self) -> tuple:
        """The collections behind the name, the vocabulary, and the half minute: another process's
        writes cannot be seen without asking Solr, so views derived from many searches (a network's
        history) are at most GENERATION_S seconds old; this process's own commits count at once."""
        return (self.behind(), self._commits, id(self.vocabulary()), int(time.monotonic() // GENERATION_S))

    def is_alias(self) -> bool:
        return self.collection in self._collections()[1]

    def path(self, handler: str) -> str:
        return f"/{self.collection}/{handler}"

    def select(self, params: list[tuple[str, object]], **kw) -> dict:
        """A search, its parameters sent in a JSON body (long queries fit)."""
        return self.client.request(
            self.path("select"), json_body={"params": json_params([*params, LEADERS, ANY_CLAUSE])}, **kw
        )

    def count(self, fq: Iterable[str] = ()) -> int:
        params = [("q", "*:*"), ("rows", 0), *(("fq", f) for f in fq)]
        return int(self.select(params)["response"]["numFound"])

    # -- reading ---------------------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Solr reports its own damage: an error while reading is passed on as it is."""
        yield

    def meaning_incomplete(self, wait: bool = False) -> bool:
        """Whether writes wait for the embedder; first the vectors embedded since the last call are
        copied into the collection: in a thread of their own after a search (KnowledgeBase asks then: a
        store another process filled took minutes to copy at 100k, inside that search), here with
        `wait` (`kb embed` and `kb ingest` end with them in Solr)."""
        if self.semantic is None:
            return False
        if wait:
            self._copy_vectors()
        else:
            self._vectors_copying()
        return self.semantic.store.has_queue()

    def _copy_vectors(self) -> None:
        try:
            self.sync_vectors()
        except EngineError as exc:  # the next search tries again
            log.warning("copying vectors into Solr failed: %s", exc)

    def _copy_in_thread(self) -> None:
        """Copies until a round finds nothing new: vectors embedded while a round ran are copied by the
        next (a search that came meanwhile found this thread running and started none)."""
        try:
            while self.sync_vectors():
                pass
        except EngineError as exc:  # the next search tries again
            log.warning("copying vectors into Solr failed: %s", exc)
        except Exception:  # nobody to raise it to: said in the log, and the next search tries again
            log.exception("copying vectors into Solr failed")

    def _vectors_copying(self) -> threading.Thread | None:
        """The thread copying new vectors into the collection, started when there are some and none
        runs; None when nothing is left to copy."""
        with self._copy_guard:
            running = self._copying
            if running is not None and running.is_alive():
                return running
            try:
                if self.semantic is None or self.vectors.up_to_date(self.semantic.store, self.behind()):
                    return None
            except EngineError as exc:  # the page was answered: the next search tries again
                log.warning("copying vectors into Solr failed: %s", exc)
                return None
            running = self._copying = threading.Thread(
                target=self._copy_in_thread, name="solr-vector-copy", daemon=True
            )
            running.start()
            return running

    def _vectors_in(self, wait_s: float = VECTOR_WAIT_S) -> None:
        """Before a kNN from a document's vector: the new vectors copied, waited for `wait_s` seconds at
        most (a large copy goes on in its thread; the kNN sees what is copied so far)."""
        running = self._vectors_copying()
        if running is not None:
            running.join(wait_s)

    @contextmanager
    def _vectors_held(self) -> Iterator[None]:
        """The vectors' bookkeeping held, the writes' changes queued before made first and those queued
        meanwhile as it lets go (also when the holder fails: a copy cut off by an unreachable Solr)."""
        try:
            with self._vector_lock:
                self._apply_pending()
                yield
        finally:
            self._drain()  # what was queued meanwhile

    def _apply_pending(self) -> None:
        with self._pending_guard:
            changes, self._pending = self._pending, []
        for change in changes:
            change()

    def _bookkeep(self, change: Callable[[], None]) -> None:
        """A write's change to the vectors' bookkeeping: made now, or, while a copy holds it, by the copy
        as it lets go (the write returns meanwhile)."""
        with self._pending_guard:
            self._pending.append(change)
        self._drain()

    def _drain(self) -> None:
        """The queued changes made, unless someone holds the bookkeeping (who makes them as it lets go)."""
        while True:
            with self._pending_guard:
                if not self._pending:
                    return
            if not self._vector_lock.acquire(blocking=False):
                return
            try:
                self._apply_pending()
            finally:
                self._vector_lock.release()

    def sync_vectors(self) -> int:
        """Copy the meaning layer's new vectors into `vec` (kb/solr_backend/vectors.py); how many."""
        semantic = self.semantic
        if semantic is None:
            return 0

        def update(body: bytes, commit: bool) -> None:
            params = [("commit", "true")] if commit else []
            self.client.request(self.path("update"), params, body=body, write=True)

        def fields(ids: list[str]) -> dict[str, tuple[dict, int, str]]:
            """The documents as the writer sends them (the folded fields computed again), their
            versions and the content keys of their text, by real-time get."""
            import urllib.parse

            params = [("ids", ",".join(ids)), ("fl", f"{STORED},text,_version_"), ("wt", "json")]
            body = urllib.parse.urlencode(params).encode("utf-8")  # a POST: 200 ids outgrow a URL
            found = self.client.request(
                self.path("get"), body=body, content_type="application/x-www-form-urlencoded"
            )
            out = {}
            for d in found.get("response", {}).get("docs", []):
                doc = document_from_solr(d)
                out[d["id"]] = (document_fields(doc), int(d["_version_"]), semantic.key(doc))
            return out

        with self._vectors_held():
            return self.vectors.run(self.semantic.store, self.behind(), update, fields)

    def vector(self, doc_id: str) -> np.ndarray | None:
        """A document's mean passage vector from the meaning layer (None without one)."""
        if self.semantic is None:
            return None
        found = mean_vectors(self.semantic.store, [doc_id]).get(doc_id)
        return found[1] if found else None

    def knn(self, vector: np.ndarray, k: int, fq: Iterable[str], fl: str = "id,score") -> list[dict]:
        """The k documents nearest to a vector within filters (Solr's topK is per shard: rows cut it)."""
        values = ",".join(f"{float(x):.6f}" for x in vector)
        params = [
            ("q", f"{{!knn f=vec topK={k}}}[{values}]"),
            ("fl", fl),
            ("rows", k),
            *((SINGLE_PASS,) if fl in ("id", "id,score", "id,language") else ()),
            *(("fq", f) for f in fq),
        ]
        return self.select(params)["response"]["docs"]

    def document(self, doc_id: str) -> Document | None:
        found = self.client.request(self.path("get"), [("id", doc_id), ("fl", f"{STORED},text")])
        doc = found.get("doc")
        return document_from_solr(doc) if doc else None

    def contains(self, doc_id: str) -> bool:
        found = self.client.request(self.path("get"), [("id", doc_id), ("fl", "id")])
        return bool(found.get("doc"))

    def live(self) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        cursor = "*"
        while True:
            params = [
                ("q", "*:*"),
                ("fl", "id,checksum,source"),
                ("sort", "id asc"),
                ("rows", PAGE),
                ("cursorMark", cursor),
            ]
            answer = self.select(params)
            for d in answer["response"]["docs"]:
                out[d["id"]] = (d.get("checksum") or "", d.get("source") or "")
            following = answer.get("nextCursorMark", cursor)
            if following == cursor:
                return out
            cursor = following

    # -- searching -------------------------------------------------------------------------------------

    def concepts(self) -> tuple[Vocabulary, ConceptIndex]:
        vocab = self.vocabulary()
        with self._lock:
            if self._concepts is None or self._concepts[0] is not vocab:
                self._concepts = (vocab, ConceptIndex(vocab))
            return self._concepts

    def languages(self) -> tuple[str, ...]:
        """The stemming languages of the live documents (remembered for LANGUAGES_S seconds, or until
        this process commits)."""
        now = time.monotonic()
        known = self._languages
        if known is None or now - known[0] > LANGUAGES_S:
            facet = {"l": {"type": "terms", "field": "language", "limit": -1}}
            answer = self.select([("q", "*:*"), ("rows", 0), ("json.facet", json.dumps(facet))])
            present = {b["val"] for b in (answer.get("facets", {}).get("l", {}) or {}).get("buckets", [])}
            found = tuple(sorted(present & set(LANGUAGES))) or LANGUAGES
            self._languages = known = (now, found)
        return known[1]

    def canonical(self, vocab: Vocabulary) -> Callable[[str, str], str]:
        def spell(field: str, value: str) -> str:
            return vocab.canonical(FACET_KINDS[field], value) if field in FACET_KINDS else value

        return spell

    def plan(
        self, text: str, request: SearchRequest, relaxed: bool, frequencies: dict[str, int], total: int
    ) -> QueryPlan:
        vocab, concepts = self.concepts()

        def doc_frequency(word: str) -> int:
            if word not in frequencies:
                frequencies[word] = self.statistics([word])[1][word]
            return frequencies[word]

        plan = build_query(
            text,
            vocabulary=vocab,
            languages=self.languages(),
            concepts=concepts,
            expand=request.expand,
            fuzzy=request.fuzzy,
            doc_frequency=doc_frequency,
            relaxed=relaxed,
            doc_count=total,
            filtered=bool(request.languages),
        )
        return self.near_expanded(plan, frequencies)

    def near_known(self) -> dict[str, dict[str, int]]:
        """The spellchecker's answers (kb/solr_backend/near.py) of this generation of the collection."""
        generation = self.generation()
        if self._near[0] != generation or len(self._near[1]) > near.MAX_MEMO:
            self._near = (generation, {})
        return self._near[1]

    def near_expanded(self, plan: QueryPlan, frequencies: dict[str, int]) -> QueryPlan:
        """The plan with its typo-tolerant words replaced by the terms they stand for (near.py): the
        words the statistics request asked for are answered already; others, in one request."""
        words = {n.text for n in P.walk(plan.query) if isinstance(n, P.Fuzzy) and n.field == "fold"}
        known = self.near_known()
        missing = near.asked([w for w in words if w not in known], frequencies)
        if missing:
            known.update(
                near.answers(self.select([("q", "*:*"), ("rows", 0), *near.params(missing)]), missing)
            )
        if not words & known.keys():
            return plan
        return dataclasses.replace(plan, query=near.expanded(plan.query, known, frequencies))

    @staticmethod
    def filters(request: SearchRequest) -> list[str]:
        """One tagged filter per facet with a selection (OR within it) and the year range (tagged year)."""
        out = []
        for facet in FACETS:
            selected = request.selected(facet)
            if selected:
                # OR written out, whatever q.op reads it (the configset's default AND made
                # `language:("de" "da")` match no document in the meaning's requests: ANY_CLAUSE)
                values = " OR ".join(str(int(v)) if facet == "year" else quoted(v) for v in selected)
                out.append(f"{{!tag={facet}}}{facet}:({values})")
        if request.year_from is not None or request.year_to is not None:
            low = max(1, request.year_from) if request.year_from is not None else 1
            high = request.year_to if request.year_to is not None else "*"
            out.append(f"{{!tag=year}}year:[{low} TO {high}]")
        return out

    def statistics(
        self,
        words: Iterable[str],
        near_words: Iterable[str] = (),
        typed: Iterable[str] = (),
        held: dict | None = None,
        typed_fields: Mapping[str, str] = TYPED_FIELDS,
    ) -> tuple[int, dict[str, int]]:
        """(live documents, how many hold each folded word in their text) in one request: the terms
        component's document frequencies of the words in text_fold and the collection's numDocs, read
        from the term dictionaries (a facet query per word over every document took 11 ms of a page at
        100k documents, this 3). A document replaced or deleted counts until its segment is merged, as
        in the Whoosh backend's term statistics."""
        import urllib.parse

        words = list(dict.fromkeys(w for w in words if w and "," not in w))
        typed = {w for w in typed if w and "," not in w} if held is not None else set()
        listed = list(dict.fromkeys([*words, *sorted(typed)]))
        params = [
            ("terms.fl", "text_fold"),
            *((("terms.fl", f) for f in typed_fields.values()) if typed else ()),
            ("terms.stats", "true"),
            ("terms.ttf", "false"),
            *([("terms.list", ",".join(listed))] if listed else [("terms.limit", 0)]),
        ]
        known = self.near_known()
        near_words = [w for w in near_words if w not in known]
        if near_words:  # the same request asks the spellchecker for the rare words' variants (near.py)
            answer = self.select(
                [("q", "*:*"), ("rows", 0), ("terms", "true"), *params, *near.params(near_words)]
            )
        else:
            body = urllib.parse.urlencode([*params, ("wt", "json"), LEADERS]).encode("utf-8")
            answer = self.client.request(
                self.path("terms"), body=body, content_type="application/x-www-form-urlencoded"
            )
        flat = (answer.get("terms") or {}).get("text_fold") or []
        found = {str(flat[i]): int(flat[i + 1]) for i in range(0, len(flat) - 1, 2)}
        if near_words:  # kept for the words the spellchecker answers in full: rare in the collection
            answered = near.answers(answer, near_words)
            known.update((w, a) for w, a in answered.items() if found.get(w, 0) <= near.RARE_DOC_FREQUENCY)
        if typed:  # which of the words as typed (and their other spellings) the title and text hold
            for field, target in typed_fields.items():
                flat = (answer.get("terms") or {}).get(target) or []
                there = {str(flat[i]) for i in range(0, len(flat) - 1, 2) if int(flat[i + 1]) > 0}
                held[(PREFETCHED, field)] = (typed, there & typed)
        total = int((answer.get("indexstats") or {}).get("numDocs", 0))
        # a term's frequency counts replaced documents until their segment is merged, numDocs does not:
        # after the vectors were copied (every document sent again) a common word's could exceed it
        return total, {w: min(found.get(w, 0), total) for w in words}

    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        """Two requests: the collection's statistics for the plan (document frequencies of the words),
        then the page with its facets and snippets; a third with the relaxed plan (any of the words)
        when no document has every word of a multi-word text."""
        started = time.perf_counter()
        text = request.text.strip()
        page = max(1, request.page)
        size = min(max(1, request.page_size), MAX_PAGE_SIZE)
        fq = self.filters(request)
        plan, relaxed, query = None, False, "*:*"
        total, frequencies = 0, {}
        meaning = (
            text and self.semantic is not None and request.semantic and is_plain(text) and self.vectors.copied
        )
        # the query's embedding and the store's scores are computed in a worker thread while the words
        # are searched
        embedding = _embedder().submit(self._meant, text) if meaning else None
        asked: dict = {}  # the respelling's answers, for both plans
        if text:
            folded = [fold(w) for w in re.findall(r"\w+", text)]
            typed = spelt_words(text) if is_multiword(text) or '"' in text else ()
            total, frequencies = self.statistics(
                folded,
                near.asked(folded) if request.fuzzy else (),
                typed=typed,
                held=asked,
                # a title phrase comes only from quotes; words near each other are a phrase of the text alone
                typed_fields=TYPED_FIELDS if '"' in text else {"content": TYPED_FIELDS["content"]},
            )
            plan = self.plan(text, request, False, frequencies, total)
            query = compile_plan(self.respelt(plan.query, asked), self.canonical(self.concepts()[0]))
        words = self._page if embedding is None else self._ranked  # with meaning: the fused page asks
        if embedding is None and query is not None:
            # the stems' counts "did you mean" will ask for a word no document holds, asked with the page
            from kb.solr_backend.suggest import stem_counts

            stems = stem_counts(plan.words, self.languages(), frequencies) if plan is not None else {}
            answer = self._page(query, request, text, fq, page, size, plan, stems)
            found = answer.get("facets") or {}
            for i, key in enumerate(stems):
                frequencies[key] = int((found.get(f"s{i}") or {}).get("count", 0))
        else:
            answer = words(query, request, text, fq, page, size, plan) if query is not None else None
        strict = query  # the words' plan with every word (a language filter's bridge is found by it)
        if (answer is None or not answer["response"]["numFound"]) and is_multiword(text):
            loose = self.plan(text, request, True, frequencies, total)
            loose_query = compile_plan(self.respelt(loose.query, asked), self.canonical(self.concepts()[0]))
            loose_answer = words(loose_query, request, text, fq, page, size, loose) if loose_query else None
            if loose_answer is not None and loose_answer["response"]["numFound"]:
                plan, query, answer, relaxed = loose, loose_query, loose_answer, True
        if embedding is None and self._unfound_phrase(text, answer, request):
            # as the Whoosh backend: a question with a "quoted phrase" the words do not find, its
            # meaning held to the same confidence as any query's, rather than nothing found at once
            embedding = _embedder().submit(self._meant, text.replace('"', " "))
        documents = total  # the collection's (`total` becomes the page's)
        # "did you mean" asks only of the words: with meaning, asked while its thread still works
        early = embedding is not None and plan is not None and not embedding.done()
        suggestion = self.suggest(text, plan, request, fq, frequencies, documents) if early else None
        meant = None
        if embedding is not None:
            meant = self._with_meaning(
                embedding.result(), query, request, fq, page, size, relaxed, plan, frequencies, strict, answer
            )
            relaxed = relaxed and meant is not None and meant[0] > 0  # the banner only when words found some
        if meant is not None:
            total, hits, facets = meant
        elif answer is None:  # nothing can match: the facets still show the selection
            return self._empty(request, language, plan, started)
        else:
            highlights = answer.get("highlighting", {})
            hits = tuple(
                self.hit(
                    d, d.get("score", 0.0) if text else 0.0, self.snippet(d, highlights.get(d["id"], {}))
                )
                for d in answer["response"]["docs"]
            )
            total, facets = int(answer["response"]["numFound"]), answer.get("facets", {})
        return SearchPage(
            request=request,
            total=total,
            hits=hits,
            facets=self.facets(facets, request, language),
            suggestion=suggestion
            if early
            else (self.suggest(text, plan, request, fq, frequencies, documents) if plan else None),
            expansions=plan.expansions if plan else (),
            relaxed=relaxed,
            meaning=meant is not None,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def respelt(self, query, asked: dict | None = None):
        """The plan's phrases also spelt with the umlauts, æ/ø/å or ß of words typed without them (as the
        Whoosh backend's session respells them: kb/solr_backend/compile.py's `respell`). `asked` keeps
        the answers for the other plans of the same search (the relaxed one asks the same words)."""
        from kb.solr_backend.compile import respell
        from kb.solr_backend.suggest import known_terms

        memo = {} if asked is None else asked

        def known(words: dict[str, set[str]]) -> dict[str, set[str]]:
            prefetched = {field: memo.get((PREFETCHED, field)) for field in words}
            if all(p is not None and words[field] <= p[0] for field, p in prefetched.items()):
                return {field: words[field] & prefetched[field][1] for field in words}
            key = frozenset((field, frozenset(w)) for field, w in words.items())
            if key not in memo:
                memo[key] = known_terms(self, words)
            return memo[key]

        return respell(query, known)

    def _any_present(self, words: Iterable[str], frequencies: dict[str, int] | None) -> bool:
        """Whether a query word is in the collection as typed or folded, or as a stem in a language of
        the documents (kb/suggest.py's `present`, as the Whoosh backend asks)."""
        from kb import suggest
        from kb.solr_backend.suggest import SolrWords

        words = list(words)
        lookup = SolrWords(self, [], frequencies if frequencies is not None else {}, 0, words)
        return any(suggest.present(lookup, w) for w in words)

    def suggest(
        self,
        text: str,
        plan: QueryPlan,
        request: SearchRequest,
        fq: list[str],
        frequencies: dict[str, int],
        total: int,
    ) -> str | None:
        """'Did you mean' (kb/suggest.py, as the Whoosh backend offers it)."""
        from kb import suggest
        from kb.solr_backend.suggest import SolrWords

        return suggest.suggest(SolrWords(self, fq, frequencies, total, plan.words), text, plan.words, request)

    def meaning(self):
        """The meaning layer's store as this backend scores it (kb/solr_backend/meaning.py)."""
        from kb.solr_backend.meaning import StoreMeaning

        found = self._meaning
        if found is None or found.layer is not self.semantic:
            found = self._meaning = StoreMeaning(self.semantic, self._languages_of)
        return found

    def _languages_of(self, ids: list[str]) -> dict[str, str]:
        """id → language of those of the ids in the collection (1,000 a request)."""
        out: dict[str, str] = {}
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            params = [
                ("q", "{!terms f=id}" + ",".join(i for i in part if "," not in i)),
                ("fl", "id,language"),
            ]
            docs = self.select([*params, ("rows", len(part)), SINGLE_PASS])["response"]["docs"]
            out.update((d["id"], d.get("language") or "") for d in docs)
        return out

    def _scope(
        self,
        ids: list[str],
        fq: list[str],
        members: list[str] = (),
        words: str | None = None,
        every_in: bool = False,
        every_match: bool = False,
    ) -> tuple[dict[str, str], set[str], set[str]]:
        """Of some documents of the meaning layer's store, in one request: (id → language of those in the
        collection, the ids of those that pass the filters, the ids of `members` that pass them and
        match `words`, a query). `every_in`: every document that passes the filters is listed with its
        language, not only those asked; `every_match`: every one that matches the words within them,
        not only the members (each a few thousand at most: LISTED)."""
        params = [
            ("q", "{!terms f=id}" + ",".join(i for i in ids if "," not in i)),
            ("fl", "id,language"),
            ("rows", len(ids)),
            SINGLE_PASS,
        ]
        facet = {}
        if fq and every_in:
            facet["in"] = self._listing({"query": "*:*", "filter": fq})
        elif fq:
            facet["in"] = {"type": "terms", "field": "id", "limit": -1, "domain": {"filter": fq}}
        if words and every_match:
            facet["words"] = self._listing({"query": words, "filter": fq})
        elif members and words:
            domain: dict = {"filter": [*fq, words]}
            if not set(members) <= set(ids):  # (under filters they are among the asked: not sent twice)
                domain["query"] = "{!terms f=id}" + ",".join(i for i in members if "," not in i)
            facet["words"] = {"type": "terms", "field": "id", "limit": -1, "domain": domain}
        if facet:
            params.append(("json.facet", json.dumps(facet)))
        answer = self.select(params)
        languages = {d["id"]: d.get("language") or "" for d in answer["response"]["docs"]}
        found = answer.get("facets") or {}

        def bucket(name: str, listing: bool) -> set[str]:
            facet = found.get(name) or {}
            if not listing:
                return {b["val"] for b in facet.get("buckets", [])}
            out: set[str] = set()
            groups = [(str(b["val"]), b) for b in facet.get("buckets", [])]
            for language, group in [*groups, ("", facet.get("missing") or {})]:
                listed = [str(b["val"]) for b in (group.get("ids") or {}).get("buckets", [])]
                languages.update((i, language) for i in listed)
                out.update(listed)
            return out

        passing = bucket("in", every_in) if fq else set(languages)
        matching = bucket("words", every_match)
        return languages, passing, (matching if every_match else matching & set(members))

    @staticmethod
    def _listing(domain: dict) -> dict:
        """A facet listing every document of a domain with its language: language → ids."""
        return {
            "type": "terms",
            "field": "language",
            "limit": -1,
            "missing": True,
            "domain": domain,
            "facet": {"ids": {"type": "terms", "field": "id", "limit": -1, "sort": "index"}},
        }

    @staticmethod
    def _best_known(
        scores: np.ndarray,
        members: np.ndarray,
        everyone: int,
        matching: set[str],
        sample: np.ndarray,
        request: SearchRequest,
        strict: str | None,
    ) -> bool:
        """Whether the words' matches among the store's best documents (`members`, of `everyone` with
        vectors; `matching` those that match) hold the best of all their matches that meaning may pick:
        every document was asked, or enough of them match (MEANING_DEPTH candidates; a language filter's
        bridge re-scores the BRIDGE_POOL best), or the last one asked lies below the floor a candidate
        must reach (the median of the words' first matches and MEANING_LIFT). Otherwise the nearest of
        the matches are asked of Solr's kNN."""
        from kb.semantic.channel import BRIDGE_POOL, MEANING_DEPTH, MEANING_LIFT

        if len(members) >= everyone:
            return True
        bridging = bool(request.selected("language")) and request.expand and bool(strict)
        if len(matching) >= (BRIDGE_POOL if bridging else MEANING_DEPTH):
            return True
        first = scores[sample]
        first = first[np.isfinite(first)]
        return (
            not bridging
            and len(first) > 0
            and float(scores[members].min()) < float(np.median(first)) + MEANING_LIFT
        )

    def _bridges(self, strict: str | None, request: SearchRequest, fq: list[str]) -> list[str]:
        """The documents that bridge a language filter, as the Whoosh backend finds them: the best by every
        word of the query (the strict plan) in a language outside the filter, within the other filters
        (kb.semantic.channel's BRIDGES; their meaning is added to the query's: SessionMeaning.bridged)."""
        from kb.semantic.channel import BRIDGES

        languages = request.selected("language")
        if not languages or not request.expand or not strict:
            return []
        others = [f for f in fq if not f.startswith("{!tag=language}")]
        outside = "-language:(" + " OR ".join(quoted(v) for v in languages) + ")"
        params = [
            ("q", strict),
            ("fl", "id"),
            ("sort", "score desc,date desc,id asc"),
            ("rows", BRIDGES),
            *(("fq", f) for f in [*others, outside]),
        ]
        return [d["id"] for d in self.select(params)["response"]["docs"]]

    def _unfound_phrase(self, text: str, answer: dict | None, request: SearchRequest) -> bool:
        """Whether the words of a text that is plain but for its quotes found nothing within the filters
        (meaning then answers it, when it stands out; other syntax stays the words' alone), as the
        Whoosh backend's session asks."""
        if self.semantic is None or not (request.semantic and request.expand) or '"' not in text:
            return False
        if not self.vectors.copied or not is_plain(text.replace('"', " ")):
            return False
        return answer is None or not answer["response"]["numFound"]

    def _ranked(
        self,
        query: str,
        request: SearchRequest,  # noqa: ARG002 - `_page`'s signature
        text: str,  # noqa: ARG002
        fq: list[str],
        page: int,
        size: int,
        plan: QueryPlan | None = None,
    ) -> dict:
        """With meaning on, the words' part of a page (`_page`'s place): their first LEXICAL_DEPTH (or the
        page's) ids, scores and languages, and the facets of their matches (what the fused page shows when
        meaning only reorders them), no snippets (the fused page asks for its own); with filters, how
        many documents pass them; with a relaxed plan, what its coverage needs (`_coverage`)."""
        from kb.semantic.channel import LEXICAL_DEPTH

        facets = self.facet_request()
        # a relaxed search's coverage (`_coverage`) asked with its words' first documents
        covering, counts = self._coverage_asked(plan, fq)
        facets.update(counts)
        if fq or covering:  # how many documents pass the filters (meaning's scope, listed when few;
            # the coverage's number of documents)
            facets[WITHIN] = {"type": "query", "q": "*:*", "domain": {"query": "*:*", "filter": fq}}
        params = [
            ("q", query),
            ("fl", "id,score,language"),
            ("sort", "score desc,date desc,id asc"),
            ("rows", max(page * size, LEXICAL_DEPTH)),
            SINGLE_PASS,
            ("json.facet", json.dumps(facets)),
            *(("fq", f) for f in fq),
            *covering,
        ]
        return self.select(params)

    def _meant(self, text: str) -> tuple[np.ndarray, View, np.ndarray]:
        """A text's vector, the meaning layer's store as scored now and each of its documents' best-row
        cosine with the vector (by document number of the store)."""
        vector = self.semantic.queries.query(text)
        view = self.meaning().view()
        return vector, view, view.scores(vector)

    def _with_meaning(
        self,
        meant: tuple[np.ndarray, View, np.ndarray],
        query: str | None,
        request: SearchRequest,
        fq: list[str],
        page: int,
        size: int,
        relaxed: bool,
        plan: QueryPlan | None = None,
        frequencies: dict[str, int] | None = None,
        strict: str | None = None,
        found: dict | None = None,
    ) -> tuple[int, tuple[Hit, ...], dict] | None:
        """(total, hits, facets) with the meaning channel fused in as the Whoosh backend fuses it
        (kb/whoosh_backend/search.py's `_with_meaning`, kb/semantic/channel.py's rules), each document
        scored by its best row from the meaning layer's store (kb/solr_backend/meaning.py), not by
        Solr's mean vector: meaning adds documents only when the query's best document stands out
        (`confident`) within the filters or in the whole store, else it only reorders what the words
        found; its candidates (`meaning_candidates`, with a language filter's bridge: the best document
        by every word outside it, `bridged_candidates`) and the words' first LEXICAL_DEPTH are fused by
        weighted reciprocal rank (`fuse`), a relaxed match weighing its share of the words' weight within
        the filters (`_coverage`); after a search where every word matched, a meaning-only candidate must
        be about as near as the words' first hit (`beside_words`). Without filters the scope is the
        store, exactly; with filters that pass at most LISTED documents, it is those, listed whole by
        Solr, exactly; with larger ones, Solr says which of the store's ASKED best documents and of an
        even sample of it pass them (the sample's median stands for the scope's), and its kNN adds the
        nearest within them when fewer than MEANING_POOL of the best do. Where meaning only reorders the
        words' matches and they are more than those ranked, the same request lists them whole when they
        are at most LISTED, else asks which of the store's ASKED best match the words (kNN within the
        words' matches when too few do: `_best_known`). The total and the facets count the meaning
        candidates outside the filters too, beside the shown documents' snippets. Meaning-only hits show
        their passage closest to the query."""
        from kb.semantic.channel import (
            LEXICAL_DEPTH,
            beside_words,
            bridged_candidates,
            confident,
            fuse,
            meaning_candidates,
        )
        from kb.solr_backend.meaning import ASKED

        vector, view, scores = meant
        known = np.isfinite(scores)
        best = np.flatnonzero(known)
        everyone = len(best)  # the store's documents with vectors
        if len(best) > ASKED:
            best = best[np.argpartition(-scores[best], ASKED - 1)[:ASKED]]
        spread = view.sample()
        ranked: list[tuple[str, float]] = []
        everything = True  # every match of the words is ranked
        by_words_answer = found if query else None
        if query and by_words_answer is None:
            by_words_answer = self._ranked(query, request, "", fq, page, size, plan)
        every_in = every_match = False  # every document that passes the filters / matches is listed
        if by_words_answer is not None:
            found = by_words_answer["response"]
            everything = len(found["docs"]) >= int(found["numFound"])
            every_match = not everything and int(found["numFound"]) <= LISTED
            within = (by_words_answer.get("facets") or {}).get(WITHIN) or {}
            every_in = bool(fq) and "count" in within and int(within["count"]) <= LISTED
        if fq and not every_in:  # with filters, enough that their best 100 are among them
            asked = np.union1d(best, spread[known[spread]])
        else:
            asked = best if len(best) <= MEANING_POOL else best[np.argsort(-scores[best])[:MEANING_POOL]]
        # of the store's best documents, those that match the words too (asked with the scope): where
        # meaning only reorders what the words found, the best of their matches by meaning are among them
        members = best if query and not everything and not every_match else best[:0]
        language, passing, matching = self._scope(
            [view.ids[n] for n in asked.tolist()],
            fq,
            [view.ids[n] for n in members.tolist()],
            query,
            every_in=every_in,
            every_match=every_match,
        )
        live = np.zeros(len(view.ids), dtype=bool)
        live[known] = True  # the store's documents are the collection's (a deleted one drops out here):
        live[[n for n in asked.tolist() if view.ids[n] not in language]] = False
        scope, sample = live, None
        if fq:
            scope = np.zeros(len(view.ids), dtype=bool)
            scope[[view.number[i] for i in passing if i in view.number]] = True
            among = int(scope[best].sum())  # of the store's ASKED best: its best, exactly, when enough
            # (a scope listed whole is exact, its median its own)
            if not every_in and len(best) < everyone:
                if among < MEANING_POOL:  # a selective filter: the nearest by kNN
                    nearest = self.knn(vector, MEANING_POOL, fq, fl="id,language")
                    language.update((d["id"], d.get("language") or "") for d in nearest)
                    scope[[view.number[d["id"]] for d in nearest if d["id"] in view.number]] = True
                    among = len(nearest)
                if among >= MEANING_POOL:  # a larger scope: the sample's median stands for its own
                    sample = np.array(
                        [n for n in spread[known[spread]].tolist() if view.ids[n] in passing], dtype=np.int64
                    )
        if not scope.any() and not query:
            return None
        adds = request.expand and (
            confident(scores, np.flatnonzero(scope)) or confident(scores, np.flatnonzero(live))
        )
        if (
            relaxed
            and not adds
            and plan is not None
            and not plan.expanded_words
            and not self._any_present(plan.words, frequencies)
        ):
            # as the Whoosh backend (issue 22): no document has every word, no word is here as typed,
            # folded or stemmed (what matched are guesses: typo variants, compound parts, cognates), none
            # is a vocabulary term, and meaning finds nothing that stands out: nothing found, not noise
            query, by_words_answer, everything = None, None, True
        if by_words_answer is not None:
            found = by_words_answer["response"]
            language.update((d["id"], d.get("language") or "") for d in found["docs"])
            ranked = [(d["id"], d["score"]) for d in found["docs"]]
        words = np.zeros(len(view.ids), dtype=bool)  # the words' ranked matches, by store number
        words[[view.number[i] for i, _ in ranked if i in view.number]] = True
        if not adds:  # meaning reorders what the words found: its scope is their matches
            if everything or not query:
                scope, sample = words, None
            else:  # all their matches when listed (exact), else those among the store's best, the
                # median of their first ones standing for theirs
                scope = words.copy()
                scope[[view.number[i] for i in matching if i in view.number]] = True
                sample = None if every_match else np.flatnonzero(words)
                if not every_match and not self._best_known(
                    scores, members, everyone, matching, sample, request, strict
                ):
                    more = self.knn(vector, MEANING_POOL, [*fq, query], fl="id,language")
                    language.update((d["id"], d.get("language") or "") for d in more)
                    scope[[view.number[d["id"]] for d in more if d["id"] in view.number]] = True
        chosen_n = meaning_candidates(scores, scope, sample=sample)
        bridges = [view.number[i] for i in self._bridges(strict, request, fq) if i in view.number]
        if bridges:
            bridged = view.session.bridged(scores, bridges, scope)
            chosen_n = bridged_candidates(chosen_n, bridged, scope, sample)
        chosen = [view.ids[n] for n in chosen_n.tolist()]
        outside: list[str] = []
        if fq and adds:  # the facets count meaning candidates outside the filters too (as Whoosh's)
            outside = [view.ids[n] for n in meaning_candidates(scores, live).tolist()]
        ids = list(dict.fromkeys([i for i, _ in ranked] + chosen + outside))
        number = {doc_id: n for n, doc_id in enumerate(ids)}
        lexical = [(number[i], score) for i, score in ranked]
        local = np.array([scores[view.number[i]] if i in view.number else -np.inf for i in ids], np.float32)
        codes = np.array([language.get(i) or "" for i in ids], dtype=object)
        checked: dict[str, bool] = {}  # documents asked whether they match the words
        if query and not relaxed and (chosen or outside):  # every word matched: meaning adds only what
            # is as near as the words' first hit (`beside_words`)
            matched = np.zeros(len(ids), dtype=bool)
            matched[[n for n, _ in lexical]] = True
            beyond = [c for c in chosen + outside if not matched[number[c]]]
            if beyond and not adds:  # meaning only reorders the words' matches: its candidates are
                # among them (the kNN's were asked within the words' query)
                matched[[number[c] for c in beyond]] = True
            elif beyond and every_match:  # every match is listed
                matched[[number[c] for c in beyond if c in matching]] = True
            elif beyond and not everything:  # candidates the words found below the ranked ones
                params = [
                    ("q", query),
                    ("fq", "id:(" + " ".join(quoted(i) for i in beyond) + ")"),
                    ("fl", "id"),
                    ("rows", len(beyond)),
                ]
                for d in self.select(params)["response"]["docs"]:
                    matched[number[d["id"]]] = True
                checked = {c: bool(matched[number[c]]) for c in beyond}

            def kept(some: list[str]) -> list[str]:
                picked = np.array([number[c] for c in some], dtype=np.int64)
                return [ids[n] for n in beside_words(picked, local, matched, lexical, codes).tolist()]

            chosen, outside = kept(chosen), kept(outside)
        covered = None
        if relaxed and plan is not None and ranked:
            covered = {
                number[i]: c
                for i, c in self._coverage(
                    plan, [i for i, _ in ranked[:LEXICAL_DEPTH]], by_words_answer
                ).items()
            }
        fused = fuse(
            lexical,
            np.array([number[c] for c in chosen], dtype=np.int64),
            strict=not relaxed,
            limit=len(ranked) + len(chosen),
            covered=covered,
        )
        window = [(ids[n], score) for n, score in fused[(page - 1) * size : page * size]]
        # the total and the facets count what the words found and the meaning candidates
        either = " ".join(f"id:{quoted(c)}" for c in dict.fromkeys(chosen + outside))
        if query and either:
            union = f"({query}) OR ({either})"
        elif query or either:
            union = query or f"({either})"
        else:
            return 0, (), {}
        if not adds and by_words_answer is not None and "facets" in by_words_answer:
            # meaning only reorders the words' matches (its candidates are among them): the union is
            # theirs, counted with them (one request less in most pages: docs/solr.md)
            found = by_words_answer
            total, counted, counting = int(found["response"]["numFound"]), found["facets"], []
        else:  # counted beside the shown documents' snippets, from an explicit domain (the union)
            total, counted, counting = 0, {}, [("json.facet", json.dumps(self.union_facets(union, fq)))]
        by_words: dict[str, dict] = {}
        highlights: dict = {}
        shown = [doc_id for doc_id, _ in window]
        answer: dict = {}
        if query and shown:
            lexical_ids = {i for i, _ in ranked}
            reordering = set(chosen) if not adds else set()  # among the words' matches

            def words_match(doc_id: str) -> bool | None:
                """Whether a shown document matches the words, when known without asking."""
                if doc_id in lexical_ids or doc_id in reordering:
                    return True
                if everything:  # every match is ranked
                    return False
                if every_match:
                    return doc_id in matching
                return checked.get(doc_id)

            known = {i: words_match(i) for i in shown}
            marking = self.highlight_params(SNIPPET_CHARS, FRAGMENT_CHARS, FRAGMENTS, plan)
            asking = any(m is None for m in known.values()) or not any(k == "hl.q" for k, _ in marking)
            params = [
                # the words' query says which shown documents match them, unless that is known: the
                # snippets come from `hl.q` either way (a question's query: 3 of its 8 ms of QTime)
                ("q", query if asking else "*:*"),
                ("fq", "id:(" + " ".join(quoted(i) for i in shown) + ")"),
                ("fl", STORED),
                ("rows", len(shown)),
                *marking,
                *counting,
            ]
            answer = self.select(params)
            by_words = {d["id"]: d for d in answer["response"]["docs"] if asking or known.get(d["id"])}
            highlights = answer.get("highlighting", {})
        elif counting:
            answer = self.select([("q", "*:*"), ("rows", 0), *counting])
        if counting:
            counted = answer.get("facets") or {}
            total = int((counted.get("total") or {}).get("count", 0))
        rest = [i for i in shown if i not in by_words]
        by_meaning = {}
        if rest:
            found = self.client.request(self.path("get"), [("ids", ",".join(rest)), ("fl", f"{STORED},text")])
            by_meaning = {d["id"]: d for d in found.get("response", {}).get("docs", [])}
        chosen_set = set(chosen)
        hits = []
        for doc_id, score in window:
            if doc_id in by_words:
                via = "both" if doc_id in chosen_set else "words"
                hits.append(
                    self.hit(
                        by_words[doc_id],
                        score,
                        self.snippet(by_words[doc_id], highlights.get(doc_id, {})),
                        via,
                    )
                )
            elif doc_id in by_meaning:  # its passage closest to the query, as the Whoosh backend finds it
                found, number = by_meaning[doc_id], view.number.get(doc_id)
                closest = (
                    view.session.closest(number, vector, found.get("title", ""), found.get("text", ""))
                    if number is not None
                    else None
                )
                shown = fragments(closest, []) if closest else ()
                hits.append(self.hit(by_meaning[doc_id], score, shown, via="meaning"))
        return total, tuple(hits), counted

    @staticmethod
    def _relaxed_words(plan: QueryPlan | None) -> tuple:
        """The words of a relaxed plan's "most of the words" OR (none for another plan)."""
        if plan is None:
            return ()
        q = plan.query
        if isinstance(q, P.AndMaybe):  # the words, and the whole text as a phrase bonus
            q = q.required
        if isinstance(q, P.Require):  # "most of the words", one of them a rare one (kb/query.py)
            q = q.scored
        words = q.items if isinstance(q, P.Or) else ()
        if len(words) < 2 or any(w.kind != P.WORD for w in words):
            return ()
        return tuple(words)

    def _coverage_asked(self, plan: QueryPlan | None, fq: list[str]) -> tuple[list[tuple[str, str]], dict]:
        """What `_ranked` asks so that its answer holds a relaxed plan's coverage (nothing for another
        plan): (params: a pseudo-field a word, whether each document returned holds it; facets: each
        word's documents within the filters)."""
        words = self._relaxed_words(plan)
        if not words:
            return [], {}
        canonical = self.canonical(self.concepts()[0])
        params: list[tuple[str, str]] = []
        facets: dict = {}
        fields = []
        for n, word in enumerate(words):
            compiled = compile_plan(self.respelt(word), canonical)
            if compiled is None:  # a word that can match nothing: held by none
                continue
            params.append((f"cw{n}", compiled))
            fields.append(f"cw{n}:exists(query($cw{n}))")
            facets[f"cw{n}"] = {"type": "query", "q": "*:*", "domain": {"query": compiled, "filter": fq}}
        return [("fl", ",".join(fields)), *params] if fields else [], facets

    def _coverage(self, plan: QueryPlan, docs: list[str], answer: dict) -> dict[str, float]:
        """Of the words' first documents of a relaxed search, the share of the query's word weight each
        holds (kb.semantic.channel's `coverage`, as the Whoosh backend weighs it), a word weighing its
        idf within the filters: read from `_ranked`'s answer, which asked for them (`_coverage_asked`)."""
        from kb.semantic.channel import word_shares

        words = self._relaxed_words(plan)
        facets = answer.get("facets") or {}
        if not words or not docs or WITHIN not in facets:
            return {}
        by_id = {d["id"]: d for d in answer["response"]["docs"]}
        frequencies = [int((facets.get(f"cw{n}") or {}).get("count", 0)) for n in range(len(words))]
        held = [
            np.array([bool(by_id.get(i, {}).get(f"cw{n}", False)) for i in docs], dtype=bool)
            for n in range(len(words))
        ]
        return word_shares(frequencies, held, docs, int(facets[WITHIN].get("count", 0)))

    def _page(
        self,
        query: str,
        request: SearchRequest,
        text: str,
        fq: list[str],
        page: int,
        size: int,
        plan: QueryPlan | None = None,
        stems: Mapping[str, str] | None = None,
    ) -> dict:
        """The page's request; `stems` (suggest.py's `stem_counts`): queries counted over every document
        as facets s0, s1 … of the same request."""
        facets = self.facet_request()
        for i, counted in enumerate(stems or ()):
            facets[f"s{i}"] = {"type": "query", "q": stems[counted], "domain": {"query": "*:*"}}
        sort = {
            "newest": "date desc,id asc",
            "oldest": "date asc,id asc",
        }.get(request.sort, "score desc,date desc,id asc" if text else "date desc,id asc")
        params: list[tuple[str, object]] = [
            ("q", query),
            ("defType", "lucene"),
            ("df", "text"),
            ("fl", f"{STORED},score"),
            ("sort", sort),
            ("start", (page - 1) * size),
            ("rows", size),
            ("json.facet", json.dumps(facets)),
            *(("fq", f) for f in fq),
            *self.highlight_params(SNIPPET_CHARS, FRAGMENT_CHARS, FRAGMENTS, plan),
        ]
        return self.select(params)

    def _empty(self, request, language, plan, started) -> SearchPage:
        return SearchPage(
            request=request,
            total=0,
            hits=(),
            facets=self.facets({}, request, language),
            expansions=plan.expansions if plan else (),
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    @staticmethod
    def facet_request() -> dict:
        return {
            f: {"type": "terms", "field": f, "limit": -1, "mincount": 1, "domain": {"excludeTags": f}}
            for f in FACETS
        }

    @staticmethod
    def union_facets(union: str, fq: list[str]) -> dict:
        """The facets of `facet_request` and the count (`total`) of the documents a query matches within
        the filters, from any request: each from an explicit domain, a facet's without its own
        selection's filter (as excludeTags leaves it out)."""
        out = SolrBackend.facet_request()
        for f, facet in out.items():
            facet["domain"] = {"query": union, "filter": [g for g in fq if not g.startswith(f"{{!tag={f}}}")]}
        out["total"] = {"type": "query", "q": "*:*", "domain": {"query": union, "filter": fq}}
        return out

    def facets(self, answer: Mapping, request: SearchRequest, language: str) -> tuple[Facet, ...]:
        vocab = self.vocabulary()
        out = []
        for facet in FACETS:
            buckets = (answer.get(facet) or {}).get("buckets", [])
            counts = [(str(b["val"]), int(b["count"])) for b in buckets]
            if facet == "year":
                counts.sort(key=lambda vc: vc[0], reverse=True)
            else:
                counts.sort(key=lambda vc: (-vc[1], vc[0]))
            found = dict(counts)
            selected = request.selected(facet)
            ordered = list(selected) + [v for v, _ in counts if v not in selected]
            values = tuple(
                FacetValue(v, vocab.label(facet, v, language), found.get(v, 0), v in selected)
                for v in ordered
            )
            out.append(Facet(facet, values))
        return tuple(out)

    @staticmethod
    def highlight_params(
        chars: int, fragsize: int, snippets: int, plan: QueryPlan | None = None
    ) -> list[tuple[str, object]]:
        """The unified highlighter over the exact words and each language's stems and compound parts,
        with the plan's words as its query (`hl.q`, kb/solr_backend/compile.py's compile_highlight)."""
        marked = compile_highlight(plan.query) if plan is not None else None
        return [
            *([("hl.q", marked)] if marked else []),
            ("hl", "true"),
            ("hl.method", "unified"),
            # each word's offsets from its postings (storeOffsetsWithPositions), not a query Weight's
            # matches per document: the highlighter's time a page 2-5 times less (docs/solr.md); a
            # phrase's words are marked one by one
            ("hl.weightMatches", "false"),
            ("hl.fl", "text," + ",".join(f"text_{lang}" for lang in LANGUAGES)),
            ("hl.requireFieldMatch", "true"),
            ("hl.snippets", snippets),
            ("hl.fragsize", fragsize),
            ("hl.tag.pre", MARK_START),
            ("hl.tag.post", MARK_END),
            ("hl.encoder", ""),
            ("hl.maxAnalyzedChars", chars),
            ("hl.defaultSummary", "false"),
            ("f.text.hl.defaultSummary", "true"),
            ("hl.bs.type", "WORD"),  # passages of about fragsize characters (0: the whole text)
            ("hl.fragsizeIsMinimum", "false"),
        ]

    @staticmethod
    def snippet(doc: Mapping, highlighted: Mapping[str, list[str]]) -> tuple[Fragment, ...]:
        """The passages of the field with the most marks (the document's language field or the exact
        words), as Fragments; the text's opening when nothing is marked."""
        best: tuple[Fragment, ...] = ()
        best_marks = -1
        for field in ("text", *(f"text_{doc.get('language')}",)):
            passages = highlighted.get(field) or []
            shown = tuple(marked_fragment(p.strip()) for p in passages if p.strip())
            marks = sum(len(f.matches) for f in shown)
            if shown and marks > best_marks:
                best, best_marks = shown, marks
        return best

    def hit(self, fields: Mapping, score: float, shown: tuple[Fragment, ...] = (), via: str = "words") -> Hit:
        doc = document_from_solr(fields)
        if not shown and "text" in fields:
            shown = fragments(fields["text"], [])
        return Hit.of(doc, score, shown, via)

    def highlight(self, doc: Document, text: str, expand: bool = True) -> Fragment:
        """The whole text marked by Solr's unified highlighter (the query run on this document alone)."""
        vocab, concepts = self.concepts()
        plan = build_query(
            text, vocabulary=vocab, languages=self.languages(), concepts=concepts, expand=expand
        )
        query = compile_plan(plan.query, self.canonical(vocab))
        if query is None:
            return Fragment(doc.text)
        params = [
            ("q", query),
            ("fq", f"id:{quoted(doc.id)}"),
            ("fl", "id"),
            ("rows", 1),
            *self.highlight_params(MAX_ANALYZED_CHARS, 0, 1, plan),
        ]
        answer = self.select(params)
        spans: set[tuple[int, int]] = set()
        for passages in answer.get("highlighting", {}).get(doc.id, {}).values():
            for passage in passages:
                found = marked_fragment(passage)
                if found.text.translate(_WS) == doc.text[: len(found.text)].translate(_WS):
                    spans.update(found.matches)
        merged: list[tuple[int, int]] = []
        for a, b in sorted(spans):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return highlight(doc.text, merged)

    def _stored(self, doc_id: str) -> Document:
        doc = self.document(doc_id)
        if doc is None:
            raise UnknownDocumentError(f"no document with id {doc_id!r}")
        return doc

    def related(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Shared networks 3, topics 1, regions 0.5 (constant scores that add up), newest first among equals."""
        doc = self._stored(doc_id)
        clauses = [
            f"{field}:{quoted(value)}^={weight:g}"
            for field, attribute, weight in RELATED_WEIGHTS
            for value in getattr(doc, attribute)
        ]
        if not clauses:
            return ()
        params = [
            ("q", " ".join(clauses)),
            ("fq", f"-id:{quoted(doc_id)}"),
            ("fl", f"{STORED},text,score"),
            ("sort", "score desc,date desc,id asc"),
            ("rows", limit),
        ]
        answer = self.select(params)
        return tuple(self.hit(d, d.get("score", 0.0)) for d in answer["response"]["docs"])

    def similar(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """kNN over `vec` from the document's vector, itself left out by a filter; empty without vectors.
        Scores are cosines (Solr's cosine similarity is (1 + cos) / 2)."""
        self._stored(doc_id)
        vector = self.vector(doc_id)
        if vector is None:
            return ()
        self._vectors_in()
        docs = self.knn(vector, limit, [f"-id:{quoted(doc_id)}"], f"{STORED},text,score")
        return tuple(self.hit(d, round(2 * d["score"] - 1, 4), via="meaning") for d in docs)

    def translations(self, doc_id: str, meaning: bool = True) -> tuple[Hit, ...]:
        """As the Whoosh backend: with vectors, the TRANSLATION_NEAREST nearest in other languages (kNN)
        compared by meaning and structure, each the other's mutual best; without, by structure alone
        among the documents of other languages sharing the document's networks (at most
        TRANSLATION_POOL)."""
        doc = self._stored(doc_id)
        own = profile(doc.title, doc.text, doc.language, doc.networks)
        vector = self.vector(doc_id) if meaning else None
        if vector is not None:
            self._vectors_in()
            fq = [f"-language:{quoted(doc.language)}", f"-id:{quoted(doc_id)}"]
            docs = self.knn(vector, TRANSLATION_NEAREST, fq, f"{STORED},text,score")
            means = mean_vectors(self.semantic.store, [d["id"] for d in docs])
            candidates = [
                Candidate(
                    i, profile(o.title, o.text, o.language, o.networks), float(np.dot(vector, means[o.id][1]))
                )
                for i, o in enumerate(map(document_from_solr, docs))
                if o.id in means
            ]
            chosen = [
                (c, score)
                for c, score in pick(own, candidates)
                if self._mutual(docs[c.key]["id"], c, own, doc_id)
            ]
            return tuple(self.hit(docs[c.key], round(score, 4), via="meaning") for c, score in chosen)
        fq = [f"-language:{quoted(doc.language)}", f"-id:{quoted(doc_id)}"]
        if doc.networks:
            fq.append("network:(" + " OR ".join(quoted(n) for n in doc.networks) + ")")  # one of them
        params = [
            ("q", "*:*"),
            ("fl", f"{STORED},text"),
            ("rows", TRANSLATION_POOL + 1),
            *(("fq", f) for f in fq),
        ]
        docs = self.select(params)["response"]["docs"]
        if len(docs) > TRANSLATION_POOL:
            return ()
        candidates = [
            Candidate(i, profile(o.title, o.text, o.language, o.networks))
            for i, o in enumerate(map(document_from_solr, docs))
        ]
        return tuple(
            self.hit(docs[c.key], round(score, 4), via="meaning") for c, score in pick(own, candidates)
        )

    def _mutual(self, chosen_id: str, chosen: Candidate, own, doc_id: str) -> bool:
        """Whether `doc_id` is also the best in its language for the chosen document."""
        vector = self.vector(chosen_id)
        if chosen.cosine is None or vector is None:
            return True
        docs = self.knn(
            vector, TRANSLATION_NEAREST, [f"language:{quoted(own.language)}"], f"{STORED},text,score"
        )
        means = mean_vectors(self.semantic.store, [d["id"] for d in docs])
        rivals = [
            Candidate(
                o.id, profile(o.title, o.text, o.language, o.networks), float(np.dot(vector, means[o.id][1]))
            )
            for o in map(document_from_solr, docs)
            if o.id in means
        ]
        best = pick(chosen.profile, rivals)
        return bool(best) and best[0][0].key == doc_id

    # -- writing ---------------------------------------------------------------------------------------

    def _routes(self) -> list[tuple[int, int, str, str]]:
        """The shard leaders to send new documents to directly, as a cloud client does: (lowest hash,
        highest hash, node URL, core) per shard of the one collection written to, when every leader is
        on a node of KB_SOLR_URL; else none (each node then forwards what is not its own shard's)."""
        try:
            collections, aliases = self._collections()
        except EngineError:
            return []
        names = aliases.get(self.collection, [self.collection])
        info = collections.get(names[0]) if len(names) == 1 else None
        if not info or (info.get("router") or {}).get("name", "compositeId") != "compositeId":
            return []
        routes = []
        for shard in info["shards"].values():
            leader = next((r for r in shard["replicas"].values() if r.get("leader") == "true"), None)
            if shard.get("state") != "active" or leader is None or "range" not in shard:
                continue
            base = leader.get("base_url", "").rstrip("/")
            if base not in self.client.urls:
                return []
            low, high = (_signed(int(h, 16)) for h in shard["range"].split("-"))
            routes.append((low, high, base, leader["core"]))
        return routes

    def _send(self, adds: list[dict], routes: list[tuple[int, int, str, str]]) -> None:
        """Documents to their shards' leaders (one request per shard), or to the collection."""
        if not routes or any("!" in d["id"] for d in adds):
            self._update(adds, [], commit=False)
            return
        by_shard: dict[tuple[str, str], list[dict]] = {}
        for d in adds:
            h = murmur3_32(d["id"].encode("utf-8"))
            route = next(((b, c) for lo, hi, b, c in routes if lo <= h <= hi), None)
            by_shard.setdefault(route or ("", ""), []).append(d)
        for (base, core), docs in by_shard.items():
            if not base:
                self._update(docs, [], commit=False)
                continue
            try:
                body = (
                    "{" + ",".join('"add":' + json.dumps({"doc": d}, ensure_ascii=False) for d in docs) + "}"
                )
                self.client.request(
                    f"/{core}/update", body=body.encode("utf-8"), write=True, nodes=[base], deadline_s=5
                )
            except SolrHTTPError as exc:
                if exc.status != 404:  # a bad document (404: the core moved)
                    raise
                self._update(docs, [], commit=False)
            except EngineError:  # the leader's node went away: the collection's nodes route it
                self._update(docs, [], commit=False)

    def _update(self, adds: list[dict], deletes: list[str], commit: bool) -> None:
        parts = []
        if deletes:
            parts.append('"delete":' + json.dumps(deletes, ensure_ascii=False))
        parts += ['"add":' + json.dumps({"doc": d}, ensure_ascii=False) for d in adds]
        if commit:
            parts.append('"commit":{}')
        if not parts:
            return
        body = ("{" + ",".join(parts) + "}").encode("utf-8")
        self.client.request(self.path("update"), body=body, write=True)

    def write(
        self,
        docs: Mapping[str, Document],
        delete: Iterable[str] = (),
        procs: int = 1,  # noqa: ARG002
    ) -> tuple[int, dict[str, str]]:
        """Deletes first, then the documents in batches of BATCH (one request each, WRITERS of them at a
        time: Solr indexes each request in a thread of its own, so both nodes and both cores work while
        the next batch is encoded and sent), then one commit. A batch Solr refuses (a bad document) is
        sent again one document at a time, so that only the bad ones are left out (each with Solr's
        reason). A batch that cannot be written at all (Solr unreachable) raises after the others end."""
        failed: dict[str, str] = {}
        deletes = list(dict.fromkeys(delete))
        items = list(docs.values())
        if deletes:
            self._update([], deletes, commit=False)

        routes = self._routes() if len(items) > BATCH else []
        vectors = self._current_vectors(items)

        def fields_of(d: Document) -> dict:
            fields = document_fields(d)
            if d.id in vectors:
                fields["vec"] = vectors[d.id][1]
            return fields

        def send(batch: list[Document]) -> tuple[int, dict[str, str]]:
            try:
                self._send([fields_of(d) for d in batch], routes)
                return len(batch), {}
            except SolrHTTPError:
                done, refused = 0, {}
                for d in batch:
                    try:
                        self._update([fields_of(d)], [], commit=False)
                        done += 1
                    except SolrHTTPError as exc:
                        refused[d.id] = f"{d.id}: Solr refused it: {exc.message}"
                return done, refused

        batches = [items[start : start + BATCH] for start in range(0, len(items), BATCH)]
        written = 0
        if len(batches) <= 1:
            outcomes = [send(b) for b in batches]
        else:
            with ThreadPoolExecutor(min(WRITERS, len(batches)), thread_name_prefix="solr-write") as pool:
                futures = [pool.submit(send, b) for b in batches]
                outcomes = [f.result() for f in futures]
        for done, refused in outcomes:
            written += done
            failed |= refused
        if self.space and self.space.get("alias"):
            # a rebuild's new collection, which nobody reads until `adopt` commits and merges it: no
            # commit a write (each made a segment a shard, ~50 at 100k, merged again and again as they
            # came; Solr's autoCommit keeps its update log short meanwhile)
            self._uncommitted = True
        else:
            self.commit()
        with_vectors = {i: vectors[i][0] for i in vectors if i not in failed}
        written_ids = [*deletes, *(d.id for d in items)]
        behind = self.behind() if with_vectors and not self.space else None

        def bookkeeping() -> None:
            self.vectors.forget(written_ids)
            if self.space:
                self.written_vectors |= with_vectors
            elif with_vectors and self.vectors.collections == behind:
                self.vectors.remember(with_vectors)

        self._bookkeep(bookkeeping)
        if self.space and not self.space.get("alias"):
            self.written += [d.id for d in items if d.id not in failed]
        return written, failed

    def lend_vectors(self, semantic) -> None:
        """A rebuild's backend: the live meaning layer, whose vectors of unchanged documents are written
        with them (a rebuilt collection has every vector at once; it was copied in afterwards, each
        document sent twice, at 100k nine minutes inside the first search after the rebuild)."""
        self._lent = semantic

    def _current_vectors(self, docs: list[Document]) -> dict[str, tuple[str, list[float]]]:
        """id → (content key, mean passage vector as sent) of the documents whose vectors in the meaning
        layer's store are of the text written now."""
        layer = self.semantic if self.semantic is not None else self._lent
        if layer is None or not docs:
            return {}
        found = mean_vectors(layer.store, [d.id for d in docs])
        current = {}
        for d in docs:
            key, vector = found.get(d.id, (None, None))
            if key is not None and key == layer.key(d):
                current[d.id] = (key, [round(float(x), 6) for x in vector])
        return current

    def commit(self) -> None:
        self._commits += 1
        self._languages = None  # a first document of its language is stemmed in it by the next search
        self.client.request(
            self.path("update"), [("commit", "true"), ("waitSearcher", "true")], body=b"{}", write=True
        )

    def clear(self) -> None:
        self._commits += 1
        self._languages = None
        with self._vectors_held():
            self.vectors.forget(list(self.vectors.copied))
        self.client.request(
            self.path("update"), [("commit", "true")], json_body={"delete": {"query": "*:*"}}, write=True
        )

    @contextmanager
    def rebuild_space(self) -> Iterator[Path]:
        """A folder naming a new, empty collection beside the live one (the same configset and shards),
        deleted when the block ends unless it was adopted. It is filled with one replica per shard, so
        each document is analysed once; `adopt` adds the live collection's other replicas, which copy
        the finished index from their leaders, before the alias moves (a node lost while it fills
        fails the rebuild, and the live collection stays as it was).

        KB_SOLR_COLLECTION should name an alias: a collection's name cannot be moved to another
        collection, so a collection named directly is rebuilt in place (documents are replaced, and
        those the rebuild did not write are deleted when it is adopted; readers see old and new
        documents side by side meanwhile)."""
        folder = self.index_dir.parent / f"{self.index_dir.name}.solr-building-{os.getpid()}"
        self._remove_leftovers()
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        alias = self.is_alias()
        collection = (
            f"{self.collection}_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}" if alias else self.collection
        )
        replicas = {}
        if alias:
            replicas = self._create_like(collection, self.resolve()[0])
        marker = {
            "collection": collection,
            "alias": alias,
            "written": str(folder / "written.json"),
            "replicas": replicas,  # what each shard has once adopted: the live collection's
        }
        (folder / SPACE_FILE).write_text(json.dumps(marker), encoding="utf-8")
        adopted = False
        try:
            yield folder
            adopted = (folder / "adopted").exists()
        finally:
            if alias and not adopted:
                self._delete_collection(collection)
            shutil.rmtree(folder, ignore_errors=True)

    def _remove_leftovers(self) -> None:
        """Collections a killed rebuild left (named like ours, not behind the alias)."""
        try:
            collections, aliases = self._collections()
        except EngineError:
            return
        behind = set(aliases.get(self.collection, ()))
        prefix = f"{self.collection}_"
        for name in collections:
            if (
                name.startswith(prefix)
                and name not in behind
                and re.fullmatch(r"\d{14}_(\d+)", name[len(prefix) :])
            ):
                pid = int(name.rsplit("_", 1)[1])
                if pid == os.getpid() or not _running(pid):
                    self._delete_collection(name)

    def _create_like(self, name: str, model: str) -> dict[str, int]:
        """Create `name` with the model's configset and shards, one replica each (of its first kind
        of NRT, TLOG); the replicas of each kind the model's shards have (its fewest)."""
        status = self.client.request("/admin/collections", {"action": "CLUSTERSTATUS", "collection": model})
        info = status["cluster"]["collections"][model]
        shards = len(info["shards"])
        # as many replicas of each type as the model's shards have (its fewest): NRT, TLOG, PULL
        counts = {
            kind: min(
                sum(r.get("type", "NRT") == kind for r in s["replicas"].values())
                for s in info["shards"].values()
            )
            for kind in ("NRT", "TLOG", "PULL")
        }
        if not counts["NRT"] and not counts["TLOG"]:
            counts["NRT"] = 1
        first = "NRT" if counts["NRT"] else "TLOG"
        self.client.request(
            "/admin/collections",
            {
                "action": "CREATE",
                "name": name,
                "numShards": shards,
                "nrtReplicas": int(first == "NRT"),
                "tlogReplicas": int(first == "TLOG"),
                "pullReplicas": 0,
                "collection.configName": info["configName"],
                "waitForFinalState": "true",
            },
            deadline_s=120,
        )
        return counts

    def _add_replicas(self, name: str, counts: Mapping[str, int], deadline_s: float = 1800) -> None:
        """Replicas added to each shard of `name` until it has `counts` of each kind, all active (their
        index copied from the shard's leader) before this returns; EngineError when one cannot be.

        Each ADDREPLICA runs asynchronously under a request id of its own (all shards copy at once, and
        a request sent again after a lost connection is refused as a repeat instead of adding twice);
        its status is polled."""
        status = self.client.request("/admin/collections", {"action": "CLUSTERSTATUS", "collection": name})
        tasks = []
        for shard, info in status["cluster"]["collections"][name]["shards"].items():
            for kind, count in counts.items():
                have = sum(r.get("type", "NRT") == kind for r in info["replicas"].values())
                for n in range(count - have):
                    task = f"{name}-{shard}-{kind}-{n}"
                    try:
                        self.client.request(
                            "/admin/collections",
                            {
                                "action": "ADDREPLICA",
                                "collection": name,
                                "shard": shard,
                                "type": kind.lower(),
                                "waitForFinalState": "true",
                                "async": task,
                            },
                        )
                    except SolrHTTPError as exc:
                        if "already" not in exc.message:  # not the same request, sent again
                            raise
                    tasks.append(task)
        until = time.monotonic() + deadline_s
        for task in tasks:
            while True:
                state = self.client.request(
                    "/admin/collections", {"action": "REQUESTSTATUS", "requestid": task}
                )
                answer = state.get("status") or {}
                if answer.get("state") == "completed":
                    break
                if answer.get("state") in ("failed", "notfound") or time.monotonic() > until:
                    raise EngineError(
                        f"Solr could not add a replica to the rebuilt collection {name}: "
                        f"{answer.get('state')}: {answer.get('msg', '')}".rstrip(": ")
                    )
                time.sleep(0.5)
            self.client.request("/admin/collections", {"action": "DELETESTATUS", "requestid": task})
        status = self.client.request("/admin/collections", {"action": "CLUSTERSTATUS", "collection": name})
        down = [
            r["core"]
            for info in status["cluster"]["collections"][name]["shards"].values()
            for r in info["replicas"].values()
            if r.get("state") != "active"
        ]
        if down:
            raise EngineError(
                f"the rebuilt collection {name} has replicas that are not active: {', '.join(down)}"
            )

    def merge_segments(self) -> None:
        """Each shard of the live collection merged into one segment, as after a rebuild: for an
        operator after a large change made in place (the meaning layer's vectors copied into most
        documents, each sent again: ~20 new segments a shard at 100k, each searched by every query)."""
        for name in self.behind():
            self._merge_segments(name)

    def _merge_segments(self, name: str, deadline_s: float = 1800) -> None:
        """Each shard of the rebuilt collection merged into one segment (Solr's optimize) while it has one
        replica a shard, so the replicas added next copy the merged index. A search looks up each of its
        terms in every segment: at 100k documents a filled shard had ~20 segments, and a question's or a
        misspelled word's requests took a third less time on one (docs/solr.md, "Speed, fourth round")."""
        # Solr answers when the merge is done (a minute or more at 100k): a connection that waits as long
        patient = SolrClient(self.client.urls, timeout=deadline_s)
        try:
            patient.request(
                f"/{name}/update",
                {"optimize": "true", "maxSegments": 1, "waitSearcher": "true"},
                write=True,
                deadline_s=deadline_s,
            )
        finally:
            patient.close()

    def _delete_collection(self, name: str) -> None:
        try:
            self.client.request("/admin/collections", {"action": "DELETE", "name": name}, deadline_s=60)
        except EngineError as exc:
            log.warning("could not delete the Solr collection %s: %s", name, exc)

    def adopt(self, space: Path) -> None:
        """Swap the alias to the rebuilt collection (CREATEALIAS is atomic for readers), then delete the
        collections it named before; in place, delete the documents the rebuild did not write."""
        marker = self._space_marker(space)
        if marker is None:
            raise EngineError(f"{space} is not a Solr rebuild folder")
        try:
            with_vectors = json.loads((space / VECTORS_WRITTEN).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            with_vectors = {}
        if marker["alias"]:
            before = self.resolve() or []
            self._merge_segments(marker["collection"])
            self._add_replicas(marker["collection"], marker.get("replicas") or {})
            self.client.request(
                "/admin/collections",
                {"action": "CREATEALIAS", "name": self.collection, "collections": marker["collection"]},
            )
            self._behind = None
            with self._vectors_held():  # the new collection holds these vectors already: none is copied again
                self.vectors.adopt((marker["collection"],), with_vectors)
            (space / "adopted").touch()
            for old in before:
                if old != marker["collection"]:
                    self._delete_collection(old)
            return
        written = (
            set(json.loads(Path(marker["written"]).read_text(encoding="utf-8")))
            if Path(marker["written"]).exists()
            else set()
        )
        stale = [doc_id for doc_id in self.live() if doc_id not in written]
        for start in range(0, len(stale), BATCH):
            self._update([], stale[start : start + BATCH], commit=False)
        self.commit()
        with (
            self._vectors_held()
        ):  # the documents written again lost the vectors copied before, unless sent with them
            self.vectors.forget([*written, *stale])
            if self.vectors.collections == self.behind():
                self.vectors.remember(with_vectors)
        (space / "adopted").touch()

    def close(self) -> None:
        if self._uncommitted:  # what a rebuild wrote is searchable once its backend is closed
            self._uncommitted = False
            try:
                self.commit()
            except EngineError as exc:  # (closed after a failed write, whose error is the one to show)
                log.warning("could not commit the rebuilt collection %s: %s", self.collection, exc)
        if self.space:  # which documents went in with their vectors: `adopt` takes them as copied
            with self._vectors_held():  # the writes' bookkeeping made, none left queued
                written = json.dumps(self.written_vectors)
            Path(self.space["written"]).with_name(VECTORS_WRITTEN).write_text(written, encoding="utf-8")
        if self.space and not self.space.get("alias"):  # an in-place rebuild: remember what it wrote
            Path(self.space["written"]).write_text(json.dumps(self.written), encoding="utf-8")


#: In a rebuild's folder: id → content key of the documents written with their vectors.
VECTORS_WRITTEN = "vectors-written.json"

_EMBEDDER: ThreadPoolExecutor | None = None


def spelt_words(text: str) -> set[str]:
    """The words of a text as the plan's phrases hold them, with their spellings with umlauts, æ/ø/å or ß
    (what compile.py's `respell` asks of the title and the text, asked with the statistics)."""
    from kb.analysis import analyze, exact_analyzer
    from kb.folding import spellings

    global _TYPED
    if _TYPED is None:
        _TYPED = exact_analyzer()
    words = set(analyze(_TYPED, text))
    return words | {s for w in words for s in spellings(w)[1:]}


_TYPED = None


def _embedder() -> ThreadPoolExecutor:
    """One thread for query embeddings (the model and numpy release the GIL: words and meaning overlap)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="solr-query-meaning")
    return _EMBEDDER


def _signed(value: int) -> int:
    return value - (1 << 32) if value >= 1 << 31 else value


def murmur3_32(data: bytes, seed: int = 0) -> int:
    """MurmurHash3 x86 32-bit as a signed int: the hash Solr's compositeId router gives an id (of its
    UTF-8 bytes) to choose its shard."""
    c1, c2, mask = 0xCC9E2D51, 0x1B873593, 0xFFFFFFFF
    h = seed & mask
    whole = len(data) - len(data) % 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    k = int.from_bytes(data[whole:], "little") if len(data) > whole else 0
    if k:
        k = (k * c1) & mask
        k = ((k << 15) | (k >> 17)) & mask
        h ^= (k * c2) & mask
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return _signed(h)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
