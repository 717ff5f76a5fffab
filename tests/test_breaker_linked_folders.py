"""corpus/uploads/ or corpus/imports/ made a link to another disk (a full disk moved by hand): an upload or
an import stored through it lay outside the corpus, was indexed as an outside document, and the next
`kb rebuild` (which never follows a link) dropped it. Now each such file is refused in one line saying
why, and nothing is stored through the link or indexed."""

from __future__ import annotations

import pytest

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff, {}."
WHY = "in the corpus is a link to {}, which the archive never follows (a rebuild would drop what is stored"


@pytest.fixture
def elsewhere(tmp_path):
    folder = tmp_path / "other-disk"
    folder.mkdir()
    return folder


def test_kb_add_through_a_linked_uploads_folder_is_refused_and_stores_nothing(
    run_cli, small, elsewhere, tmp_path
):
    (small.corpus_dir / "uploads").symlink_to(elsewhere)
    (tmp_path / "a.txt").write_text(TEXT.format("a"), encoding="utf-8")
    result = run_cli("add", "--json", tmp_path / "a.txt", settings=small)
    assert (result.code, result.json["status"]) == (1, "failed")
    assert result.json["message"].startswith("cannot store the file: uploads/ " + WHY.format(elsewhere))
    assert list(elsewhere.iterdir()) == []
    assert run_cli("search", "--json", "", settings=small).json["total"] == 0


def test_kb_ingest_through_a_linked_imports_folder_fails_each_file_and_stores_nothing(
    run_cli, small, elsewhere, tmp_path
):
    (small.corpus_dir / "imports").symlink_to(elsewhere)
    folder = tmp_path / "Berichte"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(TEXT.format(name), encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", folder, settings=small)
    assert result.code == 1
    assert [line["status"] for line in result.lines] == ["failed", "failed"]
    assert all(
        ": cannot store the file in the corpus: imports/ " + WHY.format(elsewhere) in line["message"]
        for line in result.lines
    )
    assert list(elsewhere.iterdir()) == []
    assert run_cli("search", "--json", "", settings=small).json["total"] == 0
