"""The Explore page's state lives in the URL (network, words, document types, year, order, page): read it
each run, give the widgets its values, and write the whole state once per user action, so Back and Forward
step through what was looked at."""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from kb.models import SearchRequest
from webapp import state
from webapp.pages.search_state import canonical

SORTS = ("newest", "oldest")
PAGE_SIZE = 20


@dataclass(frozen=True)
class View:
    network: str = ""
    text: str = ""
    doctypes: tuple[str, ...] = ()
    year: str = ""  # one year, or "" for all
    sort: str = "newest"
    page: int = 1


def _first(key: str) -> str:
    values = [v for v in st.query_params.get_all(key) if v != ""]
    return values[0] if values else ""


def url_view() -> View:
    """What the URL asks for (unknown values fall back to the defaults; the network, named as the vocabulary
    names it, is checked by the page)."""
    try:
        page = max(1, int(_first("page") or 1))
    except ValueError:
        page = 1
    year = _first("year")
    sort = _first("sort")
    network = _first("net")
    return View(
        network=canonical("networks", [network])[0] if network else "",  # by id, label or alias too
        text=_first("q").strip(),
        doctypes=tuple(dict.fromkeys(v for v in st.query_params.get_all("type") if v)),
        year=year if year.isdecimal() else "",  # int() takes decimal digits of any script, not "²"
        sort=sort if sort in SORTS else "newest",
        page=page,
    )


def request(view: View) -> SearchRequest:
    """The search of the network's timeline."""
    return SearchRequest(
        text=view.text,
        networks=(view.network,),
        doctypes=view.doctypes,
        years=(int(view.year),) if view.year else (),
        sort=view.sort,
        page=view.page,
        page_size=PAGE_SIZE,
    )


def to_params(view: View) -> dict[str, str | list[str]]:
    """The URL parameters of a view (defaults left out)."""
    params: dict[str, str | list[str]] = {"net": view.network} if view.network else {}
    if view.text:
        params["q"] = view.text
    if view.doctypes:
        params["type"] = list(view.doctypes)
    if view.year:
        params["year"] = view.year
    if view.sort != "newest":
        params["sort"] = view.sort
    if view.page > 1:
        params["page"] = str(view.page)
    return params


def push(view: View) -> None:
    """Write the whole state at once (a real change becomes one browser-history entry)."""
    state.write_url(to_params(view))


def show_widgets(view: View) -> None:
    """Before the widgets exist: give them the URL's values (also after Back and Forward)."""
    st.session_state["explore_q"] = view.text
    st.session_state["explore_type"] = list(view.doctypes)
    st.session_state["explore_year"] = view.year
    st.session_state["explore_sort"] = view.sort


def _current() -> View:
    return replace(url_view(), network=str(st.session_state.get("net") or url_view().network))


# --- callbacks: each reads the URL's view, changes one thing and writes the URL once ---------------------


def on_network() -> None:
    push(View(network=str(st.session_state["net"])))


def on_query() -> None:
    push(replace(_current(), text=str(st.session_state.get("explore_q") or "").strip(), page=1))


def on_types() -> None:
    push(replace(_current(), doctypes=tuple(st.session_state.get("explore_type") or ()), page=1))


def on_year() -> None:
    push(replace(_current(), year=str(st.session_state.get("explore_year") or ""), page=1))


def on_sort() -> None:
    push(replace(_current(), sort=str(st.session_state.get("explore_sort") or "newest"), page=1))


def on_page(key: str) -> None:
    st.session_state["_explore_scroll"] = st.session_state.get("_explore_scroll", 0) + 1
    push(replace(_current(), page=int(st.session_state.get(key) or 1)))
