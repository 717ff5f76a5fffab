"""A damaged index is detected on open, reported in one line, moved aside and rebuilt from corpus/;
`kb check` compares index and corpus (missing, stale, orphaned) and `kb check --repair` fixes them.
"""

from __future__ import annotations

import hashlib
import logging
import random
import shutil
from pathlib import Path

import pytest

from archive.service import check, open_knowledge_base
from kb.api import KnowledgeBase
from kb.errors import IndexDamagedError
from kb.models import SearchRequest
from tests.conftest import copy_corpus, make_settings

EXTRA_DOCS = 40


def corpus_digest(corpus: Path) -> dict[str, str]:
    return {
        p.relative_to(corpus).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(corpus.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A corpus (seeds plus generated notes) and its freshly built index, copied by each test."""
    root = tmp_path_factory.mktemp("pristine")
    corpus = copy_corpus(root / "corpus")
    notes = corpus / "notes"
    notes.mkdir()
    for n in range(EXTRA_DOCS):
        (notes / f"n{n:02d}.txt").write_text(f"Notiz {n} über Kunststoff, Kennung dmgword{n:02d}.", "utf-8")
    settings = make_settings(root, corpus)
    kb = open_knowledge_base(settings)
    count = len(kb.checksums())
    kb.close()
    return root, count


@pytest.fixture
def copy(pristine, tmp_path):
    root, count = pristine
    work = tmp_path / "work"
    shutil.copytree(root / "corpus", work / "corpus")
    shutil.copytree(root / "index", work / "index")
    return make_settings(work, work / "corpus"), count


def biggest(index_dir: Path, suffix: str) -> Path:
    files = [p for p in index_dir.iterdir() if p.name.endswith(suffix)]
    return max(files, key=lambda p: p.stat().st_size)


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def garble(path: Path) -> None:
    """Overwrite most of the file with random bytes, keeping its size."""
    data = bytearray(path.read_bytes())
    rng = random.Random(7)
    start = min(16, len(data) // 4)
    for i in range(start, len(data)):
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))


def remove(path: Path) -> None:
    path.unlink()


DAMAGE = [
    (".toc", truncate),
    (".toc", garble),
    (".toc", empty),
    (".trm", truncate),
    (".trm", garble),
    (".trm", remove),
    (".pst", truncate),
    (".pst", garble),
    ("_stored.col", truncate),
    ("_stored.col", garble),
    ("facetrow.col", truncate),
    ("facetrow.col", garble),
    ("_content_len.col", remove),
]


@pytest.mark.parametrize(("suffix", "damage"), DAMAGE, ids=[f"{s}-{d.__name__}" for s, d in DAMAGE])
def test_a_damaged_index_is_reported_moved_aside_and_rebuilt(copy, suffix, damage, caplog):
    settings, count = copy
    before = corpus_digest(settings.corpus_dir)
    damage(biggest(settings.index_dir, suffix))
    with pytest.raises(IndexDamagedError):
        KnowledgeBase(settings.index_dir, settings.corpus_dir)
    caplog.set_level(logging.INFO)
    kb = open_knowledge_base(settings)
    try:
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and "\n" not in errors[0].getMessage() and not errors[0].exc_info
        assert "damaged" in errors[0].getMessage()
        aside = list(settings.index_dir.parent.glob(f"{settings.index_dir.name}.damaged-*"))
        assert len(aside) == 1 and any(aside[0].iterdir())  # kept for inspection, not deleted
        assert len(kb.checksums()) == count
        assert check(kb, settings).ok
        assert kb.search(SearchRequest(text="dmgword07", fuzzy=False, expand=False)).hits[0].id == "notes/n07"
        assert kb.search(SearchRequest(text="Kunststoff", page_size=1)).total >= EXTRA_DOCS
    finally:
        kb.close()
    assert corpus_digest(settings.corpus_dir) == before  # no corpus file lost or changed


def test_a_missing_table_of_contents_rebuilds_from_the_corpus(copy):
    settings, count = copy
    for toc in settings.index_dir.glob("*.toc"):
        toc.unlink()
    kb = open_knowledge_base(settings)
    try:
        assert kb.created and len(kb.checksums()) == count and check(kb, settings).ok
    finally:
        kb.close()


def test_the_cli_rebuilds_a_damaged_index_with_one_line_on_stderr(copy, run_kb):
    settings, count = copy
    garble(biggest(settings.index_dir, ".trm"))
    result = run_kb("check", "--json", settings=settings)
    assert result.code == 0, result.err
    assert result.json["ok"] is True
    errors = [line for line in result.err.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "Traceback" not in result.err


# -- kb check and kb check --repair ---------------------------------------------------------------------


def test_check_reports_missing_stale_and_orphaned_and_repair_fixes_them(copy, run_kb):
    settings, count = copy
    corpus = settings.corpus_dir
    (corpus / "notes" / "new.txt").write_text("Ein neues Dokument, Kennung dmgnew.", "utf-8")  # missing
    (corpus / "notes" / "n03.txt").write_text("Geänderte Notiz, Kennung dmgchanged.", "utf-8")  # stale
    (corpus / "notes" / "n05.txt").unlink()  # orphaned
    result = run_kb("check", "--json", settings=settings)
    assert result.code == 1
    report = result.json
    assert report["missing"] == ["notes/new"]
    assert report["stale"] == ["notes/n03"]
    assert report["orphaned"] == ["notes/n05"]
    assert report["ok"] is False

    repaired = run_kb("check", "--repair", "--json", settings=settings)
    assert repaired.code == 0, repaired.err
    assert repaired.json["repaired"] is True and repaired.json["ok_after"] is True

    again = run_kb("check", settings=settings)
    assert again.code == 0 and "index matches the corpus" in again.out
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    try:
        ids = set(kb.checksums())
        assert "notes/new" in ids and "notes/n05" not in ids and len(ids) == count
        assert kb.search(SearchRequest(text="dmgchanged", fuzzy=False)).hits[0].id == "notes/n03"
    finally:
        kb.close()
