"""Snippet spans: the fast matcher (each distinct word analyzed once) against the analyzer chains."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.analysis import exact_analyzer, fold_analyzer, stem_analyzer
from kb.snippets import SpanFinder, _spans_by_tokens, content_spans, match_spans

_EXACT, _FOLD = exact_analyzer(), fold_analyzer()


def words_at(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in spans]


def index_terms(text: str, language: str) -> dict[str, set[str]]:
    """Every term the index holds for a text, by the body field it matches in."""
    return {
        "content": {t.text for t in _EXACT(text, mode="index")},
        "fold": {t.text for t in _FOLD(text, mode="index")},
        f"stem_{language}": {t.text for t in stem_analyzer(language)(text, mode="index")},
    }


def test_an_exact_word_is_marked_where_it_occurs():
    text = "Die Frist endet. Fristen und Frist."
    assert words_at(text, match_spans(text, {"content": {"frist"}}, "de")) == ["Frist", "Frist"]


def test_a_folded_term_marks_both_spellings():
    text = "Trekantområdet og Trekantomraadet"
    spans = match_spans(text, {"fold": {"trekantomraadet"}}, "da")
    assert words_at(text, spans) == ["Trekantområdet", "Trekantomraadet"]


def test_a_compound_part_marks_the_whole_compound():
    text = "Das Kunststoffnetzwerk tagt."
    assert words_at(text, match_spans(text, {"fold": {"netzwerk"}}, "de")) == ["Kunststoffnetzwerk"]


def test_a_stem_marks_the_inflected_forms():
    text = "Die Ausbildung und die Ausbildungen."
    stem = stem_analyzer("de")("Ausbildungen", mode="query")
    (term,) = [t.text for t in stem]
    spans = match_spans(text, {"stem_de": {term}}, "de")
    assert words_at(text, spans) == ["Ausbildung", "Ausbildungen"]


@pytest.mark.parametrize("text", ["z.B. gilt", "don't stop", "Werk’s Halle"])
def test_a_word_inside_a_longer_token_is_not_marked(text):
    part = text.split(".")[0].split("'")[0].split("’")[0].lower()
    assert match_spans(text, {"content": {part}}, "en") == []


def test_a_text_whose_length_changes_when_lower_cased_keeps_exact_offsets():
    text = "İstanbul und die Frist"
    spans = match_spans(text, {"content": {"frist"}}, "de")
    assert words_at(text, spans) == ["Frist"]


def test_nothing_matched_gives_no_spans():
    assert match_spans("Nichts hier.", {"content": {"frist"}}, "de") == []


def test_stop_words_of_the_texts_language_are_not_marked_beside_other_words():
    terms = {"content": {"treffen", "der", "netzwerke", "in"}}
    text = "Das Treffen der Netzwerke in der Stadt."
    assert words_at(text, match_spans(text, terms, "de")) == ["Treffen", "Netzwerke"]


def test_a_stop_word_of_another_language_is_marked():
    text = "The die for the casting was made in Kiel."
    assert words_at(text, match_spans(text, {"content": {"die", "casting"}}, "en")) == ["die", "casting"]
    text = "Die Form für den Guss."
    assert words_at(text, match_spans(text, {"content": {"die", "form"}}, "de")) == ["Form"]


def test_an_acronym_in_capitals_is_no_stop_word():
    text = "IT training: it starts in May."
    assert words_at(text, match_spans(text, {"content": {"it", "training"}}, "en")) == ["IT", "training"]


def test_a_query_of_stop_words_alone_marks_them():
    text = "To be or not to be."
    spans = match_spans(text, {"content": {"to", "be", "or", "not"}}, "en")
    assert words_at(text, spans) == ["To", "be", "or", "not", "to", "be"]


_ALPHABET = "abcdeäöüßæøå.'’ -\nKSTNRZ"
#: Compounds (with and without umlauts), so that compound parts are among the drawn terms.
_COMPOUNDS = [
    "Kunststoffnetzwerk",
    "Schülerlabor",
    "Netzwerktreffen",
    "Ausbildungsverbund",
    "Weiterbildungsangebote",
    "netværkstilbud",
    "Trekantområdet",
    "uddannelsesforløb",
    "Kunststoffverarbeitung",
    "Fußgängerbrücke",
    "Qualitätsmanagement",
    "Prüfungsausschuss",
    "kunststofverwerking",
    "opleidingsbedrijf",
    "happiness",
    "organiseert",
    "opleidingen",
    "networking",
    "yearly",
    "geëvalueerd",
    "Ärgernisse",
    "Häuser",
    "über",
]
#: Real words in German and Danish (the seed documents), so stems and compound parts are exercised.
_SEED_WORDS = sorted(
    {
        w
        for f in (Path(__file__).parent.parent / "corpus" / "documents").glob("*.txt")
        for w in re.findall(r"\w+", f.read_text(encoding="utf-8"))
        if len(w) > 2
    }
)
_TEXT = st.one_of(
    st.lists(st.sampled_from(_SEED_WORDS), min_size=1, max_size=25).map(" ".join),
    st.text(alphabet=_ALPHABET, min_size=0, max_size=120),
    st.lists(
        st.one_of(st.sampled_from(_COMPOUNDS), st.text(alphabet=_ALPHABET, max_size=12)), max_size=12
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXT,
    language=st.sampled_from(["de", "da", "nl", "en"]),
    data=st.data(),
)
def test_the_fast_matcher_finds_exactly_what_the_analyzer_chains_find(text, language, data):
    available = index_terms(text, language)
    terms = {
        field: set(data.draw(st.lists(st.sampled_from(sorted(values)), max_size=3))) if values else set()
        for field, values in available.items()
    }
    expected = _spans_by_tokens(text, terms, language)
    if not SpanFinder(terms).stops_too:  # the same rule for stop words on both sides
        expected = content_spans(text, expected, language)
    assert match_spans(text, terms, language) == expected


def test_a_cognate_keys_first_letter_comes_from_the_words_first_letter():
    """The span finder gives a word a key only when its first folded letter can begin the key."""
    from kb.folding import cognate_key, fold
    from kb.snippets import _KEY_HEAD_SOURCES

    extra = ["Xylophon", "Qualität", "Phase", "Chemie", "Cykel", "Zentrum", "Yacht", "Wasser", "Thema"]
    for word in [*_SEED_WORDS, *extra]:
        key = cognate_key(word)
        if key:
            assert fold(word)[:1] in _KEY_HEAD_SOURCES.get(key[0], key[0]), word


def test_many_folded_terms_find_what_the_analyzer_chains_find():
    """A prefix brings hundreds of folded terms: the needle of their beginnings misses none."""
    text = " ".join(_SEED_WORDS[:400])
    available = index_terms(text, "de")
    terms = {"fold": set(sorted(available["fold"])[::3])}
    assert len(terms["fold"]) > 32
    assert match_spans(text, terms, "de") == content_spans(text, _spans_by_tokens(text, terms, "de"), "de")


def test_a_stem_that_drops_a_doubled_letter_is_found():
    """Dutch stems undouble a vowel ("boom" → "bom"): the stem's first letters are the word's, doubled once."""
    assert match_spans("BOOM en bomen", {"stem_nl": {"bom"}}, "nl") == [(0, 4), (8, 13)]
