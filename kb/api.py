"""The one facade that the app, the CLI and the benchmarks use."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from itertools import zip_longest
from pathlib import Path

from kb import compound
from kb.backend import MAX_PAGE_SIZE, Backend, open_backend
from kb.errors import DocumentNotIndexedError, UnknownDocumentError
from kb.folding import INVISIBLE
from kb.models import Document, Fragment, Hit, IndexStats, SearchPage, SearchRequest
from kb.schema import SCHEMA_VERSION
from kb.semantic import enabled_by_default
from kb.settings import check_apart
from kb.vocabulary import Vocabulary, load_vocabulary

#: Batches smaller than this are written in the calling process whatever `procs` says.
PARALLEL_WRITE_MIN = 1000


def _splitting(method):
    """Run a KnowledgeBase method with its vocabulary's words protected from compound splits (the
    splitter's protected words belong to the call, not to the process)."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with compound.protecting(self._protected_words()):
            return method(self, *args, **kwargs)

    return call


class KnowledgeBase:
    """An opened index with its corpus: search, read, write. Safe to share across threads.

    The index is a backend (kb/backend.py) that KB_ENGINE names (`engine` overrides it): Whoosh by
    default. The meaning layer and the rules of writing (whole documents, failures reported, the
    meaning queue filled before a commit) are the same whichever engine holds the words.
    """

    def __init__(
        self,
        index_dir: Path,
        corpus_dir: Path,
        semantic: bool | None = None,
        passage_chars: int | None = None,
        passages: int | None = None,
        engine: str | None = None,
    ) -> None:
        """semantic: the meaning layer on or off (None: KB_SEMANTIC, on unless "off"); passage_chars and
        passages: how documents are cut for it (None: KB_SEMANTIC_PASSAGE_CHARS, KB_SEMANTIC_PASSAGES);
        engine: the search engine (None: KB_ENGINE, whoosh unless set)."""
        self.index_dir = Path(index_dir)
        self.corpus_dir = Path(corpus_dir)
        check_apart(self.index_dir, self.corpus_dir)
        self.backend: Backend = open_backend(self.index_dir, lambda: self.vocabulary, engine=engine)
        self.created = self.backend.created
        self._meaning_queue = None  # a rebuild's index queues its documents for the live meaning layer
        self._protection: tuple[Vocabulary | None, frozenset[str]] = (None, frozenset())
        self.semantic = None
        if enabled_by_default() if semantic is None else semantic:
            from kb.semantic.embedder import SemanticLayer

            self.semantic = SemanticLayer(self.index_dir, passage_chars, passages)
        self.backend.semantic = self.semantic  # searches fuse words with meaning

    # -- reading ---------------------------------------------------------------------------

    @property
    def vocabulary(self) -> Vocabulary:
        return load_vocabulary(self.corpus_dir)

    def _protected_words(self) -> frozenset[str]:
        """The words of this archive's vocabulary that compound splits protect (worked out again when
        the vocabulary file changes)."""
        vocabulary = self.vocabulary
        if self._protection[0] is not vocabulary:
            self._protection = (vocabulary, compound.protected_words(vocabulary.compound_words()))
        return self._protection[1]

    @property
    def damaged(self) -> str | None:
        """Why the index was found damaged while in use (None: it was not); reopen to rebuild it."""
        return self.backend.damaged

    def _reading(self):
        """Turn an error reading damaged files into IndexDamagedError (any other error propagates)."""
        return self.backend.reading()

    @property
    def _ix(self):
        """The Whoosh backend's index (for tests that look inside it)."""
        return self.backend.ix

    def session(self):
        """The Whoosh backend's current search session (for tests and benchmarks that look inside it)."""
        return self.backend.session()

    @_splitting
    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        """Results, facets and suggestion for a request (facet labels in `language`)."""
        if not unicodedata.is_normalized("NFC", request.text):  # "ü" typed as u + a mark (a Mac, a PDF)
            request = replace(request, text=unicodedata.normalize("NFC", request.text))
        if INVISIBLE.search(request.text):  # a soft hyphen pasted with a word: "Werkzeug\xadbau"
            request = replace(request, text=INVISIBLE.sub("", request.text))
        if not 1 <= request.page_size <= MAX_PAGE_SIZE or request.page < 1:  # the page says what it used
            size = min(max(1, request.page_size), MAX_PAGE_SIZE)
            request = replace(request, page_size=size, page=max(1, request.page))
        page = self.backend.search(request, language)
        # asked after every search, also while this process embeds: the Solr backend starts copying what
        # was embedded into the collection here (asked only while no embedder ran, a copy waited for the
        # next search after it ended: a contract test saw it now and then)
        if self.semantic is not None and self.backend.meaning_incomplete() and not self.semantic.busy():
            self.embed_in_background()  # a writer (another process) left work, or died before embedding
        return page

    def generation(self) -> Hashable:
        """Equal while the documents and the vocabulary are (what derived views are cached by)."""
        return self.backend.generation()

    def get(self, doc_id: str) -> Document:
        """One whole document; raises UnknownDocumentError."""
        doc = self.backend.document(doc_id)
        if doc is None:
            raise UnknownDocumentError(f"no document with id {doc_id!r}")
        return doc

    @_splitting
    def highlight(self, doc_id: str, text: str, expand: bool = True) -> Fragment:
        """A document's whole text with the matches of a query marked."""
        doc = self.get(doc_id)
        if not text.strip():
            return Fragment(doc.text)
        return self.backend.highlight(doc, unicodedata.normalize("NFC", text), expand)

    def related(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents sharing networks, topics and regions with one (in any language), best first."""
        return self.backend.related(doc_id, limit)

    def similar(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents closest in meaning to one, in any language, best first (empty without vectors)."""
        return self.backend.similar(doc_id, limit)

    @_splitting
    def translations(self, doc_id: str, meaning: bool = True) -> tuple[Hit, ...]:
        """The same document in other languages: at most one per language, where meaning and structure
        agree (kb/translations.py); the best first, scored by the combined score. Without vectors (or
        `meaning=False`) only a near-identical structure counts, among a few hundred documents."""
        return self.backend.translations(doc_id, meaning)

    def neighbours(self, doc_id: str, limit: int = 6) -> tuple[tuple[Hit, ...], tuple[Hit, ...]]:
        """What a document's page shows beside it: (its translations, then up to `limit` similar documents:
        close in meaning and sharing networks and topics, taken in turn, without the document itself and
        its translations)."""
        translations = tuple(h for h in self.translations(doc_id) if h.id != doc_id)
        shown = {doc_id, *(h.id for h in translations)}
        similar: dict[str, Hit] = {}
        for pair in zip_longest(self.similar(doc_id, limit), self.related(doc_id, limit)):
            for hit in pair:
                if hit is not None and hit.id not in shown and hit.id not in similar:
                    similar[hit.id] = hit
        return translations, tuple(similar.values())[:limit]

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
        done = self.semantic.run(self._live_ids, self._get_or_none, deadline, progress, foreground=True)
        if done:  # an engine holding its own copy of the vectors (Solr) takes them in now, not at a search
            self.backend.meaning_incomplete(wait=True)
        return done

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
        return self.backend.contains(doc_id)

    def checksums(self) -> dict[str, tuple[str, str]]:
        """id → (checksum, source) of every indexed document."""
        return self.backend.live()

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

    @_splitting
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
        written, failed = self.backend.write(latest, delete, procs)
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
        self.backend.clear()

    @contextmanager
    def rebuilding(self) -> Iterator[KnowledgeBase]:
        """A new, empty index beside this one for a rebuild; when the block ends without an error its
        documents replace this index's in one commit (readers see the old index or the new one).

        A kill or an error in the block leaves this index as it was; the folder is removed either way
        (and one a killed rebuild left, by the next rebuild or open).
        """
        with self.backend.rebuild_space() as folder:
            new = KnowledgeBase(folder, self.corpus_dir, semantic=False, engine=self.backend.name)
            new._meaning_queue = self.semantic
            if self.semantic is not None:
                new.backend.lend_vectors(self.semantic)
            try:
                yield new
            finally:
                new.close()
            self.backend.adopt(folder)
        self.embed_in_background()

    def close(self) -> None:
        if self.semantic is not None:
            self.semantic.stop()
        self.backend.close()
