"""The benchmark's query mix and its docs/benchmarks.md block (no index: these are quick)."""

from __future__ import annotations

import random
import string
from pathlib import Path

from bench import corpus, queries, report


def _records(tmp_path: Path) -> list[corpus.Record]:
    """Documents of made-up words (enough distinct ones for every class), with the corpus' metadata."""
    rng = random.Random(0)
    base = corpus.select(200, seed=3, data_dir=tmp_path / "no-data")

    def sentence() -> str:
        words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))) for _ in range(12)]
        return " ".join(words).capitalize() + "."

    return [corpus.Record(**{**r.__dict__, "text": " ".join(sentence() for _ in range(5))}) for r in base]


def test_every_class_gets_distinct_queries_that_differ_between_seeds(tmp_path: Path) -> None:
    records = _records(tmp_path)
    a = queries.make_queries(records, 8, seed=1)
    b = queries.make_queries(records, 8, seed=2)
    assert set(queries.CLASSES) <= set(a)
    texts = [q["text"].casefold() for cls, qs in a.items() if cls != "browse-all" for q in qs]
    assert len(texts) == len(set(texts)), "a query text repeats within one run"
    assert a != b
    assert a == queries.make_queries(records, 8, seed=1)


def test_query_shapes_follow_their_class(tmp_path: Path) -> None:
    qs = queries.make_queries(_records(tmp_path), 10, seed=5)
    assert all(q["text"].endswith("*") and len(q["text"]) == queries.PREFIX_LETTERS + 1 for q in qs["prefix"])
    assert all(q["text"].startswith('"') and q["text"].count(" ") == 1 for q in qs["phrase"])
    assert all(q["text"].endswith("?") and len(q["text"].split()) >= 6 for q in qs["question"])
    assert all(len(q["text"].split()) == 2 for q in qs["two-words"])
    for n in (1, 2, 3):
        assert all(len(q["filters"]) == n for q in qs[f"filter-{n}"])
    assert all(q["text"] == "" for q in qs["browse-all"])


def test_semantic_classes_reuse_their_lexical_kind() -> None:
    assert queries.base_class("question+semantic") == "question"
    assert queries.is_semantic("question+semantic") and not queries.is_semantic("question")
    assert all(queries.base_class(c) in queries.LEXICAL_CLASSES for c in queries.SEMANTIC_CLASSES)


def test_the_benchmark_block_is_replaced_between_its_markers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\nbefore\n", encoding="utf-8")
    report.write_block(readme, "figures one")
    report.write_block(readme, "figures two")
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# x\n\nbefore\n")
    assert "figures two" in text and "figures one" not in text
    assert text.count(report.BEGIN) == 1 and text.count(report.END) == 1
