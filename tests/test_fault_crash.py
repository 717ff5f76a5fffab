"""Crash safety: `kb ingest` and `kb add` killed with SIGKILL at random points lose nothing.

After every kill the index opens as it is (no rebuild) with every document committed before the
kill, no stored corpus file is ever half-written, and the next `kb ingest` finishes the work.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.service import UPLOAD_DIR, check
from ingest.pipeline import discover, file_id, source_label, state_checksum
from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import KB_EXECUTABLE, cli_env, make_settings, vocabulary_only_corpus

pytestmark = pytest.mark.fault  # real processes: make test-fault

SEED = 20240521
#: files, SIGKILLs and the latest kill (s) of the ingest loops; `kb add` kills (docs/reliability.md reads these)
INGEST_KILLS = {"files": 150, "kills": 10, "max_delay": 1.6}
INGEST_KILLS_SLOW = {"files": 300, "kills": 20, "max_delay": 4.0}
ADD_KILLS, ADD_KILLS_SLOW, FILES_PER_ADD = 3, 20, 2
#: `kb ingest` with a commit every few files, so that kills also land inside commits.
SMALL_COMMITS = (
    "import sys, ingest.pipeline as p; p.COMMIT_EVERY = int(sys.argv[1]); "
    "from archive.cli import main; sys.exit(main(sys.argv[2:]))"
)


def make_corpus(root: Path, files: int):
    corpus = vocabulary_only_corpus(root / "corpus")
    for n in range(files):
        folder = corpus / "batch" / f"{n // 100:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"note-{n:04d}.txt").write_text(
            f"Notiz {n} des Netzwerks über Kunststoff. Kennung crashword{n:04d}.\n", encoding="utf-8"
        )
    return make_settings(root, corpus)


def start(settings, args: list[str]) -> subprocess.Popen:
    """A `kb` process in its own process group (so a kill also takes its worker processes)."""
    return subprocess.Popen(
        args,
        env={**os.environ, **cli_env(settings)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def kill_after(proc: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the process group after `delay` seconds; whether it was killed (not finished first)."""
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


def corpus_state(settings) -> dict[str, str]:
    """id → state checksum of every document file in the corpus."""
    return {
        file_id(source_label(p, settings.corpus_dir)): state_checksum(p.read_bytes(), p)
        for p in discover([settings.corpus_dir])
    }


def committed(settings) -> dict[str, str]:
    """id → checksum in the index, opened as it is: raises IndexDamagedError instead of rebuilding."""
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    try:
        return {i: c for i, (c, _) in kb.checksums().items()}
    finally:
        kb.close()


def finish_and_verify(settings, expected: set[str]) -> None:
    """A plain `kb ingest` completes the work: `kb check` is clean and every document is searchable."""
    proc = subprocess.run(
        [str(KB_EXECUTABLE), "ingest"],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    try:
        report = check(kb, settings)
        assert report.ok, report
        assert set(kb.checksums()) == expected
        page = kb.search(SearchRequest(text="Kunststoff", page_size=1))
        assert page.total == len(expected)
        notes = sorted(i for i in expected if "/note-" in i)
        for doc_id in notes[:: max(1, len(notes) // 25)]:  # a sample, each found by its own word
            word = Path(doc_id).name.replace("note-", "crashword")
            hits = kb.search(SearchRequest(text=word, page_size=3, fuzzy=False, expand=False)).hits
            assert [h.id for h in hits] == [doc_id]
    finally:
        kb.close()


def ingest_kill_loop(tmp_path, files: int, kills: int, max_delay: float) -> dict:
    settings = make_corpus(tmp_path, files)
    expected = corpus_state(settings)
    valid = {i: {c} for i, c in expected.items()}  # every state a file has had: a commit may hold any
    rng = random.Random(SEED)
    killed = 0
    # One uncut run, timed: kills are drawn within that duration so they land mid-run at any ingest speed.
    started = time.monotonic()
    proc = start(settings, [str(KB_EXECUTABLE), "ingest", "--workers", "2"])
    assert proc.wait(timeout=600) == 0, proc.stderr.read().decode()
    proc.stderr.close()
    max_delay = min(max_delay, 0.9 * (time.monotonic() - started))
    before = committed(settings)
    for round_ in range(kills):
        # change every note, so each round has a whole batch to ingest, however fast ingest is
        for path in discover([settings.corpus_dir]):
            if path.name.startswith("note-"):
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(f"\nRunde {round_}.\n")
        expected = corpus_state(settings)
        for i, c in expected.items():
            valid.setdefault(i, set()).add(c)
        if round_ % 2:
            args = [str(KB_EXECUTABLE), "ingest", "--workers", "2"]
        else:
            args = [
                sys.executable,
                "-c",
                SMALL_COMMITS,
                str(rng.choice((10, 25, 50))),
                "ingest",
                "--workers",
                "2",
            ]
        proc = start(settings, args)
        if kill_after(proc, rng.uniform(0.2, max_delay)):
            killed += 1
        else:
            assert proc.returncode == 0, proc.stderr.read().decode()
        proc.stderr.close()
        after = committed(settings)  # opens without IndexDamagedError
        lost = set(before) - set(after)
        assert not lost, f"round {round_}: {len(lost)} committed documents lost, e.g. {sorted(lost)[:3]}"
        wrong = {i for i, c in after.items() if c not in valid.get(i, ())}
        assert not wrong, f"round {round_}: documents that match no corpus file: {sorted(wrong)[:3]}"
        before = after
    finish_and_verify(settings, set(expected))
    return {"killed": killed, "files": files}


def test_ingest_killed_at_random_points_loses_nothing(tmp_path):
    result = ingest_kill_loop(tmp_path, **INGEST_KILLS)
    assert result["killed"] >= 5  # most rounds were really cut short


@pytest.mark.slow
def test_ingest_killed_again_and_again_loses_nothing(tmp_path):
    result = ingest_kill_loop(tmp_path, **INGEST_KILLS_SLOW)
    # most rounds really cut short: a round re-reads only the changed notes, faster than the timed first
    # ingest the delays are drawn within, so one of 20 finished first in a CI run (19 killed)
    assert result["killed"] >= 15


# -- kb add -------------------------------------------------------------------------------------------


def add_kill_loop(tmp_path, kills: int, files_per_add: int = FILES_PER_ADD) -> None:
    settings = make_corpus(tmp_path, 5)
    rng = random.Random(SEED + 1)
    sources: dict[bytes, str] = {}
    outside = tmp_path / "incoming"
    outside.mkdir()
    for round_ in range(kills):
        paths = []
        for k in range(files_per_add):
            body = f"Upload {round_}-{k} über Kunststoff, Kennung addword{round_:02d}{k}.\n"
            data = (body + "Netzwerk Recycling Ausbildung " * 20_000).encode()  # about 600 KB
            path = outside / f"upload-{round_}-{k}.txt"
            path.write_bytes(data)
            sources[data] = path.name
            paths.append(str(path))
        proc = start(settings, [str(KB_EXECUTABLE), "add", *paths])
        kill_after(proc, rng.uniform(0.1, 2.5))
        proc.stderr.close()
        uploads = settings.corpus_dir / UPLOAD_DIR
        for path in uploads.rglob("*") if uploads.exists() else ():
            if path.is_dir() or path.name.startswith(".tmp-"):
                continue  # a temporary file of an interrupted write: hidden, ingest skips it
            if path.name.endswith(".meta.json"):
                json.loads(path.read_text(encoding="utf-8"))  # complete JSON, never half
                continue
            assert path.read_bytes() in sources, f"round {round_}: {path.name} is half-written"
        committed(settings)  # the index still opens as it is
    expected = set(corpus_state(settings))
    finish_and_verify(settings, expected)


def test_add_killed_mid_way_never_leaves_a_half_written_file(tmp_path):
    add_kill_loop(tmp_path, kills=ADD_KILLS)


@pytest.mark.slow
def test_add_killed_twenty_times_never_leaves_a_half_written_file(tmp_path):
    add_kill_loop(tmp_path, kills=ADD_KILLS_SLOW)
