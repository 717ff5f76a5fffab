"""The explore page through AppTest: documents per year (gaps filled), the topics that stood out, the
people who recur, first and latest document, every document on a paged and searchable timeline with one
line of what it is about; unknown and hostile network names."""

from __future__ import annotations

import json
import re
import urllib.parse

import minutes_corpus
import pytest
import streamlit as st
from apphelpers import ROOT, app, errors, html_of, make_env, page
from minutes_corpus import write_history_corpus

from archive.service import open_knowledge_base
from kb.models import SearchRequest
from kb.settings import load_settings

EXPLORE = "webapp/pages/explore.py"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def test_network_history_chart_fills_missing_years(env):
    at = page(app(), EXPLORE, net="Kunststoffnetzwerk Ems-Achse")
    assert errors(at) == []
    assert at.selectbox(key="net").value == "Kunststoffnetzwerk Ems-Achse"
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["mark"] == "bar" or spec["mark"]["type"] == "bar"
    chart = at.get("vega_lite_chart")[0].proto
    datasets = [d.data.data for d in chart.datasets] or [chart.data.data]
    import pyarrow as pa

    frame = pa.ipc.open_stream(datasets[0]).read_all().to_pandas()
    per_year = dict(zip(frame["year"], frame["documents"], strict=True))
    assert per_year == {
        "2016": 1, "2017": 2, "2018": 0, "2019": 2, "2020": 0, "2021": 0, "2022": 1, "2023": 1,
    }  # fmt: skip
    assert any("without a year" in c.value for c in at.caption)
    subheaders = [s.value for s in at.subheader]
    assert "All documents" in subheaders and "All networks and regions" in subheaders


def test_overview_lists_every_network_with_counts(env):
    at = page(app(), EXPLORE)
    assert errors(at) == []
    tables = re.findall(r'<table class="kb-counts">(.*?)</table>', html_of(at))
    assert len(tables) == 2  # networks, regions: tables that wrap on a phone, not grids scrolled sideways
    networks, regions = (
        dict(re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", table)) for table in tables
    )
    assert "<th>Network</th><th>Documents</th>" in tables[0]
    assert networks["Ems-Achse Plastics Network"] == "8"
    assert networks["Plastindustrien (Danish Plastics Federation)"] == "1"
    assert regions and all(int(n) > 0 for n in regions.values())


# --- a corpus with networks that have a history (tests/minutes_corpus.py), built once for this module ---


@pytest.fixture(scope="module")
def history_index(tmp_path_factory):
    base = tmp_path_factory.mktemp("history")
    write_history_corpus(base / "corpus")
    kb = open_knowledge_base(load_settings(base / "index", base / "corpus"))
    try:
        ids = {
            net: _all_ids(kb, net)
            for net in (minutes_corpus.EMS, minutes_corpus.SINGLE, minutes_corpus.DANISH)
        }
    finally:
        kb.close()
    return base, ids


def _all_ids(kb, network: str) -> set[str]:
    page = kb.search(SearchRequest(networks=(network,), page_size=100))
    return {h.id for h in page.hits}


@pytest.fixture
def history(history_index, monkeypatch):
    base, ids = history_index
    monkeypatch.setenv("KB_CORPUS_DIR", str(base / "corpus"))
    monkeypatch.setenv("KB_INDEX_DIR", str(base / "index"))
    monkeypatch.setenv("KB_SECRETS_FILE", str(base / "secrets" / "coordinators.json"))
    monkeypatch.delenv("KB_COORDINATORS", raising=False)
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    return ids


def _entries(at) -> list[tuple[str, str]]:
    """The timeline's documents in order: (id, title)."""
    links = [pl.proto for pl in at.get("page_link")]
    return [
        (urllib.parse.parse_qs(p.query_string)["id"][0], p.label.replace("\\", ""))  # as shown
        for p in links
        if p.page == "doc" and "id=" in p.query_string
    ]


def _timeline_ids(at) -> list[str]:
    return [doc_id for doc_id, _ in _entries(at)[2:]]  # after the first and the latest document


def _summaries(at) -> list[str]:
    html = html_of(at)
    return re.findall(r'<p class="kb-snippet kb-summary">(.*?)</p>', html)


def test_every_document_of_a_network_is_reachable_page_by_page(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    assert errors(at) == []
    assert "**37 documents**" in [m.value for m in at.markdown]
    first_page = _timeline_ids(at)
    assert len(first_page) == 20
    at = page(at, EXPLORE, net=minutes_corpus.EMS, page="2")
    assert errors(at) == []
    second_page = _timeline_ids(at)
    assert len(second_page) == 17
    assert set(first_page) | set(second_page) == history[minutes_corpus.EMS]
    assert not set(first_page) & set(second_page)
    # a page beyond the last shows the last one
    at = page(at, EXPLORE, net=minutes_corpus.EMS, page="9")
    assert _timeline_ids(at) == second_page


def test_timeline_is_newest_first_or_oldest_first(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    titles = [title for _, title in _entries(at)[2:]]
    assert titles[:3] == [
        "Protokoll Netzwerksitzung 32",
        "Protokoll Netzwerksitzung 34",
        "Protokoll Netzwerksitzung 33",
    ]
    at.selectbox(key="explore_sort").set_value("oldest").run()
    assert errors(at) == []
    assert at.query_params["sort"] == ["oldest"] or at.query_params["sort"] == "oldest"
    titles = [title for _, title in _entries(at)[2:]]
    assert titles[:2] == ["Protokoll Netzwerksitzung 1", "Protokoll Netzwerksitzung 4"]  # January, April 2015


def test_each_document_says_what_it_is_about_not_its_letterhead(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    lines = _summaries(at)
    assert len(lines) == 22  # first, latest and the 20 of the page
    for line in lines:
        for header in (
            "Geschäftsstelle:",
            "Protokoll der Netzwerksitzung",
            "Ort:",
            "Anwesend",
            "TOP",
        ):
            assert header not in line
        assert "Begrüßung" not in line and "Verschiedenes" not in line  # standing items
    assert lines[2].startswith("Kreislaufwirtschaft in der Region · Energiekosten der Betriebe")


def test_search_within_the_network_and_filter_by_type_and_year(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    at.text_input(key="explore_q").set_value("Datenplattform").run()
    assert errors(at) == []
    assert at.query_params["q"] in ("Datenplattform", ["Datenplattform"])
    found = _timeline_ids(at)  # the four minutes of 2021
    assert sorted(found) == [f"documents/history/ems_{i}" for i in range(23, 27)]
    assert "**4 documents**" in [m.value for m in at.markdown]
    assert "<mark>" in html_of(at)  # the matches are shown
    at = page(at, EXPLORE, net=minutes_corpus.EMS, type="press-release")
    assert [title for _, title in _entries(at)[2:]] == [
        "Netzwerk startet Recycling-Initiative",
        "Ausbildungsbörse zieht 400 Jugendliche an",
    ]
    assert at.session_state["explore_type"] == ["press-release"]
    at = page(at, EXPLORE, net=minutes_corpus.EMS, year="2019")
    assert "**4 documents**" in [m.value for m in at.markdown]  # 3 minutes and a press release
    assert at.selectbox(key="explore_year").value == "2019"


def test_topics_that_stood_out_each_year_not_a_grid_of_zeros(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    table = html_of(at)
    rows = dict(re.findall(r"<tr><td>(\d{4})</td><td>\d+</td><td>(.*?)</td></tr>", table))
    assert rows["2018"] == "Skilled workers (4, new)"
    assert rows["2019"] == "Recycling and circular economy (4, new)"
    assert rows["2022"] == "Trade fairs and events (4, new)"
    assert "(0" not in table.split('class="kb-years"')[1].split("</table>")[0]


def test_people_and_organisations_that_recur(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    html = html_of(at)
    for name, n in (("Bernd Janssen", 24), ("Maria Kruse", 23), ("Anna Müller", 22), ("Tobias Brink", 22)):
        assert f"{name} · {n}" in html
    assert "IHK Ostfriesland und Papenburg · 24" in html
    assert "Klaus" not in html  # only named as excused in other fixtures; never present here
    at = page(at, EXPLORE, net=minutes_corpus.DANISH)
    html = html_of(at)
    assert "Mette Nielsen · 4" in html and "Aalborg Universitet · 4" in html
    assert "Karen Lund" not in html  # "Afbud": sent apologies


def test_first_and_latest_only_when_they_differ(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS)
    bold = [m.value for m in at.markdown]
    assert "**First document**" in bold and "**Latest document**" in bold
    assert [t for _, t in _entries(at)[:2]] == ["Protokoll Netzwerksitzung 1", "Protokoll Netzwerksitzung 32"]
    at = page(at, EXPLORE, net=minutes_corpus.SINGLE)
    assert errors(at) == []
    bold = [m.value for m in at.markdown]
    assert "**First document**" not in bold and "**Latest document**" not in bold
    assert [t for _, t in _entries(at)] == ["Erstes Treffen der Recyclingrunde"]  # once, on the timeline
    assert _summaries(at) == ["Sammelsysteme für Folien"]


def test_an_unknown_network_in_the_url_is_said_and_the_networks_listed(history):
    at = page(app(), EXPLORE, net="Nirgendwo <b>Netz</b> **fett**")
    assert errors(at) == []
    assert len(at.warning) == 1
    assert "Nirgendwo \\<b\\>Netz\\<\\/b\\> \\*\\*fett\\*\\*" in at.warning[0].value
    assert [s.key for s in at.selectbox] == ["ui_language_select"] and not at.get(
        "vega_lite_chart"
    )  # no other network's history
    offered = [pl.proto for pl in at.get("page_link") if pl.proto.page == "explore"]
    nets = {urllib.parse.parse_qs(p.query_string)["net"][0] for p in offered}
    assert {minutes_corpus.EMS, minutes_corpus.DANISH, minutes_corpus.HOSTILE} <= nets


def test_a_network_named_in_html_and_markdown_is_shown_as_text(history):
    at = page(app(), EXPLORE, net=minutes_corpus.HOSTILE)
    assert errors(at) == []
    assert at.selectbox(key="net").value == minutes_corpus.HOSTILE
    html = html_of(at)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>fett</b>" not in html
    labels = [pl.proto.label for pl in at.get("page_link")]
    assert "Dokument \\<i\\>kursiv\\<\\/i\\>" in labels  # Markdown-escaped
    for m in at.markdown:  # no Markdown element carries the name unescaped
        assert "[klick](javascript" not in m.value


def test_choosing_another_network_starts_its_view_afresh_in_the_url(history):
    at = page(app(), EXPLORE, net=minutes_corpus.EMS, q="Energiekosten", year="2023", page="1")
    assert at.text_input(key="explore_q").value == "Energiekosten"
    at.selectbox(key="net").set_value(minutes_corpus.DANISH).run()
    assert errors(at) == []
    assert dict(at.query_params) in ({"net": minutes_corpus.DANISH}, {"net": [minutes_corpus.DANISH]})
    assert at.text_input(key="explore_q").value == ""
    assert "**4 documents**" in [m.value for m in at.markdown]


def test_a_year_of_digits_that_are_no_number_shows_every_year(history):
    every = _timeline_ids(page(app(), EXPLORE, net=minutes_corpus.EMS))
    at = page(app(), EXPLORE, net=minutes_corpus.EMS, year="²")  # a superscript: str.isdigit, yet no number
    assert errors(at) == []
    assert _timeline_ids(at) == every


@pytest.mark.parametrize("typed", ["Kunststoffnetzwerk Emsachse", "kunststoffnetzwerk-ems-achse"])
def test_a_network_named_by_vocabulary_alias_or_id_is_explored(env, typed):
    expected = page(app(), EXPLORE, net="Kunststoffnetzwerk Ems-Achse")
    at = page(app(), EXPLORE, net=typed)  # as `kb history Kunststoffnetzwerk Emsachse` resolves it
    assert errors(at) == [] and not at.warning
    assert at.selectbox(key="net").value == "Kunststoffnetzwerk Ems-Achse"
    totals = [m.value for m in at.markdown if m.value.endswith("documents**")]
    assert totals and totals == [m.value for m in expected.markdown if m.value.endswith("documents**")]
