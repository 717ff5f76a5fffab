"""The served Streamlit script sits in a folder without `pages/`: Streamlit lists a script's `pages/`
folder in the sidebar on a first visit straight to a page (/admin showed "common", "explore state",
"metadata form"), before the app's own navigation."""

from __future__ import annotations

from webapp.asgi import ENTRY


def test_the_served_script_has_no_pages_folder_beside_it():
    assert ENTRY.is_file()
    assert not (ENTRY.parent / "pages").exists()
