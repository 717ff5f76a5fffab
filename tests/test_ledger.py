"""checksums() reads the id/checksum/source column, not the stored texts, and agrees with them."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import doc, empty_kb


def stored(kb) -> dict[str, tuple[str, str]]:
    reader = kb.session().searcher.reader()
    return {f["id"]: (f["checksum"], f["source"]) for _, f in reader.iter_docs()}


def test_checksums_follow_writes_replacements_and_deletions(tmp_path):
    kb = empty_kb(tmp_path)
    assert kb.checksums() == {}
    docs = [doc(f"d{i}", f"Text {i}", checksum=f"c{i}") for i in range(6)]
    kb.write(docs[:3])
    kb.write(docs[3:])
    kb.write([replace(docs[1], checksum="changed", source="moved/d1.txt")])
    kb.remove(["d4"])
    expected = {f"d{i}": (f"c{i}", f"synthetic/d{i}.txt") for i in (0, 2, 3, 5)}
    expected["d1"] = ("changed", "moved/d1.txt")
    assert kb.checksums() == expected
    assert kb.checksums() == stored(kb)
    kb.close()


def test_a_segment_without_the_columns_keeps_the_others_aligned(tmp_path):
    """A multi-segment reader skips segments lacking a column: rows are read per segment instead."""
    from kb.models import SearchRequest
    from kb.whoosh_backend.index import writer

    kb = empty_kb(tmp_path)
    with writer(kb._ix) as w:  # by hand: no facet row, no ledger entry
        w.add_document(id="bare", text="ohne Spalten")
    kb.write([doc("full", "mit Spalten", language="da", checksum="c1")])
    assert kb.checksums() == {"bare": ("", ""), "full": ("c1", "synthetic/full.txt")}
    languages = {v.value: v.count for v in kb.search(SearchRequest()).facet("language").values}
    assert languages == {"da": 1}
    (hit,) = kb.search(SearchRequest("Spalten", languages=("da",))).hits
    assert hit.id == "full"
    kb.close()
