"""The served app: the Streamlit script (webapp/served/entry.py) plus the routes that set and clear the session
cookie, behind a guard that lets only the app's own pages talk to it (webapp/guard.py).

`kb serve` runs `streamlit run` on this file from the installed package, so the app needs no checkout;
its Streamlit settings are webapp/.streamlit/config.toml (read beside the main script).
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from webapp.guard import Guard
from webapp.pages.common import unexpected
from webapp.routes import ROUTES

ENTRY = Path(__file__).resolve().with_name("served") / "entry.py"  # no pages/ folder beside it

app = st.App(str(ENTRY), routes=ROUTES, middleware=[Middleware(Guard)], on_script_error=unexpected)
