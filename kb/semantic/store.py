"""Vectors on disk beside the index: shards of int8 rows (memory-mapped), a queue of pending documents.

A folder `<index>.semantic/` holds:
- `meta.json`: the model id and the passage settings; another model empties the folder (re-embed);
- `s-<seq>.vec.npy` (int8, n × dim) and `s-<seq>.scale.npy` (float32 per row: vector ≈ int8 × scale),
  then `s-<seq>.rows.json` ([doc id, content key] per row, [doc id, content key, 1] for a document's
  title row), each written to a temporary file and
  renamed, the rows file last: a shard exists once its rows file does, so a kill leaves whole shards;
- `queue/q-*.json`: [doc id, content key] pairs written before each lexical commit and removed once
  embedded (a kill between the two leaves them for the next embedder);
- `embedding.json`: the process embedding now ({"pid", "since"}), there while it holds the embed lock
  (a killed embedder's file names a process that is gone: nobody is embedding).

For a document id, the rows of the newest shard holding it are current; rows of documents no longer in
the index are ignored and dropped when shards are compacted.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.files import atomic_write

META = "meta.json"
QUEUE = "queue"
STATUS = "embedding.json"


def store_dir(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    return index_dir.parent / f"{index_dir.name}.semantic"


@dataclass
class Shard:
    seq: int
    ids: list[str]
    keys: list[str]
    vectors: np.ndarray  # int8 memmap (n, dim)
    scale: np.ndarray  # float32 (n,)
    titles: np.ndarray  # bool (n,): the row is a document's title alone
    _rows: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)

    def rows_of(self, doc_id: str) -> list[int]:
        """A document's rows in this shard, its title row too (an index of the shard's ids, built at the
        first ask: a scan of every row cost 10 ms a document at 100k)."""
        if self._rows is None:
            rows: dict[str, list[int]] = {}
            for row, other in enumerate(self.ids):
                rows.setdefault(other, []).append(row)
            self._rows = rows
        return self._rows.get(doc_id, [])


def _npy_bytes(array: np.ndarray) -> bytes:
    import io

    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows with a float32 scale each (max |component| maps to 127)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    peak = np.abs(vectors).max(axis=1) if len(vectors) else np.zeros(0, dtype=np.float32)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    return np.round(vectors / scale[:, None]).astype(np.int8), scale


class VectorStore:
    def __init__(self, folder: Path, model_id: str, settings: dict) -> None:
        self.folder = Path(folder)
        self.meta = {"model": model_id, **settings}
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / QUEUE).mkdir(exist_ok=True)
        self._shards: dict[int, Shard] = {}
        self._current: tuple[tuple[str, ...], dict[str, tuple[int, str]]] | None = None

    # -- the model stamp --------------------------------------------------------------------------

    def check_model(self) -> bool:
        """Whether the stored vectors were made by this model and settings (empties the folder if not)."""
        path = self.folder / META
        try:
            current = json.loads(path.read_text())
        except (OSError, ValueError):
            current = None
        if current == self.meta:
            return True
        for p in self.folder.glob("s-*"):
            p.unlink(missing_ok=True)
        atomic_write(path, json.dumps(self.meta).encode())
        return current is None

    # -- the queue --------------------------------------------------------------------------------

    def enqueue(self, pairs: Iterable[tuple[str, str]]) -> Path | None:
        pairs = [list(p) for p in pairs]
        if not pairs:
            return None
        path = self.folder / QUEUE / f"q-{time.time_ns():020d}-{os.getpid()}.json"
        atomic_write(path, json.dumps(pairs).encode())
        return path

    def has_queue(self) -> bool:
        return any((self.folder / QUEUE).glob("q-*.json"))

    def queue_files(self) -> list[Path]:
        return sorted((self.folder / QUEUE).glob("q-*.json"))

    def queued(self) -> tuple[list[Path], list[tuple[str, str]]]:
        files = self.queue_files()
        pairs: list[tuple[str, str]] = []
        for f in files:
            try:
                pairs += [(str(a), str(b)) for a, b in json.loads(f.read_text())]
            except (OSError, ValueError):  # half-written files never exist (rename), but be safe
                continue
        return files, pairs

    # -- shards -----------------------------------------------------------------------------------

    def names(self) -> tuple[str, ...]:
        """The committed shards' rows files (cheap: what a reader compares to see a change)."""
        return tuple(sorted(p.name for p in self.folder.glob("s-*.rows.json")))

    def shards(self) -> list[Shard]:
        """Every committed shard, oldest first (memory-mapped, cached by sequence number)."""
        out = []
        for name in self.names():
            seq = int(name.split("-")[1].split(".")[0])
            shard = self._shards.get(seq)
            if shard is None:
                try:
                    rows = json.loads((self.folder / name).read_text())
                    vec = np.load(self.folder / f"s-{seq:08d}.vec.npy", mmap_mode="r")
                    scale = np.load(self.folder / f"s-{seq:08d}.scale.npy")
                except (OSError, ValueError):  # removed by a compaction just now
                    continue
                titles = np.fromiter((len(r) > 2 and bool(r[2]) for r in rows), dtype=bool, count=len(rows))
                shard = Shard(seq, [r[0] for r in rows], [r[1] for r in rows], vec, scale, titles)
                self._shards[seq] = shard
            out.append(shard)
        return out

    def write_shard(
        self, ids: list[str], keys: list[str], vectors: np.ndarray, titles: list[bool] | None = None
    ) -> int:
        """A new shard after all others (titles: which rows are title rows); returns its sequence number.
        Call with the embed lock held."""
        seqs = [int(p.name.split("-")[1].split(".")[0]) for p in self.folder.glob("s-*.npy")]
        seq = max(seqs, default=0) + 1
        q, scale = quantize(vectors)
        atomic_write(self.folder / f"s-{seq:08d}.vec.npy", _npy_bytes(q))
        atomic_write(self.folder / f"s-{seq:08d}.scale.npy", _npy_bytes(scale))
        flags = titles if titles is not None else [False] * len(ids)
        rows = [[i, k, 1] if t else [i, k] for i, k, t in zip(ids, keys, flags, strict=True)]
        atomic_write(self.folder / f"s-{seq:08d}.rows.json", json.dumps(rows).encode())
        return seq

    def current(self) -> dict[str, tuple[int, str]]:
        """doc id → (newest shard holding it, its content key); kept until the shards change (do not
        change the dict)."""
        names = self.names()
        if self._current is not None and self._current[0] == names:
            return self._current[1]
        latest: dict[str, tuple[int, str]] = {}
        shards = self.shards()
        for shard in shards:
            for doc_id, key in zip(shard.ids, shard.keys, strict=True):
                latest[doc_id] = (shard.seq, key)
        if tuple(f"s-{s.seq:08d}.rows.json" for s in shards) == names:  # none vanished meanwhile
            self._current = (names, latest)
        return latest

    def compact(self, live_ids: set[str], seqs: list[int] | None = None) -> None:
        """One shard with the current rows of live documents of all shards, or of the newest ones
        given by `seqs` (a suffix of the sequence). Call with the embed lock held."""
        shards = [s for s in self.shards() if seqs is None or s.seq in seqs]
        latest = self.current()
        ids, keys, titles, parts = [], [], [], []
        for shard in shards:
            keep = [i for i, d in enumerate(shard.ids) if d in live_ids and latest[d][0] == shard.seq]
            if keep:
                ids += [shard.ids[i] for i in keep]
                keys += [shard.keys[i] for i in keep]
                titles += [bool(shard.titles[i]) for i in keep]
                parts.append(np.asarray(shard.vectors[keep], dtype=np.float32) * shard.scale[keep, None])
        old = [s.seq for s in shards]
        if parts:
            self.write_shard(ids, keys, np.concatenate(parts), titles)
        for seq in old:  # rows first: a kill here leaves duplicates of current rows, never a loss
            for suffix in ("rows.json", "vec.npy", "scale.npy"):
                (self.folder / f"s-{seq:08d}.{suffix}").unlink(missing_ok=True)
            self._shards.pop(seq, None)

    def clean(self) -> None:
        """Remove vector files of shards never committed (a kill before the rows file)."""
        committed = {n.split(".")[0] for n in self.names()}
        for p in self.folder.glob("s-*.npy"):
            if p.name.split(".")[0] not in committed:
                p.unlink(missing_ok=True)
        for p in self.folder.glob(".s-*"):
            p.unlink(missing_ok=True)

    @contextmanager
    def embed_lock(self) -> Iterator[bool]:
        """The one embedder across processes: yields whether this caller holds it (never waits)."""
        with open(self.folder / "embed.lock", "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def mark_embedding(self, on: bool) -> None:
        """Say (or stop saying) that this process is embedding the store; with the embed lock held."""
        path = self.folder / STATUS
        if on:
            atomic_write(path, json.dumps({"pid": os.getpid(), "since": time.time()}).encode())
        else:
            path.unlink(missing_ok=True)

    def embedder(self) -> dict | None:
        """{"pid", "since"} of the process embedding this store now (any process), or None."""
        try:
            found = json.loads((self.folder / STATUS).read_text())
            pid = int(found["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if pid != os.getpid():
            try:
                os.kill(pid, 0)
            except ProcessLookupError:  # killed while embedding: nobody is
                return None
            except PermissionError:  # alive, another user's
                pass
        return found

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.folder.glob("s-*") if p.exists())


def share_vectors(source: Path, target: Path) -> int:
    """The meaning layer's vectors of the index `source` given to the index `target` (its store's shards
    replaced by hard links to the source's, or copies), so that two engines read the same vectors and
    none is embedded twice (eval/run.py and bench/run.py give the Solr backend the Whoosh index's);
    call it before `target` is opened. Returns the shards shared (0 when the
    source has none)."""
    src, dst = store_dir(source), store_dir(target)
    shards = sorted(src.glob("s-*.rows.json"))
    if not shards or not (src / META).exists():
        return 0
    dst.mkdir(parents=True, exist_ok=True)
    for old in dst.glob("s-*"):
        old.unlink()
    for rows in shards:
        stem = rows.name[: -len(".rows.json")]
        for suffix in (".vec.npy", ".scale.npy", ".rows.json"):  # the rows file last, as the store does
            part = src / f"{stem}{suffix}"
            try:
                os.link(part, dst / part.name)
            except FileNotFoundError:  # compacted away meanwhile (an embedder there): the rest embeds
                break
            except OSError:
                shutil.copy2(part, dst / part.name)
    shutil.copy2(src / META, dst / META)
    return len(shards)
