"""The served app: the Streamlit script (app.py) plus the routes that set and clear the session cookie,
behind a guard that lets only the app's own pages talk to it (webapp/guard.py).

`kb serve` runs `streamlit run asgi.py`; `streamlit run app.py` also works, without sign-ins that survive
a reload and without the guard.
"""

import streamlit as st
from starlette.middleware import Middleware

from webapp.guard import Guard
from webapp.pages.common import unexpected
from webapp.routes import ROUTES

app = st.App("app.py", routes=ROUTES, middleware=[Middleware(Guard)], on_script_error=unexpected)
