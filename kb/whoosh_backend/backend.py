"""The Whoosh backend (kb/backend.py's protocol): an embedded index in a folder, one writer at a time."""

from __future__ import annotations

import logging
import pickle
import struct
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.query import Every

from kb.errors import IndexDamagedError, UnknownDocumentError
from kb.models import Document, Fragment, Hit, SearchPage, SearchRequest
from kb.query import build_query
from kb.snippets import highlight, match_spans
from kb.translations import Candidate, Profile, pick, profile
from kb.vocabulary import Vocabulary
from kb.whoosh_backend.compile import compile_plan
from kb.whoosh_backend.document_add import missing_ids, rejection
from kb.whoosh_backend.index import (
    adopt,
    document_from_fields,
    index_fields,
    ledger,
    open_index,
    upsert,
    validate,
    writer,
)
from kb.whoosh_backend.index_folder import building
from kb.whoosh_backend.search import SearchSession
from kb.whoosh_backend.terms import query_terms

log = logging.getLogger(__name__)

#: Translations: the documents nearest in meaning (in other languages) examined as candidates, and the
#: most documents compared by structure alone when there are no vectors (kb/translations.py).
TRANSLATION_NEAREST = 12
TRANSLATION_POOL = 400
#: What whoosh raises reading a file that changed under it (a truncated postings file: "math domain
#: error"); such an error while searching is checked against the recorded files (`reading`).
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


class WhooshBackend:
    """An opened Whoosh index with its search session. Safe to share across threads (one lock)."""

    name = "whoosh"

    def __init__(self, index_dir: Path, vocabulary: Callable[[], Vocabulary], semantic=None) -> None:
        self.index_dir = Path(index_dir)
        self.vocabulary = vocabulary
        self.semantic = semantic  # the meaning layer (kb/semantic/) searches fuse with, or None
        self.ix, self.created = open_index(self.index_dir)
        self.damaged: str | None = None
        self.lock = threading.RLock()
        self._session: SearchSession | None = None
        self._sessions = 0  # sessions opened: a new one for every change of the index or vocabulary

    # -- reading ---------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turn an error reading damaged files into IndexDamagedError (any other error propagates)."""
        try:
            yield
        except READ_ERRORS as exc:
            try:
                validate(self.ix, self.index_dir)
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
        with self.lock:
            vocab = self.vocabulary()
            s = self._session
            if s is None or not s.up_to_date() or s.vocabulary is not vocab:
                if s is not None:
                    s.close()
                self._session = s = SearchSession(self.ix, vocab, self.semantic)
                self._sessions += 1
            return s

    def generation(self) -> int:
        """The number of the current session (a new one opens when the index or the vocabulary changed)."""
        with self.lock:
            self.session()
            return self._sessions

    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        with self.lock, self.reading():
            return self.session().search(request, language)

    def meaning_incomplete(self, wait: bool = False) -> bool:  # noqa: ARG002 - the vectors are its own
        with self.lock:
            meaning = self.session().meaning
            return meaning is not None and meaning.incomplete()

    def document(self, doc_id: str) -> Document | None:
        with self.lock, self.reading():
            fields = self.session().searcher.document(id=doc_id)
        return document_from_fields(fields) if fields is not None else None

    def contains(self, doc_id: str) -> bool:
        with self.lock, self.reading():
            return self.session().searcher.document_number(id=doc_id) is not None

    def live(self) -> dict[str, tuple[str, str]]:
        with self.lock, self.reading():
            session = self.session()
            reader, live = session.searcher.reader(), session.table.live
            return {doc_id: (checksum, source) for _, doc_id, checksum, source in ledger(reader, live)}

    def highlight(self, doc: Document, text: str, expand: bool = True) -> Fragment:
        with self.lock:
            s = self.session()
            plan = build_query(
                text, vocabulary=s.vocabulary, languages=s.languages, concepts=s.concepts, expand=expand
            )
            terms = query_terms(compile_plan(plan.query), s.searcher.reader())
        return highlight(doc.text, match_spans(doc.text, terms, doc.language))

    def _docnum(self, s: SearchSession, doc_id: str) -> int:
        docnum = s.searcher.document_number(id=doc_id)
        if docnum is None:
            raise UnknownDocumentError(f"no document with id {doc_id!r}")
        return docnum

    def related(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        with self.lock:
            s = self.session()
            docnum = self._docnum(s, doc_id)
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
        with self.lock:
            s = self.session()
            docnum = self._docnum(s, doc_id)
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
        with self.lock, self.reading():
            s = self.session()
            docnum = self._docnum(s, doc_id)
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

    # -- writing ---------------------------------------------------------------------------

    def write(
        self, docs: Mapping[str, Document], delete: Iterable[str] = (), procs: int = 1
    ) -> tuple[int, dict[str, str]]:
        """procs > 1 analyzes the documents in that many processes (each starts with a fork and writes
        a segment of its own); they leave out what they cannot index without a word, so every id is
        looked for afterwards."""
        failed: dict[str, str] = {}
        with writer(self.ix, procs=procs) as w:
            for doc_id in delete:
                w.delete_by_term("id", doc_id)
            written = upsert(w, docs.values(), failed)
        if procs > 1:
            for doc_id in missing_ids(self.ix, docs):
                fields = index_fields(docs[doc_id])
                failed[doc_id] = rejection(self.ix.schema, fields) or f"{doc_id}: the index writer lost it"
                written -= 1
        return written, failed

    def clear(self) -> None:
        with writer(self.ix) as w:
            w.delete_by_query(Every())

    def rebuild_space(self):
        """`INDEX.building-<pid>` beside the index (one rebuild at a time: a lock beside the index)."""
        return building(self.index_dir)

    def adopt(self, space: Path) -> None:
        """The new segment files hard-linked into the live folder, one new table of contents listing them."""
        adopt(self.ix, space)

    def lend_vectors(self, semantic) -> None:
        """Nothing to do: the vectors stay in the meaning layer's store beside the index."""

    def close(self) -> None:
        with self.lock:
            if self._session is not None:
                self._session.close()
                self._session = None
