"""The search state lives in the URL: read it each run, give the widgets its values, and write the whole
state once per user action (one browser-history entry per search; Back and Forward rerun with the URL)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kb.errors import KBError
from kb.models import SORTS, SearchRequest
from kb.vocabulary import FACET_KINDS
from webapp import state

#: facet name → (URL key, SearchRequest field)
FILTERS: dict[str, tuple[str, str]] = {
    "region": ("region", "regions"),
    "network": ("network", "networks"),
    "topic": ("topic", "topics"),
    "doctype": ("type", "doctypes"),
    "language": ("lang", "languages"),
    "year": ("year", "years"),  # single years, any number of them (the range is "years")
}
PAGE_SIZES: tuple[int, ...] = (10, 20, 50)
DEFAULT_PAGE_SIZE = 10
Bounds = tuple[int, int] | None


def _raw(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def _first(key: str, default: str = "") -> str:
    values = _raw(key)
    return values[0] if values else default


def _int(key: str, default: int) -> int:
    try:
        return int(_first(key, str(default)))
    except ValueError:
        return default


def _years(bounds: Bounds) -> tuple[int, int] | None:
    """The selected year range (None = everything, undated documents included)."""
    if bounds is None:
        return None
    try:
        chosen = [int(v) for v in _raw("years")]
    except ValueError:
        return None
    if len(chosen) != 2:
        return None
    lo, hi = max(bounds[0], min(chosen)), min(bounds[1], max(chosen))
    return None if (lo, hi) == bounds or lo > hi else (lo, hi)


def canonical(kind: str, values: list[str]) -> list[str]:
    """Values as stored: a vocabulary id, label or alias ("plastindustrien", "Danish Plastics Federation")
    becomes the stored name, as `kb search --network` resolves it; unknown values pass unchanged."""
    try:
        vocabulary = state.knowledge_base().vocabulary
    except KBError:  # an unreadable vocabulary: the page says so when it reads it
        return values
    return [vocabulary.canonical(kind, v) for v in values]


def _values(facet: str, key: str) -> tuple:
    """A facet's selected values from the URL, each once (years as numbers; a year that is none is left out)."""
    values = _raw(key)
    if facet == "year":
        return tuple(dict.fromkeys(int(v) for v in values if v.isdecimal() and len(v) == 4))  # not "²"
    if facet in FACET_KINDS:
        values = canonical(FACET_KINDS[facet], values)
    return tuple(dict.fromkeys(values))


def _typed(facet: str, value: str) -> str | int:
    return int(value) if facet == "year" else value


def url_request(bounds: Bounds) -> SearchRequest:
    """The request the URL describes (unknown values fall back to the defaults)."""
    sort = _first("sort", "relevance")
    size = _int("size", DEFAULT_PAGE_SIZE)
    years = _years(bounds)
    request = SearchRequest(
        text=_first("q").strip(),
        sort=sort if sort in SORTS else "relevance",
        page=max(1, _int("page", 1)),
        page_size=size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        expand=_first("expand", "true").lower() not in ("false", "0", "no", "off"),
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
    )
    return replace(request, **{field: _values(facet, key) for facet, (key, field) in FILTERS.items()})


def to_params(request: SearchRequest) -> dict[str, str | list[str]]:
    """The URL parameters of a request (defaults left out, so a plain search has a short URL)."""
    params: dict[str, str | list[str]] = {}
    if request.text:
        params["q"] = request.text
    for key, field in FILTERS.values():
        if getattr(request, field):
            params[key] = [str(v) for v in getattr(request, field)]
    if request.year_from is not None and request.year_to is not None:
        params["years"] = [str(request.year_from), str(request.year_to)]
    if request.sort != "relevance":
        params["sort"] = request.sort
    if request.page_size != DEFAULT_PAGE_SIZE:
        params["size"] = str(request.page_size)
    if not request.expand:
        params["expand"] = "false"
    if request.page > 1:
        params["page"] = str(request.page)
    return params


def push(request: SearchRequest) -> None:
    """Write the whole state at once (a real change becomes one browser-history entry)."""
    state.write_url(to_params(request))


def show_widgets(request: SearchRequest, bounds: Bounds) -> None:
    """Before the widgets exist: give them the URL's values (also after Back and Forward)."""
    st.session_state["q"] = request.text
    st.session_state["sort"] = request.sort
    st.session_state["size"] = request.page_size
    st.session_state["expand"] = request.expand
    if bounds is not None:
        st.session_state["years"] = (
            (request.year_from, request.year_to) if request.year_from is not None else bounds
        )


def facet_key(facet: str, value: str) -> str:
    return f"facet:{facet}:{value}"


# --- callbacks: each reads the URL's request, changes one thing and writes the URL once ---------------


def on_query(bounds: Bounds) -> None:
    push(replace(url_request(bounds), text=str(st.session_state.get("q") or "").strip(), page=1))


def set_query(text: str, bounds: Bounds) -> None:
    push(replace(url_request(bounds), text=text, page=1))


def on_field(field: str, key: str, bounds: Bounds) -> None:
    push(replace(url_request(bounds), **{field: st.session_state[key]}, page=1))


def on_years(bounds: Bounds) -> None:
    lo, hi = (int(v) for v in st.session_state["years"])
    years = (None, None) if bounds is None or (lo, hi) == bounds else (lo, hi)
    push(replace(url_request(bounds), year_from=years[0], year_to=years[1], page=1))


def on_page(key: str, bounds: Bounds) -> None:
    st.session_state["_scroll_top"] = st.session_state.get("_scroll_top", 0) + 1
    push(replace(url_request(bounds), page=int(st.session_state.get(key) or 1)))


def toggle(facet: str, value: str, bounds: Bounds) -> None:
    request = url_request(bounds)
    field = FILTERS[facet][1]
    selected = [v for v in getattr(request, field) if v != _typed(facet, value)]
    if st.session_state.get(facet_key(facet, value)):
        selected.append(_typed(facet, value))
    push(replace(request, **{field: tuple(selected)}, page=1))


def remove(facet: str, value: str | None, bounds: Bounds) -> None:
    """Drop one value of a facet (None: the whole facet, for "year" the single years and the range)."""
    request = url_request(bounds)
    if value is None:
        push(without(request, facet))
        return
    field = FILTERS[facet][1]
    kept = tuple(v for v in getattr(request, field) if v != _typed(facet, value))
    push(replace(request, **{field: kept}, page=1))


def remove_range(bounds: Bounds) -> None:
    """Drop the year range (the single years chosen stay)."""
    push(replace(url_request(bounds), year_from=None, year_to=None, page=1))


def only_language(code: str, bounds: Bounds) -> None:
    push(replace(url_request(bounds), languages=(code,), page=1))


def clear_filters(bounds: Bounds) -> None:
    empty = {field: () for _, field in FILTERS.values()}
    push(replace(url_request(bounds), **empty, year_from=None, year_to=None, page=1))


def without(request: SearchRequest, facet: str) -> SearchRequest:
    """The same request without one facet's selection (years: without single years and range), on page 1."""
    if facet == "year":
        return replace(request, years=(), year_from=None, year_to=None, page=1)
    return replace(request, **{FILTERS[facet][1]: ()}, page=1)
