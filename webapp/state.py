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

_VALUE_KEY = "_session_value"  # the signed session value (as in the cookie)
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
    kb = _open(str(s.index_dir), str(s.corpus_dir))
    if kb.damaged:  # found damaged while searching: opened again, it is moved aside and rebuilt
        kb.close()
        _open.clear(str(s.index_dir), str(s.corpus_dir))
        kb = _open(str(s.index_dir), str(s.corpus_dir))
    return kb


def refresh() -> None:
    """After a write: nothing to drop. The knowledge base reopens its search session on the next
    search when the index (or the vocabulary) changed, and its background embedder runs on: closing
    it here stopped the embedder, which made every upload and deletion wait for its batch (9-11 s)."""


def user() -> str | None:
    """The signed-in coordinator's name, or None. Checked on every run against the session value kept in
    this session or the browser's cookie: signed out elsewhere, a changed password or a removed
    coordinator end it here too."""
    value = st.session_state.get(_VALUE_KEY)
    if not value and not st.session_state.get("_signed_out"):  # else the page's cookie is gone
        value = _cookie(session.COOKIE)
    found = session.current(settings().secrets_file, value) if value else None
    if found is None:
        _forget()
        return None
    st.session_state[_VALUE_KEY] = value
    return found[0]


def _cookie(name: str) -> str:
    try:
        return str(st.context.cookies.get(name) or "")
    except (AttributeError, RuntimeError):  # no browser behind this run (bare script)
        return ""


def sign_in(name: str, password: str) -> bool:
    """Check a coordinator's name and password; when right, remember the session here and have the
    browser keep it in a signed cookie (exchanged for a one-time ticket). Raises auth.TooManyFailures
    after repeated failures for the name or from this client."""
    s = settings()
    name = auth.coordinator_name(name)
    if not (name and password and auth.sign_in(s.secrets_file, name, password, _client())):
        return False
    stamp = auth.load_coordinators(s.secrets_file).get(name, "")
    value = session.issue(session.signing_key(s.secrets_file), name, stamp)
    st.session_state[_VALUE_KEY] = value
    st.session_state.pop("_signed_out", None)
    ticket = session.new_ticket(value)
    run_in_browser(f"fetch({json.dumps(SESSION_PATH)}, {{method: 'POST', body: {json.dumps(ticket)}}});")
    return True


def _client() -> str:
    """The browser's address ("" on this machine or without a browser)."""
    try:
        return str(st.context.ip_address or "")
    except (AttributeError, RuntimeError):
        return ""


def _forget() -> None:
    st.session_state.pop(_VALUE_KEY, None)


def sign_out() -> None:
    """End the session here, on the server (revoked) and in the browser (cookie cleared)."""
    nonce = session.nonce_of(st.session_state.get(_VALUE_KEY, ""))
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


def write_url(params: dict[str, str | list[str]]) -> None:
    """Write a page's whole state into the URL at once, only when it changed (a real change becomes
    one browser-history entry; Back and Forward then show the earlier states)."""
    want = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    if want != have:
        st.query_params.from_dict(params)
