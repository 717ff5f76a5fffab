"""The query plan compiled for Solr (kb/solr_backend/compile.py), without a cluster: fields, operators,
boosts, escaping, and what cannot match."""

from __future__ import annotations

import re

import pytest

from kb import plan as P
from kb.models import SearchRequest
from kb.solr_backend.backend import SolrBackend, marked_fragment
from kb.solr_backend.compile import compile_highlight, compile_plan, escaped, solr_fields


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", ("title",)),
        ("content", ("text",)),
        ("fold", ("text_fold",)),
        ("title_fold", ("title_fold",)),
        ("stem_de", ("title_de", "text_de")),
        ("network", ("network",)),
    ],
)
def test_each_plan_field_maps_to_the_configset_fields_of_its_analysis(field, expected):
    assert solr_fields(field) == expected


def test_terms_are_quoted_and_boosted():
    assert compile_plan(P.Term("content", "netzwerk", boost=2.0)) == '(text:"netzwerk")^2'
    assert compile_plan(P.Term("fold", 'a"b\\c')) == 'text_fold:"a\\"b\\\\c"'


def test_operators():
    a, b = P.Term("content", "a"), P.Term("content", "b")
    assert compile_plan(P.And((a, b))) == '(+text:"a" +text:"b")'
    assert compile_plan(P.Or((a, b), boost=0.5)) == '(text:"a" text:"b")^0.5'
    assert compile_plan(P.Not(a)) == '(*:* -text:"a")'
    assert compile_plan(P.AndNot(a, b)) == '(+text:"a" -text:"b")'
    assert compile_plan(P.AndMaybe(a, b)) == '(+text:"a" text:"b")'
    assert compile_plan(P.Require(a, b)) == '(+text:"a" +filter(text:"b"))'
    assert compile_plan(P.Every()) == "*:*"


def test_phrases_prefixes_fuzzy_and_ranges():
    assert compile_plan(P.Phrase("content", ("nye", "tilbud"), slop=1)) == 'text:"nye tilbud"~1'
    assert compile_plan(P.Prefix("title", "netz")) == "title:netz*"
    assert compile_plan(P.Prefix("title", "c++")) == "title:c\\+\\+*"
    assert compile_plan(P.Wildcard("content", "m?ller*")) == "text:m?ller*"
    assert compile_plan(P.Fuzzy("fold", "kunststofmese", maxdist=2)) == (
        '{!fuzzy f=text_fold maxEdits=2 prefixLength=1 maxExpansions=20 v="kunststofmese"}'
    )
    assert compile_plan(P.Range("year", 2019, None)) == "year:[2019 TO *]"
    assert compile_plan(P.Range("year", 2019, 2021, include_high=False)) == "year:[2019 TO 2021}"


def test_metadata_values_are_spelt_as_stored():
    canonical = {"plastindustrien": "Plastindustrien"}.get
    query = compile_plan(P.Term("network", "plastindustrien"), lambda _f, v: canonical(v, v))
    assert query == '(network:"Plastindustrien" network:"plastindustrien")'


def test_what_cannot_match_is_left_out():
    a = P.Term("content", "a")
    assert compile_plan(P.NOTHING) is None
    assert compile_plan(P.Or((a, P.NOTHING))) == 'text:"a"'
    assert compile_plan(P.And((a, P.NOTHING))) is None
    # a cognate key is a term of the folded fields (kb/forms.py), as in Whoosh; the highlighter skips it
    cognate = P.Term("fold", "#funkt", boost=0.1, kind=P.COGNATE)
    assert compile_plan(cognate) == '(text_fold:"#funkt")^0.1'
    assert compile_highlight(P.Or((a, cognate))) == 'text:"a"'


def test_escaping_keeps_wildcards_only_when_asked():
    assert escaped("a*b?c:d") == "a\\*b\\?c\\:d"
    assert escaped("a*b?c:d", wildcards=True) == "a*b?c\\:d"


def test_facet_filters_are_tagged_for_counts_that_ignore_their_own_selection():
    filters = SolrBackend.filters(
        SearchRequest(languages=("da", "en"), years=(2019,), year_from=2015, networks=('A "B"',))
    )
    assert filters == [
        '{!tag=network}network:("A \\"B\\"")',
        "{!tag=year}year:(2019)",
        '{!tag=language}language:("da" OR "en")',
        "{!tag=year}year:[2015 TO *]",
    ]


def test_highlighter_marks_become_match_spans():
    fragment = marked_fragment("Das \ue000Kunststoff\ue001\ue000netzwerk\ue001 traf\nsich")
    assert fragment.text == "Das Kunststoffnetzwerk traf sich"
    assert fragment.matches == ((4, 22),)
    assert fragment.marked() == "Das «Kunststoffnetzwerk» traf sich"


def test_the_highlighter_query_holds_the_words_on_the_stored_fields_without_a_nots():
    plan = P.AndNot(
        P.Or((P.Term("content", "müller"), P.Term("fold", "mueller"), P.Term("stem_de", "mull"))),
        P.Term("content", "lingen"),
    )
    marked = compile_highlight(plan)
    assert marked == (
        '(text:"müller" (text:"mueller" text_de:"mueller" text_da:"mueller" text_nl:"mueller" '
        'text_en:"mueller") text_de:"mull")'
    )
    assert "lingen" not in marked
    assert compile_highlight(P.Term("network", "dima", kind=P.FILTER)) is None


def test_a_phrase_is_respelt_with_the_umlauts_the_index_holds():
    from kb.solr_backend.compile import respell

    held = {"content": {"säulen", "und", "balken"}, "title": set()}
    asked = []

    def known(words):
        asked.append(words)
        return {field: set(w) & held[field] for field, w in words.items()}

    phrase = P.Phrase("content", ("saeulen", "und", "balken"), boost=2.0, kind=P.PHRASE)
    assert respell(phrase, known) == P.Phrase(
        "content", ("säulen", "und", "balken"), boost=2.0, kind=P.PHRASE
    )
    # one question: the words as typed and their other spellings (saeulen: säulen)
    assert len(asked) == 1 and {"saeulen", "und", "balken", "säulen"} <= asked[0]["content"]
    near = P.AndMaybe(P.Term("fold", "saeulen"), P.Phrase("content", ("und", "balken"), slop=4))
    assert respell(near, known) == near  # every word as typed: unchanged


def test_the_highlighter_expands_typos_and_prefixes_in_the_exact_words_field_alone():
    # a multi-term query on a language field makes Solr's unified highlighter analyse each shown
    # document again with that field's stemming and decompounding analyser (70-150 ms of a page)
    plan = P.Or(
        (
            P.Term("fold", "tarifstruktur", kind=P.FOLDED),
            P.Fuzzy("fold", "tarifstrucktur", maxdist=2, kind=P.FUZZY),
            P.Prefix("fold", "tarifstr", kind=P.EXACT),
        )
    )
    marked = compile_highlight(plan)
    assert '{!fuzzy f=text maxEdits=2 prefixLength=1 maxExpansions=20 v="tarifstrucktur"}' in marked
    assert "text:tarifstr*" in marked
    assert not re.search(r"text_\w\w:\S*(~\d|\*)|f=text_\w\w ", marked), (
        marked
    )  # no language field expands one
    assert 'text_de:"tarifstruktur"' in marked  # a plain word is still marked in every field
