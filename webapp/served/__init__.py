"""The folder of the served Streamlit script: no `pages/` folder beside it, so Streamlit lists only the
pages the app declares (webapp/main.py), also on a first visit straight to /admin or /doc."""
