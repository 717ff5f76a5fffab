"""Explore: the history of one network (documents per year, the topics that stood out, the people and
organisations that recur, first and latest document, and every document on a searchable timeline)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from kb.api import KnowledgeBase
from kb.errors import KBError
from kb.history import NetworkHistory, document_summary, network_history
from kb.models import Hit
from kb.vocabulary import Vocabulary
from webapp import i18n, render, state
from webapp.i18n import t, tn
from webapp.pages import explore_state as es
from webapp.pages.common import DOCUMENT_PAGE, EXPLORE_PAGE, fail, page_start, scroll_to_top, value_label
from webapp.pages.search_sidebar import year_chart


def per_year(history: NetworkHistory) -> pd.DataFrame:
    """Documents per year, years without documents filled with 0 (years as text)."""
    counts = dict(history.per_year)
    years = range(min(counts), max(counts) + 1) if counts else range(0)
    return pd.DataFrame({"year": [str(y) for y in years], "documents": [counts.get(y, 0) for y in years]})


def _overview(kb: KnowledgeBase, vocab: Vocabulary) -> None:
    st.subheader(t("explore.overview"))
    stats = kb.stats(i18n.language())
    cols = st.columns(2)
    for col, facet in zip(cols, ("network", "region"), strict=True):
        values = next(f for f in stats.facets if f.name == facet).values
        rows = [(value_label(vocab, facet, v.value), v.count) for v in values]
        col.html(render.count_rows(rows, (t(f"facet.{facet}"), t("col.documents"))))


def _unknown(vocab: Vocabulary, name: str, networks) -> None:
    """A network the URL names that the archive does not have: say so and offer the ones it has."""
    st.warning(t("explore.unknown", name=render.md_escape(name)), icon=":material/help:")
    for v in networks:
        st.page_link(
            EXPLORE_PAGE,
            label=f"{render.md_escape(value_label(vocab, 'network', v.value))} ({v.count})",
            query_params={"net": v.value},
            icon=":material/hub:",
        )


def _date(hit: Hit) -> str:
    return hit.date or (str(hit.year) if hit.year else t("doc.unknown_date"))


def _link(hit: Hit, query: str = "") -> None:
    params = {"id": hit.id, "hl": query} if query else {"id": hit.id}
    st.page_link(
        DOCUMENT_PAGE,
        label=render.md_escape(hit.title) or hit.id,
        query_params=params,
        icon=":material/description:",
    )


def _entry(kb: KnowledgeBase, history: NetworkHistory, hit: Hit, key: str, query: str = "") -> None:
    """One document: its title as a link, date and type, one line of what it is about."""
    with st.container(key=f"entry-{key}"):
        _link(hit, query)
        badges = [(_date(hit), "date"), (i18n.doctype_name(hit.doctype), "type")]
        badges.append((i18n.language_name(hit.language), "lang"))
        fragments = hit.fragments if query else ()
        st.html(render.entry_details(badges, document_summary(kb, history, hit), fragments))


def _first_and_latest(kb: KnowledgeBase, history: NetworkHistory) -> None:
    if history.first is None or history.latest is None:  # one document: the timeline shows it
        return
    left, right = st.columns(2)
    for col, label, hit, key in (
        (left, t("explore.first"), history.first, "first"),
        (right, t("explore.latest"), history.latest, "latest"),
    ):
        with col:
            st.markdown(f"**{label}**")
            _entry(kb, history, hit, key)


def _topics(vocab: Vocabulary, history: NetworkHistory) -> None:
    st.subheader(t("explore.topics"))
    if history.topics:
        overall = ", ".join(
            f"{render.md_escape(value_label(vocab, 'topic', v))} ({n})" for v, n in history.topics[:6]
        )  # a label of vocabulary.json is text, never a link or a directive
        st.caption(t("explore.topics_overall", topics=overall))
    rows = []
    for year, n in history.per_year:
        items = [
            f"{value_label(vocab, 'topic', s.topic)} ({s.count}{', ' + t('explore.new') if s.new else ''})"
            for s in history.standouts.get(year, ())
        ]
        rows.append((str(year), str(n), items))
    if any(items for _, _, items in rows):
        headers = (t("col.year"), t("col.documents"), t("explore.standing_out"))
        st.html(render.year_rows(rows, headers))
        st.caption(t("explore.topics_help"))
    else:
        st.caption(t("explore.topics_none"))


def _people(history: NetworkHistory) -> None:
    st.subheader(t("explore.people"))
    if not history.people and not history.organisations:
        st.caption(t("explore.people_none", n=history.scanned))
        return
    left, right = st.columns(2)
    for col, title, items in (
        (left, t("explore.persons"), history.people),
        (right, t("explore.organisations"), history.organisations),
    ):
        with col:
            st.markdown(f"**{title}**")
            if items:
                st.html(render.STYLE + render.badges([(f"{name} · {n}", "") for name, n in items]))
            else:
                st.caption(t("doc.nothing"))
    st.caption(t("explore.people_help", n=history.scanned))


def _timeline(kb: KnowledgeBase, history: NetworkHistory, view: es.View) -> None:
    """Every document of the network, newest or oldest first, searchable and filtered, a page at a time."""
    st.subheader(t("explore.timeline"))
    page = kb.search(es.request(view), i18n.language())
    if view.page > page.pages and page.total:
        view = replace(view, page=page.pages)
        page = kb.search(es.request(view), i18n.language())
    es.show_widgets(view)
    st.text_input(
        t("explore.search"), key="explore_q", placeholder=t("explore.placeholder"), on_change=es.on_query
    )
    types = {v.value: v.count for v in page.facet("doctype").values if v.count or v.selected}
    years = {v.value: v.count for v in page.facet("year").values if v.count or v.selected}
    st.pills(  # on a row of its own: beside other widgets its options would not wrap on a phone
        t("facet.doctype"),
        list(types),
        selection_mode="multi",
        format_func=lambda v: f"{i18n.doctype_name(v)} ({types.get(v, 0)})",
        key="explore_type",
        on_change=es.on_types,
    )
    with st.container(horizontal=True, gap="small", key="explore_filters"):
        st.selectbox(
            t("col.year"),
            ["", *years],
            format_func=lambda v: f"{v} ({years.get(v, 0)})" if v else t("explore.all_years"),
            key="explore_year",
            on_change=es.on_year,
        )
        st.selectbox(
            t("search.sort"),
            es.SORTS,
            format_func=lambda s: t(f"sort.{s}"),
            key="explore_sort",
            on_change=es.on_sort,
        )
    st.markdown(f"**{tn('search.total', page.total)}**")
    if not page.total:
        st.caption(t("doc.nothing"))
        return
    first = (page.request.page - 1) * page.request.page_size
    for i, hit in enumerate(page.hits):
        _entry(kb, history, hit, f"tl-{first + i}", view.text)
    if page.pages > 1:
        key = f"explore_page:{page.request.page}"  # a new widget whenever the URL's page changes
        st.pagination(page.pages, default=page.request.page, key=key, on_change=es.on_page, args=(key,))
    if scroll := st.session_state.pop("_explore_scroll", None):
        scroll_to_top(str(scroll))


def _history(kb: KnowledgeBase, vocab: Vocabulary, network: str, view: es.View) -> None:
    history = network_history(kb, network)
    types = ", ".join(f"{n} × {i18n.doctype_name(v)}" for v, n in history.doctypes)
    span = f"{history.per_year[0][0]}–{history.per_year[-1][0]}" if len(history.per_year) > 1 else ""
    st.caption(" · ".join(x for x in (tn("search.total", history.total), span, types) if x))
    _first_and_latest(kb, history)
    frame = per_year(history)
    if len(history.per_year) > 1:  # one year: the caption above says it
        st.subheader(t("explore.per_year"))
        st.altair_chart(year_chart(frame, 220, t("col.year"), t("col.documents")), width="stretch")
    if history.undated:
        st.caption(tn("explore.undated", history.undated))
    if len(history.per_year) > 1:
        _topics(vocab, history)
    if history.scanned > 1:  # who recurs needs two documents at least
        _people(history)
    _timeline(kb, history, view)


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
        view = es.url_view()
        known = {v.value for v in networks}
        if view.network and view.network not in known:
            _unknown(vocab, view.network, networks)
            return
        st.session_state["net"] = view.network or networks[0].value
        labels = {v.value: f"{value_label(vocab, 'network', v.value)} ({v.count})" for v in networks}
        network = st.selectbox(
            t("explore.network"),
            list(labels),
            format_func=labels.__getitem__,
            key="net",
            on_change=es.on_network,
        )
        _history(kb, vocab, network, replace(view, network=network))
        _overview(kb, vocab)
    except KBError as exc:
        fail(exc)


main()
