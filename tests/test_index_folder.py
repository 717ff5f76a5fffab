"""A mistyped index folder never loses data: a folder of the user's files, the corpus, a folder inside
the corpus or one holding it is refused in one line and left exactly as it was; only folders carrying
the index's marker (or the stamp and table of contents of an earlier version) are ever changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from archive.service import open_knowledge_base
from kb.api import KnowledgeBase
from kb.errors import IndexFolderError
from kb.schema import SCHEMA_VERSION
from kb.settings import load_settings
from kb.whoosh_backend.index import STAMP_FILE
from kb.whoosh_backend.index_folder import MARKER
from tests.conftest import KB_EXECUTABLE, SEED_IDS, cli_env, doc


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def my_documents(folder: Path) -> Path:
    """A folder of a user's own files, the kind a mistyped --index names."""
    (folder / "letters").mkdir(parents=True)
    (folder / "letters" / "to-anna.txt").write_text("Liebe Anna, …", encoding="utf-8")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    return folder


def kb_run(settings, *args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KB_EXECUTABLE), *args],
        env={**os.environ, **cli_env(settings), **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [["stats"], ["search", "Kunststoff"], ["rebuild", "--yes"], ["ingest"], ["check", "--repair"]],
    ids=lambda a: a[0],
)
def test_a_folder_of_documents_named_as_index_is_refused_and_left_as_it_was(settings, tmp_path, args):
    mine = my_documents(tmp_path / "mydocs")
    before = digest(mine)
    result = kb_run(settings, *args, "--index", "mydocs", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "kb: error: mydocs is not a network-kb index; refusing to touch it\n"
    assert digest(mine) == before
    assert sorted(p.name for p in mine.iterdir()) == ["budget.xlsx", "letters"]


def test_kb_index_dir_naming_a_folder_of_documents_is_refused(settings, tmp_path):
    mine = my_documents(tmp_path / "mydocs")
    before = digest(mine)
    result = kb_run(settings, "stats", cwd=tmp_path, env={"KB_INDEX_DIR": str(mine)})
    assert result.returncode == 2
    assert result.stderr == f"kb: error: {mine} is not a network-kb index; refusing to touch it\n"
    assert digest(mine) == before


@pytest.mark.parametrize(
    ("option", "env", "said"),
    [
        (["--index", "corpus"], {}, "--index corpus: the index cannot be the corpus folder"),
        (["--index", "corpus/sub"], {}, "--index corpus/sub: the index cannot lie inside the corpus folder"),
        (["--index", "."], {}, "--index .: the index folder cannot hold the corpus folder"),
        ([], {"KB_INDEX_DIR": "."}, "KB_INDEX_DIR=.: the index folder cannot hold the corpus folder"),
    ],
    ids=["corpus", "inside", "around", "env"],
)
def test_the_corpus_can_never_be_the_index_nor_inside_or_around_it(settings, option, env, said):
    root = settings.corpus_dir.parent
    before = digest(root)
    result = kb_run(settings, "rebuild", "--yes", *option, "--corpus", "corpus", cwd=root, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"kb: error: {said}") and result.stderr.count("\n") == 1
    assert digest(root) == before


def test_the_library_refuses_such_folders_too(tmp_path, corpus_copy):
    mine = my_documents(tmp_path / "mydocs")
    with pytest.raises(IndexFolderError, match="is not a network-kb index; refusing to touch it"):
        KnowledgeBase(mine, corpus_copy)
    with pytest.raises(IndexFolderError, match="cannot be the corpus"):
        KnowledgeBase(corpus_copy, corpus_copy)
    with pytest.raises(IndexFolderError, match="cannot hold the corpus"):
        load_settings(index_dir=tmp_path, corpus_dir=corpus_copy)
    assert sorted(p.name for p in mine.iterdir()) == ["budget.xlsx", "letters"]


def test_an_empty_or_missing_folder_becomes_a_marked_index(tmp_path, corpus_copy):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing" / "index"):
        kb = KnowledgeBase(folder, corpus_copy)
        assert kb.created and (folder / MARKER).is_file()
        kb.close()


def test_an_index_of_an_earlier_version_without_the_marker_still_opens(settings):
    open_knowledge_base(settings).close()
    (settings.index_dir / MARKER).unlink()  # as earlier versions wrote it: the stamp and a table of contents
    kb = open_knowledge_base(settings)
    try:
        assert kb.created is False
        assert set(kb.checksums()) == set(SEED_IDS)
        assert (settings.index_dir / MARKER).is_file()
    finally:
        kb.close()


def test_a_new_schema_version_removes_only_the_index_files(kb_empty):
    kb_empty.write([doc("a", language="de")])
    kb_empty.close()
    folder = kb_empty.index_dir
    (folder / "notes.txt").write_text("a user's note kept in the index folder")
    stamp = json.loads((folder / STAMP_FILE).read_text())
    (folder / STAMP_FILE).write_text(json.dumps({**stamp, "schema_version": SCHEMA_VERSION + 1}))
    again = KnowledgeBase(folder, kb_empty.corpus_dir)
    try:
        assert again.created is True
        assert (folder / "notes.txt").read_text() == "a user's note kept in the index folder"
    finally:
        again.close()


def test_a_whoosh_index_of_another_program_is_refused(tmp_path, corpus_copy):
    from whoosh import fields, index

    other = tmp_path / "other"
    other.mkdir()
    index.create_in(str(other), fields.Schema(body=fields.TEXT), indexname="MAIN")
    before = digest(other)
    with pytest.raises(IndexFolderError):
        KnowledgeBase(other, corpus_copy)
    assert digest(other) == before


def test_a_folder_whose_marker_another_process_is_writing_is_not_refused(tmp_path, corpus_copy):
    """Creating an index writes its marker through a temporary file first: a second process opening
    the folder at that moment saw a folder of someone else's (CI: three first opens at once)."""
    from kb.whoosh_backend.index_folder import MARKER, claim

    folder = tmp_path / "index"
    folder.mkdir()
    (folder / f".{MARKER}.k3j2h1.tmp").write_bytes(b"network-kb index")
    claim(folder)  # no IndexFolderError
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(IndexFolderError):
        claim(folder)
