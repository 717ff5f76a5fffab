"""The Streamlit entry inside the package, which `kb serve` runs (through webapp/asgi.py) wherever kb is installed."""

from webapp.main import run

run()
