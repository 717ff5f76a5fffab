"""One document per file (issue 21): ids are unique for distinct files whatever their names, the same
whatever other files exist, and every file of a batch gets exactly one outcome.

Names that once made one id: report.docx/.pptx/.xlsx, Müller/Möller, Måde/Møde, 'Protokoll 1' and
'Protokoll-1', the NFC and NFD spellings of one name. Folders that once mixed: a/Berichte, b/Berichte.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from pathlib import Path

import pytest

from archive.service import check, ingest, rebuild, repair, store_upload
from ingest.pipeline import document_id
from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import SEED_IDS
from tests.office_files import docx_bytes, pptx_bytes, xlsx_bytes

NFC, NFD = unicodedata.normalize("NFC", "Mötet"), unicodedata.normalize("NFD", "Mötet")


@pytest.fixture
def kb(settings):
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    yield kb
    kb.close()


def colliding_folder(folder: Path) -> list[str]:
    """Ten files whose names made one id (three ids in all) before; their names."""
    folder.mkdir(parents=True)
    (folder / "report.docx").write_bytes(docx_bytes(title="Bericht Netzwerktreffen"))
    (folder / "report.pptx").write_bytes(pptx_bytes())
    (folder / "report.xlsx").write_bytes(xlsx_bytes())
    texts = {
        "Müller.txt": "Herr Müller berichtet über Kunststoff im Netzwerk.",
        "Möller.txt": "Frau Möller berichtet über Recycling im Werk.",
        "Måde.txt": "Måde at genanvende plast på i netværket.",
        "Møde.txt": "Møde i netværket om uddannelse og plast.",
        "Protokoll 1.txt": "Protokoll der ersten Sitzung über Extrusion.",
        "Protokoll-1.txt": "Protokoll der Vorstandssitzung über Spritzguss.",
        f"{NFC}.txt": "Mötet i nätverket om återvinning, skrivet som NFC.",
    }
    for name, text in texts.items():
        (folder / name).write_text(text)
    (folder / f"{NFD}.txt").write_text("Mötet om plast och utbildning, skrivet som NFD.")
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 11
    return names


def test_distinct_labels_have_distinct_ids():
    labels = [
        "report.docx",
        "report.pptx",
        "report.xlsx",
        "report.txt",
        "report",
        "Müller.txt",
        "Möller.txt",
        "Måde.txt",
        "Møde.txt",
        "Protokoll 1.txt",
        "Protokoll-1.txt",
        f"{NFC}.txt",
        f"{NFD}.txt",
        "report.TXT",
        "report.txt.txt",
        "a/b.txt",
        "a-b.txt",
        "a/b/c.txt",
    ]
    assert len({document_id(label) for label in labels}) == len(labels)


def test_a_plain_name_keeps_its_id_and_other_files_beside_it_change_no_id(kb, settings):
    folder = settings.corpus_dir / "notes"
    folder.mkdir()
    (folder / "memo.txt").write_text("Ein Memo über Kunststoff und Ausbildung im Netzwerk.")
    first = ingest(kb, settings, [folder])
    assert [(o.id, o.status) for o in first] == [("notes/memo", "indexed")]
    (folder / "memo.md").write_text("# Zweites Memo\n\nÜber Recycling im Werk.")
    (folder / "memo.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")  # broken: fails
    second = ingest(kb, settings, [folder])
    assert sorted((o.id, o.status) for o in second) == [
        ("notes/memo", "unchanged"),
        ("notes/memo.md", "indexed"),
        ("notes/memo.pdf", "failed"),
    ]
    assert sorted(kb.checksums()) == ["notes/memo", "notes/memo.md"]


def test_files_whose_names_made_one_id_are_each_a_document(kb, settings):
    names = colliding_folder(settings.corpus_dir / "Berichte")
    everything = ingest(kb, settings, [settings.corpus_dir])
    outcomes = [o for o in everything if o.source.startswith("Berichte/")]
    assert sorted(Path(o.source).name for o in outcomes) == names
    assert len(everything) == 11 + 5  # and the seeds
    assert {o.status for o in everything} == {"indexed"}
    assert len({o.id for o in everything}) == 16
    assert sorted(kb.checksums()) == sorted(o.id for o in everything)
    assert check(kb, settings).ok
    rebuild(kb, settings)
    assert sorted(kb.checksums()) == sorted(o.id for o in everything)


def test_kb_ingest_of_colliding_names_gives_one_line_per_file_and_totals_that_add_up(run_kb, tmp_path):
    folder = tmp_path / "outside" / "Berichte"
    names = colliding_folder(folder)
    assert run_kb("ingest").code == 0  # the seeds
    result = run_kb("ingest", "--json", folder)
    assert result.code == 0, result.err
    lines = result.lines
    assert len(lines) == 11
    assert {line["status"] for line in lines} == {"indexed"}
    assert len({line["id"] for line in lines}) == 11
    stored = sorted(unicodedata.normalize("NFC", Path(line["source"]).name) for line in lines)
    assert len(set(stored)) == 11  # the NFD twin is stored under a name of its own
    assert sorted(line["message"].removeprefix("imported from ").rsplit("/", 1)[1] for line in lines) == names
    assert run_kb("stats", "--json").json["documents"] == 11 + 5
    again = run_kb("ingest", folder)
    assert again.code == 0, again.err
    assert again.out.splitlines()[-1] == "11 files: 11 unchanged"
    checked = run_kb("check", "--json")
    assert (checked.code, checked.json["ok"]) == (0, True)


def test_a_name_reached_twice_through_overlapping_paths_is_read_once(kb, settings):
    outcomes = ingest(kb, settings, [settings.corpus_dir, settings.corpus_dir / "documents"])
    assert len(outcomes) == 5
    assert {o.status for o in outcomes} == {"indexed"}


def test_a_link_and_a_fifo_in_a_folder_given_twice_are_one_line_each(kb, settings, tmp_path):
    folder = settings.corpus_dir / "documents"
    (folder / "link.txt").symlink_to("/etc/hostname")
    os.mkfifo(folder / "pipe")
    given = [folder, folder, folder / "." / ".." / "documents", folder / "link.txt"]
    outcomes = ingest(kb, settings, given)
    assert sorted(o.source for o in outcomes if o.status == "skipped") == [
        "documents/link.txt",
        "documents/pipe",
    ]
    assert len(outcomes) == 7  # five documents, the link and the FIFO, each once


def test_files_that_fail_in_a_folder_given_three_times_are_one_line_each(kb, settings, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    (folder / "gut.txt").write_text("Protokoll der Sitzung über Kunststoff im Netzwerk.\n", encoding="utf-8")
    (folder / "kaputt.txt").write_text("Protokoll über Recycling und Ausbildung.\n", encoding="utf-8")
    (folder / "kaputt.txt.meta.json").write_text('{"title":', encoding="utf-8")  # cut off
    (folder / "gross.txt").write_text("Kunststoff " * 300, encoding="utf-8")
    small = dataclasses.replace(settings, max_upload_bytes=2000)
    outcomes = ingest(kb, small, [folder, folder, folder / ".." / "mappe"])
    assert sorted((Path(o.source).name, o.status) for o in outcomes) == [
        ("gross.txt", "failed"),
        ("gut.txt", "indexed"),
        ("kaputt.txt", "failed"),
    ]
    (broken,) = [o.message for o in outcomes if o.source.endswith("kaputt.txt")]
    assert broken.startswith(
        f"{folder / 'kaputt.txt'}: {folder / 'kaputt.txt.meta.json'}: the metadata file is not"
    )
    assert sorted(p.name for p in (settings.corpus_dir / "imports" / "mappe").iterdir()) == [
        ".source",
        "gut.txt",
    ]


def test_a_name_too_long_for_a_metadata_file_beside_it_is_read_without_one(kb, settings, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    outside = "Protokoll " + "x" * 240 + ".txt"  # 254 bytes: FILE.meta.json would be 264, over NAME_MAX
    (folder / outside).write_text("Protokoll der Sitzung über Kunststoff im Netzwerk.\n", encoding="utf-8")
    inside = "y" * 248 + ".txt"
    (settings.corpus_dir / "documents" / inside).write_text("Protokoll über Recycling.\n", encoding="utf-8")
    outcomes = {Path(o.source).name: o for o in ingest(kb, settings, [folder, settings.corpus_dir])}
    assert {o.status for o in outcomes.values()} == {"indexed"}, outcomes
    (stored,) = [p for p in (settings.corpus_dir / "imports" / "mappe").iterdir() if p.name != ".source"]
    assert stored.name.startswith("Protokoll xxx") and len(os.fsencode(f"{stored.name}.meta.json")) <= 255
    assert outcomes[inside].status == "indexed"


def test_a_duplicate_always_names_a_document_the_archive_holds(kb, settings, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    for name in ("a-leer.docx", "b-leer.pdf", "c-leer.txt"):  # the first copy fails: so do its twins
        (folder / name).write_bytes(b"")
    good = "Protokoll der Sitzung über Kunststoff und Ausbildung im Netzwerk.\n"
    for name in ("d-gut.txt", "e-kopie.txt"):
        (folder / name).write_text(good, encoding="utf-8")
    (settings.corpus_dir / "documents" / "leer.txt").write_bytes(b"")  # in the corpus as well
    (settings.corpus_dir / "documents" / "leer2.md").write_bytes(b"")
    outcomes = {Path(o.source).name: o for o in ingest(kb, settings, [folder, settings.corpus_dir])}
    for o in outcomes.values():
        if o.status == "duplicate":
            assert kb.get(o.id).id == o.id, o  # never a file that failed
    for name in ("b-leer.pdf", "c-leer.txt", "leer2.md"):
        assert outcomes[name].status == "failed", outcomes[name]
        assert "empty file (0 bytes) (the same bytes as " in outcomes[name].message
    assert outcomes["e-kopie.txt"].status == "duplicate"
    assert outcomes["e-kopie.txt"].id == outcomes["d-gut.txt"].id


def test_a_corpus_file_whose_name_is_not_utf8_fails_alone_in_ingest_and_rebuild(kb, settings):
    folder = settings.corpus_dir / "documents"
    name = os.fsdecode(b"Protokoll_M\xfcller.txt")  # copied from an old share: Latin-1 bytes
    (folder / name).write_text("Sitzung des Netzwerks über Kunststoff und Ausbildung.\n", encoding="utf-8")
    (folder / "neu.txt").write_text("Ein neues Protokoll über Recycling im Netzwerk.\n", encoding="utf-8")
    for outcomes in (ingest(kb, settings, [settings.corpus_dir]), rebuild(kb, settings)):
        (bad,) = [o for o in outcomes if o.status == "failed"]
        assert bad.message == (  # the odd byte escaped: a lone surrogate cannot be written out as UTF-8
            "documents/Protokoll_M\\xfcller.txt: the file name is not UTF-8 text; rename it (imports get a safe name)"
        )
        bad.message.encode("utf-8")
        assert sorted(kb.checksums()) == sorted([*SEED_IDS, "documents/neu"])  # the batch went on


# -- an id that changed: nothing lost ------------------------------------------------------------------


def _as_before(kb: KnowledgeBase, new_id: str, old_id: str, text: str | None = None) -> None:
    """Make the index hold a document under the id an earlier version gave it (its old text, maybe)."""
    doc = kb.get(new_id)
    old = dataclasses.replace(doc, id=old_id)
    if text is not None:
        old = dataclasses.replace(old, text=text, checksum="0" * 32 + "-00000000")
    kb.write([old], delete=[new_id])
    assert old_id in kb.checksums() and new_id not in kb.checksums()


@pytest.mark.parametrize("changed", [False, True], ids=["same-file", "file-changed-since"])
def test_ingest_with_prune_moves_a_document_from_its_old_id_to_its_new_one(kb, settings, changed):
    (settings.corpus_dir / "Protokoll März.md").write_text("# Protokoll\n\nSitzung über Zentrifugenbau.")
    (outcome,) = ingest(kb, settings, [settings.corpus_dir / "Protokoll März.md"])
    _as_before(kb, outcome.id, "Protokoll-M-rz", "Alter Text" if changed else None)
    outcomes = ingest(kb, settings, [settings.corpus_dir], prune=True)
    (moved,) = [o for o in outcomes if o.source == "Protokoll März.md"]
    assert (moved.status, moved.id, moved.message) == ("indexed", outcome.id, "(replaces Protokoll-M-rz)")
    assert [o.status for o in outcomes if o.status == "removed"] == []
    assert "Protokoll-M-rz" not in kb.checksums()
    assert [h.id for h in kb.search(SearchRequest("Zentrifugenbau")).hits] == [outcome.id]
    assert check(kb, settings).ok


def test_check_repair_moves_a_document_from_its_old_id_to_its_new_one(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    (settings.corpus_dir / "report.md").write_text("# Bericht\n\nÜber Zentrifugenbau im Netzwerk.")
    (outcome,) = ingest(kb, settings, [settings.corpus_dir / "report.md"])
    assert outcome.id == "report.md"
    _as_before(kb, "report.md", "report")
    report = check(kb, settings)
    assert (report.missing, report.orphaned) == ((), ("report",))
    repair(kb, settings)
    assert check(kb, settings).ok
    assert [h.id for h in kb.search(SearchRequest("Zentrifugenbau")).hits] == ["report.md"]
    assert (settings.corpus_dir / "report.md").exists()


def test_an_old_id_that_a_new_file_now_has_is_not_deleted(kb, settings):
    """notes.md was `notes` once; now notes.txt is `notes` and notes.md `notes.md`: both stay."""
    (settings.corpus_dir / "notes.md").write_text("# Notiz\n\nÜber Zentrifugenbau im Werk.")
    (outcome,) = ingest(kb, settings, [settings.corpus_dir / "notes.md"])
    _as_before(kb, outcome.id, "notes")
    (settings.corpus_dir / "notes.txt").write_text("Andere Notiz über Spritzgussformen.")
    outcomes = ingest(kb, settings, [settings.corpus_dir], prune=True)
    assert {o.id: o.status for o in outcomes if o.source.startswith("notes")} == {
        "notes": "updated",
        "notes.md": "indexed",
    }
    assert [h.id for h in kb.search(SearchRequest("Zentrifugenbau")).hits] == ["notes.md"]
    assert [h.id for h in kb.search(SearchRequest("Spritzgussformen")).hits] == ["notes"]
    assert check(kb, settings).ok


# -- uploads -------------------------------------------------------------------------------------------


def test_uploads_of_one_name_are_two_documents(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    first = store_upload(kb, settings, "report.txt", "Erster Bericht über Extrusion.".encode(), {}, "alice")
    second = store_upload(kb, settings, "report.txt", "Zweiter Bericht über Recycling.".encode(), {}, "bob")
    third = store_upload(kb, settings, "report.md", "# Dritter\n\nÜber Spritzguss.".encode(), {}, "bob")
    ids = [first.id, second.id, third.id]
    assert len(set(ids)) == 3
    assert set(ids) <= set(kb.checksums())
    assert check(kb, settings).ok


# -- imports of folders of one name --------------------------------------------------------------------


def test_two_outside_folders_of_one_name_are_imported_apart(run_cli, settings, tmp_path):
    a, b = tmp_path / "a" / "Berichte", tmp_path / "b" / "Berichte"
    for folder, word in ((a, "Alpha"), (b, "Beta")):
        folder.mkdir(parents=True)
        (folder / "bericht.txt").write_text(f"Bericht {word}wort über Kunststoff im Netzwerk.")
    assert run_cli("ingest", a).code == 0
    result = run_cli("ingest", "--json", b)
    assert result.code == 0, result.err
    assert [line["source"] for line in result.lines] == ["imports/Berichte-2/bericht.txt"]
    again = run_cli("ingest", "--json", a).lines
    assert [(line["source"], line["status"]) for line in again] == [
        ("imports/Berichte/bericht.txt", "unchanged")
    ]
    imports = settings.corpus_dir / "imports"
    assert (imports / "Berichte" / ".source").read_text() == f"{a}\n"
    assert (imports / "Berichte-2" / ".source").read_text() == f"{b}\n"
    assert not (settings.corpus_dir / ".deleted").exists()
    for word, source in (
        ("Alphawort", "imports/Berichte/bericht.txt"),
        ("Betawort", "imports/Berichte-2/bericht.txt"),
    ):
        page = run_cli("search", "--json", "--no-fuzzy", word).json
        assert [h["source"] for h in page["hits"]] == [source]


def test_two_outside_folders_of_one_name_in_one_command_are_imported_apart(run_cli, settings, tmp_path):
    a, b = tmp_path / "a" / "Berichte", tmp_path / "b" / "Berichte"
    for folder, word in ((a, "Alpha"), (b, "Beta")):
        folder.mkdir(parents=True)
        (folder / "bericht.txt").write_text(f"Bericht {word}wort über Kunststoff im Netzwerk.")
    result = run_cli("ingest", a, b)
    assert result.code == 0, result.err
    imports = settings.corpus_dir / "imports"
    assert f"into {imports / 'Berichte'}, {imports / 'Berichte-2'} " in result.out
    assert run_cli("stats", "--json").json["documents"] == 2
    assert sorted((imports / name / ".source").read_text() for name in ("Berichte", "Berichte-2")) == sorted(
        [f"{a}\n", f"{b}\n"]
    )


def test_a_folder_imported_before_sources_were_noted_is_still_its_own(run_cli, settings, tmp_path):
    folder = tmp_path / "a" / "Berichte"
    folder.mkdir(parents=True)
    (folder / "bericht.txt").write_text("Bericht über Kunststoff im Netzwerk.")
    assert run_cli("ingest", folder).code == 0
    (settings.corpus_dir / "imports" / "Berichte" / ".source").unlink()  # as an earlier version left it
    again = run_cli("ingest", "--json", folder).lines
    assert [(line["source"], line["status"]) for line in again] == [
        ("imports/Berichte/bericht.txt", "unchanged")
    ]


def test_two_files_with_one_id_are_reported_not_replaced(run_kb, settings):
    """The last net: two names whose eight-digit hashes collide (found by search) make one id."""
    first, second = "a   %&b.txt", "a&$$^b.txt"  # in the order ingest meets them
    assert document_id(first) == document_id(second) == "a-b~5c64027c"
    (settings.corpus_dir / first).write_text("Der erste Bericht über Extrusion.")
    (settings.corpus_dir / second).write_text("Der zweite Bericht über Recycling.")
    result = run_kb("ingest", "--json")
    assert result.code == 1
    lines = {line["source"]: (line["status"], line["message"]) for line in result.lines}
    assert len(lines) == 5 + 2
    assert lines[first] == ("indexed", "")
    assert lines[second] == (
        "failed",
        f"{second}: has the same id a-b~5c64027c as {first}; not indexed (rename one of them)",
    )
    assert run_kb("check").code == 0


@pytest.mark.slow  # several kb commands over the seed corpus: more than 2 s
def test_an_edit_of_a_file_whose_name_leaves_no_room_for_its_metadata_file_says_rename_it(run_cli, settings):
    name = "y" * 248 + ".txt"  # put in corpus/ by hand: FILE.meta.json would be over NAME_MAX
    (settings.corpus_dir / "documents" / name).write_text("Protokoll über Recycling.\n", encoding="utf-8")
    assert run_cli("ingest").code == 0
    doc_id = next(
        i for i in (h["id"] for h in run_cli("search", "--json", "Recycling").json["hits"]) if "yyy" in i
    )
    result = run_cli("edit", doc_id, "--title", "Neu")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"kb: error: documents/{name}: the name is too long for a metadata file beside it "
        f"({name}.meta.json); rename the file to correct its metadata\n"
    )
    assert run_cli("show", "--json", doc_id).json["title"] != "Neu"
