"""Process-wide resources (settings, the opened knowledge base) and per-session helpers."""

from __future__ import annotations

import streamlit as st

from archive import access as auth
from archive.service import open_knowledge_base
from kb.api import KnowledgeBase
from kb.settings import Settings, load_settings

_USER_KEY = "_coordinator"


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
    """The signed-in coordinator's name, or None."""
    return st.session_state.get(_USER_KEY)


def sign_in(name: str, password: str) -> bool:
    """Check a coordinator's name and password; remember the name in this session when right."""
    if name.strip() and password and auth.verify(settings().secrets_file, name, password):
        st.session_state[_USER_KEY] = name.strip()
        return True
    return False


def sign_out() -> None:
    st.session_state.pop(_USER_KEY, None)


def remember(key: str, value: object) -> None:
    """Keep a value for this browser session (outside any widget)."""
    st.session_state[f"_keep_{key}"] = value


def recall(key: str, default: object = None) -> object:
    return st.session_state.get(f"_keep_{key}", default)
