"""Upload (coordinators only): preview each file, confirm its metadata, store and index it."""

from __future__ import annotations

import hashlib

import streamlit as st

from archive import service
from ingest.errors import IngestError
from kb.errors import KBError
from kb.models import Document
from webapp import i18n, render, state
from webapp.i18n import t
from webapp.pages import metadata_form
from webapp.pages.common import DOCUMENT_PAGE, page_start, said
from webapp.pages.signin import require_coordinator

TYPES = [
    "pdf",
    "html",
    "htm",
    "md",
    "markdown",
    "txt",
    "docx",
    "odt",
    "ods",
    "odp",
    "pptx",
    "xlsx",
    "rtf",
    "doc",
]


def _preview(name: str, data: bytes, key: str) -> tuple[Document, tuple[str, ...]]:
    """The preview of one upload and its warnings, read once per file and session (in a worker process)."""
    cache = st.session_state.setdefault("_previews", {})
    if key not in cache:
        with st.spinner(t("upload.reading", name=render.md_escape(name)), show_time=True):
            cache[key] = service.preview(state.settings(), name, data)
    return cache[key]


def _warned(warnings: tuple[str, ...]) -> None:
    """What the coordinator should know of a file that is read (a misspelled key, PDF pages not read)."""
    for line in warnings:
        st.warning(t("upload.warning", warning=render.md_escape(line)), icon=":material/warning:")


def _stored(title: str, doc_id: str, warnings: tuple[str, ...] = ()) -> None:
    st.success(t("upload.stored", title=render.md_escape(title)), icon=":material/check_circle:")
    _warned(warnings)
    st.page_link(
        DOCUMENT_PAGE,
        label=render.md_escape(title) or doc_id,
        query_params={"id": doc_id},
        icon=":material/description:",
    )


def _key(name: str, data: bytes) -> str:
    """One upload's key (its widgets', its preview's): the same name with the same bytes is one file."""
    return hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:16]


def _one_file(name: str, data: bytes, key: str, user: str) -> None:
    done = st.session_state.setdefault("_stored", {})
    st.subheader(render.md_escape(name), divider="gray")
    if key in done:
        _stored(*done[key])
        return
    kb = state.knowledge_base()
    try:
        doc, warnings = _preview(name, data, key)
        duplicate = service.find_duplicate(kb, data)
    except (IngestError, KBError) as exc:
        error = str(exc).removeprefix(f"{name}: ")
        st.error(
            t("upload.failed", name=render.md_escape(name), error=render.md_escape(error)),
            icon=":material/warning:",
        )
        return
    if duplicate:
        st.warning(t("upload.duplicate"), icon=":material/warning:")
        try:
            title = kb.get(duplicate).title
        except KBError:
            title = duplicate
        st.page_link(
            DOCUMENT_PAGE,
            label=render.md_escape(title) or duplicate,
            query_params={"id": duplicate},
            icon=":material/description:",
        )
        # the archive keeps each file once (a rebuild would index one copy only): correct the stored one
        st.caption(t("upload.once"))
        return
    _warned(warnings)
    st.caption(t("upload.detected", lang=i18n.language_name(doc.language)))
    with st.expander(t("upload.extracted")):
        st.html(render.plain_text(doc.text))
    with st.form(f"upload_{key}"):
        values = metadata_form.inputs(kb.vocabulary, doc, f"up_{key}")
        if st.form_submit_button(t("upload.store"), type="primary") and values is not None:
            metadata = {k: v for k, v in values.items() if v not in (None, "", [])}
            # a suggested date, network, region or topic the coordinator removed stays empty
            metadata.update({k: v for k, v in metadata_form.changes(doc, values).items() if v in (None, [])})
            try:
                outcome = service.store_upload(kb, state.settings(), name, data, metadata, user)
                state.refresh()
            except (IngestError, KBError, OSError) as exc:  # OSError: a corpus on a full or read-only disk
                st.error(
                    t("upload.failed", name=render.md_escape(name), error=render.md_escape(said(exc))),
                    icon=":material/warning:",
                )
                return
            done[key] = (str(values["title"]), outcome.id or "", outcome.warnings)
            st.rerun()


def main() -> None:
    page_start()
    st.title(t("nav.upload"))
    user = require_coordinator(t("signin.needed"))
    files = st.file_uploader(t("upload.files"), type=TYPES, accept_multiple_files=True, key="uploads")
    chosen: set[str] = set()
    for file in files or []:
        data = file.getvalue()
        key = _key(file.name, data)  # hashed once: a file may hold 50 MB
        if key in chosen:  # picked twice (from two folders): its form once, not a crash
            st.caption(t("upload.twice", name=render.md_escape(file.name)))
            continue
        chosen.add(key)
        _one_file(file.name, data, key, user)


main()
