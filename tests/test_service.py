"""Changing the archive: uploads, metadata corrections, soft deletes, the audit log, safe file names."""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.service import open_knowledge_base, read_audit, safe_filename, store_upload
from kb.errors import UnknownDocumentError
from kb.models import SearchRequest

D000 = "documents/000_29bb637916ff8d4d"
YEAR = datetime.now(UTC).strftime("%Y")


@pytest.fixture
def kb(settings):
    kb = open_knowledge_base(settings)
    yield kb
    kb.close()


def found(kb, text: str) -> list[str]:
    return sorted(h.id for h in kb.search(SearchRequest(text, fuzzy=False, expand=False)).hits)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Protokoll.pdf", "Protokoll.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\evil.txt", "evil.txt"),
        ("/absolute/path/report.pdf", "report.pdf"),
        ("nul\x00byte.txt", "nulbyte.txt"),
        ("line\nbreak\ttab\x1b.txt", "linebreaktab.txt"),
        ("Schu\u0308lerlabor.pdf", "Schülerlabor.pdf"),
        ("..", "upload"),
        ("", "upload"),
        (".hidden.txt", "hidden.txt"),
        ("a<b>c|d?.txt", "a_b_c_d_.txt"),
        ("x." + "y" * 30, "x." + "y" * 10),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_bounds_the_length_and_keeps_the_suffix():
    name = safe_filename("a" * 300 + ".pdf")
    assert name == "a" * 116 + ".pdf"
    assert len(name) == 120


def test_safe_filename_is_nfc():
    name = safe_filename("Trekantomra\u030adet.txt")
    assert name == unicodedata.normalize("NFC", name) == "Trekantområdet.txt"


def test_add_stores_under_uploads_and_is_searchable_at_once(run_cli, settings, tmp_path):
    upload = tmp_path / "Notiz.txt"
    upload.write_text("Die Zentrifugenwerkstatt des Netzwerks öffnet im Juni.")
    result = run_cli("add", "--json", "--title", "Werkstatt", "--user", "alice", upload)
    assert result.code == 0
    line = result.json
    assert line["status"] == "indexed"
    assert line["source"] == f"uploads/{YEAR}/Notiz.txt"
    assert line["id"] == f"uploads/{YEAR}/Notiz"
    assert (settings.corpus_dir / line["source"]).read_bytes() == upload.read_bytes()
    page = run_cli("search", "--json", "Zentrifugenwerkstatt").json
    assert [(h["id"], h["title"]) for h in page["hits"]] == [(line["id"], "Werkstatt")]
    (entry,) = read_audit(settings)
    assert (entry["user"], entry["action"], entry["id"]) == ("alice", "upload", line["id"])


def test_add_of_an_archived_file_reports_the_duplicate(run_cli, settings):
    run_cli("ingest")
    result = run_cli("add", "--json", settings.corpus_dir / f"{D000}.txt")
    assert result.code == 0
    assert result.json["status"] == "duplicate"
    assert result.json["id"] == D000
    assert not (settings.corpus_dir / "uploads").exists()


def test_add_of_a_missing_file_fails_with_exit_1(run_cli, tmp_path):
    result = run_cli("add", "--json", tmp_path / "missing.txt")
    assert result.code == 1
    assert result.json["status"] == "failed"


def test_upload_with_a_hostile_name_stays_inside_uploads(kb, settings):
    outcome = store_upload(kb, settings, "../../../escape.txt", b"Ausbruchsversuch mit Text.", {}, "bob")
    assert outcome.source == f"uploads/{YEAR}/escape.txt"
    assert (settings.corpus_dir / "uploads" / YEAR / "escape.txt").exists()
    assert not (settings.corpus_dir.parent / "escape.txt").exists()


def test_edit_title_updates_the_sidecar_and_search(run_cli, settings):
    run_cli("ingest")
    result = run_cli("edit", "--json", D000, "--title", "Neuer Titel", "--user", "carol")
    assert result.code == 0
    assert result.json == {"id": D000, "status": "updated", "warnings": []}
    sidecar = json.loads((settings.corpus_dir / f"{D000}.txt.meta.json").read_text())
    assert sidecar["title"] == "Neuer Titel"
    assert sidecar["language"] == "de"  # the other confirmed values stay
    page = run_cli("search", "--json", "Ems-Achse").json
    assert {h["id"]: h["title"] for h in page["hits"]}[D000] == "Neuer Titel"
    (entry,) = read_audit(settings)
    assert (entry["user"], entry["action"], entry["id"], entry["details"]) == (
        "carol",
        "edit",
        D000,
        {"title": "Neuer Titel"},
    )


def test_edit_without_changes_is_a_usage_error(run_cli):
    result = run_cli("edit", D000)
    assert result.code == 2
    assert (
        result.err == "kb: error: nothing to change: give --title, --date, --network, ... or --clear FIELD\n"
    )


def test_remove_moves_the_file_to_deleted_and_takes_it_out_of_search(run_cli, settings):
    run_cli("ingest")
    result = run_cli("remove", "--json", D000)
    assert result.code == 0
    moved = result.json["moved_to"]
    assert result.json["status"] == "removed"
    assert moved.startswith(str(settings.corpus_dir / ".deleted"))
    assert moved.endswith("/000_29bb637916ff8d4d.txt")
    assert not (settings.corpus_dir / f"{D000}.txt").exists()
    assert Path(moved).read_text(encoding="utf-8").startswith("Kunststoffnetzwerk Ems-Achse")
    assert Path(moved).with_name("000_29bb637916ff8d4d.txt.meta.json").exists()
    page = run_cli("search", "--json", "Ems-Achse").json
    assert [h["id"] for h in page["hits"]] == ["documents/003_52458518a7f32b1d"]
    (entry,) = read_audit(settings)
    assert (entry["action"], entry["id"], entry["details"]["source"]) == ("delete", D000, f"{D000}.txt")


def test_removed_document_stays_gone_after_reingest(run_cli, settings):
    run_cli("ingest")
    run_cli("remove", D000)
    outcomes = run_cli("ingest", "--json").lines
    assert D000 not in {o["id"] for o in outcomes}
    assert run_cli("search", "--json", "Ems-Achse").json["total"] == 1


def test_remove_of_an_unknown_id_exits_1(run_cli):
    result = run_cli("remove", "nope")
    assert result.code == 1
    assert result.err == "kb: error: no document with id 'nope'\n"


def test_get_after_remove_raises(kb, settings):
    from archive.service import delete_document

    delete_document(kb, settings, D000, user="dave")
    with pytest.raises(UnknownDocumentError):
        kb.get(D000)


def test_audit_lists_newest_first(run_cli, settings):
    run_cli("ingest")
    run_cli("edit", D000, "--title", "Eins", "--user", "u1")
    run_cli("edit", D000, "--title", "Zwei", "--user", "u2")
    entries = run_cli("audit", "--json").lines
    assert [(e["user"], e["details"]) for e in entries] == [
        ("u2", {"title": "Zwei"}),
        ("u1", {"title": "Eins"}),
    ]
