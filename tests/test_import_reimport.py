"""Re-importing a changed outside file keeps what a coordinator confirmed for it in the archive.

`kb ingest FOLDER` copies an outside folder to corpus/imports/NAME/. When a file there changed since, the
earlier copy (and its metadata file) moves to corpus/.deleted/ byte for byte, and the new copy keeps the
confirmed metadata of the document it replaces (same id, same corpus path): the corpus's metadata wins
field by field over the file's own FILE.meta.json outside; fields only the outside one has are taken.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.service import open_knowledge_base, read_audit, update_metadata
from tests.conftest import kb_process

# 2-5 s each (several in-process ingests with their reader processes): the slow tier, so `make test`
# stays about two minutes
pytestmark = pytest.mark.slow

OLD_TEXT = "Protokoll des Netzwerktreffens über Kunststoff und Ausbildung, Kennung altwort.\n"
NEW_TEXT = "Protokoll des Netzwerktreffens über Kunststoff und Recycling, Kennung neuwort.\n"


def first_import(run_cli, tmp_path: Path, own_meta: dict | None = None) -> tuple[Path, str]:
    assert run_cli("ingest").code == 0  # the seed corpus: `kb check` compares all of corpus/
    memo = tmp_path / "outside" / "Protokolle" / "treffen.txt"
    memo.parent.mkdir(parents=True)
    memo.write_text(OLD_TEXT, encoding="utf-8")
    if own_meta is not None:
        Path(f"{memo}.meta.json").write_text(json.dumps(own_meta), encoding="utf-8")
    line = run_cli("ingest", "--json", memo.parent).json
    assert (line["status"], line["source"]) == ("indexed", "imports/Protokolle/treffen.txt"), line
    return memo, line["id"]


def trashed(settings) -> dict[str, bytes]:
    trash = settings.corpus_dir / ".deleted"
    return {p.name: p.read_bytes() for p in trash.rglob("*") if p.is_file()} if trash.exists() else {}


def test_a_changed_outside_file_keeps_the_coordinators_metadata_and_the_old_copy_is_kept(
    run_cli, settings, tmp_path
):
    memo, doc_id = first_import(run_cli, tmp_path)
    edited = run_cli("edit", doc_id, "--title", "Bestätigter Titel", "--network", "Plastindustrien")
    assert edited.code == 0, edited.err
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt"
    confirmed = Path(f"{stored}.meta.json").read_bytes()

    memo.write_text(NEW_TEXT, encoding="utf-8")  # the outside file changes
    again = run_cli("ingest", "--json", memo.parent, "--user", "erik")
    assert again.code == 0, again.err
    assert [(o["status"], o["id"]) for o in again.lines] == [("updated", doc_id)]

    doc = run_cli("show", "--json", doc_id).json
    assert (doc["title"], doc["networks"]) == ("Bestätigter Titel", ["Plastindustrien"])
    assert "neuwort" in doc["text"]
    assert stored.read_text(encoding="utf-8") == NEW_TEXT
    assert Path(f"{stored}.meta.json").read_bytes() == confirmed
    assert trashed(settings) == {"treffen.txt": OLD_TEXT.encode(), "treffen.txt.meta.json": confirmed}
    entry = next(e for e in read_audit(settings) if e["action"] == "reimport")
    assert (entry["user"], entry["id"]) == ("erik", doc_id)
    assert entry["details"]["kept"] == ["networks", "title"]
    assert entry["details"]["old_copy"].startswith(str(settings.corpus_dir / ".deleted"))
    assert run_cli("check").code == 0  # the index holds what corpus/ holds, metadata included
    hits = run_cli("search", "--json", "neuwort", "--no-fuzzy").json["hits"]
    assert [(h["id"], h["title"]) for h in hits] == [(doc_id, "Bestätigter Titel")]


def test_the_coordinators_edit_wins_over_the_outside_metadata_file_and_its_new_fields_are_taken(
    run_cli, settings, tmp_path
):
    memo, doc_id = first_import(run_cli, tmp_path, {"title": "Eigener Titel", "date": "2019-05-02"})
    assert run_cli("edit", doc_id, "--title", "Titel des Koordinators").code == 0
    memo.write_text(NEW_TEXT, encoding="utf-8")
    own = {"title": "Neuer eigener Titel", "date": "2019-05-02", "topics": ["recycling"]}
    Path(f"{memo}.meta.json").write_text(json.dumps(own), encoding="utf-8")
    assert run_cli("ingest", memo.parent).code == 0

    doc = run_cli("show", "--json", doc_id).json
    assert (doc["title"], doc["date"], doc["topics"]) == (
        "Titel des Koordinators",
        "2019-05-02",
        ["recycling"],
    )
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt.meta.json"
    assert json.loads(stored.read_text(encoding="utf-8")) == {
        "title": "Titel des Koordinators",
        "date": "2019-05-02",
        "topics": ["recycling"],
    }
    assert run_cli("check").code == 0


def test_a_changed_file_without_corrections_is_stored_with_its_own_metadata_file(run_cli, settings, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path, {"title": "Eigener Titel"})
    memo.write_text(NEW_TEXT, encoding="utf-8")
    assert run_cli("ingest", memo.parent).code == 0
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt.meta.json"
    assert stored.read_bytes() == Path(f"{memo}.meta.json").read_bytes()
    assert run_cli("show", "--json", doc_id).json["title"] == "Eigener Titel"
    assert trashed(settings)["treffen.txt"] == OLD_TEXT.encode()


def test_a_damaged_metadata_file_in_the_corpus_refuses_the_reimport_and_changes_nothing(
    run_cli, settings, tmp_path
):
    memo, doc_id = first_import(run_cli, tmp_path)
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt"
    Path(f"{stored}.meta.json").write_text('{"title": "Von Hand",}', encoding="utf-8")  # a trailing comma
    memo.write_text(NEW_TEXT, encoding="utf-8")
    result = run_cli("ingest", memo.parent)
    assert result.code == 1
    (line,) = [x for x in result.err.splitlines() if x.startswith("failed:")]
    assert f"{stored}.meta.json: the metadata file is not valid JSON" in line
    assert line.endswith("(not imported)")
    assert stored.read_text(encoding="utf-8") == OLD_TEXT
    assert Path(f"{stored}.meta.json").read_text(encoding="utf-8") == '{"title": "Von Hand",}'
    assert trashed(settings) == {}


@pytest.mark.slow  # several kb commands, 4 s: make test stays under 2 minutes
def test_a_field_the_coordinator_emptied_stays_empty_through_every_reimport(run_cli, settings, tmp_path):
    own = {
        "title": "Eigener Titel",
        "date": "2019-05-02",
        "networks": ["Plastindustrien"],
        "topics": ["recycling"],
    }
    memo, doc_id = first_import(run_cli, tmp_path, own)
    kb = open_knowledge_base(settings)  # the app's edit form: every network, topic and the date removed
    update_metadata(kb, settings, doc_id, {"networks": [], "topics": [], "date": None}, "anna")
    emptied = ("Eigener Titel", None, [], [])
    assert shown(run_cli, doc_id) == emptied
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt.meta.json"
    confirmed = stored.read_bytes()

    assert run_cli("ingest", memo.parent).code == 0  # the same file again
    assert shown(run_cli, doc_id) == emptied
    memo.write_text(NEW_TEXT, encoding="utf-8")  # the file changes; its text names the topic recycling
    assert run_cli("ingest", memo.parent).code == 0
    assert shown(run_cli, doc_id) == emptied
    assert stored.read_bytes() == confirmed
    assert run_cli("rebuild", "--yes").code == 0
    assert shown(run_cli, doc_id) == emptied
    assert run_cli("check").code == 0


@pytest.mark.slow  # several kb commands, 3.5 s: make test stays under 2 minutes
def test_kb_edit_clear_empties_a_field_and_a_reimport_keeps_it_empty(run_cli, settings, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path, {"networks": ["Plastindustrien"], "topics": ["recycling"]})
    result = run_cli("edit", doc_id, "--clear", "topic", "--clear", "network", "--title", "Neu")
    assert result.code == 0, result.err
    assert shown(run_cli, doc_id)[::2] == ("Neu", [])
    assert shown(run_cli, doc_id)[3] == []
    memo.write_text(NEW_TEXT, encoding="utf-8")
    assert run_cli("ingest", memo.parent).code == 0
    assert shown(run_cli, doc_id)[::2] == ("Neu", [])
    assert shown(run_cli, doc_id)[3] == []
    assert run_cli("edit", doc_id, "--topic", "recycling").code == 0  # a value again after emptying
    assert shown(run_cli, doc_id)[3] == ["recycling"]


def shown(run_cli, doc_id: str) -> tuple:
    doc = run_cli("show", "--json", doc_id).json
    return doc["title"], doc["date"], doc["networks"], doc["topics"]


def test_kb_edit_clear_with_a_value_of_the_same_field_is_a_usage_error_and_changes_nothing(run_cli, settings):
    assert run_cli("ingest").code == 0
    sidecar = settings.corpus_dir / "documents" / "002_b763ae3e545d7f37.txt.meta.json"
    before = sidecar.read_bytes()
    result = run_cli("edit", "documents/002_b763ae3e545d7f37", "--clear", "topic", "--topic", "recycling")
    assert (result.code, result.out) == (2, "")
    assert result.err == "kb: error: --clear topic and --topic contradict each other: give one of them\n"
    assert sidecar.read_bytes() == before
    assert read_audit(settings) == []


def test_a_new_date_wins_over_a_confirmed_year(run_cli, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path, {"year": 2019})
    assert run_cli("edit", doc_id, "--date", "3. März 2021").code == 0
    doc = run_cli("show", "--json", doc_id).json
    assert (doc["date"], doc["year"]) == ("2021-03-03", 2021)


def test_emptying_the_date_also_drops_a_confirmed_year(run_cli, settings, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path, {"year": 2019})
    assert shown(run_cli, doc_id)[1] == "2019"
    assert run_cli("edit", doc_id, "--clear", "date").code == 0
    doc = run_cli("show", "--json", doc_id).json
    assert (doc["date"], doc["year"]) == (None, None)
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt.meta.json"
    assert json.loads(stored.read_text(encoding="utf-8")) == {"date": None}


def test_a_date_the_coordinator_set_wins_over_a_year_the_outside_file_brings(run_cli, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path, {"year": 2019, "title": "Eigener Titel"})
    assert run_cli("edit", doc_id, "--date", "2021-03-03").code == 0
    memo.write_text(NEW_TEXT, encoding="utf-8")
    assert run_cli("ingest", memo.parent).code == 0
    doc = run_cli("show", "--json", doc_id).json
    assert (doc["title"], doc["date"], doc["year"]) == ("Eigener Titel", "2021-03-03", 2021)


def test_an_edit_of_the_date_wins_over_a_year_in_front_matter(run_cli, settings):
    note = settings.corpus_dir / "documents" / "notiz.md"
    note.write_text("---\nyear: 2019\ntopics: [recycling]\n---\n# Notiz\n\nKunststoff und Recycling.\n")
    assert run_cli("ingest", note).code == 0
    assert run_cli("edit", "documents/notiz.md", "--date", "2021-03-03").code == 0
    doc = run_cli("show", "--json", "documents/notiz.md").json
    assert (doc["date"], doc["year"], doc["topics"]) == ("2021-03-03", 2021, ["recycling"])
    assert run_cli("edit", "documents/notiz.md", "--clear", "date", "--clear", "topic").code == 0
    doc = run_cli("show", "--json", "documents/notiz.md").json
    assert (doc["date"], doc["year"], doc["topics"]) == (None, None, [])
    assert run_cli("rebuild", "--yes").code == 0
    doc = run_cli("show", "--json", "documents/notiz.md").json
    assert (doc["date"], doc["year"], doc["topics"]) == (None, None, [])


@pytest.mark.fault  # a real process under a file-size limit, reading a 2.5 MB file: 10 s
def test_a_reimport_that_cannot_write_the_new_copy_keeps_the_old_one_in_place(run_cli, settings, tmp_path):
    memo, doc_id = first_import(run_cli, tmp_path)
    stored = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt"
    words = " ".join(f"wort{n}" for n in range(250_000))  # about 2.5 MB
    memo.write_text(f"{NEW_TEXT}{words}\n", encoding="utf-8")

    # files may grow to 1 MB: the new copy cannot be written (EFBIG)
    done = kb_process(settings, "ingest", "--no-embed", str(memo.parent), file_limit=1024 * 1024)
    assert done.returncode == 1, done.stderr
    assert "cannot store the file in the corpus" in done.stderr
    assert stored.read_text(encoding="utf-8") == OLD_TEXT  # the archive keeps the copy it had
    assert run_cli("check").code == 0
    assert "altwort" in run_cli("show", "--json", doc_id).json["text"]


@pytest.mark.slow  # several kb commands over the seed corpus: more than 2 s
def test_a_deleted_import_stays_deleted_when_its_folder_is_ingested_again(run_cli, settings, tmp_path):
    """A deletion is a decision: a folder ingested again (a nightly sync) does not undo it; the file
    named by itself is imported again, and the audit log says it was brought back."""
    memo, doc_id = first_import(run_cli, tmp_path)
    assert run_cli("remove", doc_id, "--user", "anna").code == 0
    before = sorted(p.relative_to(settings.corpus_dir) for p in settings.corpus_dir.rglob("*"))

    again = run_cli("ingest", "--json", memo.parent)
    assert again.code == 0, again.err
    (line,) = again.lines
    day = read_audit(settings)[0]["at"][:10]
    assert line == {
        "source": str(memo.parent / "treffen.txt"),
        "status": "skipped",
        "id": None,
        "message": f"{memo}: deleted from the archive by anna on {day}; "
        f"`kb ingest {memo}` (the file by itself) imports it again",
        "warnings": [],
    }
    assert sorted(p.relative_to(settings.corpus_dir) for p in settings.corpus_dir.rglob("*")) == before
    assert run_cli("show", doc_id).code == 1

    back = run_cli("ingest", "--json", memo, "--user", "erik").json
    assert (back["status"], back["id"]) == ("indexed", doc_id)
    entry = next(e for e in read_audit(settings) if e["action"] == "restore")
    assert (entry["user"], entry["id"], entry["details"]["source"]) == (
        "erik",
        doc_id,
        "imports/Protokolle/treffen.txt",
    )
    assert [o["status"] for o in run_cli("ingest", "--json", memo.parent).lines] == ["unchanged"]


@pytest.mark.parametrize("first", [["Protokolle"], ["Archiv"]])
def test_a_folder_and_a_folder_inside_it_import_each_file_to_one_place_whichever_comes_first(
    run_cli, tmp_path, first
):
    outside = tmp_path / "outside" / "Archiv"
    memo = outside / "Protokolle" / "treffen.txt"
    memo.parent.mkdir(parents=True)
    memo.write_text(OLD_TEXT, encoding="utf-8")
    folders = {"Archiv": outside, "Protokolle": memo.parent}
    assert run_cli("ingest", "--no-embed", *(folders[f] for f in first)).code == 0
    memo.write_text(NEW_TEXT, encoding="utf-8")  # then changed, and its folder given the other way
    again = [f for f in folders if f not in first]
    lines = run_cli("ingest", "--json", "--no-embed", *(folders[f] for f in again)).lines
    assert [line["status"] for line in lines] == ["updated"], lines  # not a second copy beside the first
    hits = run_cli("search", "--json", "Netzwerktreffens").json["hits"]
    assert [hit["snippet"].count("neuwort") for hit in hits] == [1]  # the old version is no document
