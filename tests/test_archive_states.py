"""Random sequences of what users do never lose a document (hypothesis RuleBasedStateMachine).

The machine adds files (good, duplicate, hostile, with bad metadata), ingests folders inside and
outside corpus/ (with good and bad metadata files), edits metadata (valid and invalid), removes,
rebuilds, checks and repairs, and kills `kb add` / `kb ingest` with SIGKILL in the middle of a write.
After every step it checks the invariants:

1. every original in corpus/ is indexed (`check` is clean; after a kill, once `repair` ran);
2. no document disappears except by remove, and what a step added is there;
3. a removed document's file is in corpus/.deleted/, byte for byte;
4. every metadata file in corpus/ is whole JSON with valid values;
5. the audit log grew by exactly the actions taken (a killed process: by at most one whole line),
   and its earlier bytes are unchanged;
6. a refused action leaves corpus/ byte for byte as it was;
7. a rebuild never shrinks the index.

`make test` runs a short sequence; `make test-slow` runs longer ones side by side, `make test-deep` longer still.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from archive import service
from ingest.errors import IngestError
from ingest.metadata.confirmed import InvalidMetadata, validate
from kb.vocabulary import load_vocabulary
from tests.conftest import KB_EXECUTABLE, REPO, cli_env, make_settings, vocabulary_only_corpus

ELF = (REPO / "tests" / "fixtures" / "hostile" / "program.pdf").read_bytes()
MAX_BYTES = 6000
GOOD_META = st.fixed_dictionaries(
    {},
    optional={
        "title": st.sampled_from(["Protokoll", "Netværksmøde", "Projekt Kunststoff"]),
        "date": st.sampled_from(
            ["31.12.2020", "3. marts 2015", "December 31, 2020", "2019-05", "2018", "1 mei 2021"]
        ),
        "networks": st.sampled_from(
            [["Plastindustrien"], ["MEMA-Netzwerk", "DIMA"], ["Kunststoffnetzwerk Ems-Achse"]]
        ),
        "regions": st.sampled_from([["Danmark"], ["Trekantomraadet"], ["Ems-Achse"]]),
        "topics": st.sampled_from([["recycling"], ["vocational-training", "networking"]]),
        "doctype": st.sampled_from(["minutes", "press release", "other"]),
        "language": st.sampled_from(["de", "da", "English"]),
    },
)
BAD_META = st.sampled_from(
    [
        {"date": "2020-13-45"},
        {"date": "31.02.2020"},
        {"date": "gestern"},
        {"networks": ["Plastic Pirates"]},
        {"regions": ["Atlantis"]},
        {"topics": ["astrology"]},
        {"doctype": "memo"},
        {"language": "klingon"},
    ]
)
STEPS = {"run": 0, "started": 0.0}


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class ArchiveMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kb-states-"))
        corpus = vocabulary_only_corpus(self.root / "corpus")
        self.settings = dataclasses.replace(
            make_settings(self.root, corpus), max_upload_bytes=MAX_BYTES, extract_timeout_s=30
        )
        self.vocabulary = load_vocabulary(corpus)
        (corpus / "documents").mkdir()
        self.counter = 0
        for _ in range(3):
            (corpus / "documents" / f"seed-{self.counter}.txt").write_bytes(self.text())
        self.kb = service.open_knowledge_base(self.settings)
        self.ids = set(self.kb.checksums())
        assert len(self.ids) == 3
        self.outside: list[Path] = []
        self.audit_lines = 0
        self.audit_bytes = b""
        self.expect(audit=0)
        self.killed = False

    def teardown(self) -> None:
        if hasattr(self, "kb"):
            self.kb.close()
            shutil.rmtree(self.root, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------

    def text(self, extra: str = "") -> bytes:
        """A new small text file, different from every other one."""
        self.counter += 1
        return f"Notiz {self.counter} über Kunststoff und Ausbildung im Netzwerk, Kennung w{self.counter:05d}.{extra}\n".encode()

    def expect(
        self, audit: int, removed: set[str] = frozenset(), added: set[str] = frozenset(), unchanged=False
    ):
        """What the step did: audit lines, removed and added ids, or (unchanged) nothing in corpus/."""
        self.audit_expected = (audit, audit)
        self.removed_now, self.added_now = set(removed), set(added)
        self.corpus_before = snapshot(self.settings.corpus_dir) if unchanged else None

    def refused(self) -> None:
        self.audit_expected = (0, 0)
        self.removed_now, self.added_now = set(), set()

    def pick(self, n: int) -> str:
        ids = sorted(self.ids)
        return ids[n % len(ids)]

    def step(self) -> None:
        STEPS["run"] += 1
        if STEPS["run"] % 250 == 0:
            print(
                f"state machine: {STEPS['run']} steps, {time.monotonic() - STEPS['started']:.0f} s",
                flush=True,
            )

    # -- adding --------------------------------------------------------------------------------

    @rule(meta=GOOD_META)
    def add_good(self, meta) -> None:
        self.step()
        outcome = service.store_upload(self.kb, self.settings, "notiz.txt", self.text(), meta, "anna")
        assert outcome.status == "indexed"
        self.expect(audit=1, added={outcome.id})

    @precondition(lambda self: self.ids)
    @rule(n=st.integers(0, 10**6))
    def add_duplicate(self, n) -> None:
        self.step()
        source = self.settings.corpus_dir / self.kb.get(self.pick(n)).source
        self.expect(audit=0, unchanged=True)
        with pytest.raises(service.DuplicateUpload):
            service.store_upload(self.kb, self.settings, "kopie.txt", source.read_bytes(), {}, "anna")

    @rule(kind=st.sampled_from(["exe", "empty", "large"]))
    def add_hostile(self, kind) -> None:
        self.step()
        data = {"exe": ELF, "empty": b"   \n", "large": self.text("x" * MAX_BYTES)}[kind]
        self.expect(audit=0, unchanged=True)
        with pytest.raises(IngestError):
            service.store_upload(self.kb, self.settings, "report.pdf", data, {}, "anna")

    @rule(meta=BAD_META)
    def add_with_bad_metadata(self, meta) -> None:
        self.step()
        self.expect(audit=0, unchanged=True)
        with pytest.raises(InvalidMetadata):
            service.store_upload(self.kb, self.settings, "notiz.txt", self.text(), meta, "anna")

    # -- ingesting folders ---------------------------------------------------------------------

    def folder(self, base: Path, files: int, duplicate: int | None, sidecar, hostile: bool) -> Path:
        folder = base / f"folder-{self.counter}"
        (folder / "sub").mkdir(parents=True)
        for k in range(files):
            path = folder / ("sub" if k % 2 else "") / f"note-{k}.txt"
            path.write_bytes(self.text())
            if k == 0 and sidecar is not None:
                Path(f"{path}.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
        if duplicate is not None and self.ids:
            twin = self.settings.corpus_dir / self.kb.get(self.pick(duplicate)).source
            shutil.copyfile(twin, folder / "twin.txt")
        if hostile:
            (folder / "program.pdf").write_bytes(ELF)
        return folder

    @rule(
        files=st.integers(1, 3),
        duplicate=st.none() | st.integers(0, 10**6),
        sidecar=st.none() | GOOD_META,
    )
    def ingest_inside(self, files, duplicate, sidecar) -> None:
        self.step()
        folder = self.folder(self.settings.corpus_dir / "inbox", files, duplicate, sidecar, hostile=False)
        outcomes = service.ingest(self.kb, self.settings, [folder], user="cli")
        added = {o.id for o in outcomes if o.status == "indexed"}
        assert len(added) == files
        assert {o.status for o in outcomes} <= {"indexed", "duplicate"}
        self.expect(audit=0, added=added)

    @rule(
        files=st.integers(1, 3),
        duplicate=st.none() | st.integers(0, 10**6),
        sidecar=st.none() | GOOD_META | BAD_META,
        hostile=st.booleans(),
    )
    def ingest_outside(self, files, duplicate, sidecar, hostile) -> None:
        self.step()
        folder = self.folder(self.root / "outside", files, duplicate, sidecar, hostile)
        self.outside.append(folder)
        outcomes = service.ingest(self.kb, self.settings, [folder], user="cli")
        added = {o.id for o in outcomes if o.status == "indexed"}
        bad = sidecar is not None and _invalid(sidecar, self.vocabulary)
        assert len(added) == files - bad
        for o in outcomes:
            if o.status != "indexed":
                assert o.status in ("duplicate", "unsupported", "failed")
                assert not o.source.startswith("imports/")  # refused files are not imported
        self.expect(audit=1 if added else 0, added=added)

    @precondition(lambda self: self.outside)
    @rule(n=st.integers(0, 10**6), change=st.booleans())
    def ingest_outside_again(self, n, change) -> None:
        self.step()
        folder = self.outside[n % len(self.outside)]
        if change:
            (folder / "note-0.txt").write_bytes(self.text())
        outcomes = service.ingest(self.kb, self.settings, [folder], user="cli")
        imported = [o for o in outcomes if o.message.startswith("imported from ")]
        assert {o.status for o in imported} <= {"indexed", "updated"}
        replaced = [o for o in imported if o.status == "updated"]  # each copy replaced: a reimport line
        self.expect(audit=(1 if imported else 0) + len(replaced), added={o.id for o in imported})

    # -- editing and removing ------------------------------------------------------------------

    @precondition(lambda self: self.ids)
    @rule(n=st.integers(0, 10**6), meta=GOOD_META.filter(bool))
    def edit_valid(self, n, meta) -> None:
        self.step()
        doc_id = self.pick(n)
        service.update_metadata(self.kb, self.settings, doc_id, meta, "bert")
        doc = self.kb.get(doc_id)
        if "date" in meta:
            assert doc.date == validate({"date": meta["date"]}, self.vocabulary)["date"]
        self.expect(audit=1)

    @precondition(lambda self: self.ids)
    @rule(n=st.integers(0, 10**6), meta=BAD_META)
    def edit_invalid(self, n, meta) -> None:
        self.step()
        self.expect(audit=0, unchanged=True)
        with pytest.raises(InvalidMetadata):
            service.update_metadata(self.kb, self.settings, self.pick(n), meta, "bert")

    @precondition(lambda self: self.ids)
    @rule(n=st.integers(0, 10**6))
    def remove(self, n) -> None:
        self.step()
        doc_id = self.pick(n)
        source = self.settings.corpus_dir / self.kb.get(doc_id).source
        data = source.read_bytes()
        moved = service.delete_document(self.kb, self.settings, doc_id, "carl")
        assert moved is not None and moved.read_bytes() == data
        assert self.settings.corpus_dir / service.TRASH_DIR in moved.parents
        assert not source.exists()
        self.expect(audit=1, removed={doc_id})

    # -- rebuilding, checking, repairing -------------------------------------------------------

    @rule()
    def rebuild(self) -> None:
        self.step()
        before = set(self.kb.checksums())
        plan = service.rebuild_plan(self.kb, self.settings)
        assert not plan.shrinks, plan  # every indexed document has its original in corpus/
        outcomes = service.rebuild(self.kb, self.settings, user="dora", plan=plan)
        assert not [o for o in outcomes if o.status == "failed"]
        assert set(self.kb.checksums()) == before
        self.expect(audit=1)

    @rule()
    def check_and_repair(self) -> None:
        self.step()
        assert service.check(self.kb, self.settings).ok
        assert [
            o for o in service.repair(self.kb, self.settings) if o.status not in ("unchanged", "duplicate")
        ] == []
        self.expect(audit=0)

    @rule(command=st.sampled_from(["add", "ingest"]), delay=st.floats(0.3, 2.0))
    def killed_mid_write(self, command, delay) -> None:
        self.step()
        if command == "add":
            upload = self.root / "incoming" / f"upload-{self.counter}.txt"
            upload.parent.mkdir(exist_ok=True)
            upload.write_bytes(self.text())
            args = ["add", str(upload)]
        else:
            folder = self.folder(self.root / "outside", 4, None, None, hostile=False)
            self.outside.append(folder)
            args = ["ingest", "--workers", "1", str(folder)]
        proc = subprocess.Popen(
            [str(KB_EXECUTABLE), *args],
            env={**os.environ, **cli_env(self.settings), "KB_MAX_UPLOAD_BYTES": str(MAX_BYTES)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        self.kb.close()  # the next read sees what the killed process committed
        self.killed = True
        self.audit_expected = (0, 1)
        self.removed_now, self.added_now, self.corpus_before = set(), set(), None

    # -- the invariants ------------------------------------------------------------------------

    @invariant()
    def nothing_is_lost(self) -> None:
        if not hasattr(self, "kb"):
            return
        if self.killed:
            service.repair(self.kb, self.settings)
            self.killed = False
        now = set(self.kb.checksums())
        assert self.ids - now <= self.removed_now, f"lost: {sorted(self.ids - now - self.removed_now)}"
        assert self.added_now <= now, f"not indexed: {sorted(self.added_now - now)}"
        self.ids = now
        report = service.check(self.kb, self.settings)
        assert report.ok, report
        if self.corpus_before is not None:
            assert snapshot(self.settings.corpus_dir) == self.corpus_before
        for meta in self.settings.corpus_dir.rglob("*.meta.json"):
            if not any(part.startswith(".") for part in meta.relative_to(self.settings.corpus_dir).parts):
                validate(json.loads(meta.read_text(encoding="utf-8")), self.vocabulary)
        self._check_audit()
        self.expect(audit=0)

    def _check_audit(self) -> None:
        path = service.audit_path(self.settings)
        data = path.read_bytes() if path.exists() else b""
        assert data.startswith(self.audit_bytes), "the audit log was rewritten"
        lines = data.splitlines()
        for line in lines[self.audit_lines :]:
            json.loads(line)
        low, high = self.audit_expected
        grew = len(lines) - self.audit_lines
        assert low <= grew <= high, f"the audit log grew by {grew}, expected {low}..{high}"
        self.audit_lines, self.audit_bytes = len(lines), data


def _invalid(meta: dict, vocabulary) -> bool:
    try:
        validate(meta, vocabulary)
    except InvalidMetadata:
        return True
    return False


def run_machine(steps_wanted: int, steps_per_run: int, profile: settings) -> int:
    """Run sequences until at least `steps_wanted` steps ran; the number of steps run."""
    STEPS["run"], STEPS["started"] = 0, time.monotonic()
    while STEPS["run"] < steps_wanted:
        run_state_machine_as_test(ArchiveMachine, settings=profile)
    return STEPS["run"]


MIN_STEPS = 30  # steps the fast run takes at least
#: The slow run: this many runs side by side (one per core under xdist), each of at least
#: MIN_STEPS_PER_SLOW_RUN steps from its own random seed.
SLOW_RUNS, MIN_STEPS_PER_SLOW_RUN = 2, 110
MIN_STEPS_SLOW = SLOW_RUNS * MIN_STEPS_PER_SLOW_RUN
#: `make test-deep` asks for a longer run (TEST_STATE_STEPS steps in each slow run).
DEEP_STEPS = int(os.environ.get("TEST_STATE_STEPS") or 0)

SHORT = settings(
    max_examples=2,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
LONG = settings(
    max_examples=5,
    stateful_step_count=60,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_random_operation_sequences_lose_nothing() -> None:
    steps = run_machine(MIN_STEPS, 15, SHORT)
    print(f"state machine: {steps} steps")
    assert steps >= MIN_STEPS


@pytest.mark.slow
@pytest.mark.timeout(7200)
@pytest.mark.parametrize("run", range(SLOW_RUNS))
def test_hundreds_of_random_steps_lose_nothing(run: int) -> None:
    wanted = max(MIN_STEPS_PER_SLOW_RUN, DEEP_STEPS)
    steps = run_machine(wanted, 60, LONG)
    print(f"state machine, run {run + 1} of {SLOW_RUNS}: {steps} steps")
    assert steps >= wanted
