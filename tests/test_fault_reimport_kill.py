"""A re-import killed at any rename leaves the old copy with its old metadata or the new copy with its
new metadata, never one of each, once the next ingest or `kb check --repair` has run.

A re-import (`kb ingest FOLDER` of a changed outside file) replaces two files in corpus/imports/: the
copy and its metadata file (archive/replacing.py). Here `kb ingest` runs in a process of its own that
is killed (SIGKILL, by itself, with its reader processes) right before its Nth rename of a file in
corpus/, for every N until one run has none left to be killed at: each rename of a re-import is a
point a power cut or a kill can fall on.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from archive.replacing import LOCK, RECORDS, STAGED_PREFIX
from tests.conftest import cli_env, copy_corpus, kb_process, make_settings

pytestmark = pytest.mark.fault

OLD_TEXT = "Protokoll des Netzwerktreffens über Kunststoff, Kennung altwort.\n"
NEW_TEXT = "Protokoll des Netzwerktreffens über Recycling, Kennung neuwort.\n"
OLD_META = {"title": "Alter Titel", "networks": ["Plastindustrien"]}
NEW_META = {"title": "Neuer Titel", "topics": ["recycling"]}

#: `kb` with os.replace patched: the process (and its group: the readers) is killed right before its
#: KILL_AT-th rename of a file in corpus/.
KILLED_KB = """
import os, signal, sys
real, at, seen, corpus = os.replace, int(os.environ["KILL_AT"]), [0], os.environ["KB_CORPUS_DIR"]
def replace(src, dst, *args, **kwargs):
    if os.path.abspath(os.fspath(dst)).startswith(os.path.abspath(corpus) + os.sep):
        seen[0] += 1
        if seen[0] == at:
            os.killpg(0, signal.SIGKILL)
    return real(src, dst, *args, **kwargs)
os.replace = replace
from archive.cli import main
sys.argv = ["kb", *sys.argv[1:]]
sys.exit(main())
"""


def write_outside(folder: Path, text: str, meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "treffen.txt").write_text(text, encoding="utf-8")
    (folder / "treffen.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def stored(settings) -> tuple[str, dict]:
    copy = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt"
    return copy.read_text(encoding="utf-8"), json.loads(Path(f"{copy}.meta.json").read_text(encoding="utf-8"))


def search_titles(settings, word: str) -> list[str]:
    done = kb_process(settings, "search", "--json", word)
    assert done.returncode == 0, done.stderr
    return [h["title"] for h in json.loads(done.stdout)["hits"]]


def test_a_reimport_killed_at_any_rename_leaves_one_whole_pair(tmp_path):
    killed = 0
    for at in range(1, 40):
        root = tmp_path / f"run{at}"
        settings = make_settings(root, copy_corpus(root / "corpus"))
        outside = root / "outside" / "Protokolle"
        write_outside(outside, OLD_TEXT, OLD_META)
        first = kb_process(settings, "ingest", str(outside))
        assert first.returncode == 0, first.stderr
        assert stored(settings) == (OLD_TEXT, OLD_META)
        write_outside(outside, NEW_TEXT, NEW_META)  # changed outside: the next ingest replaces the copy
        proc = subprocess.run(
            [sys.executable, "-c", KILLED_KB, "ingest", str(outside)],
            env={**os.environ, **cli_env(settings), "KILL_AT": str(at)},
            capture_output=True,
            text=True,
            timeout=300,
            start_new_session=True,  # its own process group: the kill takes its readers too
        )
        if proc.returncode != -signal.SIGKILL:
            assert proc.returncode == 0, proc.stderr
            break  # no rename left to be killed at
        killed += 1
        repaired = kb_process(settings, "check", "--repair")
        assert repaired.returncode == 0, repaired.stderr
        text, meta = stored(settings)
        # the archive's metadata wins field by field over the file's own: the new pair keeps the old title
        new_pair = (NEW_TEXT, {**NEW_META, **OLD_META})
        assert (text, meta) in ((OLD_TEXT, OLD_META), new_pair), (at, text, meta)
        # nothing staged is left, and the index holds what the corpus holds
        records = settings.corpus_dir / RECORDS
        left = [p.name for p in records.iterdir() if p.name != LOCK] if records.exists() else []
        assert not left, (at, left)
        assert not list(settings.corpus_dir.rglob(f"{STAGED_PREFIX}*")), at
        assert not list(settings.corpus_dir.rglob(f".{STAGED_PREFIX}*")), at
        word = "neuwort" if text == NEW_TEXT else "altwort"
        assert search_titles(settings, word) == [meta["title"]], (at, word)
        report = kb_process(settings, "check", "--json")
        assert report.returncode == 0, report.stderr
        assert not any(json.loads(report.stdout).get(k) for k in ("missing", "stale", "orphaned")), (
            report.stdout
        )
        # the next ingest of the folder ends with the new pair
        again = kb_process(settings, "ingest", str(outside))
        assert again.returncode == 0, again.stderr
        assert stored(settings) == new_pair, at
    assert killed >= 4, killed  # the trash copy, the record, the staged files and both renames of the pair
