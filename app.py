"""The Streamlit entry: page config and the pages (each page lives in webapp/pages/)."""

import streamlit as st

from webapp.i18n import t

st.set_page_config(page_title=t("app.title"), page_icon=":material/search:", layout="wide")

pages = [
    st.Page(
        "webapp/pages/search.py",
        title=t("nav.search"),
        icon=":material/search:",
        url_path="search",
        default=True,
    ),
    st.Page(
        "webapp/pages/document.py",
        title=t("nav.document"),
        icon=":material/description:",
        url_path="doc",
        visibility="hidden",  # reached from a result, never empty from the menu
    ),
    st.Page(
        "webapp/pages/explore.py", title=t("nav.explore"), icon=":material/timeline:", url_path="explore"
    ),
    st.Page(
        "webapp/pages/upload.py", title=t("nav.upload"), icon=":material/upload_file:", url_path="upload"
    ),
    st.Page(
        "webapp/pages/admin.py",
        title=t("nav.admin"),
        icon=":material/admin_panel_settings:",
        url_path="admin",
    ),
]
st.navigation(pages).run()
