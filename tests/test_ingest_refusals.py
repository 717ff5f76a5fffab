"""Files are checked before they are read (issue 21): a FIFO, a link, a device or a file over the limit
in a folder given to ingest is refused with one line and never opened for reading; metadata files and
vocabularies are no documents to ingest and to check alike.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess

import pytest

from archive.service import check, ingest
from ingest.errors import IngestError
from ingest.pipeline import discover
from ingest.reading import NotRegularFile, TooLarge, file_checksum, read_regular
from ingest.sidecar import read_sidecar
from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import KB_EXECUTABLE, SEED_CORPUS

TEXT = "Ein Bericht des Netzwerks über Kunststoff und Ausbildung."


@pytest.fixture
def kb(settings):
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    ingest(kb, settings, [settings.corpus_dir])  # the seeds
    yield kb
    kb.close()


def by_name(outcomes) -> dict[str, tuple[str, str]]:
    return {o.source.rsplit("/", 1)[-1]: (o.status, o.message) for o in outcomes}


def test_a_fifo_in_a_folder_is_refused_without_waiting_for_a_writer(run_kb, settings, tmp_path):
    folder = tmp_path / "outside" / "Post"
    folder.mkdir(parents=True)
    (folder / "good.txt").write_text(TEXT)
    os.mkfifo(folder / "pipe.txt")
    result = run_kb("ingest", "--json", folder)  # the old code waited here forever
    assert result.code == 0, result.err
    lines = {line["source"].rsplit("/", 1)[-1]: line for line in result.lines}
    assert sorted(lines) == ["good.txt", "pipe.txt"]
    assert lines["good.txt"]["status"] == "indexed"
    assert lines["pipe.txt"]["status"] == "skipped"
    assert lines["pipe.txt"]["message"].endswith("pipe.txt: not a regular file (a named pipe)")
    assert not (settings.corpus_dir / "imports" / "Post" / "pipe.txt").exists()


def test_a_fifo_named_as_a_metadata_file_is_refused_not_waited_for(kb, settings):
    (settings.corpus_dir / "memo.txt").write_text(TEXT)
    os.mkfifo(settings.corpus_dir / "memo.txt.meta.json")
    outcomes = ingest(kb, settings, [settings.corpus_dir / "memo.txt"])
    assert [(o.status, o.message) for o in outcomes] == [
        (
            "failed",
            f"memo.txt: {settings.corpus_dir / 'memo.txt.meta.json'}: the metadata file is refused: "
            "not a regular file (a named pipe)",
        )
    ]


def test_a_link_to_a_secret_outside_the_folder_is_not_read(run_kb, settings, tmp_path):
    secret = tmp_path / "var" / "coordinators.json"
    secret.parent.mkdir()
    secret.write_text('{"alice": "pbkdf2_sha256$geheimeshashwort"}')
    folder = tmp_path / "outside" / "Berichte"
    folder.mkdir(parents=True)
    (folder / "good.txt").write_text(TEXT)
    (folder / "passwords.txt").symlink_to(secret)
    (folder / "up").symlink_to(tmp_path / "var", target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    result = run_kb("ingest", "--json", folder)
    assert result.code == 0, result.err
    lines = {line["source"].rsplit("/", 1)[-1]: (line["status"], line["message"]) for line in result.lines}
    assert sorted(lines) == ["good.txt", "loop", "passwords.txt", "up"]
    assert lines["good.txt"][0] == "indexed"
    for name in ("loop", "passwords.txt", "up"):
        assert lines[name] == ("skipped", f"{folder / name}: a symbolic link: links are not followed")
    page = run_kb("search", "--json", "--no-fuzzy", "geheimeshashwort").json
    assert page["total"] == 0
    stored = sorted(p.name for p in (settings.corpus_dir / "imports").rglob("*") if p.name != ".source")
    assert stored == ["Berichte", "good.txt"]


def test_a_link_inside_the_corpus_is_not_indexed_and_check_agrees(kb, settings):
    (settings.corpus_dir / "alias.txt").symlink_to(
        settings.corpus_dir / "documents" / "000_29bb637916ff8d4d.txt"
    )
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert by_name(outcomes)["alias.txt"] == ("skipped", "alias.txt: a symbolic link: links are not followed")
    assert check(kb, settings).ok


def test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(kb, settings):
    big = settings.corpus_dir / "big.txt"
    with open(big, "wb") as fh:  # 2 GB on paper, no blocks on disk
        fh.truncate(2 * 1024**3)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    outcomes = ingest(kb, settings, [settings.corpus_dir])
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 512 * 1024  # it read 2 GB, once
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024  # and its workers again
    status, message = by_name(outcomes)["big.txt"]
    assert (status, message) == (
        "failed",
        f"big.txt: the file is larger than the limit ({2 * 1024**3:,} > {settings.max_upload_bytes:,} bytes)",
    )
    assert kb.search(SearchRequest()).total == 5


def test_reading_refuses_before_reading(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as fh:
        fh.truncate(10**12)  # a terabyte: reading it first would fail differently
    with pytest.raises(TooLarge, match=r"larger than the limit \(1,000,000,000,000 > 100 bytes\)"):
        read_regular(big, 100)
    with pytest.raises(TooLarge):
        file_checksum(big, 100)
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFile, match=r"a named pipe"):
        read_regular(tmp_path / "fifo", 100)
    (tmp_path / "link").symlink_to(tmp_path / "small")
    (tmp_path / "small").write_bytes(b"klein")
    with pytest.raises(NotRegularFile, match=r"a symbolic link"):
        read_regular(tmp_path / "link", 100)
    assert read_regular(tmp_path / "small", 5) == b"klein"
    with pytest.raises(NotRegularFile, match=r"a folder"):
        read_regular(tmp_path, 100)


def test_a_sidecar_link_to_a_secret_is_refused(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"title": "geheim"}')
    (tmp_path / "memo.txt").write_text(TEXT)
    (tmp_path / "memo.txt.meta.json").symlink_to(secret)
    with pytest.raises(IngestError, match=r"the metadata file is refused: a symbolic link"):
        read_sidecar(tmp_path / "memo.txt")


def test_discover_does_not_follow_linked_folders_or_loop(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text(TEXT)
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "b").symlink_to(tmp_path / "a", target_is_directory=True)
    assert [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])] == ["a/x.txt"]


# -- reserved names: ingest and check agree -----------------------------------------------------------


def test_reserved_names_named_explicitly_are_skipped_with_why_and_check_stays_clean(
    run_kb, settings, tmp_path
):
    folder = tmp_path / "outside" / "F"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "a.txt.meta.json").write_text('{"title": "Das A"}')
    (folder / "vocabulary.json").write_text('{"networks": []} Vokabelwort')
    (folder / "x.meta.json").write_text("Metawort ohne Datei")
    (folder / ".hidden.txt").write_text("Versteckwort")
    assert run_kb("ingest").code == 0  # the seeds
    named = [folder / "vocabulary.json", folder / "x.meta.json", folder / ".hidden.txt"]
    result = run_kb("ingest", "--json", folder, *named)
    assert result.code == 0, result.err
    lines = {line["source"].rsplit("/", 1)[-1]: (line["status"], line["message"]) for line in result.lines}
    assert lines == {
        "a.txt": ("indexed", f"imported from {folder / 'a.txt'}"),
        "vocabulary.json": ("skipped", f"{folder / 'vocabulary.json'}: a vocabulary file, not a document"),
        "x.meta.json": (
            "skipped",
            f"{folder / 'x.meta.json'}: a metadata file: it is read with the file it describes, not as a document",
        ),
        ".hidden.txt": ("skipped", f"{folder / '.hidden.txt'}: a hidden file"),
    }
    assert run_kb("show", "--json", "imports/F/a").json["title"] == "Das A"
    checked = run_kb("check", "--json")
    assert (checked.code, checked.json["ok"]) == (0, True), checked.out
    repaired = run_kb("check", "--repair", "--json")
    assert (repaired.code, repaired.json["orphaned"]) == (0, [])
    assert run_kb("stats", "--json").json["documents"] == 5 + 1
    text = run_kb("ingest", folder, *named)
    assert text.out.splitlines()[-1] == "4 files: 3 skipped, 1 unchanged"


def test_kb_add_refuses_a_fifo_and_a_file_over_the_limit_before_reading(run_kb, settings, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(2 * 1024**3)
    result = run_kb("add", "--json", tmp_path / "pipe.txt", big)
    assert result.code == 1
    assert [(line["status"], line["message"]) for line in result.lines] == [
        ("failed", "not a regular file (a named pipe)"),
        (
            "failed",
            f"the file is larger than the limit ({2 * 1024**3:,} > {settings.max_upload_bytes:,} bytes)",
        ),
    ]
    assert not (settings.corpus_dir / "uploads").exists()


def test_ingesting_the_folder_that_holds_the_archive_imports_none_of_its_own_data(tmp_path):
    """`kb ingest .` where corpus/ and var/ live: the password hashes, the audit log and the index (and
    a damaged one moved aside) are the archive's own data, never documents."""
    from archive.access import add_coordinator

    project = tmp_path / "project"
    shutil.copytree(SEED_CORPUS, project / "corpus")
    (project / "notes").mkdir()
    (project / "notes" / "plan.txt").write_text(TEXT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {"KB_SEMANTIC": "off"}

    def kb(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(KB_EXECUTABLE), *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    assert kb("ingest").returncode == 0
    add_coordinator(project / "var" / "coordinators.json", "anna", "a-long-password")
    (project / "var" / "index.damaged-20260101T000000").mkdir()
    (project / "var" / "index.damaged-20260101T000000" / "kb_schema.json").write_text("{}")
    result = kb("ingest", "--json", ".")
    assert result.returncode == 0, result.stderr
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert [s for s in sources if "var/" in s] == []
    assert any(s.endswith("notes/plan.txt") for s in sources)
    imported = [
        p.relative_to(project / "corpus") for p in (project / "corpus" / "imports").rglob("*") if p.is_file()
    ]
    assert [p for p in imported if "var" in p.parts] == []
    assert json.loads(kb("search", "scrypt", "--json").stdout)["total"] == 0
    named = kb("ingest", "--json", "var/coordinators.json")
    line = json.loads(named.stdout)
    assert line["status"] == "skipped" and "the archive's own data" in line["message"]


def test_another_archives_index_beside_the_documents_is_never_imported(tmp_path):
    """`kb ingest ..` from an archive whose parent holds another archive: that one's index folder (it
    carries the index marker), the folders kept beside it and its sign-ins and audit log are not
    documents; named
    itself, the index folder is refused with why. (Found by the command-line property test: another
    test's index was imported file by file.)"""
    other = tmp_path / "other"
    shutil.copytree(SEED_CORPUS, other / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {"KB_SEMANTIC": "off"}

    def kb(cwd, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(KB_EXECUTABLE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
        )

    assert kb(other, "ingest").returncode == 0
    from archive.access import add_coordinator

    add_coordinator(other / "var" / "coordinators.json", "anna", "a-long-password")
    (other / "var" / "audit.jsonl").write_text('{"user": "anna"}\n', encoding="utf-8")
    other_index = other / "var" / "index"
    assert (other_index / ".network-kb-index").is_file()
    (other / "var" / "index.semantic").mkdir()
    (other / "var" / "index.semantic" / "note.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "plan.txt").write_text(TEXT, encoding="utf-8")
    mine = tmp_path / "mine"
    shutil.copytree(SEED_CORPUS, mine / "corpus")

    result = kb(mine, "ingest", "--json", "..")
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    assert any(s.endswith("letters/plan.txt") for s in sources), sources
    assert [s for s in sources if "/var/" in s] == []
    imported = [p for p in (mine / "corpus" / "imports").rglob("*") if p.is_file()]
    assert [p for p in imported if "var" in p.parts] == []
    named = kb(mine, "ingest", "--json", str(other_index))
    line = json.loads(named.stdout)
    assert line["status"] == "skipped" and "a network-kb index" in line["message"], line


def test_the_archive_files_a_walk_leaves_out_are_the_ones_the_archive_writes():
    from archive.audit import AUDIT_FILE
    from archive.service import OWN_FILES
    from ingest.paths import ARCHIVE_FILES
    from kb.settings import load_settings

    assert AUDIT_FILE in ARCHIVE_FILES and set(OWN_FILES) == ARCHIVE_FILES
    assert load_settings().secrets_file.name in ARCHIVE_FILES
