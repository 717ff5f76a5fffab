"""`kb ingest` embeds after indexing (a bar on a terminal, none with --json) or says in one line that
meaning search is not ready; `kb stats` says how far the meaning layer is and whether it is at work.

A stand-in model (vectors from a hash of the text) keeps these fast; one test runs the real one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys

import numpy as np
import pytest

from kb.api import KnowledgeBase
from kb.semantic import model
from kb.settings import load_settings

NOT_READY = "meaning search is not ready: {} of {} documents embedded; {}"


class HashModel:
    """model.Embedder's interface, with vectors from a hash of the text."""

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(model.DIM).astype(np.float32)
        return v / np.linalg.norm(v)

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, model.DIM), np.float32)

    def query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture
def fresh(run_cli, tmp_path, monkeypatch):
    """run_cli on an empty index with a corpus of two short notes, the meaning layer on (stand-in model)."""
    settings = load_settings(tmp_path / "fresh-index", tmp_path / "fresh-corpus")
    settings.corpus_dir.mkdir()
    for n, text in enumerate(("Die Mitglieder sprachen über Lehrstellen.", "Die Messe zeigt Maschinen.")):
        (settings.corpus_dir / f"notiz-{n}.txt").write_text(f"Notiz {n}\n\n{text}", encoding="utf-8")
    monkeypatch.setenv("KB_SEMANTIC", "on")
    monkeypatch.setattr(model, "Embedder", HashModel)
    monkeypatch.setattr(model, "_shared", None)
    monkeypatch.setattr(model, "available", lambda: True)
    # a write or a search starts embedding what waits in a background thread: run in-process, the
    # threads of one command would outlive it and embed behind the next (a real `kb` exits)
    monkeypatch.setattr(KnowledgeBase, "embed_in_background", lambda self: None)
    return functools.partial(run_cli, settings=settings), settings


def _stats(run) -> dict:
    return json.loads(run("stats", "--json").out)


def test_ingest_embeds_after_indexing_and_says_so(fresh):
    run, _ = fresh
    result = run("ingest")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["2 files: 2 indexed", "2 of 2 documents searchable by meaning"]
    assert result.err == ""  # no bar off a terminal
    stats = _stats(run)
    assert (stats["embedded"], stats["embedding_pending"], stats["embedding_now"]) == (2, 0, False)


def test_ingest_no_embed_says_plainly_that_meaning_is_not_ready(fresh):
    run, settings = fresh
    result = run("ingest", "--no-embed")
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["2 files: 2 indexed", NOT_READY.format(0, 2, "run `kb embed`")]
    assert _stats(run)["embedding_pending"] == 2
    shown = run("stats").out
    assert "by meaning" in shown and "of 2 documents (2 waiting;" in shown
    assert run("embed").code == 0
    (settings.corpus_dir / "notiz-2.txt").write_text("Notiz 2\n\nEin neues Protokoll.", encoding="utf-8")
    result = run("ingest")
    assert result.out.splitlines() == [
        "3 files: 1 indexed, 2 unchanged",
        "3 of 3 documents searchable by meaning",
    ]
    assert run("ingest").out.splitlines() == ["3 files: 3 unchanged"]  # nothing waits: nothing said


def test_ingest_json_prints_only_the_files_and_no_bar(fresh):
    run, _ = fresh
    result = run("ingest", "--json")
    assert result.code == 0, result.err
    assert [json.loads(line)["status"] for line in result.out.splitlines()] == ["indexed", "indexed"]
    assert result.err == ""
    assert _stats(run)["embedded"] == 2


def test_ingest_json_no_embed_says_it_on_stderr(fresh):
    run, _ = fresh
    result = run("ingest", "--json", "--no-embed")
    assert len(result.out.splitlines()) == 2 and all(json.loads(line) for line in result.out.splitlines())
    assert result.err.splitlines() == [NOT_READY.format(0, 2, "run `kb embed`")]


def test_ingest_without_the_model_says_meaning_is_not_ready(fresh, monkeypatch):
    run, _ = fresh
    monkeypatch.setattr(model, "available", lambda: False)
    result = run("ingest")
    assert result.code == 0
    assert result.out.splitlines()[-1] == NOT_READY.format(0, 2, "the embedding model is not installed")


def test_ingest_with_the_meaning_layer_off_says_nothing_of_meaning(fresh, monkeypatch):
    run, _ = fresh
    monkeypatch.setenv("KB_SEMANTIC", "off")
    result = run("ingest")
    assert result.out.splitlines() == ["2 files: 2 indexed"]
    assert "embedded" not in _stats(run)


def test_ingest_on_a_terminal_shows_a_bar_of_documents_embedded(fresh, monkeypatch):
    run, _ = fresh
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    result = run("ingest")
    assert result.code == 0
    assert "meaning: 100%" in result.err and "2/2" in result.err and "doc/s" in result.err
    assert result.out.splitlines()[-1] == "2 of 2 documents searchable by meaning"


def test_stats_says_whether_an_embedder_is_at_work(fresh):
    run, settings = fresh
    run("ingest", "--no-embed")
    from kb.semantic.store import STATUS, store_dir

    status = store_dir(settings.index_dir) / STATUS
    status.write_text(json.dumps({"pid": 1, "since": 0}))  # a live process (init) says it embeds
    assert _stats(run)["embedding_now"] is True
    assert "(2 waiting; embedding now)" in run("stats").out
    status.write_text(json.dumps({"pid": 2**22 + 1, "since": 0}))  # no such process: a killed embedder
    assert _stats(run)["embedding_now"] is False
    assert "nothing is embedding them: run `kb embed`" in run("stats").out


@pytest.mark.slow
@pytest.mark.skipif(not model.available(), reason="no embedding model installed")
def test_ingest_with_the_real_model_embeds_every_note(run_cli, tmp_path, monkeypatch):
    settings = load_settings(tmp_path / "fresh-index", tmp_path / "fresh-corpus")
    settings.corpus_dir.mkdir()
    for name, text in (
        ("bienen", "Imkerei\n\nUnsere Honigbienen sammeln Nektar im Schulgarten."),
        ("messe", "Kunststoffmesse\n\nDie Messe zeigt neue Maschinen für die Kunststoffverarbeitung."),
        ("vorstand", "Vorstandssitzung\n\nDer Vorstand beschließt den Haushalt für das kommende Jahr."),
    ):
        (settings.corpus_dir / f"{name}.txt").write_text(text, encoding="utf-8")
    monkeypatch.setenv("KB_SEMANTIC", "on")
    run = functools.partial(run_cli, settings=settings)
    result = run("ingest")
    assert result.out.splitlines() == ["3 files: 3 indexed", "3 of 3 documents searchable by meaning"]
    stats = _stats(run)
    assert (stats["embedded"], stats["embedding_pending"]) == (3, 0)
