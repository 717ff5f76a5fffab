"""The ingest pipeline: one outcome per file; unchanged, updated, duplicate, failed, pruned."""

from __future__ import annotations

import shutil

import pytest

from archive.service import ingest
from ingest.pipeline import document_id, source_label
from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import SEED_IDS

D000 = "documents/000_29bb637916ff8d4d"


@pytest.fixture
def kb(settings):
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    yield kb
    kb.close()


def statuses(outcomes) -> dict[str, str]:
    return {o.id: o.status for o in outcomes}


def all_ids(kb) -> list[str]:
    return sorted(h.id for h in kb.search(SearchRequest(page_size=100)).hits)


def test_first_ingest_indexes_every_seed(kb, settings):
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes) == dict.fromkeys(SEED_IDS, "indexed")
    assert {o.source for o in outcomes} == {f"{i}.txt" for i in SEED_IDS}
    assert all_ids(kb) == sorted(SEED_IDS)


def test_confirmed_metadata_from_sidecars_is_indexed(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    got = {i: (d.language, d.year, d.doctype) for i in SEED_IDS for d in [kb.get(i)]}
    assert got == SEED_IDS


def test_second_ingest_is_all_unchanged_and_leaves_the_same_documents(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    before = {i: kb.get(i) for i in SEED_IDS}
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes) == dict.fromkeys(SEED_IDS, "unchanged")
    assert {i: kb.get(i) for i in SEED_IDS} == before
    assert kb.search(SearchRequest()).total == 5


def test_changed_file_is_updated_and_its_new_text_searchable(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    path = settings.corpus_dir / f"{D000}.txt"
    path.write_text(path.read_text() + "\nNeu: Zentrifugenworkshop im Herbst.\n")
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes) == {**dict.fromkeys(SEED_IDS, "unchanged"), D000: "updated"}
    assert [h.id for h in kb.search(SearchRequest("Zentrifugenworkshop")).hits] == [D000]
    assert kb.search(SearchRequest()).total == 5


def test_changed_sidecar_is_updated(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    sidecar = settings.corpus_dir / f"{D000}.txt.meta.json"
    sidecar.write_text(
        sidecar.read_text().replace('"Kunststoffnetzwerk Ems-Achse",\n  "language"', '"Neu",\n  "language"')
    )
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes)[D000] == "updated"
    assert kb.get(D000).title == "Neu"


def test_byte_identical_copy_is_a_duplicate_of_the_first(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    shutil.copy(settings.corpus_dir / f"{D000}.txt", settings.corpus_dir / "copy.txt")
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    (dup,) = [o for o in outcomes if o.status == "duplicate"]
    assert (dup.source, dup.id, dup.message) == (
        "copy.txt",
        D000,
        f"copy.txt: the same bytes as document {D000}",
    )
    assert all_ids(kb) == sorted(SEED_IDS)


def test_duplicates_within_one_batch_are_indexed_once(kb, settings):
    data = "Zweimal derselbe Text über Extrusion."
    (settings.corpus_dir / "a.txt").write_text(data)
    (settings.corpus_dir / "b.txt").write_text(data)
    outcomes = ingest(kb, settings, [settings.corpus_dir / "a.txt", settings.corpus_dir / "b.txt"])
    assert [(o.source, o.status, o.id) for o in outcomes] == [  # the copy once the first is indexed
        ("a.txt", "indexed", "a"),
        ("b.txt", "duplicate", "a"),
    ]
    assert [h.id for h in kb.search(SearchRequest("Extrusion")).hits] == ["a"]


def test_prune_removes_documents_whose_file_is_gone(kb, settings):
    ingest(kb, settings, [settings.corpus_dir])
    (settings.corpus_dir / f"{D000}.txt").unlink()
    without_prune = ingest(kb, settings, [settings.corpus_dir])
    assert D000 not in statuses(without_prune)
    assert D000 in all_ids(kb)
    outcomes = ingest(kb, settings, [settings.corpus_dir], prune=True)
    (removed,) = [o for o in outcomes if o.status == "removed"]
    assert (removed.id, removed.source) == (D000, f"{D000}.txt")
    assert all_ids(kb) == sorted(set(SEED_IDS) - {D000})


def test_broken_pdf_fails_and_the_batch_goes_on(kb, settings):
    (settings.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes) == {**dict.fromkeys(SEED_IDS, "indexed"), "broken.pdf": "failed"}
    (failed,) = [o for o in outcomes if o.status == "failed"]
    assert failed.source == "broken.pdf"
    assert failed.message.startswith("broken.pdf: ")
    assert all_ids(kb) == sorted(SEED_IDS)


def test_file_of_an_unknown_kind_is_unsupported(kb, settings):
    (settings.corpus_dir / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    outcomes = ingest(kb, settings, [settings.corpus_dir / "image.png"])
    assert [(o.source, o.status) for o in outcomes] == [("image.png", "unsupported")]


def test_hidden_files_sidecars_and_the_vocabulary_are_not_ingested(kb, settings):
    (settings.corpus_dir / ".hidden.txt").write_text("Versteckter Text")
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert sorted(o.source for o in outcomes) == sorted(f"{i}.txt" for i in SEED_IDS)


def test_office_lock_files_and_the_systems_folder_files_are_no_documents(kb, settings):
    """A shared folder where someone has a Word file open holds its lock file (~$Name.docx): it failed
    as a broken .docx and `kb ingest` exited 1; Windows' desktop.ini was indexed as a document."""
    folder = settings.corpus_dir / "share"
    folder.mkdir()
    (folder / "~$Protokoll.docx").write_bytes(b"\x05anna" + b" " * 50 + b"\x05\x00a\x00n\x00n\x00a\x00")
    (folder / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    (folder / "Desktop.ini").write_text("[.ShellClassInfo]\r\nIconResource=Netzwerk.ico\r\n")
    (folder / "Icon\r").write_bytes(b"")  # a Mac's folder icon: it failed as an empty file
    (folder / "Protokoll.txt").write_text("Ein Protokoll über Kunststoff und Ausbildung im Netzwerk.")
    outcomes = ingest(kb, settings, [folder])
    assert [(o.source, o.status) for o in outcomes] == [("share/Protokoll.txt", "indexed")]
    (named,) = ingest(kb, settings, [folder / "~$Protokoll.docx"])
    assert (named.status, named.message) == (
        "skipped",
        "share/~$Protokoll.docx: an Office lock file (the file beside it is open somewhere), not a document",
    )


def test_a_file_outside_the_corpus_is_imported_into_it_and_indexed_there(kb, settings, tmp_path):
    outside = tmp_path / "elsewhere" / "memo.txt"
    outside.parent.mkdir()
    outside.write_text("Ein Memo von außerhalb über Kunststoff.")
    (outcome,) = ingest(kb, settings, [outside])
    assert (outcome.status, outcome.source, outcome.id) == (
        "indexed",
        "imports/elsewhere/memo.txt",
        "imports/elsewhere/memo",
    )
    assert outcome.message == f"imported from {outside}"
    assert (settings.corpus_dir / "imports" / "elsewhere" / "memo.txt").read_bytes() == outside.read_bytes()
    assert kb.get(outcome.id).source == "imports/elsewhere/memo.txt"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("documents/000_29bb637916ff8d4d.txt", "documents/000_29bb637916ff8d4d"),
        ("notes/memo.txt", "notes/memo"),
        ("notes/memo.pdf", "notes/memo.pdf"),
        ("report.docx", "report.docx"),
        ("uploads/2024/Protokoll März.pdf", "uploads/2024/Protokoll-Marz~fe20a3aa"),
        ("README", "README~69e27356"),
        ("Protokoll 1.txt", "Protokoll-1~1ed6ca06"),
        ("Protokoll-20200512.txt", "Protokoll-20200512"),
        ("Protokoll-1.txt", "Protokoll-1"),
    ],
)
def test_document_ids_are_the_plain_label_without_txt_else_made_safe_with_a_hash(label, expected):
    assert document_id(label) == expected


def test_source_label_is_relative_inside_the_corpus(settings):
    path = settings.corpus_dir / "documents" / "x.txt"
    assert source_label(path, settings.corpus_dir) == "documents/x.txt"


def test_files_differing_only_in_suffix_are_two_documents_and_stay_unchanged(kb, settings):
    (settings.corpus_dir / "notes.txt").write_text("Erste Notiz über Kunststoff und Ausbildung.")
    (settings.corpus_dir / "notes.md").write_text("# Zweite\n\nAndere Notiz über Recycling im Werk.")
    paths = [settings.corpus_dir / "notes.txt", settings.corpus_dir / "notes.md"]
    first = ingest(kb, settings, paths)
    second = ingest(kb, settings, paths)
    assert len({o.id for o in first}) == 2
    assert [o.status for o in second] == ["unchanged", "unchanged"]


def test_a_batch_commits_whenever_its_waiting_text_reaches_the_limit(kb, settings, monkeypatch):
    """Memory bound: with a tiny text limit every document is committed on its own, and none is lost."""
    from ingest import pipeline

    monkeypatch.setattr(pipeline, "COMMIT_CHARS", 1)
    before = kb._ix.latest_generation()
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert statuses(outcomes) == dict.fromkeys(SEED_IDS, "indexed")
    assert kb._ix.latest_generation() - before == len(SEED_IDS)  # one commit per document
    assert all_ids(kb) == sorted(SEED_IDS)


def test_the_time_limit_fires_again_when_a_library_swallows_it():
    # bs4 swallowed the first alarm's exception inside a getattr, and a hostile page read on forever
    import time

    from ingest.errors import ExtractionFailed
    from ingest.worker import time_limit

    def busy(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    start = time.monotonic()
    with pytest.raises(ExtractionFailed), time_limit(0.2):
        try:
            busy(5)
        except ExtractionFailed:
            pass  # what the library did
        busy(5)
    assert time.monotonic() - start < 4


def test_a_copy_of_a_refused_file_met_after_it_was_read_is_refused_alike(kb, settings):
    # the files are read while the rest are walked: a copy found after the first was read and refused
    # takes its reason, not "duplicate" of a document that was never indexed
    from ingest.pipeline import run
    from ingest.worker import Limits

    folder = settings.corpus_dir / "batch"
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "c").mkdir()
    broken = b"%PDF-1.4\nnot a pdf at all\n"
    (folder / "a" / "first.pdf").write_bytes(broken)
    for n in range(100):  # more than the files read ahead of the one answered (64 for one worker)
        (folder / "b" / f"{n:03d}.txt").write_text(f"Text Nummer {n} über Kunststoff.", encoding="utf-8")
    (folder / "c" / "copy.pdf").write_bytes(broken)
    outcomes = {o.source: o for o in run(kb, [folder], limits=Limits(), workers=1)}
    first, copy = outcomes["batch/a/first.pdf"], outcomes["batch/c/copy.pdf"]
    assert first.status == "failed"
    assert copy.status == "failed", copy
    assert copy.message.endswith("(the same bytes as batch/a/first.pdf)")
    assert not kb.contains(document_id("batch/c/copy.pdf"))
    assert sum(o.status == "indexed" for o in outcomes.values()) == 100
