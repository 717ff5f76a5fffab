"""The coordinator sign-in form."""

from __future__ import annotations

import streamlit as st

from archive.access import TooManyFailures
from webapp import render, state
from webapp.i18n import t


def require_coordinator(message: str) -> str:
    """The signed-in coordinator's name; otherwise show the sign-in form and stop the page."""
    name = state.user()
    if name:
        return name
    st.info(message)
    with st.form("sign_in"):
        st.subheader(t("signin.title"))
        user = st.text_input(t("signin.name"), key="signin_name")
        password = st.text_input(t("signin.password"), type="password", key="signin_password")
        if st.form_submit_button(t("signin.button"), type="primary"):
            try:
                if state.sign_in(user, password):
                    st.rerun()
                st.error(t("signin.failed"))
            except TooManyFailures as exc:
                key = "signin.locked" if exc.name else "signin.locked_here"
                st.error(t(key, name=render.md_escape(exc.name), minutes=exc.minutes))
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
