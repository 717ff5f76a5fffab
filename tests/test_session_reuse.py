"""A search session is reused across requests until the index or the vocabulary changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.models import Document, SearchRequest
from kb.vocabulary import load_vocabulary
from tests.conftest import vocabulary_only_corpus


def _doc(n: int) -> Document:
    return Document(id=f"d{n}", source=f"d{n}.txt", title=f"Titel {n}", text=f"Kunststoff Netzwerk {n}")


@pytest.fixture
def restore_protected_words(tmp_path: Path):
    yield
    # Protected compound words are process-wide: leave the repository's vocabulary behind.
    KnowledgeBase(tmp_path / "restore-index", vocabulary_only_corpus(tmp_path / "restore")).close()


def test_a_corpus_without_a_vocabulary_keeps_its_session(tmp_path: Path, restore_protected_words) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    assert load_vocabulary(bare) is load_vocabulary(bare)
    kb = KnowledgeBase(tmp_path / "index", bare)
    kb.write([_doc(1), _doc(2)])
    first = kb.session()
    assert kb.search(SearchRequest(text="netzwerk")).total == 2
    assert kb.session() is first
    kb.write([_doc(3)])  # a write replaces it
    assert kb.session() is not first
    assert kb.search(SearchRequest(text="netzwerk")).total == 3
    kb.close()


def test_a_changed_vocabulary_file_replaces_the_session(tmp_path: Path, restore_protected_words) -> None:
    corpus = vocabulary_only_corpus(tmp_path / "corpus")
    kb = KnowledgeBase(tmp_path / "index", corpus)
    kb.write([_doc(1)])
    first = kb.session()
    assert kb.session() is first
    path = corpus / "vocabulary.json"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert kb.session() is not first
    kb.close()
