"""A `kill -9` of `kb ingest` ends its reader processes too: they waited, 120 MB each, for work that would
never come (a hostile-user hunt found two still running a minute later)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import KB_EXECUTABLE, cli_env, copy_corpus, make_settings

pytestmark = pytest.mark.fault


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_kb_ingest_ends_its_reader_processes(tmp_path):
    settings = make_settings(tmp_path, copy_corpus(tmp_path / "corpus"))
    folder = tmp_path / "Berichte"
    folder.mkdir()
    for i in range(400):  # enough to be read for a while
        (folder / f"bericht_{i:03}.txt").write_text(f"Bericht {i} über Kunststoff und Ausbildung.\n" * 50)
    ingest = subprocess.Popen(
        [str(KB_EXECUTABLE), "ingest", str(folder), "--no-embed"],
        env={**os.environ, **cli_env(settings), "KB_SEMANTIC": "off"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        readers: set[int] = set()
        while not readers and ingest.poll() is None and time.monotonic() < deadline:
            readers = children(ingest.pid)
            time.sleep(0.05)
        assert readers, "kb ingest ended before it started reader processes"
        ingest.send_signal(signal.SIGKILL)
        ingest.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(r) for r in readers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [r for r in readers if alive(r)]
    finally:
        ingest.kill()
        for r in children(ingest.pid) | readers:
            if alive(r):
                os.kill(r, signal.SIGKILL)
