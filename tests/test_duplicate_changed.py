"""A corpus file changed to the bytes of another document (hunt finding 3): its old text leaves the index,
the file is reported as a duplicate of that document in one line, and `kb check` agrees. An index left
holding the old text (by an earlier version) is mended by `kb check --repair`."""

from __future__ import annotations

A_TEXT = "Alpha Seeadler Text über Kunststoff.\n"
B_TEXT = "Beta Fischotter Text über Kunststoff.\n"


def _two_files(run_cli, settings):
    folder = settings.corpus_dir / "documents"
    (folder / "a.txt").write_text(A_TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(B_TEXT, encoding="utf-8")
    assert run_cli("ingest", "--no-embed").code == 0
    (folder / "a.txt").write_text(B_TEXT, encoding="utf-8")  # a.txt now holds b's bytes


def test_the_changed_files_old_text_leaves_the_index_and_the_file_is_one_duplicate_line(run_cli, settings):
    _two_files(run_cli, settings)
    result = run_cli("ingest", "--no-embed")
    assert result.code == 0
    assert result.err == (
        "duplicate: documents/a.txt: the same bytes as document documents/b; its earlier text "
        "(documents/a) left the index\n"
    )
    assert result.out.splitlines()[0] == "7 files: 1 duplicate, 6 unchanged"
    assert run_cli("search", "--json", "Seeadler").json["total"] == 0
    assert run_cli("show", "documents/a").code == 1
    assert run_cli("search", "--json", "Fischotter").json["hits"][0]["id"] == "documents/b"
    check = run_cli("check")
    assert (check.code, check.out) == (0, "index matches the corpus\n")


def test_a_repair_removes_the_old_text_of_a_file_now_a_duplicate(run_cli, settings):
    _two_files(run_cli, settings)
    assert run_cli("check").out == "stale: documents/a\ndifferences remain\n"
    repaired = run_cli("check", "--repair")
    assert (repaired.code, repaired.out, repaired.err) == (0, "stale: documents/a\nrepaired\n", "")
    assert run_cli("search", "--json", "Seeadler").json["total"] == 0
    assert run_cli("check").code == 0


def test_a_copy_of_the_old_text_elsewhere_takes_the_documents_place(run_cli, settings):
    folder = settings.corpus_dir / "documents"
    (folder / "c.txt").write_text(A_TEXT, encoding="utf-8")  # a duplicate of a.txt until a.txt changes
    _two_files(run_cli, settings)
    result = run_cli("ingest", "--no-embed", "--json")
    statuses = {o["source"]: (o["status"], o["id"]) for o in result.lines if o["status"] != "unchanged"}
    assert statuses == {
        "documents/a.txt": ("duplicate", "documents/b"),
        "documents/c.txt": ("indexed", "documents/c"),
    }
    assert [h["id"] for h in run_cli("search", "--json", "Seeadler").json["hits"]] == ["documents/c"]
    assert run_cli("check").code == 0


def test_an_outside_file_changed_to_another_documents_bytes_keeps_its_archived_copy(
    run_cli, settings, tmp_path
):
    outside = tmp_path / "Notizen"
    outside.mkdir()
    (outside / "a.txt").write_text(A_TEXT, encoding="utf-8")
    (settings.corpus_dir / "documents" / "b.txt").write_text(B_TEXT, encoding="utf-8")
    assert run_cli("ingest", "--no-embed").code == 0
    assert run_cli("ingest", "--no-embed", outside).code == 0
    (outside / "a.txt").write_text(B_TEXT, encoding="utf-8")
    result = run_cli("ingest", "--no-embed", "--json", outside)
    (line,) = result.lines
    assert (line["status"], line["id"]) == ("duplicate", "documents/b")
    assert "left the index" not in line["message"]  # the archived copy still holds the old text
    assert run_cli("search", "--json", "Seeadler").json["total"] == 1
    assert run_cli("check").code == 0


def test_a_repair_puts_a_copy_of_the_old_text_in_the_documents_place(run_cli, settings):
    folder = settings.corpus_dir / "documents"
    (folder / "z.txt").write_text(A_TEXT, encoding="utf-8")  # a duplicate of a.txt so far
    _two_files(run_cli, settings)
    repaired = run_cli("check", "--repair")
    assert repaired.code == 0, repaired.err
    assert [h["id"] for h in run_cli("search", "--json", "Seeadler").json["hits"]] == ["documents/z"]
    assert run_cli("check").code == 0
