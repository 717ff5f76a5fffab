"""The background embedder stays out of the way (issue 22): the store says which process embeds, a
session's vector index takes in new shards at most every REBUILD_S seconds while one does, a stop waits
for one model call and keeps whole documents, and the background thread runs at a lower priority."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from kb.semantic import channel, embedder, model
from kb.semantic.channel import SessionMeaning
from kb.semantic.store import STATUS, VectorStore


def _rows(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, model.DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_store_says_which_live_process_embeds(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "s", "test-model", {})
    assert store.embedder() is None
    store.mark_embedding(True)
    assert store.embedder()["pid"] == os.getpid()
    store.mark_embedding(False)
    assert store.embedder() is None and not (store.folder / STATUS).exists()
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (store.folder / STATUS).write_text(json.dumps({"pid": int(gone.stdout), "since": 0}))
    assert store.embedder() is None  # killed while embedding: its file names a process that is gone
    (store.folder / STATUS).write_text("{half")
    assert store.embedder() is None


def test_new_shards_are_taken_in_at_most_every_rebuild_s_while_an_embedder_works(tmp_path, monkeypatch):
    store = VectorStore(tmp_path / "s", "test-model", {})
    store.write_shard(["a"], ["k"], _rows(1, 1))
    meaning = SessionMeaning(SimpleNamespace(store=store), lambda: ["a", "b", "c"])
    first = meaning.index()
    assert first.embedded.tolist() == [True, False, False]

    store.mark_embedding(True)  # an embedder adds shards
    store.write_shard(["b"], ["k"], _rows(1, 2))
    assert meaning.index() is first  # not rebuilt for every new shard
    monkeypatch.setattr(channel, "REBUILD_S", 0.0)  # ... until REBUILD_S has passed
    second = meaning.index()
    assert second is not first and second.embedded.tolist() == [True, True, False]

    monkeypatch.setattr(channel, "REBUILD_S", 3600.0)
    store.write_shard(["c"], ["k"], _rows(1, 3))
    assert meaning.index() is second
    store.mark_embedding(False)  # nobody embeds: the last shard is taken in at once
    assert meaning.index().embedded.tolist() == [True, True, True]


class _Held:
    """A stand-in model: each call waits until the test lets it go."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Semaphore(0)
        self.go = threading.Semaphore(0)

    def passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.entered.release()
        self.go.acquire(timeout=30)
        return _rows(len(texts), len(self.calls))


def test_a_stop_waits_for_one_model_call_and_writes_the_whole_documents_done(tmp_path: Path) -> None:
    layer = embedder.SemanticLayer.__new__(embedder.SemanticLayer)  # its embedding part alone
    layer.store = VectorStore(tmp_path / "s", "test-model", {})
    layer._stop = threading.Event()
    layer._foreground = False  # the background thread's calls of EMBED_CHUNK rows
    held = layer._given = _Held()
    ids = ["a"] * 3 + ["b"] * 3 + ["c"] * 3  # three documents of three rows: calls of EMBED_CHUNK = 4
    texts = [f"{d}{n}" for n, d in enumerate(ids)]
    written: list[int] = []
    worker = threading.Thread(
        target=lambda: written.append(layer._write(ids, ["k"] * 9, texts, [False] * 9)), daemon=True
    )
    worker.start()
    assert held.entered.acquire(timeout=10)  # rows 0-3 (a, a, a, b)
    held.go.release()
    assert held.entered.acquire(timeout=10)  # rows 4-7
    layer._stop.set()  # stop() while the second call runs
    held.go.release()
    worker.join(10)
    assert len(held.calls) == 2  # the third call was never made
    assert written == [2]  # a and b are whole; c had only two of its rows
    (shard,) = layer.store.shards()
    assert shard.ids == ["a"] * 3 + ["b"] * 3


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own niceness is Linux's")
def test_the_background_thread_runs_at_a_lower_priority() -> None:
    seen: list[int] = []

    def probe() -> None:
        embedder._background_priority()
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen == [min(19, mine + embedder.BACKGROUND_NICE)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # requests keep theirs


class _Counting:
    """A stand-in model that remembers how many rows each call had."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def passages(self, texts: list[str]) -> np.ndarray:
        self.sizes.append(len(texts))
        return _rows(len(texts), len(self.sizes))


@pytest.mark.parametrize(
    ("foreground", "sizes"),
    [(False, [embedder.EMBED_CHUNK] * 4), (True, [embedder.FOREGROUND_CHUNK])],
)
def test_a_command_embeds_in_bigger_calls_than_the_background_thread(tmp_path, foreground, sizes):
    """`kb embed` and `kb ingest` wait for the embedding: one call per shard (two batches side by side
    on both cores); the background thread calls the model for a few rows at a time, so a stop or a
    request never waits long."""
    layer = embedder.SemanticLayer.__new__(embedder.SemanticLayer)
    layer.store = VectorStore(tmp_path / "s", "test-model", {})
    layer._stop = threading.Event()
    layer._foreground = foreground
    counting = layer._given = _Counting()
    ids = [f"d{n // 2}" for n in range(16)]
    assert layer._write(ids, ["k"] * 16, [f"t{n}" for n in range(16)], [False] * 16) == 8
    assert counting.sizes == sizes
    assert embedder.FOREGROUND_THREADS == 2 and embedder.EMBED_THREADS == 1
