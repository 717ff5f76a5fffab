"""A change the disk refuses loses nothing: the `kb` command runs with files limited to a size it cannot
write (RLIMIT_FSIZE, as a full disk would refuse it), says so in one line, and leaves corpus/ and the
index as they were, so that `kb check` finds them in agreement."""

from __future__ import annotations

from tests.conftest import kb_process

D004 = "documents/004_a376ae4560a2eac7"


def test_a_removal_the_index_cannot_write_leaves_the_file_in_place(run_cli, settings):
    assert run_cli("ingest").code == 0
    original = settings.corpus_dir / f"{D004}.txt"
    before = original.read_bytes(), original.with_name(f"{original.name}.meta.json").read_bytes()
    done = kb_process(settings, "remove", D004, file_limit=0)
    assert done.returncode == 1
    # the record of the deletion in corpus/.deleted/ is written first: the line names it
    assert (
        done.stderr
        == f"kb: error: cannot write {settings.corpus_dir}/.deleted/.deletions.jsonl: File too large\n"
    )
    assert (original.read_bytes(), original.with_name(f"{original.name}.meta.json").read_bytes()) == before
    checked = run_cli("check")
    assert (checked.code, checked.out) == (0, "index matches the corpus\n")
    assert run_cli("show", "--json", D004).json["id"] == D004


def test_a_rebuild_the_disk_refuses_leaves_the_index_and_no_folder_behind(run_cli, settings):
    assert run_cli("ingest").code == 0
    done = kb_process(settings, "rebuild", "--yes", file_limit=0)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("kb: error: cannot write the index at ")
    after = kb_process(settings, "stats")
    assert (after.returncode, after.stderr) == (0, "")  # no word about a folder a rebuild left
    assert [p.name for p in settings.index_dir.parent.iterdir() if ".building-" in p.name] == []
    checked = run_cli("check")
    assert (checked.code, checked.out) == (0, "index matches the corpus\n")
