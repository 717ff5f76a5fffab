"""A full disk while writing the index is one line and exit 1, the last committed index stays whole,
and the temporary files of an interrupted write are removed by the next open.

The index lives on a small tmpfs (mounting needs root: skipped elsewhere), the corpus on the usual disk.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.models import SearchRequest
from kb.whoosh_backend.index_folder import TEMP_FOLDER, WRITE_LOCK
from tests.conftest import SEED_IDS, copy_corpus, kb_process, make_settings

TMPFS_SIZE = "1100k"  # the seed index takes about 860 KB


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def kb_run(settings, *args: str) -> subprocess.CompletedProcess:
    return kb_process(settings, *args)


def big_notes(folder: Path, files: int = 3) -> Path:
    """Text files of many distinct words: their postings outgrow the small disk."""
    rng = random.Random(5)
    folder.mkdir()
    for n in range(files):
        words = " ".join(
            "".join(rng.choices("abcdefghijklmnoprstuvw", k=rng.randint(6, 11))) for _ in range(6000)
        )
        (folder / f"big-{n:02d}.txt").write_text(f"Kunststoff Bericht {n}. {words}", encoding="utf-8")
    return folder


def test_a_full_disk_during_an_import_is_one_line_and_the_index_stays_whole(tmp_path, small_disk):
    settings = make_settings(tmp_path, copy_corpus(tmp_path / "corpus"))
    settings = type(settings)(**{**settings.__dict__, "index_dir": small_disk / "index"})
    assert kb_run(settings, "stats").returncode == 0
    result = kb_run(settings, "ingest", str(big_notes(tmp_path / "incoming")))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"kb: error: cannot write the index at {settings.index_dir}: No space left on device"
    )
    assert not (settings.index_dir / TEMP_FOLDER).exists()
    found = kb_run(settings, "search", "Kunststoff", "--json", "--limit", "1")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout.splitlines()[0])["total"] >= 3  # the seeds committed before
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)  # opens as it is: no damage
    try:
        assert set(SEED_IDS) <= set(kb.checksums())
    finally:
        kb.close()


def test_the_temporary_folder_of_an_interrupted_write_is_removed_on_the_next_open(kb_empty):
    folder = kb_empty.index_dir
    kb_empty.close()
    (folder / TEMP_FOLDER).mkdir()
    (folder / TEMP_FOLDER / "run-0.tmp").write_bytes(b"\0" * 4096)  # as a killed writer leaves it
    kb = KnowledgeBase(folder, kb_empty.corpus_dir)
    try:
        assert not (folder / TEMP_FOLDER).exists()
        assert kb.search(SearchRequest(page_size=1)).total == 0
    finally:
        kb.close()


def test_a_writer_at_work_keeps_its_temporary_folder(kb_empty):
    from whoosh.filedb.filestore import FileStorage

    folder = kb_empty.index_dir
    (folder / TEMP_FOLDER).mkdir()
    lock = FileStorage(str(folder)).lock(WRITE_LOCK)
    assert lock.acquire(blocking=False)
    try:
        KnowledgeBase(folder, kb_empty.corpus_dir).close()
        assert (folder / TEMP_FOLDER).is_dir()
    finally:
        lock.release()
