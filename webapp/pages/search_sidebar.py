"""The facet sidebar of the search page: multi-selects with counts, the year range and its histogram."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kb.models import Facet, SearchPage
from kb.vocabulary import Vocabulary
from webapp.i18n import t
from webapp.pages import search_state as ss
from webapp.pages.common import value_label


def year_bounds(all_years: Facet) -> tuple[int, int] | None:
    """The smallest and largest year in the archive, or None with fewer than two distinct years."""
    years = sorted(int(v.value) for v in all_years.values if v.value.isdigit())
    return (years[0], years[-1]) if len(years) > 1 and years[0] < years[-1] else None


def _facet_select(vocab: Vocabulary, page: SearchPage, facet: str) -> None:
    key = ss.FILTERS[facet][0]
    selected = ss.current_list(key)
    counts = {v.value: v.count for v in page.facet(facet).values}
    # selected values first, then the others by count (the order kb gives)
    options = selected + [v for v in counts if v not in selected]
    if not options:
        return
    labels = {v: f"{value_label(vocab, facet, v)} ({counts.get(v, 0)})" for v in options}
    st.multiselect(
        t(f"facet.{facet}"),
        options,
        format_func=labels.__getitem__,
        key=key,
        on_change=ss.first_page,
        placeholder="…",
    )


def year_histogram(page: SearchPage, bounds: tuple[int, int]) -> pd.DataFrame:
    counts = {int(v.value): v.count for v in page.facet("year").values if v.value.isdigit()}
    years = range(bounds[0], bounds[1] + 1)
    return pd.DataFrame({"year": [str(y) for y in years], "documents": [counts.get(y, 0) for y in years]})


def show(vocab: Vocabulary, page: SearchPage, bounds: tuple[int, int] | None) -> None:
    """Render the filters in the sidebar (their values were read before the search ran)."""
    sb = st.sidebar
    with sb:
        st.subheader(t("search.filters"))
        for facet in ("region", "network", "topic", "doctype", "language"):
            _facet_select(vocab, page, facet)
        if bounds is not None:
            chosen = ss.current_years(bounds) or bounds
            if "years" not in st.session_state:
                st.session_state["years"] = chosen
            st.slider(
                t("search.years"),
                min_value=bounds[0],
                max_value=bounds[1],
                key="years",
                bind="query-params",
                on_change=ss.first_page,
            )
            st.caption(t("search.histogram"))
            st.bar_chart(
                year_histogram(page, bounds), x="year", y="documents", height=110, x_label="", y_label=""
            )
        st.button(
            t("search.clear"),
            on_click=ss.clear_filters,
            args=(bounds,),
            icon=":material/filter_alt_off:",
            key="clear_all",
        )
