"""The real office files in ../shared/data/office, ingested into a real index: language and characters of
every readable file, one-line failures for encrypted and broken ones (skipped without the folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.service import ingest, open_knowledge_base
from ingest.extractors.legacy import doc_reader
from ingest.metadata.title import is_junk_title
from tests.conftest import make_settings, shared_data_missing, vocabulary_only_corpus

OFFICE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "office"
LANGUAGES = {"de", "da", "nl", "en"}


def _manifest() -> list[dict]:
    if not (OFFICE / "manifest.json").is_file():
        return []
    return json.loads((OFFICE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    if not _manifest():
        shared_data_missing("../shared/data/office")
    root = tmp_path_factory.mktemp("office")
    settings = make_settings(root, vocabulary_only_corpus(root / "corpus"))
    kb = open_knowledge_base(settings)
    outcomes = {Path(o.source).name: o for o in ingest(kb, settings, [OFFICE])}
    yield kb, outcomes
    kb.close()


@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["file"][:2])
def test_office_file(ingested, entry: dict) -> None:
    kb, outcomes = ingested
    outcome = outcomes[entry["file"]]
    if entry["kind"] == "readable":
        if entry["format"] == "doc" and doc_reader() is None:
            assert outcome.status == "failed" and "save it as .docx" in outcome.message
            return
        assert outcome.status == "indexed", outcome.message
        document = kb.get(outcome.id)
        assert [c for c in entry["chars"] if c not in document.text] == []
        if entry["lang"] in LANGUAGES:
            assert document.language == entry["lang"]
        if entry["meta"].get("title") and not is_junk_title(
            entry["meta"]["title"]
        ):  # "PowerPoint-presentatie"
            assert document.title == " ".join(entry["meta"]["title"].split())
    else:
        assert outcome.status == "failed"
        assert "\n" not in outcome.message and "Traceback" not in outcome.message
        assert outcome.message.startswith(outcome.source) and entry["file"] in outcome.message
        if entry["kind"] == "encrypted":
            assert "password-protected" in outcome.message
        else:
            assert "broken" in outcome.message
