"""Relevance on small real indexes: relaxed "most of the words" search for titles with punctuation."""

from __future__ import annotations

from kb.models import SearchRequest
from tests.conftest import doc


def search(kb, text: str, **options) -> tuple[list[str], bool]:
    """(the ids found, best first; whether the search was relaxed)."""
    options = {"fuzzy": False, "expand": False} | options
    page = kb.search(SearchRequest(text, page_size=10, **options))
    return [h.id for h in page.hits], page.relaxed


# -- relaxed search over plain text with punctuation ---------------------------------------------------

TITLES = [
    doc("entries", "Entries of the index of tables.", title="Entries (index of tables)", language="en"),
    doc(
        "python", "Programming with Python scripts.", title="Python : Programming with Python", language="en"
    ),
    doc("other", "Another page about drawings.", title="Drawings", language="en"),
]


def test_a_title_with_parentheses_finds_most_of_its_words_when_no_document_has_all(kb_empty):
    kb_empty.write(TITLES)
    assert search(kb_empty, "Entries (index of figures)") == (["entries"], True)


def test_a_title_with_a_colon_finds_most_of_its_words_when_no_document_has_all(kb_empty):
    kb_empty.write(TITLES)
    assert search(kb_empty, "Python : Programming with Basic") == (["python"], True)


def test_a_title_with_a_slash_finds_most_of_its_words_when_no_document_has_all(kb_empty):
    kb_empty.write(TITLES)
    assert search(kb_empty, "Drawings / Figures") == (["other"], True)


def test_parentheses_with_operators_stay_a_strict_expression(kb_empty):
    kb_empty.write(TITLES)
    assert search(kb_empty, "(Entries OR Drawings) figures") == ([], False)
    assert search(kb_empty, "(Entries OR Drawings) another") == (["other"], False)
