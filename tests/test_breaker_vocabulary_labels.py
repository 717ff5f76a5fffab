"""A label of corpus/vocabulary.json (a coordinator's typing, or a pasted list) reaches the app's Markdown
as literal text: a topic named like a link or a Streamlit directive is no link and no colour on the
network history page, and a term of a concept is none where the search page lists the terms it added."""

from __future__ import annotations

import json

import pytest
from apphelpers import app, errors, make_env, page, shown

from webapp.render import md_escape

EXPLORE = "webapp/pages/explore.py"
SEARCH = "webapp/pages/search.py"
HOSTILE = "[klick](https://evil.example/login) :red[Ausbildung] **fett**"


@pytest.fixture
def env(tmp_path, monkeypatch):
    env = make_env(tmp_path, monkeypatch)
    path = env.corpus / "vocabulary.json"
    vocabulary = json.loads(path.read_text(encoding="utf-8"))
    for entry in vocabulary["topics"]:
        if entry["id"] == "vocational-training":
            entry["labels"]["en"] = HOSTILE
            entry["terms"]["en"].insert(0, HOSTILE)
    path.write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")
    return env


def test_a_topic_label_like_a_link_is_text_in_the_network_history(env):
    at = page(app(), EXPLORE, net="Kunststoffnetzwerk Ems-Achse")
    assert errors(at) == []
    [caption] = [c.value for c in at.caption if HOSTILE in shown(c.value)]
    assert md_escape(HOSTILE) in caption  # every mark escaped: no link, no colour, no bold


def test_a_concept_term_like_a_link_is_text_where_the_search_says_what_it_added(env):
    at = page(app(), SEARCH, q="Ausbildung")
    assert errors(at) == []
    [caption] = [c.value for c in at.caption if HOSTILE in shown(c.value)]
    assert md_escape(f"{HOSTILE} (en)") in caption
