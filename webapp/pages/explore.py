"""Explore: the history of one network (documents per year, topics over time, first, latest, meetings)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.api import KnowledgeBase
from kb.errors import KBError
from kb.models import SearchRequest
from kb.vocabulary import Vocabulary
from webapp import i18n, state
from webapp.i18n import t, tn
from webapp.pages.common import fail, page_start, show_hits, value_label
from webapp.pages.search_sidebar import year_chart


def per_year(kb: KnowledgeBase, network: str) -> tuple[pd.DataFrame, int]:
    """Documents per year (missing years filled with 0, years as text) and how many have no year."""
    page = kb.search(SearchRequest(networks=(network,), page_size=1), i18n.language())
    counts = {int(v.value): v.count for v in page.facet("year").values if v.value.isdigit()}
    undated = page.total - sum(counts.values())
    years = range(min(counts), max(counts) + 1) if counts else range(0)
    frame = pd.DataFrame({"year": [str(y) for y in years], "documents": [counts.get(y, 0) for y in years]})
    return frame, max(0, undated)


def topics_over_time(kb: KnowledgeBase, vocab: Vocabulary, network: str, years: list[str]) -> pd.DataFrame:
    """A table: one row per topic, one column per year, document counts."""
    rows: dict[str, dict[str, int]] = {}
    for year in years:
        page = kb.search(SearchRequest(networks=(network,), years=(int(year),), page_size=1), i18n.language())
        for v in page.facet("topic").values:
            if v.count:
                rows.setdefault(value_label(vocab, "topic", v.value), {})[year] = v.count
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=years).fillna(0).astype(int)
    return frame.loc[frame.sum(axis=1).sort_values(ascending=False).index] if len(frame) else frame


def _overview(kb: KnowledgeBase, vocab: Vocabulary) -> None:
    st.subheader(t("explore.overview"))
    stats = kb.stats(i18n.language())
    cols = st.columns(2)
    for col, facet in zip(cols, ("network", "region"), strict=True):
        values = next(f for f in stats.facets if f.name == facet).values
        frame = pd.DataFrame(
            {
                t(f"facet.{facet}"): [value_label(vocab, facet, v.value) for v in values],
                t("col.documents"): [v.count for v in values],
            }
        )
        col.dataframe(frame, hide_index=True, width="stretch")


def _history(kb: KnowledgeBase, vocab: Vocabulary, network: str) -> None:
    frame, undated = per_year(kb, network)
    st.subheader(t("explore.per_year"))
    if len(frame):
        st.altair_chart(year_chart(frame, 260, t("col.year"), t("col.documents")), width="stretch")
    if undated:
        st.caption(tn("explore.undated", undated))
    if len(frame):
        st.subheader(t("explore.topics"))
        table = topics_over_time(kb, vocab, network, list(frame["year"]))
        st.dataframe(table, width="stretch")
    lang = i18n.language()
    left, right = st.columns(2)
    with left:
        st.subheader(t("explore.first"))
        show_hits(
            kb.search(SearchRequest(networks=(network,), sort="oldest", page_size=3), lang).hits, key="first"
        )
    with right:
        st.subheader(t("explore.latest"))
        show_hits(
            kb.search(SearchRequest(networks=(network,), sort="newest", page_size=3), lang).hits, key="latest"
        )
    meetings = kb.search(
        SearchRequest(networks=(network,), doctypes=("minutes",), sort="newest", page_size=20), lang
    )
    st.subheader(t("explore.meetings"))
    show_hits(meetings.hits, key="meetings")


def _choose() -> None:
    """One history entry per chosen network."""
    st.query_params.from_dict({"net": st.session_state["net"]})


def main() -> None:
    page_start()
    st.title(t("nav.explore"))
    kb = state.knowledge_base()
    try:
        vocab = kb.vocabulary
        networks = next(f for f in kb.stats(i18n.language()).facets if f.name == "network").values
        if not networks:
            st.info(t("explore.empty"))
            return
        chosen = st.query_params.get("net", "")
        st.session_state["net"] = chosen if chosen in {v.value for v in networks} else networks[0].value
        labels = {v.value: f"{value_label(vocab, 'network', v.value)} ({v.count})" for v in networks}
        network = st.selectbox(
            t("explore.network"), list(labels), format_func=labels.__getitem__, key="net", on_change=_choose
        )
        _history(kb, vocab, network)
        _overview(kb, vocab)
    except KBError as exc:
        fail(exc)


main()
