"""Search: query, facets, sorted and paged results; the whole state lives in the URL."""

from __future__ import annotations

import streamlit as st

from kb.errors import KBError
from kb.models import SORTS, SearchPage, SearchRequest
from kb.vocabulary import Vocabulary
from webapp import i18n, state
from webapp.i18n import t
from webapp.pages import search_sidebar
from webapp.pages import search_state as ss
from webapp.pages.common import fail, page_start, show_hits, value_label


def _query_box() -> None:
    st.text_input(
        t("search.query"),
        key="q",
        bind="query-params",
        placeholder=t("search.placeholder"),
        on_change=ss.first_page,
        help=t("search.help"),
    )
    st.caption(t("search.help"))


def _result_controls(page: SearchPage) -> None:
    left, mid, right = st.columns([3, 2, 2], vertical_alignment="bottom")
    n = page.total
    left.markdown(f"**{t('search.total_one') if n == 1 else t('search.total', n=n)}**")
    mid.selectbox(
        t("search.sort"),
        SORTS,
        format_func=lambda s: t(f"sort.{s}"),
        key="sort",
        on_change=ss.first_page,
    )
    right.selectbox(t("search.size"), ss.PAGE_SIZES, key="size", bind="query-params", on_change=ss.first_page)


def _hints(page: SearchPage) -> None:
    if page.suggestion:
        st.button(
            t("search.didyoumean", s=page.suggestion),
            on_click=ss.set_query,
            args=(page.suggestion,),
            icon=":material/lightbulb:",
            key="did_you_mean",
            type="tertiary",
        )
    if page.relaxed:
        st.info(t("search.relaxed"))
    progress = state.knowledge_base().embedding_progress() if page.meaning else None
    if progress and progress[0] < progress[1]:
        st.caption(t("search.embedding", done=progress[0], total=progress[1]))
    if page.expansions:
        st.caption(t("search.expansions", terms=", ".join(page.expansions)))
    if page.request.text:
        st.checkbox(
            t("search.expand"), value=True, key="expand", bind="query-params", on_change=ss.first_page
        )


def _nothing_found(kb, vocab: Vocabulary, request: SearchRequest) -> None:
    st.warning(t("search.nothing"))
    lines = []
    facets = [f for f in ss.FILTERS if request.selected(f)]
    if request.year_from is not None:
        facets.append("year")
    for facet in facets:
        n = kb.search(ss.without(request, facet), i18n.language()).total
        if n:
            lines.append(t("search.drop", facet=t(f"facet.{facet}"), n=n))
    if request.languages:
        other = kb.search(ss.without(request, "language"), i18n.language()).facet("language")
        counts = [f"{value_label(vocab, 'language', v.value)}: {v.count}" for v in other.values if v.count]
        if counts:
            lines.append(t("search.otherlangs", counts=", ".join(counts)))
    if not lines:
        lines.append(t("search.tryless"))
    for line in lines:
        st.write(line)


def _pager(page: SearchPage) -> None:
    if page.pages > 1:
        if st.session_state.get("page", 1) > page.pages:
            st.session_state["page"] = page.pages
        st.pagination(page.pages, key="page", bind="query-params")


def main() -> None:
    page_start()
    st.title(t("nav.search"))
    kb = state.knowledge_base()
    ss.adopt_url(ss.MANUAL_KEYS[:-1])
    ss.adopt_url(("sort",), multi=False)
    if st.session_state.get("sort") not in SORTS:
        st.session_state["sort"] = "relevance"
    try:
        vocab = kb.vocabulary
        stats = kb.stats(i18n.language())
        bounds = search_sidebar.year_bounds(next(f for f in stats.facets if f.name == "year"))
        request = ss.current_request(bounds)
        page = kb.search(request, i18n.language())
        if page.total and request.page > page.pages:
            request = SearchRequest(**{**request.__dict__, "page": page.pages})
            page = kb.search(request, i18n.language())
        ss.seed(request)
    except KBError as exc:
        _query_box()
        fail(exc)
        return
    _query_box()
    search_sidebar.show(vocab, page, bounds)
    _hints(page)
    if page.total:
        _result_controls(page)
        show_hits(page.hits, request.text)
        _pager(page)
    ss.publish_url(ss.MANUAL_KEYS, {"sort": "relevance"})
    if not page.total:
        _nothing_found(kb, vocab, request)
    # remembered so the document page can lead back to this very result list
    state.remember("search_params", {k: st.query_params.get_all(k) for k in st.query_params})


main()
