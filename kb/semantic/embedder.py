"""Embedding after the lexical commit: in a background thread, resumable after a kill, one embedder at a time.

What is pending is worked out again on every run, from the store and the index: documents queued by a
write whose content key differs from their current vectors, and documents in the index with no vectors
(a rebuild, or a queue entry lost). So a kill at any point loses at most the shard being embedded.

Embedding never makes a write, a search or a page wait: it takes no lock of the index or of the
knowledge base while the model runs (only to read a document), the model is called for EMBED_CHUNK
passages at a time with a stop() honoured between calls (a shard stopped part way keeps its whole
documents), and the background thread runs at a low CPU priority, so requests take the cores first.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from kb.models import Document
from kb.semantic import model, passages
from kb.semantic.store import VectorStore, store_dir
from kb.settings import env_int

log = logging.getLogger(__name__)

BATCH_PASSAGES = 16  # passages per shard: what a kill can cost at most (a few seconds of work)
SMALL_SHARD = 4096  # rows; newer shards smaller than this are merged once there are many
MAX_SHARDS = 32
EMBED_THREADS = 1  # the background model uses one core: searches keep the other
EMBED_CHUNK = 4  # passages per model call: how long a stop() (closing, a request wanting the CPU) waits
#: `kb embed` and `kb ingest` embed in the foreground, where nothing waits for the cores: both of them,
#: and bigger calls (the model runs two batches side by side)
FOREGROUND_THREADS = 2
FOREGROUND_CHUNK = BATCH_PASSAGES
BACKGROUND_NICE = 10  # the background thread this much nicer: requests of the same process come first


class SemanticLayer:
    """The vectors of one index and the embedder that keeps them up to date."""

    def __init__(
        self,
        index_dir: Path,
        chars: int | None = None,
        limit: int | None = None,
        embedder: model.Embedder | None = None,
    ) -> None:
        self.chars = chars or env_int("KB_SEMANTIC_PASSAGE_CHARS", passages.PASSAGE_CHARS)
        self.limit = limit or env_int("KB_SEMANTIC_PASSAGES", passages.MAX_PASSAGES)
        self.store = VectorStore(
            store_dir(index_dir),
            model.MODEL_ID,
            {"passage_chars": self.chars, "passages": self.limit, "rows": passages.ROWS},
        )
        self.store.check_model()
        self.queries = model.query_embedder()
        self._given = embedder  # a stand-in model (tests) serves every run
        self._models: dict[int, model.Embedder] = {}  # thread count → handle
        self._foreground = False
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self.errors = 0
        self._wanted = False
        self._progress: tuple[tuple, tuple[int, int]] | None = None

    def key(self, doc: Document) -> str:
        return passages.content_key(model.MODEL_ID, doc.title, doc.text, self.chars, self.limit)

    def enqueue(self, docs: Iterable[Document]) -> None:
        """Record documents to embed (before their lexical commit, so a kill between cannot lose them)."""
        self.store.enqueue((d.id, self.key(d)) for d in docs)

    # -- what is pending ---------------------------------------------------------------------------

    def pending(self, live_ids: Iterable[str]) -> dict[str, str | None]:
        """id → wanted content key (None: unknown until read) of live documents without current vectors."""
        live = set(live_ids)
        current = self.store.current()
        _, queued = self.store.queued()
        todo: dict[str, str | None] = {}
        for doc_id, key in queued:
            if doc_id in live and current.get(doc_id, (0, None))[1] != key:
                todo[doc_id] = key
        for doc_id in sorted(live):
            if doc_id not in current:
                todo.setdefault(doc_id, None)
        return todo

    def progress(self, live_ids: Iterable[str]) -> tuple[int, int]:
        """(documents whose vectors are current, live documents); worked out again only when the
        documents, the shards or the queue changed (a results page asks on every run)."""
        live = list(live_ids)
        queue = tuple(f.name for f in self.store.queue_files())
        key = (hash(tuple(live)), self.store.names(), queue)
        if self._progress is None or self._progress[0] != key:
            self._progress = (key, (len(live) - len(self.pending(live)), len(live)))
        return self._progress[1]

    # -- embedding ---------------------------------------------------------------------------------

    def run(
        self,
        live_ids: Callable[[], Iterable[str]],
        get: Callable[[str], Document | None],
        deadline: float | None = None,
        progress: Callable[[int], None] | None = None,
        foreground: bool = False,
    ) -> int:
        """Embed what is pending until nothing is (or the deadline, or stop()); returns documents embedded.

        `progress(n)` is called after each shard with the documents it held. Returns 0 at once when
        another thread or process is embedding this store. `foreground` (a command that waits for it)
        uses FOREGROUND_THREADS and calls of FOREGROUND_CHUNK passages; the background thread one core.
        """
        self._foreground = foreground
        done = 0
        with self.store.embed_lock() as mine:
            if not mine:
                return 0
            self.store.mark_embedding(True)
            try:
                done = self._run(live_ids, get, deadline, progress)
            finally:
                self.store.mark_embedding(False)
        return done

    def _run(self, live_ids, get, deadline: float | None, progress=None) -> int:
        done = 0
        self.store.clean()
        while not self._stop.is_set():
            files, _ = self.store.queued()
            live = set(live_ids())
            todo = self.pending(live)
            if not todo:
                for f in files:
                    f.unlink(missing_ok=True)
                break
            done += self._embed(todo, get, deadline, progress)
            if deadline is not None and time.monotonic() >= deadline:
                break
            if not self._stop.is_set():
                for f in files:  # everything they named was handled (or is reconsidered next run)
                    f.unlink(missing_ok=True)
            self._compact(live)
        return done

    def _embed(self, todo: dict[str, str | None], get, deadline: float | None, progress=None) -> int:
        current = self.store.current()
        batch_ids: list[str] = []
        batch_keys: list[str] = []
        batch_texts: list[str] = []
        batch_titles: list[bool] = []
        done = 0

        def write() -> int:
            written = self._write(batch_ids, batch_keys, batch_texts, batch_titles)
            if progress is not None and written:
                progress(written)
            return written

        for doc_id in todo:
            if self._stop.is_set() or (deadline is not None and time.monotonic() >= deadline):
                break
            doc = get(doc_id)
            if doc is None:  # deleted meanwhile
                continue
            key = self.key(doc)
            if current.get(doc_id, (0, None))[1] == key:
                continue
            rows = passages.rows(doc.title, doc.text, self.chars, self.limit) or [(doc.id, False)]
            batch_ids += [doc_id] * len(rows)
            batch_keys += [key] * len(rows)
            batch_texts += [text for text, _ in rows]
            batch_titles += [title for _, title in rows]
            if len(batch_texts) >= BATCH_PASSAGES:
                done += write()
                batch_ids, batch_keys, batch_texts, batch_titles = [], [], [], []
        if batch_texts and not self._stop.is_set():
            done += write()
        return done

    def _write(self, ids: list[str], keys: list[str], texts: list[str], titles: list[bool]) -> int:
        """Embed rows EMBED_CHUNK at a time and write them as one shard; returns the documents written.

        Stopped between two model calls, it writes the documents whose rows are all embedded (a stop
        waits for one call, not for the shard)."""
        threads, chunk = (
            (FOREGROUND_THREADS, FOREGROUND_CHUNK) if self._foreground else (EMBED_THREADS, EMBED_CHUNK)
        )
        embedder = self._given or self._models.get(threads)
        if embedder is None:
            embedder = self._models[threads] = model.Embedder(threads=threads)
        parts: list[np.ndarray] = []
        made = 0
        while made < len(texts):
            if made and self._stop.is_set():
                break
            parts.append(embedder.passages(texts[made : made + chunk]))
            made += len(parts[-1])
            time.sleep(0)  # let a request thread have the interpreter between calls
        if made < len(texts):  # the document of row `made` is not whole: leave all its rows out
            while made and ids[made - 1] == ids[made]:
                made -= 1
        if not made:
            return 0
        self.store.write_shard(ids[:made], keys[:made], np.concatenate(parts)[:made], titles[:made])
        return len(set(ids[:made]))

    def _compact(self, live: set[str]) -> None:
        """Merge the newest small shards once there are many; rewrite all when a third is dead rows."""
        shards = self.store.shards()
        rows = sum(len(s.ids) for s in shards)
        current = self.store.current()
        useful = sum(1 for s in shards for d in s.ids if d in live and current[d][0] == s.seq)
        if rows and rows - useful > 0.3 * rows:
            self.store.compact(live)
        elif len(shards) > MAX_SHARDS:
            small = [s.seq for s in shards]
            while small and len(self.store._shards[small[0]].ids) >= SMALL_SHARD:
                small.pop(0)
            self.store.compact(live, small)

    # -- the background thread ----------------------------------------------------------------------

    def start(self, live_ids: Callable[[], Iterable[str]], get: Callable[[str], Document | None]) -> None:
        """Embed what is pending in a daemon thread (one per layer; a running one picks up new work)."""
        with self._guard:
            self._wanted = True
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self._loop, args=(live_ids, get), name="kb-embed", daemon=True
            )
            _STARTED.add(self)
            self._thread.start()

    def _loop(self, live_ids, get) -> None:
        _background_priority()
        while True:
            with self._guard:
                if not self._wanted or self._stop.is_set():
                    self._thread = None if self._thread is threading.current_thread() else self._thread
                    return
                self._wanted = False
            try:
                self.run(live_ids, get)
            except Exception:  # never let the thread die silently with work left: log it and stop
                self.errors += 1
                log.exception("embedding failed")
                return

    def busy(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the background thread to finish; returns whether it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the background thread after its current shard (foreground runs work again after)."""
        self._stop.set()
        self.wait(timeout)
        self._stop.clear()

    def vectors(self) -> np.ndarray:  # for tests and tools: every stored row, dequantised
        parts = [np.asarray(s.vectors, dtype=np.float32) * s.scale[:, None] for s in self.store.shards()]
        return np.concatenate(parts) if parts else np.zeros((0, model.DIM), dtype=np.float32)


_STARTED: weakref.WeakSet = weakref.WeakSet()  # the layers that started a background thread
EXIT_WAIT_S = 30.0


@atexit.register
def _stop_at_exit() -> None:
    """Stop each background embedder at its next model call before the interpreter ends: a daemon thread
    still inside the model (onnxruntime) while Python tears down aborted the process (`kb rebuild`
    printed its result and then exited 134, "terminate called without an active exception")."""
    layers = list(_STARTED)
    for layer in layers:
        layer._stop.set()
    for layer in layers:
        layer.wait(EXIT_WAIT_S)


def _background_priority() -> None:
    """Lower this thread's CPU priority (Linux: a thread's own niceness; the model's threads it starts
    inherit it), so that searches and uploads of the same process are served first."""
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + BACKGROUND_NICE))
    except (AttributeError, OSError):  # another system, or not allowed: embed at the usual priority
        pass
