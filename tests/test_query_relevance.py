"""Relevance: relaxed search for titles with punctuation, cognate keys across languages, compound parts."""

from __future__ import annotations

import pytest

from kb import plan as P
from kb.analysis import COGNATE_MARK, fold_analyzer
from kb.models import SearchRequest
from kb.query import (
    COGNATE_BOOST,
    EXPANSION_BOOST,
    FOLD_BOOST,
    ConceptIndex,
    QueryPlan,
    build_query,
    compound_variants,
)
from kb.vocabulary import load_vocabulary
from tests.conftest import SEED_CORPUS, doc

VOCABULARY = load_vocabulary(SEED_CORPUS)


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


# -- cognate keys across languages ---------------------------------------------------------------------


def cognate_terms(q: P.Node) -> set[tuple[str, str, float]]:
    """(field, term, boost) of the cognate-key terms anywhere in a plan (each marked as one)."""
    found = {
        (n.field, n.text, n.boost)
        for n in P.walk(q)
        if isinstance(n, P.Term) and n.text.startswith(COGNATE_MARK)
    }
    assert all(
        n.kind == P.COGNATE for n in P.walk(q) if isinstance(n, P.Term) and n.text.startswith(COGNATE_MARK)
    )
    return found


def plan(text: str, **options) -> QueryPlan:
    return build_query(text, vocabulary=VOCABULARY, concepts=ConceptIndex(VOCABULARY), fuzzy=False, **options)


def test_the_folded_fields_index_a_marked_cognate_key_after_each_long_word():
    analyzer = fold_analyzer()
    assert [t.text for t in analyzer("Funktion Tab Übersicht", mode="index")] == [
        "funktion",
        "#funkt",
        "tab",
        "ubersicht",
        "uebersicht",
        "uber",
        "ueber",
        "sicht",
        "#ubers",
    ]
    assert [t.text for t in analyzer("Funktion Tab", mode="query")] == ["funktion", "tab"]


def test_a_single_word_adds_its_cognate_key_below_concept_terms_when_expanding():
    assert cognate_terms(plan("Funktion").query) == set()  # only a search filtered to some languages
    assert cognate_terms(plan("Funktion", filtered=True).query) == {
        ("title_fold", "#funkt", COGNATE_BOOST),
        ("fold", "#funkt", COGNATE_BOOST),
    }
    assert COGNATE_BOOST < EXPANSION_BOOST < FOLD_BOOST
    assert cognate_terms(plan("Funktion", expand=False, filtered=True).query) == set()
    assert cognate_terms(plan("Tab", filtered=True).query) == set()


def test_several_plain_words_add_cognate_keys_only_to_the_relaxed_search():
    assert cognate_terms(plan("Funktion Tabelle", filtered=True).query) == set()
    relaxed = {
        term for _, term, _ in cognate_terms(plan("Funktion Tabelle", relaxed=True, filtered=True).query)
    }
    assert relaxed == {"#funkt", "#tabel"}
    assert cognate_terms(plan("Funktion Tabelle", relaxed=True).query) == set()  # no language filter
    expression = plan("Funktion AND Tabelle", filtered=True).query
    assert {term for _, term, _ in cognate_terms(expression)} == {"#funkt", "#tabel"}


COGNATES = [
    doc("de-direct", "Die Kriterien des Filters.", title="Kriterien", language="de"),
    doc("nl-cognate", "De criteria van het filter.", title="Criteria", language="nl"),
    doc("en-cognate", "The criteria of the filter.", title="Criteria", language="en"),
    doc("nl-other", "Een ander onderwerp.", title="Sorteren", language="nl"),
]


def test_a_word_finds_its_cognate_in_another_language_only_when_expanding(kb_empty):
    kb_empty.write(COGNATES)
    assert search(kb_empty, "Kriterier", expand=True, languages=("nl",)) == (["nl-cognate"], False)
    assert search(kb_empty, "Kriterier", expand=False, languages=("nl",)) == ([], False)


def test_a_direct_match_ranks_above_cognate_matches(kb_empty):
    kb_empty.write(COGNATES)
    found, _ = search(kb_empty, "Kriterien", expand=True, languages=("de", "nl", "en"))
    assert found[0] == "de-direct"
    assert sorted(found[1:]) == ["en-cognate", "nl-cognate"]
    assert search(kb_empty, "Kriterien", expand=True)[0] == ["de-direct"]  # unfiltered: its own language


def test_a_concept_term_ranks_above_a_cognate_match(kb_empty):
    kb_empty.write(
        [
            doc("direct", "Neue Werkstoffe aus Kunststoff.", title="Werkstoffe", language="de"),
            doc("concept", "Nye materialer af plast.", title="Materialer", language="da"),
            doc("cognate", "Nye materialer af kunstig art.", title="Materialer", language="da"),
        ]
    )
    found, _ = search(kb_empty, "Kunststoff", expand=True, languages=("de", "da"))
    assert found == ["direct", "concept", "cognate"]


def test_several_words_relax_to_their_cognates_when_no_document_has_them_all(kb_empty):
    kb_empty.write(
        COGNATES + [doc("en-diagram", "Criteria for a diagram.", title="Diagram criteria", language="en")]
    )
    found, relaxed = search(kb_empty, "Diagramm Kriterien", expand=True, languages=("en",))
    assert (found[0], relaxed) == ("en-diagram", True)


# -- compound parts: transliterated, and split in the query -------------------------------------------------

COMPOUNDS = [
    doc("lab", "Das Schülerlabor öffnet im Mai.", title="Schülerlabor", language="de"),
    doc("whole", "Plastnetværket mødes i Kolding.", title="Plastnetværk", language="da"),
    doc("apart", "Et netværk for plast og gummi.", title="Netværk", language="da"),
    doc("plast", "Plast i havet.", title="Plast", language="da"),
]


@pytest.mark.parametrize("text", ["Schüler", "Schuler", "Schueler", "Labor"])
def test_a_compound_part_with_an_umlaut_is_found_typed_both_ways(kb_empty, text):
    kb_empty.write(COMPOUNDS)
    assert search(kb_empty, text) == (["lab"], False)


def test_a_compound_typed_in_the_query_also_finds_its_parts_apart_below_the_compound(kb_empty):
    kb_empty.write(COMPOUNDS)
    assert search(kb_empty, "plastnetværk") == (["whole", "apart"], False)
    assert search(kb_empty, "plastnetvaerk") == (["whole", "apart"], False)


def test_a_query_compound_splits_into_its_parts_in_the_folded_fields():
    alternatives = {(t.field, t.text) for q in compound_variants("plastnetvaerk") for t in q.children()}
    assert {t.kind for q in compound_variants("plastnetvaerk") for t in P.walk(q)} == {P.COMPOUND}
    assert alternatives == {
        ("title_fold", "plast"),
        ("title_fold", "netvaerk"),
        ("fold", "plast"),
        ("fold", "netvaerk"),
    }
    assert compound_variants("netvaerk") == []


# -- concept expansion: the most specific entry, aligned terms ----------------------------------------------

CONCEPTS = ConceptIndex(VOCABULARY)


def test_a_word_naming_a_concept_expands_through_it_not_through_a_broader_topic():
    assert CONCEPTS.concepts("samenwerking") == {"cooperation"}
    assert CONCEPTS.other_terms("samenwerking") == [
        ("de", "Kooperation"),
        ("da", "samarbejde"),
        ("en", "cooperation"),
    ]


def test_a_concept_term_adds_the_head_and_the_aligned_term_of_each_other_language():
    assert CONCEPTS.other_terms("Kunststoffindustrie") == [
        ("da", "plast"),
        ("da", "plastindustri"),
        ("nl", "kunststof"),
        ("nl", "kunststofindustrie"),
        ("en", "plastics"),
        ("en", "plastics industry"),
    ]


def test_a_topic_term_adds_only_the_head_terms():
    # (Weiterbildung also names the built-in topic continuing-education, so it adds its head terms too)
    assert CONCEPTS.other_terms("Berufsausbildung") == [
        ("da", "uddannelse"),
        ("nl", "opleiding"),
        ("en", "training"),
    ]


def test_cooperation_finds_cooperation_in_another_language_and_not_every_network(kb_empty):
    kb_empty.write(
        [
            doc("coop", "Die Kooperation der Betriebe.", title="Kooperation", language="de"),
            doc("net", "Das Netzwerk trifft sich.", title="Netzwerk", language="de"),
        ]
    )
    assert search(kb_empty, "samenwerking", expand=True) == (["coop"], False)


# -- expansions earn their place: a known word is found as it is ------------------------------------------

KNOWN = [
    doc("k1", "Die Kommune plant den Haushalt für das nächste Jahr.", title="Haushaltsplan", language="de"),
    doc("k2", "Der Rat der Kommune berät den Haushalt.", title="Ratssitzung", language="de"),
    doc("k3", "Die Kommune legt ihren Haushalt offen.", title="Transparenz", language="de"),
    doc("talk", "Kommunikation im Team und mit der Community.", title="Kommunikation", language="de"),
    doc("inn", "Das Gasthaus liegt an der Haltestelle am Markt.", title="Gasthaus", language="de"),
    doc("villa", "Ein Landhaus mit Garten; Halteverbot vor der Tür.", title="Landhaus", language="de"),
]


@pytest.mark.parametrize(
    ("text", "found"), [("Kommune", ["k1", "k2", "k3"]), ("Haushalt", ["k1", "k2", "k3"])]
)
def test_a_known_word_is_not_fuzzed_decompounded_or_keyed_into_unrelated_words(kb_empty, text, found):
    kb_empty.write(KNOWN)
    ids, relaxed = search(kb_empty, text, fuzzy=True, expand=True)
    assert (sorted(ids), relaxed) == (found, False)


def test_an_unknown_compound_is_still_found_by_its_parts(kb_empty):
    kb_empty.write(KNOWN + COMPOUNDS)
    assert search(kb_empty, "Plastnetværk", expand=True)[0][:2] == ["whole", "apart"]


def test_a_word_of_a_term_of_several_words_names_no_concept():
    concepts = ConceptIndex(load_vocabulary(SEED_CORPUS))
    assert concepts.concepts("new") == set()  # "new development" is a term of innovation, "new" is not
    assert "innovation" in concepts.concepts("Innovation")
    assert not any(term == "Innovation" for _, term in concepts.other_terms("new"))
