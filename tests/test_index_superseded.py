"""A reader opened before another writer's merge keeps reading: replaced segment files stay a while."""

from __future__ import annotations

import json

from kb.api import KnowledgeBase
from kb.whoosh_backend import superseded
from kb.whoosh_backend.index import column_rows
from tests.conftest import doc, empty_kb


def merge_away(index_dir, corpus_dir, first_segments: set[str]) -> tuple[KnowledgeBase, list[str]]:
    """Another writer (its own KnowledgeBase, as another process would be) commits until a merge
    has replaced every segment of `first_segments`; returns it and the ids it wrote."""
    other, written = KnowledgeBase(index_dir, corpus_dir), []
    for n in range(40):
        written.append(f"later-{n}")
        other.write([doc(written[-1], f"Späterer Text {n} über Kunststoff", language="de")])
        if not first_segments & {s.segment_id() for s in other._ix._segments()}:
            return other, written
    raise AssertionError("forty commits never merged the first segments away")


def test_a_reader_opened_before_a_merge_reads_every_column_and_stored_field_after_it(tmp_path):
    kb = empty_kb(tmp_path)
    kb.write([doc("first", "Erster Text über Kunststoff", language="de", title="Erster")])
    kb.write([doc("second", "Zweiter Text über Kunststoff", language="de", title="Zweiter")])
    reader = kb.session().searcher.reader()  # opened now, read later (whoosh opens columns lazily)
    first_segments = {s.segment_id() for s in kb._ix._segments()}

    other, _ = merge_away(kb.index_dir, kb.corpus_dir, first_segments)

    ledger = [json.loads(row)[0] for row in column_rows(reader, "ledger")]
    assert sorted(ledger) == ["first", "second"]
    titles = sorted(reader.stored_fields(n)["title"] for n in range(reader.doc_count_all()))
    assert titles == ["Erster", "Zweiter"]
    noted = superseded.noted(kb.index_dir)
    assert any(name.startswith(tuple(first_segments)) for name in noted)
    other.close()
    kb.close()


def test_replaced_files_are_removed_by_the_first_commit_after_the_grace(tmp_path, monkeypatch):
    kb = empty_kb(tmp_path)
    kb.write([doc("first", "Erster Text", language="de")])
    first_segments = {s.segment_id() for s in kb._ix._segments()}
    other, written = merge_away(kb.index_dir, kb.corpus_dir, first_segments)
    old = [n for n in superseded.noted(kb.index_dir) if n.startswith(tuple(first_segments))]
    assert old and all((kb.index_dir / n).exists() for n in old)

    monkeypatch.setattr(superseded, "GRACE_S", 0.0)
    other.write([doc("last", "Letzter Text", language="de")])

    assert not any((kb.index_dir / n).exists() for n in old)
    assert not set(old) & set(superseded.noted(kb.index_dir))
    assert set(other.checksums()) == {"first", "last", *written}  # nothing current was removed
    assert [other.get(i).id for i in ("first", "last", *written)] == ["first", "last", *written]
    other.close()
    kb.close()


def test_a_damaged_note_of_replaced_files_is_started_afresh(tmp_path):
    (tmp_path / superseded.LEDGER).write_text("not json")
    (tmp_path / "MAIN_abc.seg").write_text("x")
    assert superseded.remove_replaced(tmp_path, {"MAIN_abc.seg"}, now=100.0) == set()
    assert superseded.noted(tmp_path) == {"MAIN_abc.seg": 100.0}
    assert superseded.remove_replaced(tmp_path, {"MAIN_abc.seg"}, now=100.0 + superseded.GRACE_S) == {
        "MAIN_abc.seg"
    }
    assert not (tmp_path / "MAIN_abc.seg").exists() and superseded.noted(tmp_path) == {}
