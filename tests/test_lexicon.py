"""Typo tolerance through the lexicon: nearby terms (a swap is one edit), ranking and "did you mean"."""

from __future__ import annotations

import pytest

from kb.models import SearchRequest
from kb.whoosh_backend.collect import Lexicon
from tests.conftest import doc, empty_kb

DOCS = [
    doc("entries", "Entries of the table index are listed here.", language="en"),
    doc("spritz", "Spritzguss im Werk an der Weser.", language="de"),
    doc("spritz2", "Der Spritzguss läuft. Spritzgussteile aus der Halle.", language="de"),
    doc("halle", "Die Halle am Hafen.", language="de"),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    kb = empty_kb(tmp_path_factory.mktemp("lexicon"))
    kb.write(DOCS)
    yield kb
    kb.close()


def lexicon(kb) -> Lexicon:
    return kb.session().lexicon


def test_a_swap_of_two_neighbouring_letters_is_one_edit(kb):
    assert lexicon(kb).near("fold", "etnries", maxdist=1) == ["entries"]


def test_terms_beyond_the_distance_are_left_out(kb):
    assert lexicon(kb).near("fold", "entxxes", maxdist=1) == []


def test_closest_terms_come_first_then_the_more_frequent(kb):
    found = lexicon(kb).near("fold", "spritzgus", maxdist=2, limit=1)
    assert found == ["spritzguss"]


def test_the_first_letters_must_match(kb):
    assert lexicon(kb).near("fold", "pritzguss", maxdist=1) == []
    assert lexicon(kb).near("fold", "spritzguss", maxdist=1, prefixlength=2)[0] == "spritzguss"


def test_a_transposed_word_finds_its_document(kb):
    page = kb.search(SearchRequest("Etnries"))
    assert [h.id for h in page.hits] == ["entries"]


def test_a_transposed_word_finds_nothing_without_typo_tolerance(kb):
    assert kb.search(SearchRequest("Etnries", fuzzy=False)).total == 0


def test_a_misspelled_word_gets_a_suggestion_from_the_index(kb):
    page = kb.search(SearchRequest("Spritzgus Weser"))
    assert page.suggestion == "Spritzguss Weser"  # the user's capitals kept


def test_a_suggestion_keeps_operators_and_phrases(kb):
    page = kb.search(SearchRequest('Wesre OR "Die Halle"'))
    assert page.suggestion == 'Weser OR "Die Halle"'


def test_an_inflected_form_of_a_known_word_gets_no_suggestion(kb):
    # "Spritzgussteil" is only in the index as "Spritzgussteile": the same stem, nothing to correct
    assert kb.search(SearchRequest("Halle OR Spritzgussteil")).suggestion is None


def test_a_suggestion_that_finds_no_more_is_not_offered(kb):
    # "Hafn" → "hafen" would find the one document "Halle" already finds alone; with AND the corrected
    # text finds one document where the typed words find none: offered. With a filter that excludes
    # it, the correction finds nothing more: not offered.
    assert kb.search(SearchRequest("Halle Hafn")).suggestion == "Halle Hafen"
    assert kb.search(SearchRequest("Halle Hafn", languages=("en",))).suggestion is None


def test_a_known_word_gets_no_suggestion(kb):
    assert kb.search(SearchRequest("Spritzguss")).suggestion is None
