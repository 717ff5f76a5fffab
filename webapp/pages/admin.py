"""Admin (coordinators only): index status, rebuild, and the audit log."""

from __future__ import annotations

import streamlit as st

from archive import service
from ingest.errors import IngestError
from kb.errors import KBError
from webapp import i18n, state
from webapp.i18n import t
from webapp.pages import audit
from webapp.pages.common import fail, page_start
from webapp.pages.signin import require_coordinator


def _status() -> None:
    kb = state.knowledge_base()
    stats = kb.stats(i18n.language())
    st.subheader(t("admin.status"))
    cols = st.columns(3)
    cols[0].metric(t("admin.documents"), stats.documents)
    networks = next(f for f in stats.facets if f.name == "network").values
    cols[1].metric(t("admin.networks"), len(networks))
    cols[2].metric(t("admin.schema"), stats.schema_version)
    s = state.settings()
    st.caption(t("admin.where", index=s.index_dir, corpus=s.corpus_dir))


def _rebuild() -> None:
    if st.button(t("admin.rebuild"), icon=":material/refresh:", key="rebuild"):
        with st.spinner():
            try:
                outcomes = service.rebuild(state.knowledge_base(), state.settings())
                state.refresh()
            except (KBError, IngestError) as exc:
                fail(exc)
                return
        st.success(t("admin.rebuilt", n=sum(1 for o in outcomes if o.id)))


def main() -> None:
    page_start()
    st.title(t("nav.admin"))
    require_coordinator(t("admin.signin"))
    try:
        _status()
    except KBError as exc:
        fail(exc)
    _rebuild()
    try:
        audit.show()
    except KBError as exc:
        fail(exc)


main()
