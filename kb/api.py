"""The one facade that the app, the CLI and the benchmarks use."""

from __future__ import annotations

import logging
import pickle
import struct
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.query import Every

from kb import compound
from kb.document_add import missing_ids, rejection
from kb.errors import DocumentNotIndexedError, IndexDamagedError, UnknownDocumentError
from kb.index import (
    adopt,
    document_from_fields,
    index_fields,
    ledger,
    open_index,
    upsert,
    validate,
    writer,
)
from kb.index_folder import building
from kb.models import Document, Fragment, Hit, IndexStats, SearchPage, SearchRequest
from kb.query import build_query
from kb.schema import SCHEMA_VERSION
from kb.search import SearchSession
from kb.semantic import enabled_by_default
from kb.settings import check_apart
from kb.snippets import highlight, match_spans, query_terms
from kb.translations import Candidate, Profile, pick, profile
from kb.vocabulary import Vocabulary, load_vocabulary
from kb.whoosh_backend.compile import compile_plan

log = logging.getLogger(__name__)


#: Batches smaller than this are written in the calling process whatever `procs` says.
PARALLEL_WRITE_MIN = 1000
#: Translations: the documents nearest in meaning (in other languages) examined as candidates, and the
#: most documents compared by structure alone when there are no vectors (kb/translations.py).
TRANSLATION_NEAREST = 12
TRANSLATION_POOL = 400
#: What whoosh raises reading a file that changed under it (a truncated postings file: "math domain
#: error"); such an error while searching is checked against the recorded files (`_reading`).
READ_ERRORS = (
    ValueError,
    OSError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)


class KnowledgeBase:
    """An opened index with its corpus: search, read, write. Safe to share across threads."""

    def __init__(
        self,
        index_dir: Path,
        corpus_dir: Path,
        semantic: bool | None = None,
        passage_chars: int | None = None,
        passages: int | None = None,
    ) -> None:
        """semantic: the meaning layer on or off (None: KB_SEMANTIC, on unless "off"); passage_chars and
        passages: how documents are cut for it (None: KB_SEMANTIC_PASSAGE_CHARS, KB_SEMANTIC_PASSAGES)."""
        self.index_dir = Path(index_dir)
        self.corpus_dir = Path(corpus_dir)
        check_apart(self.index_dir, self.corpus_dir)
        self._ix, self.created = open_index(self.index_dir)
        #: Why the index was found damaged while in use (None: it was not); reopen to rebuild it.
        self.damaged: str | None = None
        self._meaning_queue = None  # a rebuild's index queues its documents for the live meaning layer
        self._lock = threading.RLock()
        self._session: SearchSession | None = None
        self._protect_vocabulary_words()
        self.semantic = None
        if enabled_by_default() if semantic is None else semantic:
            from kb.semantic.embedder import SemanticLayer

            self.semantic = SemanticLayer(self.index_dir, passage_chars, passages)

    # -- reading ---------------------------------------------------------------------------

    @property
    def vocabulary(self) -> Vocabulary:
        return load_vocabulary(self.corpus_dir)

    def _protect_vocabulary_words(self) -> None:
        compound.set_protected_words(self.vocabulary.compound_words())

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn an error reading damaged files into IndexDamagedError (any other error propagates)."""
        try:
            yield
        except READ_ERRORS as exc:
            try:
                validate(self._ix, self.index_dir)
            except IndexDamagedError as damage:
                self.damaged = str(damage)
                log.error("%s (while reading: %s: %s)", damage, type(exc).__name__, exc)
                raise damage from exc
            except Exception:  # the files are unreadable even to the check
                self.damaged = f"index {self.index_dir} is damaged: {type(exc).__name__}: {exc}"
                raise IndexDamagedError(self.damaged) from exc
            raise

    def session(self) -> SearchSession:
        """The current search session, reopened when the index or the vocabulary changed."""
        with self._lock:
            vocab = self.vocabulary
            s = self._session
            if s is None or not s.up_to_date() or s.vocabulary is not vocab:
                if s is not None:
                    s.close()
                self._session = s = SearchSession(self._ix, vocab, self.semantic)
            return s

    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        """Results, facets and suggestion for a request (facet labels in `language`)."""
        with self._lock, self._reading():
            session = self.session()
            page = session.search(request, language)
        if self.semantic is not None and not self.semantic.busy() and session.meaning.incomplete():
            self.embed_in_background()  # a writer (another process) left work, or died before embedding
        return page

    def get(self, doc_id: str) -> Document:
        """One whole document; raises UnknownDocumentError."""
        with self._lock, self._reading():
            fields = self.session().searcher.document(id=doc_id)
        if fields is None:
            raise UnknownDocumentError(f"no document with id {doc_id!r}")
        return document_from_fields(fields)

    def highlight(self, doc_id: str, text: str, expand: bool = True) -> Fragment:
        """A document's whole text with the matches of a query marked."""
        doc = self.get(doc_id)
        if not text.strip():
            return Fragment(doc.text)
        with self._lock:
            s = self.session()
            plan = build_query(
                text, vocabulary=s.vocabulary, languages=s.languages, concepts=s.concepts, expand=expand
            )
            terms = query_terms(compile_plan(plan.query), s.searcher.reader())
        return highlight(doc.text, match_spans(doc.text, terms, doc.language))

    def related(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents sharing networks, topics and regions with one (in any language), best first."""
        with self._lock:
            s = self.session()
            docnum = s.searcher.document_number(id=doc_id)
            if docnum is None:
                raise UnknownDocumentError(f"no document with id {doc_id!r}")
            doc = document_from_fields(s.searcher.stored_fields(docnum))
            t = s.table
            score = np.zeros(t.size, dtype=np.float64)
            for facet, values, weight in (
                ("network", doc.networks, 3.0),
                ("topic", doc.topics, 1.0),
                ("region", doc.regions, 0.5),
            ):
                for value in values:
                    score += t.mask(facet, (value,)) * weight
            score[docnum] = 0
            score[~t.live] = 0
            order = np.lexsort((-t.date_key, -score))
            best = [int(d) for d in order[:limit] if score[d] > 0]
            return tuple(s.hit(d, float(score[d])) for d in best)

    def similar(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents closest in meaning to one, in any language, best first (empty without vectors)."""
        with self._lock:
            s = self.session()
            docnum = s.searcher.document_number(id=doc_id)
            if docnum is None:
                raise UnknownDocumentError(f"no document with id {doc_id!r}")
            if s.meaning is None:
                return ()
            vector = s.meaning.vector(docnum)
            if vector is None:
                return ()
            scores = s.meaning.index().scores(vector)
            scores[docnum] = -np.inf
            scores[~s.table.live] = -np.inf
            docs = [int(d) for d in np.argsort(-scores, kind="stable")[:limit] if np.isfinite(scores[d])]
            return tuple(s.hit(d, round(float(scores[d]), 4), {}, "meaning") for d in docs)

    def translations(self, doc_id: str, meaning: bool = True) -> tuple[Hit, ...]:
        """The same document in other languages: at most one per language, where meaning and structure
        agree (kb/translations.py); the best first, scored by the combined score. Without vectors (or
        `meaning=False`) only a near-identical structure counts, among at most TRANSLATION_POOL documents."""
        with self._lock, self._reading():
            s = self.session()
            docnum = s.searcher.document_number(id=doc_id)
            if docnum is None:
                raise UnknownDocumentError(f"no document with id {doc_id!r}")
            doc = document_from_fields(s.searcher.stored_fields(docnum))
            own = profile(doc.title, doc.text, doc.language, doc.networks)
            scope = s.table.live & ~s.table.mask("language", (doc.language,))
            scope[docnum] = False
            vector = s.meaning.vector(docnum) if meaning and s.meaning is not None else None
            cosines: dict[int, float | None] = {}
            if vector is not None:
                nearest = s.meaning.index().scores(vector)
                nearest[~scope] = -np.inf
                for d in np.argsort(-nearest, kind="stable")[:TRANSLATION_NEAREST]:
                    other = s.meaning.vector(int(d)) if np.isfinite(nearest[d]) else None
                    if other is not None:
                        cosines[int(d)] = float(np.dot(vector, other))
            else:
                if doc.networks:
                    scope &= s.table.mask("network", doc.networks)
                pool = np.flatnonzero(scope)
                cosines = {int(d): None for d in pool} if len(pool) <= TRANSLATION_POOL else {}
            candidates = [
                Candidate(d, profile(o.title, o.text, o.language, o.networks), cosine)
                for d, cosine in cosines.items()
                for o in (document_from_fields(s.searcher.stored_fields(d)),)
            ]
            chosen = [(c, score) for c, score in pick(own, candidates) if self._mutual(s, c, own, docnum)]
            return tuple(s.hit(c.key, round(score, 4), None, "meaning") for c, score in chosen)

    def _mutual(self, s: SearchSession, chosen: Candidate, own: Profile, docnum: int) -> bool:
        """Whether `docnum` is also the best in its language for the chosen document (mutual best): among
        the chosen one's nearest in meaning in that language, none scores above `docnum`."""
        if chosen.cosine is None or s.meaning is None:
            return True
        vector = s.meaning.vector(chosen.key)
        if vector is None:
            return True
        nearest = s.meaning.index().scores(vector)
        nearest[~(s.table.live & s.table.mask("language", (own.language,)))] = -np.inf
        rivals = []
        for d in np.argsort(-nearest, kind="stable")[:TRANSLATION_NEAREST]:
            d = int(d)
            other = s.meaning.vector(d) if np.isfinite(nearest[d]) else None
            if other is not None:
                o = document_from_fields(s.searcher.stored_fields(d))
                rivals.append(
                    Candidate(
                        d, profile(o.title, o.text, o.language, o.networks), float(np.dot(vector, other))
                    )
                )
        best = pick(chosen.profile, rivals)
        return bool(best) and best[0][0].key == docnum

    # -- the semantic layer ----------------------------------------------------------------------

    def _live_ids(self) -> list[str]:
        return list(self.checksums())

    def _get_or_none(self, doc_id: str) -> Document | None:
        try:
            return self.get(doc_id)
        except UnknownDocumentError:
            return None

    def embed_in_background(self) -> None:
        """Start embedding what is pending in a background thread (no-op when the layer is off)."""
        if self.semantic is not None:
            self.semantic.start(self._live_ids, self._get_or_none)

    def embed_pending(
        self, seconds: float | None = None, progress: Callable[[int], None] | None = None
    ) -> int:
        """Embed what is pending in this thread (for `kb embed`, `kb ingest` and tests); returns documents
        embedded. `progress(n)` is called as each few documents are stored."""
        if self.semantic is None:
            return 0
        import time

        deadline = None if seconds is None else time.monotonic() + seconds
        return self.semantic.run(self._live_ids, self._get_or_none, deadline, progress)

    def embedding_progress(self) -> tuple[int, int] | None:
        """(documents searchable by meaning, all documents); None when the layer is off."""
        if self.semantic is None:
            return None
        return self.semantic.progress(self._live_ids())

    def embedding_now(self) -> bool:
        """Whether documents are being embedded now (by this process's background thread or another)."""
        layer = self.semantic
        return layer is not None and (layer.busy() or layer.store.embedder() is not None)

    def contains(self, doc_id: str) -> bool:
        """Whether a document with this id is indexed (one term lookup)."""
        with self._lock, self._reading():
            return self.session().searcher.document_number(id=doc_id) is not None

    def checksums(self) -> dict[str, tuple[str, str]]:
        """id → (checksum, source) of every indexed document."""
        with self._lock, self._reading():
            session = self.session()
            reader, live = session.searcher.reader(), session.table.live
            return {doc_id: (checksum, source) for _, doc_id, checksum, source in ledger(reader, live)}

    def stats(self, language: str = "en") -> IndexStats:
        """How many documents, with the counts of every facet, and how far the meaning layer is."""
        now = self.embedding_now()  # before the search, which may start embedding what waits
        progress = self.embedding_progress()
        page = self.search(SearchRequest(page_size=1), language)
        return IndexStats(
            documents=page.total,
            facets=page.facets,
            schema_version=SCHEMA_VERSION,
            embedded=progress[0] if progress else None,
            embedding_pending=progress[1] - progress[0] if progress else 0,
            embedding_now=now,
        )

    # -- writing ---------------------------------------------------------------------------

    def write(
        self,
        docs: Iterable[Document],
        delete: Iterable[str] = (),
        procs: int = 1,
        on_failure: Callable[[str, str], None] | None = None,
    ) -> int:
        """Add or replace documents and delete ids in one commit; returns how many were written.

        procs > 1 analyzes the documents in that many processes (for large batches: each process
        starts with a fork and writes a segment of its own). A document that cannot be indexed (its
        analysis fails, or takes longer than KB_INDEX_TIMEOUT_S) is left out and the others are written;
        then `on_failure(id, one-line reason)` is called for it, or without `on_failure`
        DocumentNotIndexedError is raised after the commit.
        """
        latest = {doc.id: doc for doc in docs}  # the engine replaces committed documents only
        queue = self.semantic or self._meaning_queue
        if queue is not None:  # queued before the commit: a kill between cannot lose them
            queue.enqueue(latest.values())
        procs = procs if len(latest) >= PARALLEL_WRITE_MIN else 1
        failed: dict[str, str] = {}
        with writer(self._ix, procs=procs) as w:
            for doc_id in delete:
                w.delete_by_term("id", doc_id)
            written = upsert(w, latest.values(), failed)
        if procs > 1:  # the writer's processes leave out what they cannot index without a word
            for doc_id in missing_ids(self._ix, latest):
                fields = index_fields(latest[doc_id])
                failed[doc_id] = rejection(self._ix.schema, fields) or f"{doc_id}: the index writer lost it"
                written -= 1
        if latest:
            self.embed_in_background()  # searchable by words now, by meaning a little later
        if failed and on_failure is None:
            raise DocumentNotIndexedError(failed)
        for doc_id, reason in failed.items():
            on_failure(doc_id, reason)
        return written

    def remove(self, doc_ids: Iterable[str]) -> None:
        """Delete documents from the index by id."""
        self.write((), delete=doc_ids)

    def clear(self) -> None:
        """Delete every document (the corpus is untouched)."""
        with writer(self._ix) as w:
            w.delete_by_query(Every())

    @contextmanager
    def rebuilding(self) -> Iterator[KnowledgeBase]:
        """A new, empty index beside this one for a rebuild; when the block ends without an error its
        documents replace this index's in one commit (readers see the old index or the new one).

        A kill or an error in the block leaves this index as it was; the folder is removed either way
        (and one a killed rebuild left, by the next rebuild or open).
        """
        with building(self.index_dir) as folder:
            new = KnowledgeBase(folder, self.corpus_dir, semantic=False)
            new._meaning_queue = self.semantic
            try:
                yield new
            finally:
                new.close()
            adopt(self._ix, folder)
        self.embed_in_background()

    def close(self) -> None:
        if self.semantic is not None:
            self.semantic.stop()
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None
