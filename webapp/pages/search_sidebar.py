"""The facet sidebar of the search page: visible lists of values with counts (several selectable per
facet, selected first; years newest first), the year range and its histogram; the active-filter chips
above the results."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from kb.models import Facet, SearchPage, SearchRequest
from kb.vocabulary import Vocabulary
from webapp import render
from webapp.i18n import t
from webapp.pages import search_state as ss
from webapp.pages.common import value_label

TOP_VALUES = 5  # values shown before "more"
FACET_ORDER = ("region", "network", "topic", "doctype", "language", "year")  # years beside their range


def year_bounds(all_years: Facet) -> tuple[int, int] | None:
    """The smallest and largest year in the archive, or None with fewer than two distinct years."""
    years = sorted(int(v.value) for v in all_years.values if v.value.isdigit())
    return (years[0], years[-1]) if len(years) > 1 and years[0] < years[-1] else None


def _value_box(vocab: Vocabulary, facet: str, value: str, count: int, bounds: ss.Bounds) -> None:
    label = f"{render.md_escape(value_label(vocab, facet, value))} ({count})"
    st.checkbox(label, key=ss.facet_key(facet, value), on_change=ss.toggle, args=(facet, value, bounds))


def _facet_list(vocab: Vocabulary, page: SearchPage, facet: str, bounds: ss.Bounds) -> None:
    """One facet: its values with counts (the counts ignore the facet's own selection, as kb/ gives them)."""
    values = [v for v in page.facet(facet).values if v.count or v.selected]
    if not values:
        return
    for v in values:
        st.session_state[ss.facet_key(facet, v.value)] = v.selected
    st.markdown(f"**{t(f'facet.{facet}')}**")
    # kb/ orders the selected values first, then the others by count
    shown = max(TOP_VALUES, sum(1 for v in values if v.selected))
    for v in values[:shown]:
        _value_box(vocab, facet, v.value, v.count, bounds)
    if len(values) > shown:
        with st.expander(t("search.more", n=len(values) - shown)):
            for v in values[shown:]:
                _value_box(vocab, facet, v.value, v.count, bounds)


def year_histogram(page: SearchPage, bounds: tuple[int, int]) -> pd.DataFrame:
    counts = {int(v.value): v.count for v in page.facet("year").values if v.value.isdigit()}
    years = range(bounds[0], bounds[1] + 1)
    return pd.DataFrame({"year": [str(y) for y in years], "documents": [counts.get(y, 0) for y in years]})


def year_chart(frame: pd.DataFrame, height: int, x_title: str = "", y_title: str = "") -> alt.Chart:
    """Bars per year with whole-number counts on the axis."""
    return (
        alt.Chart(frame)
        .mark_bar(color="#1f6f8b")
        .encode(
            x=alt.X("year:O", title=x_title or None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("documents:Q", title=y_title or None, axis=alt.Axis(format="d", tickMinStep=1)),
            tooltip=[
                alt.Tooltip("year:O", title=t("col.year")),
                alt.Tooltip("documents:Q", title=t("col.documents")),
            ],
        )
        .properties(height=height)
    )


def show(vocab: Vocabulary, page: SearchPage, bounds: ss.Bounds) -> None:
    """Render the filters in the sidebar (their values come from the URL)."""
    with st.sidebar:
        st.subheader(t("search.filters"))
        for facet in FACET_ORDER:
            _facet_list(vocab, page, facet, bounds)
        if bounds is not None:
            st.slider(
                t("search.years"),
                min_value=bounds[0],
                max_value=bounds[1],
                key="years",
                on_change=ss.on_years,
                args=(bounds,),
            )
            frame = year_histogram(page, bounds)
            if frame["documents"].sum():
                st.caption(t("search.histogram"))
                st.altair_chart(year_chart(frame, 110), width="stretch")


def chips(vocab: Vocabulary, request: SearchRequest, bounds: ss.Bounds) -> None:
    """The active filters above the results, each removable, and "clear all"."""
    active = [(f, v) for f in FACET_ORDER for v in request.selected(f)]
    if not active and request.year_from is None:
        return
    with st.container(horizontal=True, gap="small", key="active_filters"):
        for facet, value in active:
            st.button(
                f"{t(f'facet.{facet}')}: {render.md_escape(value_label(vocab, facet, value))}",
                icon=":material/close:",
                key=f"chip:{facet}:{value}",
                on_click=ss.remove,
                args=(facet, value, bounds),
                help=t("search.remove"),
            )
        if request.year_from is not None:
            st.button(
                f"{t('facet.year')}: {request.year_from}–{request.year_to}",
                icon=":material/close:",
                key="chip:year",
                on_click=ss.remove_range,
                args=(bounds,),
                help=t("search.remove"),
            )
        st.button(
            t("search.clear"),
            icon=":material/filter_alt_off:",
            key="clear_all",
            on_click=ss.clear_filters,
            args=(bounds,),
            type="tertiary",
        )
