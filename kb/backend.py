"""The engine seam: what the archive needs of a search engine, and the setting that picks one.

`KnowledgeBase` (kb/api.py) talks to one `Backend`: Whoosh, embedded beside the app, is the default
(`kb/whoosh_backend/`); a distributed engine (Solr) implements the same protocol. Everything a backend
receives or returns is a record of `kb/models.py` or a plan of `kb/plan.py`: no engine type crosses.
The meaning layer (`kb/semantic/`) stays outside: `KnowledgeBase` owns it, a backend is handed it to
fuse meaning with words and to find documents near one (kNN within filters).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kb.errors import SettingError
from kb.settings import env

if TYPE_CHECKING:
    from kb.models import Document, Fragment, Hit, SearchPage, SearchRequest
    from kb.vocabulary import Vocabulary

#: The most hits a page holds, whatever the request asks for.
MAX_PAGE_SIZE = 100
#: The engines KB_ENGINE may name, the default first.
ENGINES = ("whoosh", "solr")
DEFAULT_ENGINE = "whoosh"


class Backend(Protocol):
    """A search engine holding the archive's documents.

    Writes: `write` adds or replaces documents and deletes ids in one commit (a document is written
    whole or not at all; what could not be written is returned with a one-line reason, the others are
    written). `clear` deletes everything. A rebuild fills a new, empty store beside the live one
    (`rebuild_space`, opened as a backend of its own) and `adopt` swaps it in at once: readers see the
    old documents or the new ones, never a part.

    Reads: `search` answers a `SearchRequest` with a `SearchPage`: the query text as the plan of
    kb/query.py, facet selections as filters (OR within a facet, AND across), each facet's counts with
    every other facet's selection applied but not its own, a year range, a sort (relevance, newest,
    oldest), a page of hits with snippets (match offsets, never HTML), "did you mean", and the hits
    found by meaning fused with those found by words. The other reads answer by document id.
    Errors: `reading` turns an error reading damaged storage into IndexDamagedError (and sets `damaged`).
    """

    name: str  # the KB_ENGINE value
    created: bool  # whether opening made a new, empty store (the corpus is indexed then)
    damaged: str | None  # why the store was found damaged while in use (None: it was not)
    semantic: object | None  # the meaning layer (kb/semantic/) to fuse with, set by KnowledgeBase, or None

    # -- writing --------------------------------------------------------------------------------------

    def write(
        self, docs: Mapping[str, Document], delete: Iterable[str] = (), procs: int = 1
    ) -> tuple[int, dict[str, str]]:
        """Add or replace `docs` (id → document) and delete the ids in `delete`, in one commit;
        (how many were written, id → one-line reason for each document left out)."""
        ...

    def clear(self) -> None:
        """Delete every document."""
        ...

    def rebuild_space(self) -> AbstractContextManager[Path]:
        """A new, empty store beside this one, named by a folder to open a backend on; removed when the
        block ends (and one a killed rebuild left, by the next rebuild or open)."""
        ...

    def adopt(self, space: Path) -> None:
        """Make the rebuilt store's documents this store's, in one commit."""
        ...

    def lend_vectors(self, semantic) -> None:
        """A rebuild's backend (`rebuild_space`): the live meaning layer, whose vectors of documents
        written unchanged the engine may store with them."""
        ...

    def close(self) -> None: ...

    # -- documents ------------------------------------------------------------------------------------

    def live(self) -> dict[str, tuple[str, str]]:
        """id → (checksum, source) of every live document."""
        ...

    def contains(self, doc_id: str) -> bool: ...

    def document(self, doc_id: str) -> Document | None:
        """One whole document with its stored fields, or None."""
        ...

    # -- searching ------------------------------------------------------------------------------------

    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        """Results, facets (labels in `language`) and suggestion for a request."""
        ...

    def highlight(self, doc: Document, text: str, expand: bool = True) -> Fragment:
        """The document's whole text with the matches of a query marked."""
        ...

    def related(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents sharing networks (3), topics (1) and regions (0.5) with one, newest first among
        equals; UnknownDocumentError for an unknown id."""
        ...

    def similar(self, doc_id: str, limit: int = 5) -> tuple[Hit, ...]:
        """Documents nearest in meaning to one (kNN over its vector), empty without vectors."""
        ...

    def translations(self, doc_id: str, meaning: bool = True) -> tuple[Hit, ...]:
        """The same document in other languages (kb/translations.py): kNN in the other languages, then
        structure; at most one per language, each the other's mutual best."""
        ...

    def meaning_incomplete(self, wait: bool = False) -> bool:
        """Whether live documents still wait for their vectors (the caller starts the embedder). An
        engine holding its own copy of the vectors takes the new ones in, in the background unless
        `wait` (after embedding: they are searchable when the caller returns)."""
        ...

    def generation(self) -> Hashable:
        """A value that stays equal while the documents and the vocabulary do (views derived from
        many searches, such as a network's history, are kept per generation)."""
        ...

    def reading(self) -> AbstractContextManager[None]:
        """Within the block, an error reading damaged storage becomes IndexDamagedError."""
        ...


def engine_name(name: str | None = None) -> str:
    """The engine to use: `name`, else KB_ENGINE, else whoosh; SettingError (one line) for another."""
    value = (name or env("KB_ENGINE") or DEFAULT_ENGINE).strip().lower()
    if value not in ENGINES:
        given = repr(name) if name else f"KB_ENGINE={env('KB_ENGINE')!r}"
        raise SettingError(f"{given} is not a search engine: use one of {', '.join(ENGINES)}")
    return value


def open_backend(
    index_dir: Path, vocabulary: Callable[[], Vocabulary], semantic=None, engine: str | None = None
) -> Backend:
    """The backend KB_ENGINE names (or `engine`), opened on an index folder."""
    name = engine_name(engine)
    if name == "whoosh":
        from kb.whoosh_backend.backend import WhooshBackend

        return WhooshBackend(index_dir, vocabulary, semantic)
    if name == "solr":
        from kb.solr_backend.backend import SolrBackend

        return SolrBackend(index_dir, vocabulary, semantic)
    raise AssertionError(name)  # pragma: no cover - engine_name knows only these
