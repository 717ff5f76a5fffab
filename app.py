"""The Streamlit entry in the checkout (`streamlit run app.py`, AppTest): the pages are declared in webapp/main.py."""

from webapp.main import run

run()
