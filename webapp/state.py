"""Process-wide resources (settings, the opened knowledge base) and per-session helpers."""

from __future__ import annotations

import json

import streamlit as st

from archive import access as auth
from archive.service import open_knowledge_base
from kb.api import KnowledgeBase
from kb.settings import Settings, load_settings
from webapp import session
from webapp.routes import SESSION_PATH, SIGNOUT_PATH

_USER_KEY = "_coordinator"
_NONCE_KEY = "_session_nonce"
_SCRIPTS_KEY = "_pending_scripts"


def settings() -> Settings:
    """The settings from the environment (read each run: cheap, and tests change them)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def _open(index_dir: str, corpus_dir: str) -> KnowledgeBase:
    return open_knowledge_base(load_settings(index_dir, corpus_dir))


def knowledge_base() -> KnowledgeBase:
    """One opened knowledge base per process and index (it is thread-safe)."""
    s = settings()
    return _open(str(s.index_dir), str(s.corpus_dir))


def refresh() -> None:
    """After a write: drop cached objects so the next run sees the new index state."""
    kb = knowledge_base()
    kb.close()  # the next search reopens a session on the committed index


def user() -> str | None:
    """The signed-in coordinator's name, or None: from this session, or from a valid session cookie."""
    s = settings()
    name = st.session_state.get(_USER_KEY)
    if name:
        nonce = st.session_state.get(_NONCE_KEY)
        if nonce and session.revoked(s.secrets_file, nonce):  # signed out in another tab
            _forget()
            return None
        return name
    if st.session_state.get("_signed_out"):  # the cookie this page was loaded with is gone
        return None
    value = _cookie(session.COOKIE)
    found = session.read(session.signing_key(s.secrets_file), value) if value else None
    if (
        found
        and not session.revoked(s.secrets_file, found[1])
        and found[0] in auth.load_coordinators(s.secrets_file)
    ):
        st.session_state[_USER_KEY], st.session_state[_NONCE_KEY] = found
        return found[0]
    return None


def _cookie(name: str) -> str:
    try:
        return str(st.context.cookies.get(name) or "")
    except (AttributeError, RuntimeError):  # no browser behind this run (bare script)
        return ""


def sign_in(name: str, password: str) -> bool:
    """Check a coordinator's name and password; when right, remember the name in this session and have
    the browser keep a signed session cookie (exchanged for a one-time ticket)."""
    s = settings()
    if name.strip() and password and auth.verify(s.secrets_file, name, password):
        value = session.issue(session.signing_key(s.secrets_file), name.strip())
        st.session_state[_USER_KEY] = name.strip()
        st.session_state[_NONCE_KEY] = session.nonce_of(value)
        st.session_state.pop("_signed_out", None)
        ticket = session.new_ticket(value)
        run_in_browser(f"fetch({json.dumps(SESSION_PATH)}, {{method: 'POST', body: {json.dumps(ticket)}}});")
        return True
    return False


def _forget() -> None:
    st.session_state.pop(_USER_KEY, None)
    st.session_state.pop(_NONCE_KEY, None)


def sign_out() -> None:
    """End the session here, on the server (revoked) and in the browser (cookie cleared)."""
    nonce = st.session_state.get(_NONCE_KEY)
    if nonce:
        session.revoke(settings().secrets_file, nonce)
    _forget()
    st.session_state["_signed_out"] = True
    run_in_browser(f"fetch({json.dumps(SIGNOUT_PATH)}, {{method: 'POST'}});")


def run_in_browser(script: str) -> None:
    """Queue a small script for the browser; the next page run sends it (see send_scripts)."""
    st.session_state.setdefault(_SCRIPTS_KEY, []).append(script)


def send_scripts() -> None:
    """Run the queued scripts once, in the page (not in an iframe, so cookies are first-party)."""
    scripts = st.session_state.pop(_SCRIPTS_KEY, [])
    if scripts:
        with st.sidebar:
            st.html("<script>" + "\n".join(scripts) + "</script>", unsafe_allow_javascript=True)


def remember(key: str, value: object) -> None:
    """Keep a value for this browser session (outside any widget)."""
    st.session_state[f"_keep_{key}"] = value


def recall(key: str, default: object = None) -> object:
    return st.session_state.get(f"_keep_{key}", default)
