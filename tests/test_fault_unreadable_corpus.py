"""Corpus files and folders that exist but cannot be read (permission denied) are said to be unreadable,
and their documents stay in the index: `kb check --repair` took them for orphans and removed them, and
`kb ingest --prune` ended in a bare error.

The commands run in processes of their own as an ordinary user would (tests run as root, who reads
everything: here without the capabilities that override file permissions).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import KB_EXECUTABLE, cli_env, copy_corpus, kb_process, make_settings

pytestmark = pytest.mark.fault

SEED = "documents/000_29bb637916ff8d4d"
#: root without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: file permissions hold for it as for anyone
AS_A_USER = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def as_a_user(settings, *args: str) -> subprocess.CompletedProcess:
    prefix = AS_A_USER if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, str(KB_EXECUTABLE), *args],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def unreadable(tmp_path):
    """An indexed corpus (the seeds and sub/a.txt) whose sub/ and one seed file nobody may read."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("setpriv is needed to read as an ordinary user")
    settings = make_settings(tmp_path, copy_corpus(tmp_path / "corpus"))
    (settings.corpus_dir / "sub").mkdir()
    (settings.corpus_dir / "sub" / "a.txt").write_text("Unterordner Luchs\n")
    assert kb_process(settings, "ingest").returncode == 0
    locked = [settings.corpus_dir / "sub", settings.corpus_dir / f"{SEED}.txt"]
    for path in locked:
        path.chmod(0)
    prefix = AS_A_USER if os.geteuid() == 0 else []
    if subprocess.run([*prefix, "cat", str(locked[1])], capture_output=True).returncode == 0:
        pytest.skip("file permissions cannot be made to hold here")
    try:
        yield settings
    finally:
        locked[0].chmod(0o755)
        locked[1].chmod(0o644)


def documents(settings) -> int:
    return json.loads(kb_process(settings, "stats", "--json").stdout)["documents"]


def test_check_repair_says_what_cannot_be_read_and_keeps_its_documents(unreadable):
    settings = unreadable
    assert documents(settings) == 6
    done = as_a_user(settings, "check", "--repair", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["orphaned"] == []
    assert report["unreadable"] == {
        f"{SEED}.txt": "cannot read the file: permission denied",
        "sub": "cannot read the folder: permission denied",
    }
    assert report["failed"] == []  # said once, as unreadable
    assert documents(settings) == 6  # nothing removed

    text = as_a_user(settings, "check")
    assert text.returncode == 1
    assert text.stdout.splitlines() == [
        f"unreadable: {SEED}.txt: cannot read the file: permission denied (its documents stay in the index)",
        "unreadable: sub: cannot read the folder: permission denied (its documents stay in the index)",
        "differences remain",
    ]


def test_check_repair_as_root_afterwards_finds_the_index_whole(unreadable):
    settings = unreadable
    assert as_a_user(settings, "check", "--repair").returncode == 1
    (settings.corpus_dir / "sub").chmod(0o755)
    (settings.corpus_dir / f"{SEED}.txt").chmod(0o644)
    done = kb_process(settings, "check")
    assert (done.returncode, done.stdout) == (0, "index matches the corpus\n")
    found = kb_process(settings, "search", "--json", "Luchs")
    assert [h["id"] for h in json.loads(found.stdout)["hits"]] == ["sub/a"]


def test_ingest_prune_says_pruning_was_skipped_and_summarises_the_import(unreadable, tmp_path):
    settings = unreadable
    (settings.corpus_dir / "documents" / "neu.txt").write_text("Neues Dokument Wiesel\n")
    done = as_a_user(settings, "ingest", "--prune")
    assert done.returncode == 1, done.stderr
    assert "kb: error" not in done.stderr
    problems = done.stderr.splitlines()
    assert problems == [
        f"failed: {SEED}.txt: cannot read the file: permission denied",
        "skipped: sub: cannot read the folder: permission denied",
        "failed: sub/a.txt: pruning skipped, nothing removed: cannot tell whether the file is still in the "
        "corpus (permission denied)",
    ]
    assert done.stdout.splitlines()[-1] == "8 files: 2 failed, 1 indexed, 1 skipped, 4 unchanged"
    assert documents(settings) == 7  # the new file indexed, nothing removed
    assert Path(settings.corpus_dir / "documents" / "neu.txt").exists()
