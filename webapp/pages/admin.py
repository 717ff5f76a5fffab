"""Admin: index status for everyone; audit log and rebuild for coordinators."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from archive import service
from ingest.errors import IngestError
from kb.errors import KBError
from webapp import i18n, state
from webapp.i18n import t
from webapp.pages.common import fail, page_start
from webapp.pages.signin import require_coordinator


def _status() -> None:
    kb = state.knowledge_base()
    stats = kb.stats(i18n.language())
    st.subheader(t("admin.status"))
    cols = st.columns(3)
    cols[0].metric(t("admin.documents"), stats.documents)
    cols[1].metric(t("admin.schema"), stats.schema_version)
    networks = next(f for f in stats.facets if f.name == "network").values
    cols[2].metric(t("facet.network"), len(networks))
    s = state.settings()
    st.caption(f"index: {s.index_dir} · corpus: {s.corpus_dir}")


def _audit() -> None:
    st.subheader(t("admin.audit"))
    entries = service.read_audit(state.settings())
    if not entries:
        st.caption(t("admin.noaudit"))
        return
    frame = pd.DataFrame(
        {
            "at": [e.get("at", "") for e in entries],
            "user": [e.get("user", "") for e in entries],
            "action": [e.get("action", "") for e in entries],
            "id": [e.get("id", "") for e in entries],
            "details": [json.dumps(e.get("details", {}), ensure_ascii=False) for e in entries],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


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
    try:
        _status()
    except KBError as exc:
        fail(exc)
    require_coordinator(t("admin.audit_signin"))
    _rebuild()
    _audit()


main()
