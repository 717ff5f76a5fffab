"""What a command says of the files it indexes when it finds no index (hunt finding 9): `kb stats` or
`kb search` on a new --index index the corpus first, and say each file's problem in one line as
`kb ingest` does (no raw log lines), then one line naming the new index, and exit 1 when a file failed;
a rebuild says a file's failure once."""

from __future__ import annotations

import dataclasses

EMPTY = "failed: documents/empty.txt: empty file (0 bytes)"


def test_stats_on_a_new_index_says_each_failed_file_once_and_exits_1(run_kb, settings):
    (settings.corpus_dir / "documents" / "empty.txt").write_bytes(b"")
    result = run_kb("stats", "--json")
    assert result.code == 1
    assert result.json["documents"] == 5
    assert result.err.splitlines() == [
        EMPTY,
        f"new index at {settings.index_dir} built from {settings.corpus_dir}: 6 files: 1 failed, 5 indexed",
    ]
    again = run_kb("stats", "--json")  # the index is there now: nothing is indexed, nothing said
    assert (again.code, again.err) == (0, "")


def test_a_search_in_a_mistyped_index_folder_names_the_new_index_after_its_problems(
    run_kb, settings, tmp_path
):
    (settings.corpus_dir / "documents" / "x.txt").write_text("Kunststoff.", encoding="utf-8")
    (settings.corpus_dir / "documents" / "x.txt.meta.json").write_text(
        '{"regoin": "Emsland"}', encoding="utf-8"
    )
    elsewhere = dataclasses.replace(settings, index_dir=tmp_path / "no" / "such" / "index")
    result = run_kb("search", "--json", "Kunststoff", settings=elsewhere)
    assert result.code == 0 and result.json["total"] > 0
    assert result.err.splitlines() == [
        "warning: documents/x.txt: x.txt.meta.json: unknown key 'regoin' ignored (did you mean 'regions'?)",
        f"new index at {elsewhere.index_dir} built from {settings.corpus_dir}: 6 files: 6 indexed",
    ]


def test_a_rebuild_says_a_files_failure_once(run_kb, settings):
    (settings.corpus_dir / "documents" / "g.txt").write_text("Gamma Rotmilan.", encoding="utf-8")
    assert run_kb("ingest", "--no-embed").code == 0
    (settings.corpus_dir / "documents" / "g.txt").write_bytes(b"")  # changed just now: read again after
    result = run_kb("rebuild", "--yes")
    assert result.code == 1
    assert "WARNING" not in result.err
    assert result.err.splitlines().count(EMPTY.replace("empty.txt", "g.txt")) == 1
