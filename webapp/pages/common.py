"""What every page shares: paths of the pages, the sidebar chrome, hit lists, error messages."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import streamlit as st

from kb.models import Hit
from kb.vocabulary import Vocabulary
from webapp import i18n, render, state
from webapp.i18n import t

# By absolute path, as webapp/main.py declares them: the entry is app.py in the checkout and
# webapp/served/entry.py when served, and a relative path would be read against either's folder.
_PAGES = Path(__file__).resolve().parent
SEARCH_PAGE, DOCUMENT_PAGE, EXPLORE_PAGE, UPLOAD_PAGE, ADMIN_PAGE = (
    str((_PAGES / name).with_suffix(".py")) for name in ("search", "document", "explore", "upload", "admin")
)


def page_start() -> None:
    """Sidebar chrome shown on every page: interface language and who is signed in."""
    st.html(render.PAGE_STYLE)
    i18n.language_selector()
    name = state.user()
    if name:
        st.sidebar.caption(t("signin.as", name=render.md_escape(name)))  # a name is text, never Markdown
        st.sidebar.button(t("signin.out"), key="sidebar_sign_out", on_click=state.sign_out)
    state.send_scripts()


def scroll_to_top(marker: str) -> None:
    """Bring the top of the page into view (after choosing another result page)."""
    st.html(
        f"<script>/* {marker} */ for (const el of [document.scrollingElement,"
        " ...document.querySelectorAll('[data-testid=stMain],[data-testid=stAppScrollToBottomContainer],"
        "[data-testid=stAppViewContainer]')]) { if (el) el.scrollTo({top: 0}); }</script>",
        unsafe_allow_javascript=True,
    )


def fail(exc: Exception) -> None:
    """One clear line instead of a traceback."""
    st.error(t("error.kb", error=render.md_escape(said(exc)) or type(exc).__name__))


def said(exc: Exception) -> str:
    """An error in one line for people: a file-system error as its file and reason, without "[Errno 30]"."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror.lower()}" if exc.filename else exc.strerror.lower()
    return str(exc)


def unexpected(exc: Exception) -> bool:
    """An error no page caught (a forged widget value, a bug), already logged in full by Streamlit: one
    line with its type only, never its message or traceback (the served app's on_script_error)."""
    st.error(t("error.unexpected", error=type(exc).__name__))
    return True  # Streamlit shows nothing more


def value_label(vocab: Vocabulary, facet: str, value: str) -> str:
    """A facet value as people read it, in the interface language."""
    if facet == "doctype":
        return i18n.doctype_name(value)
    if facet == "language":
        return i18n.language_name(value)
    return vocab.label(facet, value, i18n.language())


def hit_badges(vocab: Vocabulary, hit: Hit) -> list[tuple[str, str]]:
    items = [(i18n.doctype_name(hit.doctype), "type"), (i18n.language_name(hit.language), "lang")]
    items.append((hit.date or (str(hit.year) if hit.year else ""), "date"))
    items += [(value_label(vocab, "network", n), "net") for n in hit.networks]
    if hit.via in ("meaning", "both"):  # how the semantic channel took part
        items.append((i18n.t(f"hit.{hit.via}"), "via"))
    return items


def show_hits(hits: Iterable[Hit], query: str = "", key: str = "hits") -> None:
    """A list of hits: the title links to the document, then badges and the highlighted snippet."""
    hits = list(hits)
    if not hits:
        st.caption(t("doc.nothing"))
        return
    vocab = state.knowledge_base().vocabulary
    for i, hit in enumerate(hits):
        params = {"id": hit.id, "hl": query} if query else {"id": hit.id}
        with st.container(border=True, key=f"hit-{key}-{i}"):
            st.page_link(
                DOCUMENT_PAGE,
                label=render.md_escape(hit.title) or hit.id,
                query_params=params,
                icon=":material/description:",
            )
            st.html(render.hit_details(hit, hit_badges(vocab, hit)))
