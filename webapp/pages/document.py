"""One document: its metadata, the languages it is also in, download, highlighted full text, then one list of
similar documents and more of the same network and year."""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st

from archive.uploads import original_bytes
from kb.errors import KBError, QuerySyntaxError, UnknownDocumentError
from kb.models import Document, Hit, SearchRequest
from webapp import i18n, render, state
from webapp.i18n import t
from webapp.pages import doc_admin
from webapp.pages.common import DOCUMENT_PAGE, SEARCH_PAGE, fail, page_start, show_hits, value_label


def _back_link() -> None:
    params = state.recall("search_params") or {}
    st.page_link(SEARCH_PAGE, label=t("doc.back"), icon=":material/arrow_back:", query_params=params)


def _metadata(doc: Document) -> None:
    vocab = state.knowledge_base().vocabulary
    items = [(i18n.doctype_name(doc.doctype), "type"), (i18n.language_name(doc.language), "lang")]
    items.append((doc.date or t("doc.unknown_date"), "date"))
    items += [(value_label(vocab, "network", v), "net") for v in doc.networks]
    items += [(value_label(vocab, "region", v), "") for v in doc.regions]
    st.html(render.STYLE + render.badges(items))
    if doc.topics:
        st.html(render.badges([(value_label(vocab, "topic", v), "") for v in doc.topics]))
    st.caption(f"{t('doc.source')}: {render.md_escape(doc.source)}")
    if doc.added_by:
        st.caption(
            t(
                "doc.added",
                user=render.md_escape(doc.added_by),
                at=render.md_escape(render.when(doc.added_at or "?")),
            )
        )


def _download(doc: Document) -> None:
    data = original_bytes(state.settings(), doc)
    if data is not None:
        st.download_button(
            t("doc.download"),
            data,
            file_name=PurePath(doc.source).name,
            icon=":material/download:",
            key="download_original",
        )


def _same_network_year(doc: Document, shown: set[str]) -> None:
    """More of the same network and year (what the lists above do not show yet)."""
    if not doc.networks or doc.year is None:
        return
    kb = state.knowledge_base()
    request = SearchRequest(networks=doc.networks[:1], years=(doc.year,), sort="newest", page_size=20)
    hits = [h for h in kb.search(request, i18n.language()).hits if h.id != doc.id and h.id not in shown][:5]
    if not hits:
        return
    st.subheader(t("doc.same"))
    show_hits(hits, key="same")


def _also_in(translations: tuple[Hit, ...]) -> None:
    """The document in other languages: one line of language links below its own metadata."""
    if not translations:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center", key="also_in"):
        st.caption(f"{t('doc.also')}:")
        for hit in translations:
            st.page_link(
                DOCUMENT_PAGE,
                label=i18n.language_name(hit.language),
                query_params={"id": hit.id},
                icon=":material/translate:",
                help=render.md_escape(hit.title),
            )


def main() -> None:
    page_start()
    _back_link()
    if flash := st.session_state.pop("_flash", None):
        st.success(flash)
    for line in st.session_state.pop("_warned", ()):  # of the file just re-read for a correction
        st.warning(t("upload.warning", warning=render.md_escape(line)), icon=":material/warning:")
    doc_id = st.query_params.get("id", "")
    query = st.query_params.get("hl", "")
    if not doc_id:
        st.info(t("doc.none"))
        return
    kb = state.knowledge_base()
    try:
        doc = kb.get(doc_id)
        try:
            text = kb.highlight(doc_id, query)
        except QuerySyntaxError:  # a link's highlight the query syntax refuses ("((, *): the text unmarked
            text = kb.highlight(doc_id, "")
        translations, similar = kb.neighbours(doc_id)
    except UnknownDocumentError:
        st.warning(t("doc.unknown"))
        return
    except KBError as exc:
        fail(exc)
        return
    st.html(render.title(doc.title))
    _metadata(doc)
    _also_in(translations)
    _download(doc)
    if state.user():
        doc_admin.edit(doc)
        doc_admin.delete(doc)
    st.subheader(t("doc.text"))
    st.html(render.full_text(text))
    shown = {h.id for h in translations}
    st.subheader(t("doc.related"))
    show_hits(similar, key="similar")
    _same_network_year(doc, shown | {h.id for h in similar})


main()
