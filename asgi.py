"""`streamlit run asgi.py` in the checkout serves what `kb serve` serves (webapp/asgi.py)."""

from webapp.asgi import app  # noqa: F401  (streamlit finds the App here)
