"""One document: metadata, highlighted full text, download, similar documents, same network and year."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kb.errors import KBError, UnknownDocumentError
from kb.models import Document, SearchRequest
from webapp import i18n, render, state
from webapp.i18n import t
from webapp.pages import doc_admin
from webapp.pages.common import SEARCH_PAGE, fail, page_start, show_hits, value_label


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
    st.caption(f"{t('doc.source')}: {doc.source}")
    if doc.added_by:
        st.caption(t("doc.added", user=doc.added_by, at=doc.added_at or "?"))


def _download(doc: Document) -> None:
    path = Path(doc.source)
    path = path if path.is_absolute() else state.settings().corpus_dir / path
    if path.is_file():
        st.download_button(
            t("doc.download"),
            path.read_bytes(),
            file_name=path.name,
            icon=":material/download:",
            key="download_original",
        )


def _same_network_year(doc: Document) -> None:
    if not doc.networks or doc.year is None:
        return
    kb = state.knowledge_base()
    request = SearchRequest(networks=doc.networks[:1], years=(doc.year,), sort="newest", page_size=6)
    hits = [h for h in kb.search(request, i18n.language()).hits if h.id != doc.id][:5]
    st.subheader(t("doc.same"))
    show_hits(hits, key="same")


def main() -> None:
    page_start()
    _back_link()
    if flash := st.session_state.pop("_flash", None):
        st.success(flash)
    doc_id = st.query_params.get("id", "")
    query = st.query_params.get("hl", "")
    if not doc_id:
        st.info(t("doc.none"))
        return
    kb = state.knowledge_base()
    try:
        doc = kb.get(doc_id)
        text = kb.highlight(doc_id, query)
        related = kb.related(doc_id, limit=5, language=i18n.language())
        similar = kb.similar(doc_id, limit=5, language=i18n.language())
        translations = kb.translations(doc_id)
    except UnknownDocumentError:
        st.warning(t("doc.unknown"))
        return
    except KBError as exc:
        fail(exc)
        return
    st.html(render.title(doc.title))
    if translations:
        langs = ", ".join(i18n.language_name(h.language) for h in translations)
        st.caption(t("doc.translations", langs=langs))
        show_hits(translations, key="translations")
    _metadata(doc)
    _download(doc)
    if state.user():
        doc_admin.edit(doc)
        doc_admin.delete(doc)
    st.subheader(t("doc.text"))
    st.html(render.full_text(text))
    st.subheader(t("doc.related"))
    show_hits(related, key="related")
    if similar:
        st.subheader(t("doc.meaning"))
        show_hits(similar, key="similar")
    _same_network_year(doc)


main()
