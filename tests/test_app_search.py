"""The search page through AppTest: facets with counts, paging, sorting, hints, URL state."""

from __future__ import annotations

import pytest
from apphelpers import app, errors, html_of, make_env


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def _select(at, label: str):
    return next(m for m in at.multiselect if m.label == label)


def test_facet_selection_filters_and_counts(env):
    at = app(q="Ausbildung")
    assert errors(at) == []
    total = at.markdown[0].value
    types = _select(at, "Type")
    minutes_label = next(label for label in types.options if label.startswith("Minutes"))
    n = int(minutes_label.rsplit("(", 1)[1].rstrip(")"))
    types.select("minutes").run()
    assert errors(at) == []
    assert at.markdown[0].value == f"**{n} documents**"
    assert at.markdown[0].value != total
    assert _select(at, "Type").value == ["minutes"]
    # selected first in the options; other types keep their counts (own selection not applied)
    assert _select(at, "Type").options[0].startswith("Minutes")
    at.button(key="clear_all").click().run()
    assert _select(at, "Type").value == []


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
    assert _select(at, "Language").value == ["da"]
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
    assert "netzwerk" in button.label
    button.click().run()
    assert at.text_input(key="q").value == "netzwerk"


def test_nothing_found_explains_which_filter_to_drop(env):
    at = app(q="genanvendelse", lang="nl")
    assert errors(at) == []
    assert any("Nothing found" in w.value for w in at.warning)
    text = " ".join(m.value for m in at.markdown)
    assert "Without the filter" in text or "In other languages" in text


def test_interface_language_switch(env):
    at = app(q="Ausbildung")
    at.selectbox(key="ui_language_select").select("de").run()
    assert at.title[0].value == "Suche"
    assert any(m.label == "Sprache" for m in at.multiselect)
    assert "Pressemitteilung" in html_of(at) or "Protokoll" in html_of(at)
