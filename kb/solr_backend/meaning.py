"""A Solr search's meaning scored as the Whoosh backend scores it: each document by its best row.

Solr's `vec` holds one vector a document, the mean of its passages, so its kNN scores a document
otherwise than the Whoosh backend, which takes the best of its rows: a passage, or its title while no
other document of its language has the same one (kb/semantic/channel.py's SemanticIndex). On XQuAD's
tuning half that difference alone (the mean of two or three passages against the best of them, a
LibreOffice page's title row left out) put Solr's meaning below Whoosh's (docs/solr.md). The meaning
layer's store beside the index holds every row, so the Solr backend scores from it as Whoosh does:
every document's best row in one product (`SemanticIndex.scores`), over a `SessionMeaning` of the
store's documents (its bridges, vectors and passages are the Whoosh backend's own code). Solr still
says which documents exist, which pass a search's filters and their languages (`SolrBackend._scope`),
and finds the nearest within selective filters by kNN.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kb.semantic.channel import _HASH, REBUILD_S, SessionMeaning

#: With filters, the store's best documents asked whether they pass them: the 100 best of a scope of a
#: tenth of the store are among them, so a language filter's bridge re-scores the same pool as the Whoosh
#: backend's (`SessionMeaning.bridged`: the scope's 100 best). Asking only the store's 100 best left a
#: LibreOffice language's (a quarter of the pages) pool to kNN over mean vectors, without the title rows:
#: tuning half, cross-language MRR 0.728 against Whoosh's 0.754.
ASKED = 1000
#: Documents of the store, spread evenly over its ids, asked whether they pass a search's filters: the
#: median cosine of those that do stands for the scope's (`meaning_candidates`' `sample`).
SAMPLE = 400


@dataclass(frozen=True)
class View:
    """The store's documents as one session numbers them (document number = position in `ids`)."""

    session: SessionMeaning
    ids: list[str]
    number: dict[str, int]

    def scores(self, vector: np.ndarray) -> np.ndarray:
        """Each document's best-row cosine with a query vector (−inf without rows)."""
        return self.session.index().scores(np.asarray(vector, dtype=np.float32))

    def sample(self) -> np.ndarray:
        """SAMPLE document numbers spread evenly over the sorted ids (all of them in a smaller store)."""
        if len(self.ids) <= SAMPLE:
            return np.arange(len(self.ids))
        return np.unique(np.linspace(0, len(self.ids) - 1, SAMPLE).astype(np.int64))


class StoreMeaning:
    """The meaning layer's store as the Solr backend scores it; rebuilt when its shards change (while an
    embedder adds shards, at most every REBUILD_S seconds, as SessionMeaning does)."""

    def __init__(self, layer, languages: Callable[[list[str]], dict[str, str]]) -> None:
        """languages(ids): id → language of those of the ids that are in the collection."""
        self.layer = layer
        self._languages = languages
        self._view: View | None = None
        self._names: tuple[str, ...] | None = None
        self._built = 0.0
        self._lock = threading.Lock()

    def view(self) -> View:
        store = self.layer.store
        with self._lock:
            names = store.names()
            if self._view is None or (names != self._names and self._due()):
                ids = sorted(store.current())
                session = SessionMeaning(self.layer, lambda: ids, self._groups(ids))
                session.index()  # built here, with these ids
                self._view = View(session, ids, {d: n for n, d in enumerate(ids)})
                self._names, self._built = names, time.monotonic()
            return self._view

    def _due(self) -> bool:
        return time.monotonic() - self._built >= REBUILD_S or self.layer.store.embedder() is None

    def _groups(self, ids: list[str]) -> np.ndarray:
        """Per document number, a code that is equal for two documents of the same language: a title row
        counts while no other document of its language has the same one (SemanticIndex's groups, as
        the Whoosh backend passes its languages). Only documents whose title row another document shares
        need their language, asked of Solr (all of them get code 0 otherwise)."""
        store = self.layer.store
        current = store.current()
        number = {d: n for n, d in enumerate(ids)}
        hashes, owners = [], []
        for shard in store.shards():
            rows = [
                int(r)
                for r in np.flatnonzero(shard.titles)
                if current.get(shard.ids[r], (0,))[0] == shard.seq
            ]
            if rows:
                hashes.append(np.asarray(shard.vectors[rows], dtype=np.int64) @ _HASH)
                owners += [number[shard.ids[r]] for r in rows]
        groups = np.zeros(len(ids), dtype=np.int64)
        if not hashes:
            return groups
        _, inverse, counts = np.unique(np.concatenate(hashes), return_inverse=True, return_counts=True)
        shared = np.asarray(owners, dtype=np.int64)[counts[inverse] > 1]
        if len(shared):
            found = self._languages([ids[n] for n in shared.tolist()])
            codes: dict[str, int] = {}
            for n in shared.tolist():
                groups[n] = codes.setdefault(found.get(ids[n], ""), len(codes) + 1)
        return groups
