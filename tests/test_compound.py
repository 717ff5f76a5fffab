"""Compound splitting: parts in the word's own spelling, vocabulary compounds, and no over-splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb import compound
from kb.vocabulary import load_vocabulary


@pytest.fixture
def vocabulary_protected():
    """The repository's vocabulary words protected, as a knowledge base's calls protect its vocabulary's."""
    words = load_vocabulary(Path(__file__).parent.parent / "corpus").compound_words()
    with compound.protecting(compound.protected_words(words)):
        yield


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("schülerlabor", ("schüler", "labor")),
        ("übersichtsfolie", ("übersicht", "folie")),
        ("forespørgselsdesign", ("forespørgsel", "design")),
        ("straßenbahnhaltestelle", ("straßenbahn", "haltestelle")),
        ("plastgenanvendelse", ("plast", "genanvendelse")),
        ("netværkstilbud", ("netværk", "tilbud")),
        ("kunststoffnetzwerk", ("kunststoff", "netzwerk")),
    ],
)
def test_parts_keep_the_spelling_of_the_word(vocabulary_protected, word, parts):
    assert compound.spelled_parts(word) == parts


def test_a_word_that_is_no_compound_has_no_parts(vocabulary_protected):
    assert compound.spelled_parts("netzwerk") == ()
    assert compound.spelled_parts("møde") == ()


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("schulerlabor", ("schuler", "labor")),  # holds the vocabulary word Schüler
        ("kunststoffallianz", ("kunststoff", "allianz")),  # holds Kunststoff
        ("ausbildungsberuf", ("ausbildung", "beruf")),
        ("kunststoff", ()),  # not kunst + stoff
        ("netzwerk", ()),  # not netz + werk
        ("zusammenarbeit", ()),  # a vocabulary word made of no vocabulary word
    ],
)
def test_a_vocabulary_compound_splits_only_where_it_holds_a_vocabulary_word(
    vocabulary_protected, word, parts
):
    assert compound.split(word) == parts
