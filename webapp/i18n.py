"""Interface strings in English, German, Danish and Dutch; names of document types and languages.

The strings live in webapp/locales/<code>.json, one file per interface language: a flat object of
key → string, with the names of document types under "doctype.<type>" and of languages under
"language.<code>". Every file has the keys of en.json and the same {placeholders} (tests check it).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import streamlit as st

UI_LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "da": "Dansk", "nl": "Nederlands"}
_STATE_KEY = "_ui_language"
LANGUAGE_COOKIE = "kb_lang"
_DOCTYPE = "doctype."
_LANGUAGE = "language."


@cache
def strings(lang: str) -> dict[str, str]:
    """One language's table (read once per process): key → string."""
    text = resources.files("webapp").joinpath("locales", f"{lang}.json").read_text(encoding="utf-8")
    table = json.loads(text)
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"webapp/locales/{lang}.json is not an object of strings")
    return table


def _names(prefix: str) -> dict[str, tuple[str, ...]]:
    """The names under a prefix ("doctype.", "language."): code → (name in each interface language)."""
    return {
        k.removeprefix(prefix): tuple(strings(lang).get(k, strings("en")[k]) for lang in UI_LANGUAGES)
        for k in strings("en")
        if k.startswith(prefix)
    }


#: the keys of interface strings (without the names of document types and languages)
STRING_KEYS = frozenset(k for k in strings("en") if not k.startswith((_DOCTYPE, _LANGUAGE)))
#: document type → its name in each interface language, in the order of UI_LANGUAGES
DOCTYPE_NAMES = _names(_DOCTYPE)
#: language code → its name in each interface language, in the order of UI_LANGUAGES
LANGUAGE_NAMES = _names(_LANGUAGE)


def language() -> str:
    """The chosen interface language code: the choice made, else the browser's language, else English."""
    lang = st.session_state.get(_STATE_KEY)
    if lang not in UI_LANGUAGES:
        lang = browser_language()
        st.session_state[_STATE_KEY] = lang
    return lang


def browser_language() -> str:
    """The language kept from an earlier choice (cookie), else the browser's (locale, Accept-Language)."""
    candidates: list[str] = []
    try:
        candidates.append(str(st.context.cookies.get(LANGUAGE_COOKIE) or ""))
        candidates.append(str(st.context.locale or ""))
        header = str(st.context.headers.get("Accept-Language") or "")
    except (AttributeError, RuntimeError):  # no browser behind this run
        return "en"
    candidates += [part.split(";")[0].strip() for part in header.split(",")]
    for tag in candidates:
        code = tag.split("-")[0].split("_")[0].lower()
        if code in UI_LANGUAGES:
            return code
    return "en"


def _lookup(key: str) -> str | None:
    """The string in the chosen language, else in English (a key a translation still lacks)."""
    text = strings(language()).get(key)
    return text if text is not None else strings("en").get(key)


def t(key: str, **values: object) -> str:
    """An interface string in the chosen language, with {placeholders} filled in."""
    text = _lookup(key)
    if text is None:
        raise KeyError(key)
    return text.format(**values) if values else text


def tn(key: str, n: int) -> str:
    """A count in words: the key's ".one" form for exactly one, if it has one."""
    one = f"{key}.one"
    return t(one if n == 1 and one in strings("en") else key, n=n)


def doctype_name(doctype: str) -> str:
    return _lookup(_DOCTYPE + doctype) or doctype


def language_name(code: str) -> str:
    """A language's name ("no" → "Norwegian"); a code without one is said to be a code ("no" read as a
    bare word said "no language")."""
    return _lookup(_LANGUAGE + code) or t("language_code", code=code)


def _remember() -> None:
    """Keep the choice for this session and, in a cookie, for the next visits."""
    lang = st.session_state["ui_language_select"]
    st.session_state[_STATE_KEY] = lang
    st.session_state.setdefault("_pending_scripts", []).append(
        f"document.cookie = '{LANGUAGE_COOKIE}={lang}; path=/; max-age=31536000; samesite=lax';"
    )


def language_selector() -> None:
    """The interface-language switch in the sidebar (kept across pages in session state)."""
    st.session_state["ui_language_select"] = language()
    st.sidebar.selectbox(
        t("ui.language"),
        list(UI_LANGUAGES),
        format_func=UI_LANGUAGES.__getitem__,
        key="ui_language_select",
        on_change=_remember,
    )
