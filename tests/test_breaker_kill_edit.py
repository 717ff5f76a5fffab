"""`kb edit` and `kb remove` killed with SIGKILL at random points (the kill tests of test_fault_crash.py
and test_fault_rebuild.py cover ingest, add and rebuild): the metadata file is always whole, old or new;
a removed document's file is in its place or in corpus/.deleted, never lost; the index opens as it is;
and `kb check --repair` brings index and corpus together again."""

from __future__ import annotations

import json
import random
import subprocess
import time

import pytest

from kb.api import KnowledgeBase
from tests.conftest import KB_EXECUTABLE
from tests.test_fault_crash import committed, kill_after, make_corpus, start

pytestmark = [pytest.mark.fault, pytest.mark.slow]  # real processes killed, about 20 s

SEED = 20261206
EDIT_KILLS, REMOVE_KILLS = 4, 3


def _kb(settings, *args: str) -> subprocess.CompletedProcess:
    proc = start(settings, [str(KB_EXECUTABLE), *args])
    _, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(args, proc.returncode, "", err.decode())


def test_edit_and_remove_killed_mid_way_lose_nothing(tmp_path):
    settings = make_corpus(tmp_path, 8)
    assert _kb(settings, "ingest", "--no-embed").returncode == 0
    notes = sorted(p for p in settings.corpus_dir.rglob("note-*.txt"))
    ids = {p: f"batch/00/{p.stem}" for p in notes}
    assert set(ids.values()) <= set(committed(settings))
    rng = random.Random(SEED)
    started = time.monotonic()  # one uncut edit, timed: the kills land within its duration
    assert _kb(settings, "edit", ids[notes[0]], "--title", "Titel 0").returncode == 0
    longest = 0.95 * (time.monotonic() - started)
    titles = {notes[0]: {"Titel 0"}}
    for round_ in range(1, EDIT_KILLS + 1):
        path = rng.choice(notes)
        titles.setdefault(path, {None}).add(f"Titel {round_}")
        proc = start(settings, [str(KB_EXECUTABLE), "edit", ids[path], "--title", f"Titel {round_}"])
        kill_after(proc, rng.uniform(0.05, longest))
        proc.stderr.close()
        meta = path.with_name(path.name + ".meta.json")
        title = json.loads(meta.read_text(encoding="utf-8")).get("title") if meta.exists() else None
        assert title in titles[path], f"round {round_}: {meta.name} holds {title!r}"  # whole, old or new
        assert set(ids.values()) <= set(committed(settings))  # opens as it is, nothing lost
    for round_ in range(REMOVE_KILLS):
        path = notes.pop(rng.randrange(len(notes)))
        data = path.read_bytes()
        proc = start(settings, [str(KB_EXECUTABLE), "remove", ids[path]])
        kill_after(proc, rng.uniform(0.05, longest))
        proc.stderr.close()
        trashed = [p for p in (settings.corpus_dir / ".deleted").rglob(path.name) if p.read_bytes() == data]
        assert path.exists() + len(trashed) == 1, f"round {round_}: {path.name} is lost or twice"
        if path.exists():
            notes.append(path)  # not removed yet: it stays a document
        committed(settings)
    repaired = _kb(settings, "check", "--repair")
    assert repaired.returncode == 0 and "Traceback" not in repaired.stderr, repaired.stderr
    assert set(committed(settings)) == {ids[p] for p in notes}  # every file in place, nothing else
    assert _kb(settings, "check").returncode == 0
    kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    try:
        for path in notes:  # the index holds what the metadata file says
            meta = path.with_name(path.name + ".meta.json")
            if meta.exists():
                assert kb.get(ids[path]).title == json.loads(meta.read_text(encoding="utf-8"))["title"]
    finally:
        kb.close()
