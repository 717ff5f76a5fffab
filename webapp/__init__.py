"""The Streamlit pages and their helpers (the entry point is app.py at the project root)."""
