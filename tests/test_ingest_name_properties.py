"""Properties (hypothesis) of ingesting folders of awkward file names (issue 21): unicode, NFC and NFD
spellings of one name, spaces, dots, suffix variants and case, in nested folders, inside the corpus
and imported from outside it. For every layout:

1. every file given gets exactly one outcome (hidden files, metadata files and vocabularies none);
2. distinct files have distinct ids, and each id is the one its path gives;
3. the index holds exactly the documents indexed;
4. `check` is clean, and a rebuild gives the same ids.

`make test` runs a few layouts; `make test-slow` runs many more.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.service import check, ingest, rebuild
from ingest import pipeline
from ingest.paths import document_id, reserved_reason
from kb.api import KnowledgeBase
from tests.conftest import make_settings, vocabulary_only_corpus

PIECES = st.sampled_from(
    [
        "report",
        "Report",
        "Müller",
        "Möller",
        unicodedata.normalize("NFD", "Müller"),
        "Måde",
        "Møde",
        "Protokoll 1",
        "Protokoll-1",
        "Protokoll_1",
        "a",
        "A",
        " ",
        "-",
        ".",
        "_",
        "1",
        "ß",
        "e\u0301",
        "é",
    ]
)
SUFFIXES = st.sampled_from([".txt", ".TXT", ".md", ".txt.txt", ".text", "", ".markdown", ". txt"])
NAMES = st.builds(
    lambda parts, suffix: "".join(parts) + suffix, st.lists(PIECES, min_size=1, max_size=4), SUFFIXES
)
FOLDERS = st.sampled_from(["", "a", "A", "ä", unicodedata.normalize("NFD", "ä"), "sub dir", "x/y", "ä/b c"])
LAYOUTS = st.lists(st.tuples(FOLDERS, NAMES), min_size=1, max_size=12)


def _usable(folder: str, name: str) -> bool:
    parts = [p for p in f"{folder}/{name}".split("/") if p]
    return all(p not in (".", "..") and len(p.encode()) < 200 for p in parts) and name.strip() != ""


def write_layout(base: Path, layout) -> list[Path]:
    """The layout's files below base, each with a text of its own; the paths that may be documents."""
    written: dict[str, Path] = {}
    for n, (folder, name) in enumerate(layout):
        if not _usable(folder, name):
            continue
        path = base / folder / name if folder else base / name
        if path.parent.exists() and not path.parent.is_dir() or path.is_dir():
            continue
        if any(p.is_file() for p in path.parents if base in p.parents):
            continue  # a file where a folder should be
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Datei Nummer {n} über Kunststoff: kennwort{n:03d}.\n", encoding="utf-8")
        written[str(path)] = path
    return [p for p in written.values() if not any(reserved_reason(x) for x in p.relative_to(base).parts)]


def ingest_layout(layout, outside: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = vocabulary_only_corpus(root / "corpus")
        folder = root / "outside" / "Ablage" if outside else corpus / "Ablage"
        folder.mkdir(parents=True)
        files = write_layout(folder, layout)
        conf = make_settings(root, corpus)
        kb = KnowledgeBase(conf.index_dir, corpus)
        try:
            outcomes = ingest(kb, conf, [folder])
            # 1. one outcome per file
            assert len(outcomes) == len(files)
            shown = [
                o.message.removeprefix("imported from ") if outside and o.status == "indexed" else o.source
                for o in outcomes
            ]
            given_paths = sorted(str(p) if outside else p.relative_to(corpus).as_posix() for p in files)
            assert sorted(shown) == given_paths
            indexed = [o for o in outcomes if o.status == "indexed"]
            assert {o.status for o in outcomes} <= {"indexed", "unsupported"}
            # 2. distinct files, distinct ids: each its path's
            assert len({o.id for o in indexed}) == len(indexed)
            assert all(o.id == document_id(o.source) for o in indexed)
            # 3. the index holds what was indexed
            ids = sorted(o.id for o in indexed)
            assert sorted(kb.checksums()) == ids
            # 4. check is clean, a rebuild gives the same ids
            assert check(kb, conf).ok
            rebuild(kb, conf)
            assert sorted(kb.checksums()) == ids
        finally:
            kb.close()


FEW = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
MANY = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
NFD = unicodedata.normalize("NFD", "Müller")


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    """Small batches are read in this process (the worker processes are tested elsewhere)."""
    monkeypatch.setattr(pipeline, "IN_PROCESS_BELOW", 1000)


@FEW
@given(LAYOUTS, st.booleans())
@example([("", "report.docx.txt"), ("", "report.txt"), ("", "report.md"), ("", "report")], False)
@example([("", "Müller.txt"), ("", f"{NFD}.txt"), ("", "Möller.txt"), ("", "Protokoll 1.txt")], True)
@example([("", "Protokoll-1.txt"), ("", "Protokoll 1.txt"), ("a", "x.txt"), ("A", "x.txt")], False)
def test_every_file_of_any_layout_is_one_document_with_an_id_of_its_own(layout, outside):
    ingest_layout(layout, outside)


@pytest.mark.slow
@MANY
@given(LAYOUTS, st.booleans())
def test_every_file_of_many_layouts_is_one_document_with_an_id_of_its_own(layout, outside):
    ingest_layout(layout, outside)
