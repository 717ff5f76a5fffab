"""The served app: the Streamlit script (app.py) plus the routes that set and clear the session cookie.

`kb serve` runs `streamlit run asgi.py`; `streamlit run app.py` also works, without sign-ins that survive
a reload.
"""

import streamlit as st

from webapp.routes import ROUTES

app = st.App("app.py", routes=ROUTES)
