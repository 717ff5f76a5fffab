"""Two `kb ingest` runs at once of two outside folders of one name (ra/Berichte, rb/Berichte) into one
corpus: each gets an import folder of its own (Berichte, Berichte-2), neither replaces nor deletes the
other's copies, and each says where it imported.

Both runs used to choose imports/Berichte (a free folder) before either had noted its source there;
the later one then took the other's copies for earlier versions of its own files and moved them to
corpus/.deleted/ as re-imports, while saying it had imported into Berichte-2. Here the first run is
held right before its first rename in corpus/ (after it has chosen its folder) until the second has
finished, or waits for the first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import KB_EXECUTABLE, cli_env, copy_corpus, kb_process, make_settings

pytestmark = pytest.mark.fault

FILES = 6
WAIT_S = 120

#: `kb` with os.replace patched: before its first rename of a file in corpus/ the process notes that
#: it got there (the file PAUSED) and waits until the file GO exists.
PAUSED_KB = """
import os, sys, time
real, corpus = os.replace, os.path.abspath(os.environ["KB_CORPUS_DIR"]) + os.sep
paused, go = os.environ["PAUSED"], os.environ["GO"]
def replace(src, dst, *args, **kwargs):
    if os.path.abspath(os.fspath(dst)).startswith(corpus) and not os.path.exists(paused):
        open(paused, "w").close()
        while not os.path.exists(go):
            time.sleep(0.02)
    return real(src, dst, *args, **kwargs)
os.replace = replace
from archive.cli import main
sys.argv = ["kb", *sys.argv[1:]]
sys.exit(main())
"""


def outside(folder: Path, word: str) -> dict[str, bytes]:
    folder.mkdir(parents=True)
    files = {f"r{n}.txt": f"Bericht {n} des Netzwerks, Kennung {word}{n}.\n".encode() for n in range(FILES)}
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return files


def waiting_for_a_lock(pid: int) -> bool:
    """Whether the process waits for a file lock (a blocked flock is listed with `->` in /proc/locks)."""
    return any("->" in line and line.split()[5] == str(pid) for line in Path("/proc/locks").open())


def until(done, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        time.sleep(0.05)


def hits(settings, word: str) -> list[str]:
    found = kb_process(settings, "search", "--json", word)
    assert found.returncode == 0, found.stderr
    return [h["source"] for h in json.loads(found.stdout)["hits"]]


def test_two_imports_at_once_of_folders_of_one_name_keep_each_others_files(tmp_path):
    settings = make_settings(tmp_path, copy_corpus(tmp_path / "corpus"))
    assert kb_process(settings, "ingest").returncode == 0
    ra, rb = tmp_path / "ra" / "Berichte", tmp_path / "rb" / "Berichte"
    files = {ra: outside(ra, "amsel"), rb: outside(rb, "drossel")}
    paused, go = tmp_path / "paused", tmp_path / "go"
    env = {**os.environ, **cli_env(settings)}
    first = subprocess.Popen(
        [sys.executable, "-c", PAUSED_KB, "ingest", str(ra)],
        env={**env, "PAUSED": str(paused), "GO": str(go)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        until(lambda: paused.exists() or first.poll() is not None, "the first run to reach corpus/")
        assert first.poll() is None, first.communicate()
        second = subprocess.Popen(
            [str(KB_EXECUTABLE), "ingest", str(rb)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        until(lambda: second.poll() is not None or waiting_for_a_lock(second.pid), "the second run")
    finally:
        go.touch()
    out_first, err_first = first.communicate(timeout=300)
    out_second, err_second = second.communicate(timeout=300)
    assert (first.returncode, err_first) == (0, ""), out_first
    assert (second.returncode, err_second) == (0, ""), out_second

    imports = settings.corpus_dir / "imports"
    assert out_first.splitlines()[0].startswith(f"imported {FILES} files into {imports / 'Berichte'} ")
    assert out_second.splitlines()[0].startswith(f"imported {FILES} files into {imports / 'Berichte-2'} ")
    notes = {f.name: (f / ".source").read_text().strip() for f in imports.iterdir() if f.is_dir()}
    assert notes == {"Berichte": str(ra.resolve()), "Berichte-2": str(rb.resolve())}
    for folder, source in (("Berichte", ra), ("Berichte-2", rb)):
        stored = {p.name: p.read_bytes() for p in (imports / folder).iterdir() if not p.name.startswith(".")}
        assert stored == files[source]
    assert not (settings.corpus_dir / ".deleted").exists()  # nothing was taken for an earlier version
    assert hits(settings, "amsel1") == ["imports/Berichte/r1.txt"]
    assert hits(settings, "drossel1") == ["imports/Berichte-2/r1.txt"]
    stats = kb_process(settings, "stats", "--json")
    assert json.loads(stats.stdout)["documents"] == 5 + 2 * FILES
    assert kb_process(settings, "check").returncode == 0
