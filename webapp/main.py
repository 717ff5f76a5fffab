"""The app's pages, declared once: the Streamlit entries (app.py in the checkout, webapp/served/entry.py in the
package) call `run`. Page files are named by absolute path, so either entry finds them."""

import streamlit as st

from webapp.i18n import t
from webapp.pages.common import ADMIN_PAGE, DOCUMENT_PAGE, EXPLORE_PAGE, SEARCH_PAGE, UPLOAD_PAGE


def run() -> None:
    st.set_page_config(page_title=t("app.title"), page_icon=":material/search:", layout="wide")
    pages = [
        st.Page(
            SEARCH_PAGE,
            title=t("nav.search"),
            icon=":material/search:",
            url_path="search",
            default=True,
        ),
        st.Page(
            DOCUMENT_PAGE,
            title=t("nav.document"),
            icon=":material/description:",
            url_path="doc",
            visibility="hidden",  # reached from a result, never empty from the menu
        ),
        st.Page(EXPLORE_PAGE, title=t("nav.explore"), icon=":material/timeline:", url_path="explore"),
        st.Page(UPLOAD_PAGE, title=t("nav.upload"), icon=":material/upload_file:", url_path="upload"),
        st.Page(
            ADMIN_PAGE,
            title=t("nav.admin"),
            icon=":material/admin_panel_settings:",
            url_path="admin",
        ),
    ]
    st.navigation(pages).run()
