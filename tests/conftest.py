"""Shared fixtures: copies of the seed corpus, settings in tmp_path, seeded and synthetic indexes, the CLI.

Every index here is real and on disk. Every knowledge base gets the repository's vocabulary, because
the compound splitter's protected words are process-wide and set from the vocabulary of the last
KnowledgeBase opened: giving all of them the same vocabulary keeps tests independent of their order.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# The meaning layer embeds every written document in the background: tests that do not ask for it
# (KnowledgeBase(..., semantic=True)) run without it, as the product does with KB_SEMANTIC=off.
os.environ["KB_SEMANTIC"] = "off"

from archive import cli
from archive.service import open_knowledge_base
from kb.api import KnowledgeBase
from kb.models import Document
from kb.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
SEED_CORPUS = REPO / "corpus"
KB_EXECUTABLE = Path(sys.executable).with_name("kb")

#: The five seed documents: id → (language, year, doctype).
SEED_IDS = {
    "documents/000_29bb637916ff8d4d": ("de", None, "project-description"),
    "documents/001_c1da5292cc622186": ("da", 2015, "press-release"),
    "documents/002_b763ae3e545d7f37": ("de", 2020, "minutes"),
    "documents/003_52458518a7f32b1d": ("de", 2021, "press-release"),
    "documents/004_a376ae4560a2eac7": ("da", None, "project-description"),
}


def copy_corpus(target: Path) -> Path:
    """A copy of the repository's corpus/ (seed documents, sidecars, vocabulary) at `target`."""
    shutil.copytree(SEED_CORPUS, target, ignore=shutil.ignore_patterns(".deleted", "uploads"))
    return target


def make_settings(root: Path, corpus: Path) -> Settings:
    """Settings with the index, the corpus and the secrets file (and so the audit log) below `root`."""
    base = load_settings(index_dir=root / "index", corpus_dir=corpus)
    return dataclasses.replace(base, secrets_file=root / "secrets" / "coordinators.json")


def vocabulary_only_corpus(target: Path) -> Path:
    """A corpus folder holding only the repository's vocabulary."""
    target.mkdir(parents=True)
    shutil.copy(SEED_CORPUS / "vocabulary.json", target / "vocabulary.json")
    return target


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture
def settings(tmp_path, corpus_copy) -> Settings:
    return make_settings(tmp_path, corpus_copy)


@pytest.fixture
def small(tmp_path) -> Settings:
    """Settings of an archive holding no document yet: a corpus of the vocabulary alone."""
    return make_settings(tmp_path / "s", vocabulary_only_corpus(tmp_path / "s" / "corpus"))


@pytest.fixture(scope="module")
def seeded_settings(tmp_path_factory) -> Settings:
    """Settings of a module-wide seeded index (read-only: tests that write use `settings`)."""
    root = tmp_path_factory.mktemp("seeded")
    return make_settings(root, copy_corpus(root / "corpus"))


@pytest.fixture(scope="module")
def kb_seeded(seeded_settings):
    """The seed corpus ingested into a fresh index, shared by the read-only tests of a module."""
    kb = open_knowledge_base(seeded_settings)
    yield kb
    kb.close()


def doc(doc_id: str, text: str = "", **fields) -> Document:
    """A synthetic document: title and source default from the id."""
    fields.setdefault("title", f"Title {doc_id}")
    fields.setdefault("source", f"synthetic/{doc_id}.txt")
    return Document(id=doc_id, text=text or f"Text of {doc_id}.", **fields)


# fmt: off
#: Twelve documents in three languages and three years (two undated), with multi-valued facets.
#: id, language, date, year, networks, regions, topics, doctype
SYNTHETIC = [
    ("s01", "de", "2019-05-01", 2019, ("N-A",),       ("R-Nord",),         ("t-rec",),          "press-release"),
    ("s02", "de", "2019",       2019, ("N-A", "N-B"), ("R-Nord",),         ("t-rec", "t-train"), "minutes"),
    ("s03", "de", "2020-02-10", 2020, ("N-B",),       ("R-Sud",),          ("t-train",),        "minutes"),
    ("s04", "de", "2021-07",    2021, ("N-A",),       ("R-Nord", "R-Sud"), ("t-dig",),          "project-description"),
    ("s05", "de", None,         None, ("N-C",),       ("R-Sud",),          ("t-rec",),          "other"),
    ("s06", "da", "2019-12-31", 2019, ("N-B",),       ("R-Dk",),           ("t-train",),        "press-release"),
    ("s07", "da", "2020-06-15", 2020, ("N-B", "N-C"), ("R-Dk",),           ("t-rec", "t-dig"),  "minutes"),
    ("s08", "da", "2021",       2021, ("N-C",),       ("R-Dk",),           ("t-dig",),          "press-release"),
    ("s09", "da", None,         None, ("N-A",),       ("R-Dk", "R-Nord"),  ("t-train",),        "project-description"),
    ("s10", "nl", "2020-01-01", 2020, ("N-C",),       ("R-Nl",),           ("t-rec",),          "other"),
    ("s11", "nl", "2021-03-03", 2021, ("N-A", "N-C"), ("R-Nl",),           ("t-train", "t-dig"), "minutes"),
    ("s12", "nl", "2019-09",    2019, (),             ("R-Nl",),           (),                  "press-release"),
]
# fmt: on
#: Documents whose text holds the word "Spritzguss" (two German, one Danish).
SPRITZGUSS = ("s01", "s03", "s07")


def synthetic_documents() -> list[Document]:
    docs = []
    for doc_id, language, date, year, networks, regions, topics, doctype in SYNTHETIC:
        extra = " Spritzguss im Werk." if doc_id in SPRITZGUSS else ""
        docs.append(
            doc(
                doc_id,
                f"Bericht {doc_id} über Kunststoff.{extra}",
                language=language,
                date=date,
                year=year,
                networks=networks,
                regions=regions,
                topics=topics,
                doctype=doctype,
            )
        )
    return docs


def empty_kb(root: Path) -> KnowledgeBase:
    """A new, empty index below `root` whose corpus holds only the vocabulary."""
    return KnowledgeBase(root / "index", vocabulary_only_corpus(root / "corpus"))


@pytest.fixture
def kb_empty(tmp_path):
    kb = empty_kb(tmp_path)
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def kb_synthetic(tmp_path_factory):
    """The twelve SYNTHETIC documents, written in order (read-only)."""
    kb = empty_kb(tmp_path_factory.mktemp("synthetic"))
    kb.write(synthetic_documents())
    yield kb
    kb.close()


# -- the command line ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[dict]:
        """Standard output as one JSON object per line."""
        return [json.loads(line) for line in self.out.splitlines()]

    @property
    def json(self):
        (only,) = self.lines
        return only

    @property
    def json_error(self) -> str:
        """A refusal under --json: standard output is one {"error", "exit"} saying what standard error's
        one line says, with the exit code; its message."""
        error = self.json
        assert error == {"error": error["error"], "exit": self.code} and self.code != 0
        assert self.err == f"kb: error: {error['error']}\n"
        return error["error"]


def cli_env(settings: Settings) -> dict[str, str]:
    return {
        "KB_INDEX_DIR": str(settings.index_dir),
        "KB_CORPUS_DIR": str(settings.corpus_dir),
        "KB_SECRETS_FILE": str(settings.secrets_file),
    }


def kb_process(settings: Settings, *args: str, file_limit: int | None = None) -> subprocess.CompletedProcess:
    """`kb ARGS` in a process of its own against `settings`; with `file_limit` its files may grow to
    that many bytes only (RLIMIT_FSIZE: a write past it fails with EFBIG, as a full disk refuses it)."""

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [str(KB_EXECUTABLE), *args],
        env={**os.environ, **cli_env(settings)},
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=small_files if file_limit is not None else None,
    )


@pytest.fixture
def run_cli(capsys, monkeypatch, settings):
    """Run `archive.cli.main` in-process against `settings` (or the given ones) and capture its output."""

    def run(*args: str, stdin: str | None = None, settings: Settings = settings) -> CliResult:
        for key, value in cli_env(settings).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        capsys.readouterr()
        code = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def run_kb(settings):
    """Run the installed `kb` executable in a subprocess (for exit codes and tracebacks)."""

    def run(*args: str, stdin: str | None = None, settings: Settings = settings) -> CliResult:
        env = {**os.environ, **cli_env(settings)}
        proc = subprocess.run(
            [str(KB_EXECUTABLE), *map(str, args)],
            input=stdin or "",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=settings.corpus_dir.parent,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session", autouse=True)
def warm_readers(tmp_path_factory):
    """Load the word lists and read one seed file here first, so forked workers start warm."""
    from ingest.worker import Limits, prepare
    from kb import compound, wordlists

    compound.lexicon()
    wordlists.common_words()
    path = SEED_CORPUS / "documents" / "000_29bb637916ff8d4d.txt"
    prepare(path, "warm.txt", "warm", "", SEED_CORPUS, Limits(memory_mb=0))


def shared_data_missing(what: str) -> None:
    """../shared/data (or a part of it) is absent: skipped on a developer's machine, a failure under CI."""
    message = f"{what} is not present (../shared/data beside the checkout)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI runs with ../shared beside the clone")
    pytest.skip(message)


#: Files whose tests start, kill or race real processes (or run many archive operations through them):
#: they form `make test-fault`, so that `make test` stays a fast first tier.
FAULT_FILES = ("test_fault_", "test_archive_states.py", "test_ingest_names.py", "test_ingest_refusals.py")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if item.path.name.startswith(FAULT_FILES):
            item.add_marker(pytest.mark.fault)
