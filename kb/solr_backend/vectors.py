"""The meaning layer's vectors in the collection: each document's mean passage vector in `vec`.

The meaning layer (kb/semantic/) embeds into its store beside the index folder, as with Whoosh. What
it has embedded is copied into the collection by sending each document again whole, its fields as the
writer makes them (`document_fields` of its stored fields, read by real-time get) with `vec` and the
`_version_` read: Solr refuses it (409) when the document was written or deleted meanwhile, and it is
skipped. Not an atomic update (`"vec": {"set": …}`): Solr rebuilds such a document from its stored
fields, and the folded fields (`title_fold`, `text_fold`: computed by the writer, not stored) were
lost, so after the first copy a folded spelling, a compound part or a cognate no longer found the
document and the words' statistics (read from `text_fold`) counted nothing. Which content key was
copied for which id is remembered in `KB_INDEX_DIR/solr-vectors.json`, per collection (a rebuild's new
collection starts empty); a document written again loses its vector in Solr (a write replaces the
whole document) and is copied again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

STATE_FILE = "solr-vectors.json"
#: Atomic updates per request.
BATCH = 200
#: seconds between saves of what a long copy has copied so far
SAVE_EVERY_S = 10.0


def mean_vectors(store, wanted: Iterable[str] | None = None) -> dict[str, tuple[str, np.ndarray]]:
    """id → (content key, mean passage vector, title row left out, normalised) of the documents with
    current vectors in a VectorStore (all, or those `wanted`). The same vector as
    kb/semantic/channel.py's SessionMeaning.vector."""
    current = store.current()
    ids = current.keys() if wanted is None else [i for i in wanted if i in current]
    by_shard: dict[int, set[str]] = {}
    for doc_id in ids:
        by_shard.setdefault(current[doc_id][0], set()).add(doc_id)
    out: dict[str, tuple[str, np.ndarray]] = {}
    for shard in store.shards():
        mine = by_shard.get(shard.seq)
        if not mine:
            continue
        rows: dict[str, list[int]] = {}
        for doc_id in sorted(mine):
            picked = [row for row in shard.rows_of(doc_id) if not shard.titles[row]]
            if picked:
                rows[doc_id] = picked
        for doc_id, picked in rows.items():
            vectors = np.asarray(shard.vectors[picked], dtype=np.float32) * shard.scale[picked, None]
            mean = vectors.mean(axis=0)
            norm = float(np.linalg.norm(mean))
            if norm:
                out[doc_id] = (current[doc_id][1], mean / norm)
    return out


class VectorSync:
    """Copies the store's vectors into one collection (or the collections behind an alias)."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / STATE_FILE
        self.collections: tuple[str, ...] = ()
        self.copied: dict[str, str] = {}  # id → content key copied into the collections
        self._seen: tuple | None = None  # (store's shards, collections) when nothing was left to copy
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.collections, self.copied = tuple(data["collections"]), dict(data["copied"])
        except (OSError, ValueError, KeyError, TypeError):
            pass

    def up_to_date(self, store, collections: tuple[str, ...]) -> bool:
        """Whether nothing changed since a copy left nothing to copy (cheap: a search asks each time)."""
        return self._seen == (store.names(), collections)

    def save(self) -> None:
        data = {"collections": list(self.collections), "copied": self.copied}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(self.path)

    def forget(self, ids: Iterable[str]) -> None:
        """Documents written or deleted: their vectors in Solr are gone."""
        changed = False
        for doc_id in ids:
            changed |= self.copied.pop(doc_id, None) is not None
        if changed:
            self._seen = None
            self.save()

    def remember(self, copied: dict[str, str]) -> None:
        """Documents written with their vectors (id → content key) into the collections remembered."""
        if copied:
            self.copied.update(copied)
            self._seen = None
            self.save()

    def adopt(self, collections: tuple[str, ...], copied: dict[str, str]) -> None:
        """A rebuilt collection behind the alias now, holding these documents' vectors already."""
        self.collections, self.copied, self._seen = collections, dict(copied), None
        self.save()

    def run(self, store, collections: tuple[str, ...], update, fields) -> int:
        """Copy what is new; `fields(ids)` gives id → (the document's fields as written, its `_version_`,
        the content key of its title and text) of those that exist; `update(body: bytes, commit: bool)`
        posts to /update and raises on an HTTP error (Solr's 409 when a document changed since it was
        read). A document whose text in the collection is not the one its vector was made from (written
        again after the store's vector was read) is left for the copy after its new vector. Returns the
        vectors copied."""
        seen = (store.names(), collections)
        if seen == self._seen:
            return 0
        if collections != self.collections:
            self.collections, self.copied = collections, {}
        current = store.current()
        todo = [doc_id for doc_id, (_, key) in current.items() if self.copied.get(doc_id) != key]
        copied = 0
        saved = time.monotonic()
        for start in range(0, len(todo), BATCH):
            # a copy cut short (the process ends) goes on from what was saved
            if time.monotonic() - saved > SAVE_EVERY_S:
                self.save()
                saved = time.monotonic()
            vectors = mean_vectors(store, todo[start : start + BATCH])
            stored = fields(list(vectors)) if vectors else {}
            batch = [
                (doc_id, key, vector)
                for doc_id, (key, vector) in vectors.items()
                if doc_id in stored and stored[doc_id][2] == key
            ]
            try:
                if batch:
                    update(_body(batch, stored), False)
                copied += len(batch)
            except Exception as exc:  # noqa: BLE001 - a document changed meanwhile: one at a time
                log.info("copying vectors one at a time (%s)", exc)
                for item in batch:
                    try:
                        update(_body([item], stored), False)
                        copied += 1
                    except Exception:  # noqa: BLE001, S112 - written or deleted since it was read: skipped
                        continue
            for doc_id, (key, _) in vectors.items():  # a deleted document is not asked again either
                if doc_id not in stored or stored[doc_id][2] == key:
                    self.copied[doc_id] = key
        if copied:
            update(b"{}", True)
        self.save()
        self._seen = seen
        return copied


def _body(batch: list[tuple[str, str, np.ndarray]], stored: dict[str, tuple[dict, int, str]]) -> bytes:
    """The documents whole with their vectors, each on the condition that its version is still the one
    read (optimistic concurrency: a write or a delete meanwhile makes Solr refuse it)."""
    docs = [
        {**stored[doc_id][0], "vec": [round(float(x), 6) for x in vector], "_version_": stored[doc_id][1]}
        for doc_id, _, vector in batch
    ]
    return json.dumps(docs, ensure_ascii=False).encode("utf-8")
