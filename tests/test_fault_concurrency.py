"""Concurrent writers: several real `kb add` and `kb ingest` processes on one corpus and index all
succeed (a writer that finds the lock taken waits with back-off), while a reader process keeps
searching without a single error; afterwards every document is searchable and `kb check` is clean.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import kb.whoosh_backend.backend
from archive.service import check, open_knowledge_base
from kb.api import KnowledgeBase
from kb.errors import IndexBusyError
from kb.models import SearchRequest
from kb.whoosh_backend.index import writer
from tests.conftest import KB_EXECUTABLE, cli_env, doc, make_settings, vocabulary_only_corpus

pytestmark = pytest.mark.fault  # real processes: make test-fault

#: concurrent `kb add`/`kb ingest` processes and files each (docs/reliability.md reads these)
RUSH = {"writers": 6, "files_each": 2}
RUSH_SLOW = {"writers": 10, "files_each": 3}
OPENERS = 3  # processes opening a missing index at once

READER = """
import json, sys, time
from pathlib import Path
from kb.api import KnowledgeBase
from kb.models import SearchRequest
index, corpus, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
kb = KnowledgeBase(index, corpus)
searches, errors, totals, slowest = 0, [], [], 0.0
while not stop.exists():
    started = time.monotonic()
    try:
        page = kb.search(SearchRequest(text="Kunststoff", page_size=5))
        kb.search(SearchRequest(text="", regions=(), page_size=1))
        totals.append(page.total)
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    slowest = max(slowest, time.monotonic() - started)
    searches += 1
    time.sleep(0.02)
print(json.dumps({"searches": searches, "errors": errors, "totals": totals, "slowest": slowest}))
"""


def word(writer_no: int, file_no: int) -> str:
    return f"concword{writer_no:02d}x{file_no:02d}"


def run_concurrently(tmp_path: Path, writers: int, files_each: int) -> dict:
    corpus = vocabulary_only_corpus(tmp_path / "corpus")
    (corpus / "base").mkdir()
    for n in range(5):
        (corpus / "base" / f"b{n}.txt").write_text(f"Grundbestand {n} über Kunststoff.", "utf-8")
    settings = make_settings(tmp_path, corpus)
    open_knowledge_base(settings).close()  # the index exists before the rush
    env = {**os.environ, **cli_env(settings)}

    incoming = tmp_path / "incoming"
    commands, expected_words = [], {}
    for w in range(writers):
        if w % 3 == 2:  # every third writer ingests a new folder inside the corpus
            folder = corpus / f"batch{w:02d}"
            folder.mkdir()
            for f in range(files_each):
                (folder / f"n{f:02d}.txt").write_text(
                    f"Ingest {w}/{f} über Kunststoff, Kennung {word(w, f)}.", "utf-8"
                )
                expected_words[word(w, f)] = f"batch{w:02d}/n{f:02d}"
            commands.append([str(KB_EXECUTABLE), "ingest", str(folder), "--workers", "1"])
        else:  # the others upload files from outside, as coordinators do
            paths = []
            for f in range(files_each):
                path = incoming / f"w{w:02d}" / f"upload-{w:02d}-{f:02d}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"Upload {w}/{f} über Kunststoff, Kennung {word(w, f)}.", "utf-8")
                paths.append(str(path))
                expected_words[word(w, f)] = None  # id decided by the store
            commands.append([str(KB_EXECUTABLE), "add", "--user", f"writer{w}", *paths])

    stop = tmp_path / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(settings.index_dir), str(corpus), str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    started = time.monotonic()
    procs = [
        subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    results = [(p.args, *p.communicate(timeout=600), p.returncode) for p in procs]
    elapsed = time.monotonic() - started
    stop.touch()
    out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    observed = json.loads(out)

    for args, _stdout, stderr, code in results:
        assert code == 0, f"{args[1]} failed ({code}): {stderr.strip()}"
        assert "Traceback" not in stderr

    assert observed["errors"] == [], observed["errors"][:3]
    assert observed["searches"] >= 5
    totals = observed["totals"]
    assert totals == sorted(totals)  # readers never see documents disappear during writes

    kb = KnowledgeBase(settings.index_dir, corpus)  # opens as it is: no damage after the rush
    try:
        report = check(kb, settings)
        assert report.ok, report
        ids = set(kb.checksums())
        assert len(ids) == 5 + writers * files_each
        for text, doc_id in expected_words.items():
            hits = kb.search(SearchRequest(text=text, fuzzy=False, expand=False)).hits
            assert len(hits) == 1, text
            if doc_id:
                assert hits[0].id == doc_id
    finally:
        kb.close()
    cli = subprocess.run([str(KB_EXECUTABLE), "check"], env=env, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0 and "index matches the corpus" in cli.stdout, cli.stdout + cli.stderr
    return {"elapsed": elapsed, "searches": observed["searches"], "slowest": observed["slowest"]}


def test_six_concurrent_writers_all_succeed_while_a_reader_keeps_searching(tmp_path):
    run_concurrently(tmp_path, **RUSH)


@pytest.mark.slow
def test_many_concurrent_writers_with_several_files_each(tmp_path):
    run_concurrently(tmp_path, **RUSH_SLOW)


# -- the lock ----------------------------------------------------------------------------------------


def test_a_writer_waits_for_the_lock_and_then_writes(kb_empty):
    ix = kb_empty._ix
    lock = ix.lock("WRITELOCK")
    assert lock.acquire(False)
    threading.Timer(0.6, lock.release).start()
    started = time.monotonic()
    with writer(ix, wait_s=20) as w:
        w.add_document(id="late", text="spät")
    assert time.monotonic() - started >= 0.5
    kb_empty.write([doc("after", "danach")])
    assert {"late", "after"} <= set(kb_empty.checksums())


def test_a_writer_reports_busy_after_its_bound(kb_empty):
    ix = kb_empty._ix
    lock = ix.lock("WRITELOCK")
    assert lock.acquire(False)
    try:
        started = time.monotonic()
        with pytest.raises(IndexBusyError) as exc, writer(ix, wait_s=0.8):
            pass
        elapsed = time.monotonic() - started
    finally:
        lock.release()
    assert elapsed >= 0.8
    assert "busy" in str(exc.value) and "\n" not in str(exc.value)


def test_the_cli_reports_a_busy_index_in_one_line(run_cli, settings, tmp_path, monkeypatch):
    kb_ = open_knowledge_base(settings)  # build the index first
    upload = tmp_path / "busy.txt"
    upload.write_text("Wartet auf das Schloss.", "utf-8")
    monkeypatch.setattr(kb.whoosh_backend.backend, "writer", functools.partial(writer, wait_s=0.5))
    lock = kb_._ix.lock("WRITELOCK")
    assert lock.acquire(False)
    try:
        result = run_cli("add", str(upload))
    finally:
        lock.release()
        kb_.close()
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "busy" in lines[0] and "Traceback" not in result.err


def test_searches_answer_while_a_writer_holds_the_lock(kb_empty):
    kb_empty.write([doc("one", "Kunststoff eins")])
    lock = kb_empty._ix.lock("WRITELOCK")
    assert lock.acquire(False)
    try:
        other = KnowledgeBase(kb_empty.index_dir, kb_empty.corpus_dir)
        assert other.search(SearchRequest(text="Kunststoff")).total == 1
        other.close()
    finally:
        lock.release()


def test_concurrent_first_opens_of_a_missing_index_agree(tmp_path):
    """Three processes opening a not-yet-existing index at once end with one working index."""
    corpus = vocabulary_only_corpus(tmp_path / "corpus")
    for n in range(OPENERS):
        (corpus / f"d{n}.txt").write_text(f"Dokument {n} über Kunststoff.", "utf-8")
    settings = make_settings(tmp_path, corpus)
    env = {**os.environ, **cli_env(settings)}
    procs = [
        subprocess.Popen(
            [str(KB_EXECUTABLE), "stats"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(OPENERS)
    ]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    kb_ = KnowledgeBase(settings.index_dir, corpus)
    try:
        assert check(kb_, settings).ok and len(kb_.checksums()) == OPENERS
    finally:
        kb_.close()


def test_a_commit_recorded_while_another_writer_writes_is_not_taken_for_damage(tmp_path):
    """Regression: record_files stored the sizes of another writer's unfinished segment files, so the
    next open saw them "changed" and moved a healthy index aside."""
    from kb.whoosh_backend.index import STAMP_FILE, create_index, open_index, record_files, upsert

    index_dir = tmp_path / "index"
    ix = create_index(index_dir)
    with writer(ix) as w:
        upsert(w, [doc(f"a{i}", f"Text {i} über Kunststoff") for i in range(20)])
    late = ix.writer(compound=False)  # writer B, half-way through its segment
    upsert(late, [doc(f"b{i}", f"Anderer Text {i} Netzwerk " * 40) for i in range(200)])
    record_files(index_dir, ix)  # writer A records after its commit, while B writes
    stamp_of_a = (index_dir / STAMP_FILE).read_text()
    late.commit()
    record_files(index_dir, ix)
    (index_dir / STAMP_FILE).write_text(stamp_of_a)  # A's stamp lands last
    ix2, created = open_index(index_dir)  # no IndexDamagedError
    assert not created and ix2.doc_count() == 220
