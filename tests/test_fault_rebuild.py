"""A rebuild is atomic to readers: the new index is built beside the live one and replaces it in one
commit, so a search during a rebuild, or after one killed with SIGKILL, finds every document the live
index had; the folder a killed rebuild left is removed by the next open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import KB_EXECUTABLE, cli_env
from tests.test_fault_crash import kill_after, make_corpus, start

FILES = 300  # the slow tests' corpus; the others use fewer files


def search_total(settings, word: str = "Kunststoff") -> int:
    """The total of a `kb search` in a new process (which opens the index as any reader does)."""
    proc = subprocess.run(
        [str(KB_EXECUTABLE), "search", word, "--json", "--limit", "1"],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout.splitlines()[0])["total"]


def building_folders(settings) -> list[Path]:
    return sorted(settings.index_dir.parent.glob(f"{settings.index_dir.name}.building-*"))


def indexed(tmp_path, files: int):
    """A corpus of `files` notes and its index, built by `kb ingest`."""
    settings = make_corpus(tmp_path, files)
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    kb.close()
    proc = subprocess.run(
        [str(KB_EXECUTABLE), "ingest"],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert search_total(settings) == files
    return settings


def timed_rebuild(settings) -> float:
    started = time.monotonic()
    proc = start(settings, [str(KB_EXECUTABLE), "rebuild", "--yes"])
    assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    return time.monotonic() - started


def rebuild_kill_loop(tmp_path, files: int, fractions: tuple[float, ...]) -> int:
    settings = indexed(tmp_path, files)
    duration = timed_rebuild(settings)
    assert search_total(settings) == files
    killed = 0
    for fraction in fractions:
        for _ in range(3):  # a rebuild that finished before its kill is timed and tried again
            started = time.monotonic()
            proc = start(settings, [str(KB_EXECUTABLE), "rebuild", "--yes"])
            hit = kill_after(proc, duration * fraction)
            proc.stderr.close()
            assert search_total(settings) == files, f"after a kill at {fraction:.0%} of a rebuild"
            assert building_folders(settings) == []  # the search's open removed what the kill left
            if hit:
                killed += 1
                break
            # the machine got faster (the first rebuild ran beside other tests): time it anew
            duration = min(duration, time.monotonic() - started)
    timed_rebuild(settings)  # and the next rebuild completes
    assert search_total(settings) == files
    assert building_folders(settings) == []
    return killed


def test_a_rebuild_killed_mid_way_leaves_every_document_searchable(tmp_path):
    assert rebuild_kill_loop(tmp_path, 100, (0.4, 0.8)) >= 1


@pytest.mark.slow
def test_a_rebuild_killed_at_any_point_leaves_every_document_searchable(tmp_path):
    assert rebuild_kill_loop(tmp_path, FILES, (0.2, 0.4, 0.6, 0.8, 0.95)) >= 3


READER = """
import json, sys, time
from pathlib import Path
from kb.api import KnowledgeBase
from kb.models import SearchRequest
index, corpus, stop, out = map(Path, sys.argv[1:])
held = KnowledgeBase(index, corpus)
totals = []
n = 0
while not stop.exists():
    n += 1
    if n % 2:  # a reader holding its index across the rebuild
        totals.append(held.search(SearchRequest(text="Kunststoff", page_size=1)).total)
    else:  # and one opening the index path anew
        fresh = KnowledgeBase(index, corpus)
        totals.append(fresh.search(SearchRequest(text="Kunststoff", page_size=1)).total)
        fresh.close()
out.write_text(json.dumps(totals))
"""


@pytest.mark.slow
def test_searches_during_a_rebuild_never_see_fewer_documents(tmp_path):
    settings = indexed(tmp_path, FILES)
    stop, out = tmp_path / "stop", tmp_path / "totals.json"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER,
            str(settings.index_dir),
            str(settings.corpus_dir),
            str(stop),
            str(out),
        ],
        env={**os.environ, **cli_env(settings)},
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(1.0)
        timed_rebuild(settings)
        time.sleep(0.5)
    finally:
        stop.touch()
        reader.wait(timeout=120)
    assert reader.returncode == 0, reader.stderr.read().decode()
    reader.stderr.close()
    totals = json.loads(out.read_text())
    assert len(totals) >= 10
    assert set(totals) == {FILES}, f"counts seen during the rebuild: {sorted(set(totals))}"


def test_an_in_process_rebuild_swaps_in_one_commit(tmp_path):
    """A reader holding the index before the swap keeps its documents; after it, the new index."""
    from archive.service import rebuild

    settings = indexed(tmp_path, 40)
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    reader = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    try:
        before = reader.session()
        generation = before.searcher.reader().generation()
        (settings.corpus_dir / "batch" / "00" / "note-0000.txt").unlink()  # the rebuild drops it
        rebuild(kb, settings)
        assert before.searcher.doc_count() == 40  # the old files stay readable to it
        page = reader.search(SearchRequest(text="Kunststoff", page_size=1))
        assert page.total == 40 - 1
        assert reader.session().searcher.reader().generation() == generation + 1
        assert building_folders(settings) == []
    finally:
        reader.close()
        kb.close()
