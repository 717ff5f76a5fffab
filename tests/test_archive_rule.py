"""Nothing a user does loses a document (issue 11): each case a new user met is a regression test.

- files ingested from outside corpus/ survive a rebuild (they are imported into corpus/);
- a rebuild says what it will do, asks before it shrinks the index, and is audited with both counts;
- a refused file (unsupported, too large, unreadable, a duplicate) leaves corpus/ byte for byte as it was;
- confirmed metadata is validated at every door: typed dates become ISO dates, bad values exit 2.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archive.service import open_knowledge_base, read_audit
from ingest.pipeline import content_checksum
from kb.api import KnowledgeBase
from kb.models import Document
from tests.conftest import REPO, SEED_IDS

D002 = "documents/002_b763ae3e545d7f37"
SIDECAR_002 = f"{D002}.txt.meta.json"
ELF = REPO / "tests" / "fixtures" / "hostile" / "program.pdf"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below a folder (hidden ones included) → sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outside_folder(root: Path, files: int = 21) -> Path:
    folder = root / "Berichte"
    (folder / "2019").mkdir(parents=True)
    for n in range(files):
        sub = folder / "2019" if n % 2 else folder
        (sub / f"bericht-{n:02d}.txt").write_text(
            f"Bericht {n} des Netzwerks über Kunststoff und Ausbildung, Kennung outword{n:02d}.\n"
        )
    return folder


# -- one rule: every indexed document has its original in corpus/ -----------------------------------


@pytest.mark.slow  # several kb commands, 3 s: make test stays under 2 minutes
def test_a_folder_from_outside_the_corpus_survives_a_rebuild(run_cli, settings, tmp_path):
    run_cli("ingest")
    folder = outside_folder(tmp_path / "outside")
    result = run_cli("ingest", folder)
    assert result.code == 0, result.err
    assert "imported 21 files into" in result.out
    before = run_cli("stats", "--json").json["documents"]
    assert before == 26
    rebuilt = run_cli("rebuild", "--yes")
    assert rebuilt.code == 0, rebuilt.err
    assert run_cli("stats", "--json").json["documents"] == 26
    assert run_cli("check").code == 0
    copied = settings.corpus_dir / "imports" / "Berichte"
    assert (copied / "2019" / "bericht-01.txt").read_bytes() == (
        folder / "2019" / "bericht-01.txt"
    ).read_bytes()
    page = run_cli("search", "--json", "outword01", "--no-fuzzy").json
    assert [h["source"] for h in page["hits"]] == ["imports/Berichte/2019/bericht-01.txt"]


def test_ingesting_the_same_outside_folder_twice_stores_each_file_once(run_cli, settings, tmp_path):
    folder = outside_folder(tmp_path / "outside", files=4)
    (tmp_path / "copy").mkdir()
    twin = tmp_path / "copy" / "same.txt"
    twin.write_bytes((folder / "bericht-00.txt").read_bytes())
    first = run_cli("ingest", "--json", folder).lines
    assert {o["status"] for o in first if o["source"].startswith("imports/")} == {"indexed"}
    again = run_cli("ingest", "--json", folder, twin).lines
    assert {o["status"] for o in again} == {"unchanged", "duplicate"}
    assert [o["status"] for o in again if o["source"].endswith("same.txt")] == ["duplicate"]
    stored = sorted(p.name for p in (settings.corpus_dir / "imports").rglob("*.txt"))
    assert stored == ["bericht-00.txt", "bericht-01.txt", "bericht-02.txt", "bericht-03.txt"]
    (entry,) = [e for e in read_audit(settings) if e["action"] == "import"]  # the second stored nothing
    assert entry["details"]["files"] == 4


def test_an_outside_file_with_its_sidecar_is_imported_with_it(run_cli, settings, tmp_path):
    memo = tmp_path / "in" / "memo.txt"
    memo.parent.mkdir()
    memo.write_text("Ein Memo über Kunststoff und Recycling im Netzwerk.")
    Path(f"{memo}.meta.json").write_text(json.dumps({"title": "Das Memo", "date": "3. marts 2015"}))
    line = run_cli("ingest", "--json", memo).json
    assert line["status"] == "indexed"
    stored = settings.corpus_dir / "imports" / "in" / "memo.txt.meta.json"
    assert stored.read_bytes() == Path(f"{memo}.meta.json").read_bytes()
    doc = run_cli("show", "--json", line["id"]).json
    assert (doc["title"], doc["date"]) == ("Das Memo", "2015-03-03")


def test_a_refused_outside_file_is_not_imported(run_cli, settings, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text("Ein guter Bericht über Kunststoff im Netzwerk.")
    (folder / "report.pdf").write_bytes(ELF.read_bytes())
    result = run_cli("ingest", "--json", folder)
    statuses = {Path(o["source"]).name: o["status"] for o in result.lines}
    assert statuses == {"good.txt": "indexed", "report.pdf": "unsupported"}
    stored = (settings.corpus_dir / "imports").rglob("*")
    assert sorted(p.name for p in stored if p.name != ".source") == ["good.txt", "mixed"]


# -- rebuild never surprises -----------------------------------------------------------------------


def test_a_rebuild_that_would_shrink_the_index_needs_yes(run_cli, settings, tmp_path):
    run_cli("ingest")
    kb = open_knowledge_base(settings)
    (settings.corpus_dir / "documents" / "000_29bb637916ff8d4d.txt").unlink()  # gone behind the index's back
    kb.close()
    refused = run_cli("rebuild")
    assert refused.code == 2
    assert refused.err.splitlines()[-1] == (
        f"kb: error: The index holds 5 documents; {settings.corpus_dir} holds 4 distinct files to index. "
        "The rebuilt index would lose 1 document: documents/000_29bb637916ff8d4d (no file in the corpus). "
        "Give --yes to rebuild anyway; nothing changed"
    )
    assert run_cli("stats", "--json").json["documents"] == 5  # nothing changed
    assert [e for e in read_audit(settings) if e["action"] == "rebuild"] == []
    done = run_cli("rebuild", "--yes", "--user", "erik")
    assert done.code == 0
    (entry,) = read_audit(settings)
    assert (entry["user"], entry["action"]) == ("erik", "rebuild")
    assert entry["details"] == {"before": 5, "after": 4, "files": 4, "failed": 0}


def test_a_rebuild_that_keeps_every_document_runs_without_asking_and_is_audited(run_cli, settings):
    run_cli("ingest")
    result = run_cli("rebuild")
    assert result.code == 0
    assert (
        f"The index holds 5 documents; {settings.corpus_dir} holds 5 distinct files to index." in result.err
    )
    assert result.out == f"rebuilt: 5 documents from {settings.corpus_dir} (before: 5)\n"
    (entry,) = read_audit(settings)
    assert entry["details"] == {"before": 5, "after": 5, "files": 5, "failed": 0}


# -- a refused file is never stored ----------------------------------------------------------------


def test_add_of_a_program_named_pdf_fails_and_leaves_the_corpus_as_it_was(run_cli, settings, tmp_path):
    run_cli("ingest")
    report = tmp_path / "report.pdf"
    report.write_bytes(ELF.read_bytes())
    before = snapshot(settings.corpus_dir)
    result = run_cli("add", report)
    assert result.code == 1
    assert result.err == f"failed: {report}: unsupported file type: exe\n"
    assert snapshot(settings.corpus_dir) == before
    assert run_cli("check").code == 0


def test_add_of_a_file_over_the_size_limit_leaves_the_corpus_as_it_was(
    run_cli, settings, tmp_path, monkeypatch
):
    run_cli("ingest")
    big = tmp_path / "big.txt"
    big.write_text("Kunststoff " * 200)
    monkeypatch.setenv("KB_MAX_UPLOAD_BYTES", "1000")
    before = snapshot(settings.corpus_dir)
    result = run_cli("add", "--json", big)
    assert result.code == 1
    assert result.json["message"] == "the file is larger than the limit (2,200 > 1,000 bytes)"
    assert snapshot(settings.corpus_dir) == before


def test_add_of_a_missing_or_unreadable_path_is_one_clean_line(run_cli, settings, tmp_path):
    run_cli("ingest")
    before = snapshot(settings.corpus_dir)
    missing = run_cli("add", tmp_path / "missing.md")
    assert missing.code == 1
    assert (
        missing.err == f"failed: {tmp_path / 'missing.md'}: cannot read the file: no such file or directory\n"
    )
    folder = run_cli("add", tmp_path)
    assert (
        folder.err
        == f"failed: {tmp_path}: a folder: kb add takes files; `kb ingest {tmp_path}` imports a folder\n"
    )
    assert snapshot(settings.corpus_dir) == before


def test_add_of_a_duplicate_stores_nothing(run_cli, settings):
    run_cli("ingest")
    before = snapshot(settings.corpus_dir)
    result = run_cli("add", settings.corpus_dir / f"{D002}.txt")
    assert (result.code, result.out) == (
        0,
        f"duplicate: {settings.corpus_dir / D002}.txt: already archived as {D002}\n",
    )
    assert snapshot(settings.corpus_dir) == before
    assert read_audit(settings) == []


# -- validation at the edge ------------------------------------------------------------------------


def test_edit_with_a_german_date_stores_the_iso_date(run_cli, settings):
    run_cli("ingest")
    result = run_cli("edit", D002, "--date", "31.12.2020")
    assert (result.code, result.err) == (0, "")
    assert json.loads((settings.corpus_dir / SIDECAR_002).read_text())["date"] == "2020-12-31"
    assert run_cli("show", "--json", D002).json["date"] == "2020-12-31"


@pytest.mark.parametrize("value", ["2020-13-45", "31.02.2020", "gestern", "1066", "Smarch 3, 2020"])
def test_edit_with_an_impossible_date_exits_2_and_changes_nothing(run_cli, settings, value):
    run_cli("ingest")
    before = snapshot(settings.corpus_dir)
    result = run_cli("edit", D002, "--date", value)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"kb: error: date {value!r} ")
    assert result.err.count("\n") == 1
    assert "31.12.2020" in result.err or "the year must be" in result.err  # names the accepted forms
    assert snapshot(settings.corpus_dir) == before
    assert run_cli("show", "--json", D002).json["date"] == "2020-03-31"
    assert read_audit(settings) == []


def test_add_with_an_unknown_network_exits_2_naming_the_known_ones(run_cli, settings, tmp_path):
    run_cli("ingest")
    note = tmp_path / "note.txt"
    note.write_text("Eine Notiz über Kunststoff.")
    before = snapshot(settings.corpus_dir)
    result = run_cli("add", note, "--network", "Plastic Pirates")
    assert result.code == 2
    assert result.err.startswith(
        "kb: error: network 'Plastic Pirates' is not in the vocabulary; known values: "
    )
    assert "JOBSTARTER-Kunststoffallianz" in result.err and result.err.count("\n") == 1
    assert snapshot(settings.corpus_dir) == before


def test_add_stores_typed_dates_and_aliases_canonically(run_cli, settings, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Eine Notiz über Kunststoff.")
    line = run_cli("add", "--json", note, "--date", "31. Dezember 2020", "--region", "Trekantomraadet").json
    meta = json.loads((settings.corpus_dir / f"{line['source']}.meta.json").read_text())
    assert (meta["date"], meta["regions"]) == ("2020-12-31", ["Trekantområdet"])


def test_a_sidecar_with_a_bad_value_is_that_files_failure_naming_the_field(run_cli, settings):
    sidecar = settings.corpus_dir / SIDECAR_002
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "regions": ["Atlantis"]}))
    result = run_cli("ingest", "--json")
    assert result.code == 1
    (bad,) = [o for o in result.lines if o["status"] == "failed"]
    assert bad["id"] == D002
    assert bad["message"].startswith(
        f"{D002}.txt: 002_b763ae3e545d7f37.txt.meta.json: region 'Atlantis' is not in the vocabulary"
    )
    assert sum(o["status"] == "indexed" for o in result.lines) == 4


def test_front_matter_with_a_bad_date_is_that_files_failure(run_cli, settings):
    (settings.corpus_dir / "note.md").write_text(
        "---\ndate: im Frühjahr\n---\n# Notiz\n\nText über Kunststoff.\n"
    )
    result = run_cli("ingest", "--json", settings.corpus_dir / "note.md")
    assert result.code == 1
    assert result.json["message"].startswith(
        "note.md: front matter: date 'im Frühjahr' is not a date; accepted forms: 2020-12-31; "
    )


def test_front_matter_with_an_unknown_topic_is_that_files_failure(run_cli, settings):
    (settings.corpus_dir / "note.md").write_text(
        "---\ntopics: [recycling, astrology]\n---\n# Notiz\n\nKunststoff.\n"
    )
    result = run_cli("ingest", "--json", settings.corpus_dir / "note.md")
    assert (result.code, result.json["status"]) == (1, "failed")
    assert result.json["message"].startswith(
        "note.md: front matter: topic 'astrology' is not in the vocabulary"
    )


def test_the_cli_moved_out_of_the_core_into_modules_under_300_lines():
    assert not (REPO / "kb" / "cli.py").exists()  # the imports themselves are checked by test_layers.py
    sizes = {p.name: len(p.read_text().splitlines()) for p in (REPO / "archive").rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def test_every_seed_sidecar_is_valid():
    from ingest.metadata.confirmed import validate
    from kb.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(REPO / "corpus")
    for doc_id in SEED_IDS:
        meta = json.loads((REPO / "corpus" / f"{doc_id}.txt.meta.json").read_text())
        assert validate(meta, vocabulary)["title"] == meta["title"]


def _indexed_from_outside(settings, tmp_path: Path) -> Path:
    """A memo outside the corpus, indexed as `ext-1234abcd/memo` the way earlier versions indexed it."""
    memo = tmp_path / "alt" / "memo.txt"
    memo.parent.mkdir()
    memo.write_text("Ein altes Memo über Kunststoff.")
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)  # as earlier versions indexed it
    old = Document(id="ext-1234abcd/memo", source=str(memo), title="Memo", text=memo.read_text(),
                   checksum=f"{content_checksum(memo.read_bytes())}-00000000")  # fmt: skip
    kb.write([old])
    kb.close()
    return memo


def test_a_document_indexed_from_outside_by_an_earlier_version_is_imported_in_its_place(
    run_cli, settings, tmp_path
):
    memo = _indexed_from_outside(settings, tmp_path)
    line = run_cli("ingest", "--json", memo).json
    assert (line["status"], line["id"]) == ("indexed", "imports/alt/memo")
    assert line["message"] == f"imported from {memo} (replaces ext-1234abcd/memo)"
    assert run_cli("show", "ext-1234abcd/memo").code == 1
    assert run_cli("rebuild").code == 0  # nothing to drop any more


def test_an_edit_of_a_document_indexed_from_outside_writes_nothing_beside_its_file(
    run_cli, settings, tmp_path
):
    memo = _indexed_from_outside(settings, tmp_path)
    result = run_cli("edit", "ext-1234abcd/memo", "--title", "Neu")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"kb: error: {memo}: the file lies outside the corpus, where nothing is written; "
        f"`kb ingest {memo}` imports it, then its copy can be corrected\n"
    )
    assert sorted(p.name for p in memo.parent.iterdir()) == ["memo.txt"]
    assert run_cli("show", "--json", "ext-1234abcd/memo").json["title"] == "Memo"


def test_an_edit_of_a_document_whose_file_became_a_link_reads_nothing_through_it(run_cli, settings, tmp_path):
    assert run_cli("ingest").code == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("Geheime Passwörter des Servers.")
    original = settings.corpus_dir / "documents" / "004_a376ae4560a2eac7.txt"
    original.unlink()
    original.symlink_to(secret)
    sidecar = settings.corpus_dir / "documents" / "004_a376ae4560a2eac7.txt.meta.json"
    before = sidecar.read_bytes() if sidecar.exists() else None
    result = run_cli("edit", "documents/004_a376ae4560a2eac7", "--title", "Neu")
    assert (result.code, result.err) == (
        1,
        "kb: error: documents/004_a376ae4560a2eac7.txt: a symbolic link: links are not followed\n",
    )
    doc = run_cli("show", "--json", "documents/004_a376ae4560a2eac7").json
    assert "Geheime" not in doc["text"] and doc["title"] != "Neu"
    assert (sidecar.read_bytes() if sidecar.exists() else None) == before


def test_a_file_in_the_trash_named_on_the_command_line_is_not_indexed(run_cli, settings):
    assert run_cli("ingest").code == 0
    assert run_cli("remove", "documents/004_a376ae4560a2eac7").code == 0
    (trashed,) = (settings.corpus_dir / ".deleted").rglob("004_a376ae4560a2eac7.txt")
    result = run_cli("ingest", trashed, settings.corpus_dir / ".deleted")
    label = trashed.relative_to(settings.corpus_dir).as_posix()
    assert result.err.splitlines() == [
        f"skipped: {label}: in the hidden folder .deleted/ of the corpus, not a document"
    ]
    assert result.out.splitlines()[-1] == "1 file: 1 skipped"
    assert run_cli("check").code == 0  # nothing indexed that a walk of the corpus (or a rebuild) never reads
