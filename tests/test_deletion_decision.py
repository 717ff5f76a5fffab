"""A deletion is a decision kept with the corpus: an import of the outside folder skips a file whose copy
was deleted from whatever working directory it runs. The record lay only in the audit log, beside the
secrets file (./var of the working directory by default), so an ingest from another folder brought the
deleted document back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from archive.trash import DELETIONS, TRASH_DIR


def test_a_deletion_holds_when_the_folder_is_ingested_from_another_working_directory(
    run_cli, settings, tmp_path
):
    """The audit log lies beside the secrets file (./var of the working directory by default); the
    decision that a deleted file stays deleted lies with the corpus (corpus/.deleted/)."""
    outside = tmp_path / "w"
    outside.mkdir()
    (outside / "a.txt").write_text("Dokument Kormoran\n")
    (outside / "b.txt").write_text("Dokument Reiher\n")
    assert run_cli("ingest", outside).code == 0
    assert run_cli("remove", "imports/w/a", "--user", "anna").code == 0

    elsewhere = dataclasses.replace(settings, secrets_file=tmp_path / "dirB" / "var" / "coordinators.json")
    again = run_cli("ingest", "--json", outside, settings=elsewhere)
    assert again.code == 0, again.err
    said = {Path(line["source"]).name: (line["status"], line["message"]) for line in again.lines}
    assert said["a.txt"][0] == "skipped"
    assert said["a.txt"][1].startswith(f"{outside / 'a.txt'}: deleted from the archive by anna on ")
    assert said["b.txt"][0] == "unchanged"
    assert run_cli("show", "imports/w/a").code == 1
    assert not (settings.corpus_dir / "imports" / "w" / "a.txt").exists()

    back = run_cli("ingest", "--json", outside / "a.txt", "--user", "erik", settings=elsewhere)
    assert (back.json["status"], back.json["id"]) == ("indexed", "imports/w/a")
    # brought back on purpose: from the first directory too, the folder's file is the document again
    assert [o["status"] for o in run_cli("ingest", "--json", outside).lines] == ["unchanged", "unchanged"]


def test_a_deletion_recorded_only_in_the_audit_log_of_earlier_versions_still_holds(
    run_cli, settings, tmp_path
):
    outside = tmp_path / "w"
    outside.mkdir()
    (outside / "a.txt").write_text("Dokument Kormoran\n")
    assert run_cli("ingest", outside).code == 0
    assert run_cli("remove", "imports/w/a", "--user", "anna").code == 0
    (settings.corpus_dir / TRASH_DIR / DELETIONS).unlink()  # as an earlier version left it: no record

    (line,) = run_cli("ingest", "--json", outside).lines
    assert line["status"] == "skipped" and "deleted from the archive by anna" in line["message"]
