"""Query syntax: operators, phrases, field:value, prefixes, and malformed text as QuerySyntaxError."""

from __future__ import annotations

import pytest
from whoosh import query as Q

from kb import plan as P
from kb.errors import QuerySyntaxError
from kb.models import SearchRequest
from kb.query import MAX_QUERY_CHARS, build_query, check_syntax, is_multiword
from kb.vocabulary import Vocabulary, load_vocabulary
from kb.whoosh_backend.compile import compile_plan
from kb.whoosh_backend.schema import build_schema
from tests.conftest import SEED_CORPUS

D000, D001, D002, D003, D004 = (
    "documents/000_29bb637916ff8d4d",
    "documents/001_c1da5292cc622186",
    "documents/002_b763ae3e545d7f37",
    "documents/003_52458518a7f32b1d",
    "documents/004_a376ae4560a2eac7",
)
VOCABULARY = load_vocabulary(SEED_CORPUS)


def found(kb, text: str) -> list[str]:
    page = kb.search(SearchRequest(text, page_size=10, expand=False, fuzzy=False))
    return sorted(h.id for h in page.hits)


# -- malformed text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"Ems-Achse', 'unbalanced quotes: every " needs a closing "'),
        ('Netzwerk "Innovatives Netzwerk', 'unbalanced quotes: every " needs a closing "'),
        ("(Netzwerk OR Verbund", "unbalanced parentheses: a ( without its )"),
        ("Netzwerk)", "unbalanced parentheses: a ) without its ("),
        (")Netzwerk(", "unbalanced parentheses: a ) without its ("),
        ("*werk", "a word cannot start with * or ?: put at least one letter before it"),
        ("Kunststoff ?etz", "a word cannot start with * or ?: put at least one letter before it"),
        ("title:*werk", "a word cannot start with * or ?: put at least one letter before it"),
        ("(*werk)", "a word cannot start with * or ?: put at least one letter before it"),
        ("x" * 10_000, "the query is too long (10000 characters; at most 1000)"),
    ],
)
def test_malformed_queries_raise_query_syntax_error_with_a_message(text, message):
    with pytest.raises(QuerySyntaxError) as info:
        check_syntax(text)
    assert str(info.value) == message
    with pytest.raises(QuerySyntaxError):
        build_query(text, vocabulary=Vocabulary())


def test_a_query_of_the_maximum_length_is_accepted():
    check_syntax("a" * MAX_QUERY_CHARS)
    with pytest.raises(QuerySyntaxError):
        check_syntax("a" * (MAX_QUERY_CHARS + 1))


@pytest.mark.parametrize("text", ['"Ems-Achse"', "(a OR b) AND c", "Kunst*", "net?ærk", "Ems-Achse", ""])
def test_well_formed_queries_pass_the_syntax_check(text):
    check_syntax(text)


def test_year_with_a_non_number_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match=r"^year:twenty is not a year$"):
        build_query("year:twenty", vocabulary=Vocabulary())


def test_malformed_query_raises_from_the_facade(kb_synthetic):
    with pytest.raises(QuerySyntaxError):
        kb_synthetic.search(SearchRequest('"unclosed'))


# -- what the builder makes (no index) -----------------------------------------------------------------


def test_field_values_become_exact_field_terms():
    plan = build_query("lang:da type:minutes", vocabulary=Vocabulary())
    assert plan.query == P.And(
        (P.Term("language", "da", kind=P.FILTER), P.Term("doctype", "minutes", kind=P.FILTER))
    )
    assert compile_plan(plan.query) == Q.And([Q.Term("language", "da"), Q.Term("doctype", "minutes")])
    assert plan.words == ()


def test_year_field_becomes_the_term_of_one_year():
    # the year field's own term, not whoosh's NumericRange: that finds every document for year:0
    year = build_schema()["year"].to_bytes(2020)
    plan = build_query("year:2020", vocabulary=Vocabulary()).query
    assert plan == P.Range("year", 2020, 2020, kind=P.FILTER)
    assert compile_plan(plan) == Q.Term("year", year)


def test_network_field_uses_the_vocabulary_name_for_an_alias():
    plan = build_query("network:kunststoffnetzwerk-emsachse", vocabulary=VOCABULARY)
    assert plan.query == P.Term("network", "kunststoffnetzwerk ems-achse", kind=P.FILTER)


def test_an_unknown_field_is_read_as_two_words():
    plan = build_query("Protokoll:RB", vocabulary=Vocabulary(), fuzzy=False, expand=False)
    assert plan.words == ("Protokoll", "RB")


@pytest.mark.parametrize(
    ("text", "multiword"),
    [
        ("Ems Achse", True),
        ("Ems", False),
        ("a AND b", False),
        ("a OR b", False),
        ("NOT a b", False),
        ('"a b"', False),
        ("lang:da x", False),
        ("x (title:Netzwerk)", False),
        ("Kunst* x", False),
        ("netz~ x", False),
        ("Netzwerk -Kunststoff", False),
        ("+Netzwerk Kunststoff", False),
        ("(a OR b) c", False),
        ("Ems-Achse Hubertus", True),
        ("Entries (index of tables)", True),
        ("Integrierte Entwicklungsumgebung (IDE)", True),
        ("Python : Programming with Python", True),
        ("Gruppeelementguide: Feltværdier", True),
        ("New Address Block / Edit Address Block", True),
        ("Protokoll:RB Sitzung", True),
        ("Sicherheitsoptionen und -warnungen", True),
        ("Sikkerhedsindstillinger og -advarsler", True),
        ("Beveiligingsopties en -waarschuwingen", True),
        ("Netzwerk und -Kunststoff", True),
        ("Netzwerk und Kunststoff -Recycling", False),
    ],
)
def test_only_plain_several_word_queries_are_multiword(text, multiword):
    """Parentheses, slashes and colons after a word that names no field are punctuation of plain text."""
    assert is_multiword(text) is multiword


def test_an_unknown_field_is_read_as_either_word_when_relaxed():
    plan = build_query("Protokoll:RB", vocabulary=Vocabulary(), fuzzy=False, expand=False, relaxed=True)
    assert isinstance(plan.query, P.Or)
    assert plan.words == ("Protokoll", "RB")


# -- on the seed index -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("network:DIMA", [D004]),
        ("network:dima", [D004]),
        ("lang:da", [D001, D004]),
        ("language:de", [D000, D002, D003]),
        ("type:minutes", [D002]),
        ("doctype:press-release", [D001, D003]),
        ("year:2020", [D002]),
        ("year:2015", [D001]),
        ("region:Ems-Achse", [D000, D003]),
        ("topic:recycling", [D001]),
    ],
)
def test_field_value_queries_select_by_metadata(kb_seeded, text, expected):
    assert found(kb_seeded, text) == expected


def test_and_requires_both_words(kb_seeded):
    assert found(kb_seeded, "Ems-Achse AND Hubertus") == [D003]


def test_words_side_by_side_are_and_ed(kb_seeded):
    assert found(kb_seeded, "Ems-Achse Hubertus") == [D003]


def test_or_accepts_either_field_value(kb_seeded):
    assert found(kb_seeded, "network:DIMA OR network:Plastindustrien") == [D001, D004]


def test_not_excludes_a_word(kb_seeded):
    assert found(kb_seeded, "Ems-Achse NOT Hubertus") == [D000]


def test_parentheses_group_operators(kb_seeded):
    assert found(kb_seeded, "(lang:da OR type:minutes) AND NOT network:DIMA") == [D001, D002]


def test_a_phrase_needs_its_words_in_order(kb_seeded):
    assert found(kb_seeded, '"Innovatives Netzwerk"') == [D003]
    assert found(kb_seeded, '"Netzwerk Innovatives"') == []


def test_a_prefix_matches_words_that_start_with_it(kb_seeded):
    assert found(kb_seeded, "Kunststoffallian*") == [D002]


def test_field_value_combines_with_text(kb_seeded):
    assert found(kb_seeded, "Ems-Achse type:press-release") == [D003]


def test_a_leading_minus_excludes_and_a_hyphen_inside_a_word_does_not(kb_seeded):
    both = {h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk", page_size=20)).hits}
    without = {h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk -Kunststoff", page_size=20)).hits}
    with_kunststoff = {h.id for h in kb_seeded.search(SearchRequest(text="Kunststoff", page_size=20)).hits}
    assert without == both - with_kunststoff
    assert without  # the seeds have Netzwerk documents without Kunststoff
    hyphen = kb_seeded.search(SearchRequest(text="Ems-Achse")).total
    assert hyphen == 2


def test_a_hyphen_after_and_or_is_a_suspended_compound_not_an_exclusion(kb_seeded):
    """ "Netzwerk und -Kunststoff" is how German writes "Netzwerk and Kunststoff[netzwerk]"."""
    plain = {h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk und Kunststoff", page_size=20)).hits}
    suspended = {
        h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk und -Kunststoff", page_size=20)).hits
    }
    assert suspended and suspended == plain
    excluded = {h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk -Kunststoff", page_size=20)).hits}
    assert not excluded & suspended


def test_a_leading_plus_is_the_same_as_plain_and(kb_seeded):
    plain = [h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk Ausbildung")).hits]
    plus = [h.id for h in kb_seeded.search(SearchRequest(text="Netzwerk +Ausbildung")).hits]
    assert set(plus) == set(plain)
