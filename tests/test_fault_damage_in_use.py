"""Damage whoosh would not notice, or would show as a stray exception: a deleted newest table of
contents (whoosh quietly opens an older one) and a postings file truncated under an open index. Both
are reported as damage in one line; the next open moves the index aside and rebuilds it from corpus/.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path

import pytest

from archive.service import ingest, open_knowledge_base
from kb.api import KnowledgeBase
from kb.errors import IndexDamagedError
from kb.models import SearchRequest
from tests.conftest import KB_EXECUTABLE, SEED_IDS, cli_env

NOTES = 30


def add_notes(settings, first: int, count: int) -> None:
    notes = settings.corpus_dir / "notes"
    notes.mkdir(exist_ok=True)
    for n in range(first, first + count):
        (notes / f"n{n:02d}.txt").write_text(f"Notiz {n} über Kunststoff, Kennung usedword{n:02d}.", "utf-8")


@pytest.fixture
def two_commits(settings):
    """An index of the seeds and notes written in two commits (so two tables of contents are on disk)."""
    add_notes(settings, 0, NOTES // 2)
    kb = open_knowledge_base(settings)
    add_notes(settings, NOTES // 2, NOTES - NOTES // 2)
    ingest(kb, settings, [settings.corpus_dir])
    assert len(kb.checksums()) == len(SEED_IDS) + NOTES
    kb.close()
    return settings


def tocs(index_dir: Path) -> list[Path]:
    return sorted(index_dir.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def test_a_deleted_newest_table_of_contents_is_damage_not_an_older_index(two_commits, caplog):
    settings = two_commits
    assert len(tocs(settings.index_dir)) >= 2  # the replaced one stays a while for readers
    tocs(settings.index_dir)[-1].unlink()
    with pytest.raises(IndexDamagedError, match="table of contents"):
        KnowledgeBase(settings.index_dir, settings.corpus_dir)
    caplog.set_level(logging.INFO)
    kb = open_knowledge_base(settings)
    try:
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "damaged" in errors[0].getMessage()
        assert len(list(settings.index_dir.parent.glob("index.damaged-*"))) == 1
        assert len(kb.checksums()) == len(SEED_IDS) + NOTES
    finally:
        kb.close()


def test_the_cli_searches_the_whole_index_after_its_newest_table_of_contents_was_deleted(two_commits):
    settings = two_commits
    tocs(settings.index_dir)[-1].unlink()
    proc = subprocess.run(
        [str(KB_EXECUTABLE), "search", "usedword29", "--json", "--no-fuzzy"],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [line for line in proc.stderr.splitlines() if line.startswith("ERROR")] != []
    assert json.loads(proc.stdout.splitlines()[0])["total"] == 1


def test_a_postings_file_truncated_under_an_open_index_is_damage_and_the_next_open_rebuilds(two_commits):
    settings = two_commits
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    words = [f"usedword{n:02d}" for n in range(NOTES)] + ["Kunststoff", "Notiz", "Netzwerk"]
    try:
        assert kb.search(SearchRequest(text="Kunststoff", page_size=1)).total >= NOTES
        pst = max(settings.index_dir.glob("*.pst"), key=lambda p: p.stat().st_size)
        data = pst.read_bytes()
        pst.write_bytes(data[: len(data) // 3])
        damaged = []
        for word in words:  # any other exception than IndexDamagedError fails the test
            try:
                kb.search(SearchRequest(text=word, page_size=1, fuzzy=False, expand=False))
            except IndexDamagedError as exc:
                damaged.append(str(exc))
        assert damaged, "no search read the truncated part"
        assert all("damaged" in m and "\n" not in m for m in damaged)
        assert kb.damaged
    finally:
        kb.close()
    again = open_knowledge_base(settings)  # validates: moved aside and rebuilt
    try:
        assert again.created
        for word in words:
            assert again.search(SearchRequest(text=word, page_size=1, fuzzy=False, expand=False)).total >= 1
    finally:
        again.close()
