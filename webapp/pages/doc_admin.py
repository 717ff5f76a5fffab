"""Coordinator tools on the document page: correct metadata, delete with a confirmation."""

from __future__ import annotations

import streamlit as st

from archive import service
from ingest.errors import IngestError
from kb.errors import KBError
from kb.models import Document
from webapp import render, state
from webapp.i18n import t
from webapp.pages import metadata_form
from webapp.pages.common import SEARCH_PAGE, fail


def edit(doc: Document) -> None:
    kb = state.knowledge_base()
    with st.expander(t("edit.title"), icon=":material/edit:"), st.form(f"edit_{doc.id}"):
        values = metadata_form.inputs(kb.vocabulary, doc, f"edit_{doc.id}")
        if st.form_submit_button(t("edit.save")) and values is not None:
            diff = metadata_form.changes(doc, values)
            try:
                if diff:
                    outcome = service.update_metadata(kb, state.settings(), doc.id, diff, state.user() or "?")
                    state.refresh()
                    st.session_state["_warned"] = outcome.warnings  # a misspelled key of its metadata file
                st.session_state["_flash"] = t("edit.saved")
                st.rerun()
            except (KBError, IngestError, OSError) as exc:  # OSError: a corpus on a full or read-only disk
                fail(exc)


def delete(doc: Document) -> None:
    kb = state.knowledge_base()
    with st.expander(t("delete.title"), icon=":material/delete:"):
        sure = st.checkbox(t("delete.confirm"), key=f"delete_sure_{doc.id}")
        if st.button(t("delete.button"), disabled=not sure, type="primary", key=f"delete_{doc.id}"):
            try:
                service.delete_document(kb, state.settings(), doc.id, state.user() or "?")
                state.refresh()
            except (KBError, IngestError, OSError) as exc:  # OSError: a corpus on a full or read-only disk
                fail(exc)
                return
            # the document is gone: back to the search it was found with, saying what happened
            st.session_state["_flash"] = t("delete.done", title=render.md_escape(doc.title))
            st.switch_page(SEARCH_PAGE, query_params=state.recall("search_params") or {})
