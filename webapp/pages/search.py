"""Search: query, facets, sorted and paged results; the whole state lives in the URL."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kb.errors import KBError, QuerySyntaxError
from kb.models import SORTS, SearchPage, SearchRequest
from kb.vocabulary import Vocabulary
from webapp import i18n, render, state
from webapp.i18n import t, tn
from webapp.pages import search_sidebar
from webapp.pages import search_state as ss
from webapp.pages.common import fail, page_start, scroll_to_top, show_hits, value_label


def _query_box(bounds: ss.Bounds) -> None:
    st.text_input(
        t("search.query"),
        key="q",
        placeholder=t("search.placeholder"),
        on_change=ss.on_query,
        args=(bounds,),
        help=t("search.help"),
    )


def _result_controls(page: SearchPage, bounds: ss.Bounds) -> None:
    with st.container(horizontal=True, vertical_alignment="center", key="result_bar"):
        st.markdown(f"**{tn('search.total', page.total)}**")
        st.space("stretch")
        with st.popover(t(f"sort.{page.request.sort}"), icon=":material/sort:"):
            st.selectbox(
                t("search.sort"),
                SORTS,
                format_func=lambda s: t(f"sort.{s}"),
                key="sort",
                on_change=ss.on_field,
                args=("sort", "sort", bounds),
            )
            st.selectbox(
                t("search.size"),
                ss.PAGE_SIZES,
                key="size",
                on_change=ss.on_field,
                args=("page_size", "size", bounds),
            )


def _hints(page: SearchPage, bounds: ss.Bounds) -> None:
    if page.suggestion:
        st.button(
            t("search.didyoumean", s=render.md_escape(page.suggestion)),  # the query's other words as typed
            on_click=ss.set_query,
            args=(page.suggestion, bounds),
            icon=":material/lightbulb:",
            key="did_you_mean",
            type="tertiary",
        )
    if page.relaxed and page.total:  # "showing documents with most of them" only when there are some
        st.info(t("search.relaxed"))
    progress = state.knowledge_base().embedding_progress() if page.meaning else None
    if progress and progress[0] < progress[1]:
        st.caption(t("search.embedding", done=progress[0], total=progress[1]))
    if page.expansions:
        terms = ", ".join(render.md_escape(term) for term in page.expansions)  # vocabulary.json's: text
        st.caption(t("search.expansions", terms=terms))
    if page.request.text:
        st.checkbox(
            t("search.expand"), key="expand", on_change=ss.on_field, args=("expand", "expand", bounds)
        )


def _nothing_found(kb, vocab: Vocabulary, request: SearchRequest, bounds: ss.Bounds) -> None:
    st.warning(t("search.nothing"))
    shown = False
    facets = [f for f in ss.FILTERS if request.selected(f)]
    if request.year_from is not None and "year" not in facets:
        facets.append("year")
    for facet in facets:
        n = kb.search(ss.without(request, facet), i18n.language()).total
        if n:
            shown = True
            st.button(
                t("search.drop", facet=t(f"facet.{facet}"), results=tn("search.results", n)),
                key=f"drop:{facet}",
                on_click=ss.remove,
                args=(facet, None, bounds),
                icon=":material/filter_alt_off:",
            )
    if request.languages:
        other = kb.search(ss.without(request, "language"), i18n.language()).facet("language")
        for v in other.values:
            if v.count and v.value not in request.languages:
                shown = True
                name = value_label(vocab, "language", v.value)
                st.button(
                    t("search.inlang", lang=name, results=tn("search.results", v.count)),
                    key=f"lang:{v.value}",
                    on_click=ss.only_language,
                    args=(v.value, bounds),
                    icon=":material/translate:",
                )
    if not shown:
        st.caption(t("search.tryless"))


def _pager(page: SearchPage, bounds: ss.Bounds) -> None:
    if page.pages > 1:
        key = f"page:{page.request.page}"  # a new widget whenever the URL's page changes (Back, Forward)
        st.pagination(
            page.pages, default=page.request.page, key=key, on_change=ss.on_page, args=(key, bounds)
        )


def main() -> None:
    page_start()
    st.title(t("nav.search"))
    if flash := st.session_state.pop("_flash", None):
        st.success(flash, icon=":material/check_circle:")
    kb = state.knowledge_base()
    bounds: ss.Bounds = None
    try:
        vocab = kb.vocabulary
        stats = kb.stats(i18n.language())
        bounds = search_sidebar.year_bounds(next(f for f in stats.facets if f.name == "year"))
        request = ss.url_request(bounds)
        page = kb.search(request, i18n.language())
        if page.total and request.page > page.pages:
            request = replace(request, page=page.pages)
            page = kb.search(request, i18n.language())
        ss.show_widgets(request, bounds)
    except QuerySyntaxError as exc:  # the query stays in its box, to be mended there
        ss.show_widgets(request, bounds)
        _query_box(bounds)
        st.error(t("search.invalid", error=render.md_escape(str(exc))), icon=":material/error:")
        return
    except KBError as exc:
        _query_box(bounds)
        fail(exc)
        return
    _query_box(bounds)
    search_sidebar.show(vocab, page, bounds)
    search_sidebar.chips(vocab, request, bounds)
    _hints(page, bounds)
    if page.total:
        _result_controls(page, bounds)
        show_hits(page.hits, request.text)
        _pager(page, bounds)
        if scroll := st.session_state.pop("_scroll_top", None):
            scroll_to_top(str(scroll))
    else:
        _nothing_found(kb, vocab, request, bounds)
    # remembered so the document page can lead back to this very result list
    state.remember("search_params", ss.to_params(request))


main()
