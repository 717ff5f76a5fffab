"""The search state, kept in the URL: reading it before the widgets exist, and turning it into a request."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from kb.models import SORTS, SearchRequest

#: facet name → (URL key, SearchRequest field)
FILTERS: dict[str, tuple[str, str]] = {
    "region": ("region", "regions"),
    "network": ("network", "networks"),
    "topic": ("topic", "topics"),
    "doctype": ("type", "doctypes"),
    "language": ("lang", "languages"),
}
PAGE_SIZES: tuple[int, ...] = (10, 20, 50)
DEFAULT_PAGE_SIZE = 10


#: widgets whose labels carry counts or translations: mirrored into the URL by hand, by value
MANUAL_KEYS: tuple[str, ...] = (*(key for key, _ in FILTERS.values()), "sort")


def adopt_url(keys: tuple[str, ...], multi: bool = True) -> None:
    """Before the widgets exist: take a key's value from the URL when the widget has none yet
    or the URL changed since we wrote it (back button, bookmark, link)."""
    for key in keys:
        url = _raw(key)
        last = st.session_state.get(f"_url_{key}")
        if key not in st.session_state or (last is not None and url != last):
            st.session_state[key] = url if multi else (url[0] if url else None)
            st.session_state[f"_url_{key}"] = url
            if not multi and st.session_state[key] is None:
                del st.session_state[key]


def publish_url(keys: tuple[str, ...], defaults: dict[str, str] | None = None) -> None:
    """After the widgets ran: write their values (not their labels) into the URL."""
    defaults = defaults or {}
    for key in keys:
        value = st.session_state.get(key)
        values = (
            [str(v) for v in value]
            if isinstance(value, list | tuple)
            else []
            if value is None
            else [str(value)]
        )
        if values == [defaults.get(key)]:
            values = []
        if values:
            st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]
        st.session_state[f"_url_{key}"] = values


def _raw(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def current_list(key: str) -> list[str]:
    """A multi-valued widget's value: its state when it exists, otherwise the URL."""
    if key in st.session_state:
        return [str(v) for v in st.session_state[key]]
    return _raw(key)


def current_text(key: str, default: str = "") -> str:
    if key in st.session_state:
        return str(st.session_state[key] or "")
    values = _raw(key)
    return values[0] if values else default


def current_int(key: str, default: int) -> int:
    try:
        return int(current_text(key, str(default)))
    except ValueError:
        return default


def current_bool(key: str, default: bool) -> bool:
    if key in st.session_state:
        return bool(st.session_state[key])
    values = _raw(key)
    return values[0].lower() not in ("false", "0", "no", "off") if values else default


def current_years(bounds: tuple[int, int] | None) -> tuple[int, int] | None:
    """The selected year range (None = everything, undated documents included)."""
    if bounds is None:
        return None
    if "years" in st.session_state:
        chosen = tuple(int(v) for v in st.session_state["years"])
    else:
        try:
            chosen = tuple(int(v) for v in _raw("years"))
        except ValueError:
            chosen = ()
    if len(chosen) != 2:
        return None
    lo, hi = max(bounds[0], min(chosen)), min(bounds[1], max(chosen))
    return None if (lo, hi) == bounds or lo > hi else (lo, hi)


def current_request(bounds: tuple[int, int] | None) -> SearchRequest:
    """The request the URL (or the widgets' state) describes."""
    sort = current_text("sort", "relevance")
    size = current_int("size", DEFAULT_PAGE_SIZE)
    years = current_years(bounds)
    request = SearchRequest(
        text=current_text("q").strip(),
        sort=sort if sort in SORTS else "relevance",
        page=max(1, current_int("page", 1)),
        page_size=size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        expand=current_bool("expand", True),
        year_from=years[0] if years else None,
        year_to=years[1] if years else None,
    )
    return replace(request, **{field: tuple(current_list(key)) for key, field in FILTERS.values()})


def seed(request: SearchRequest) -> None:
    """Give the bound widgets the values read from the URL before they are created."""
    for key, value in (
        ("q", request.text),
        ("size", request.page_size),
        ("expand", request.expand),
        ("page", request.page),
    ):
        if key not in st.session_state:
            st.session_state[key] = value


def without(request: SearchRequest, facet: str) -> SearchRequest:
    """The same request without one facet's selection (years: without the range), on page 1."""
    if facet == "year":
        return replace(request, year_from=None, year_to=None, page=1)
    return replace(request, **{FILTERS[facet][1]: ()}, page=1)


def first_page() -> None:
    """on_change of every filter: a changed result list starts on its first page."""
    st.session_state["page"] = 1


def clear_filters(bounds: tuple[int, int] | None) -> None:
    for key, _ in FILTERS.values():
        st.session_state[key] = []
    if bounds is not None:
        st.session_state["years"] = bounds
    first_page()


def set_query(text: str) -> None:
    st.session_state["q"] = text
    first_page()
