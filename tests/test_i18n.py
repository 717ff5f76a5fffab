"""The interface strings: one JSON file per language with the same keys and placeholders as English,
every key the code uses present, and a Dutch browser (locale or Accept-Language) gets Dutch."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from types import SimpleNamespace

import pytest
from apphelpers import ROOT, errors, html_of, make_env
from streamlit.testing.v1 import AppTest

from kb.models import DOCTYPES, FACETS, SORTS
from kb.vocabulary import LANGUAGES
from webapp import i18n
from webapp.pages.audit import _FIELDS, ACTIONS

LOCALES = ROOT / "webapp" / "locales"
CODE = [*sorted((ROOT / "webapp").rglob("*.py")), ROOT / "app.py"]
#: the families of keys; a string literal in the code that starts with one of them names a key
FAMILIES = "app|nav|ui|search|sort|facet|hit|doc|edit|delete|meta|signin|upload|explore|col|admin|audit|error"
_LITERAL = re.compile(rf"""(?<![\w.])["']((?:{FAMILIES})\.[a-z_.]+)["']""")
_FSTRING = re.compile(rf"""\bf["']((?:{FAMILIES})\.)\{{""")


def _table(code: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{code}.json").read_text(encoding="utf-8"))


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def test_there_is_one_file_per_interface_language():
    assert sorted(p.stem for p in LOCALES.glob("*.json")) == sorted(i18n.UI_LANGUAGES)
    assert set(i18n.UI_LANGUAGES) == {"en", "de", "da", "nl"}


@pytest.mark.parametrize("code", sorted(i18n.UI_LANGUAGES))
def test_every_language_has_the_keys_and_placeholders_of_english(code):
    english, table = _table("en"), _table(code)
    assert list(table) == list(english), f"{code}.json: keys differ from en.json (or their order)"
    for key, text in table.items():
        assert isinstance(text, str) and text.strip(), f"{code}.json: {key} is empty"
        assert text == text.strip(), f"{code}.json: {key} has spaces around it"
        assert _fields(text) == _fields(english[key]), f"{code}.json: {key} has other placeholders"


def test_every_document_type_and_language_has_a_name():
    english = _table("en")
    assert {f"doctype.{d}" for d in DOCTYPES} <= set(english)
    assert {f"language.{c}" for c in (*LANGUAGES, "und")} <= set(english)
    assert set(i18n.DOCTYPE_NAMES) == set(DOCTYPES)
    assert all(len(names) == len(i18n.UI_LANGUAGES) for names in i18n.LANGUAGE_NAMES.values())


def test_every_key_the_code_uses_exists():
    keys = set(_table("en"))
    used: dict[str, Path] = {}
    prefixes: set[str] = set()
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        used.update({key: path for key in _LITERAL.findall(text)})
        prefixes.update(_FSTRING.findall(text))
    assert len(used) > 100, "the scan should find the keys the pages use"
    missing = {key: str(path.relative_to(ROOT)) for key, path in used.items() if key not in keys}
    assert not missing
    # the keys put together at run time, from the values they are made of
    made = {
        "hit.": ("meaning", "both"),
        "facet.": FACETS,
        "sort.": SORTS,
        "audit.": ACTIONS,
    }
    assert prefixes <= set(made), f"a key made at run time from an unknown family: {prefixes - set(made)}"
    assert not {f"{p}{v}" for p, values in made.items() for v in values} - keys
    assert set(_FIELDS.values()) <= keys
    assert {k for k in keys if not k.startswith(("doctype.", "language."))} == i18n.STRING_KEYS


def _browser(monkeypatch, cookie=None, locale=None, accept=None) -> None:
    context = SimpleNamespace(
        cookies={i18n.LANGUAGE_COOKIE: cookie} if cookie else {},
        locale=locale,
        headers={"Accept-Language": accept} if accept else {},
    )
    monkeypatch.setattr(i18n, "st", SimpleNamespace(context=context, session_state={}))


@pytest.mark.parametrize(
    ("cookie", "locale", "accept", "expected"),
    [
        (None, None, "nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
        (None, None, "nl-BE", "nl"),
        (None, None, "fr-FR,fr;q=0.9,nl;q=0.8,de;q=0.7", "nl"),
        (None, "nl-NL", None, "nl"),
        (None, "nl_BE", "de-DE", "nl"),
        ("de", "nl-NL", "nl-NL", "de"),  # a choice made earlier wins
        ("nl", "de-DE", "de-DE", "nl"),
        (None, None, "fr-FR", "en"),
        (None, None, None, "en"),
    ],
)
def test_browser_language(monkeypatch, cookie, locale, accept, expected):
    _browser(monkeypatch, cookie, locale, accept)
    assert i18n.browser_language() == expected


def test_dutch_strings_counts_and_names(monkeypatch):
    _browser(monkeypatch, accept="nl-NL")
    assert i18n.t("nav.search") == "Zoeken"
    assert i18n.tn("search.total", 1) == "1 document"
    assert i18n.tn("search.total", 7) == "7 documenten"
    assert i18n.t("search.inlang", lang=i18n.language_name("de"), results=i18n.tn("search.results", 2)) == (
        "In het Duits: 2 resultaten"
    )
    assert i18n.doctype_name("minutes") == "Notulen"
    assert i18n.doctype_name("press-release") == "Persbericht"
    assert i18n.language_name("nl") == "Nederlands"
    assert i18n.doctype_name("letter") == "letter"  # unknown codes pass through
    assert i18n.language_name("no") == "Noors"  # not the word "no"
    assert i18n.language_name("xx") == "Taalcode ‘xx’"  # a code without a name is said to be one
    with pytest.raises(KeyError):
        i18n.t("no.such.key")


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def _run(locale: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.context["locale"] = locale
    at.query_params.update(query)
    return at.run()


def test_a_dutch_browser_gets_the_dutch_interface(env):
    at = _run("nl-NL", q="Ausbildung")
    assert not errors(at)
    assert at.title[0].value == "Zoeken"
    assert at.text_input(key="q").label == "Zoeken in het archief"
    assert any(m.value == "**Taal**" for m in at.markdown)
    assert any(re.fullmatch(r"\*\*\d+ documenten\*\*", m.value) for m in at.markdown)
    page = html_of(at)
    assert "Notulen" in page or "Persbericht" in page
    assert at.selectbox(key="ui_language_select").value == "nl"


def test_dutch_can_be_chosen_in_the_sidebar(env):
    at = _run("en-GB", q="Ausbildung")
    assert at.title[0].value == "Search"
    at.selectbox(key="ui_language_select").select("nl").run()
    assert at.title[0].value == "Zoeken"
    assert any(m.value == "**Type**" for m in at.markdown)
    assert "Notulen" in html_of(at) or "Persbericht" in html_of(at)


def _detectable() -> set[str]:
    """The codes language detection can give: langdetect's profiles, as ingest.language names them."""
    import langdetect

    from ingest.language import normalize_language

    profiles = Path(langdetect.__file__).parent / "profiles"
    return {normalize_language(p.name) for p in profiles.iterdir()} - {None}


@pytest.mark.parametrize("ui", sorted(i18n.UI_LANGUAGES))
def test_every_language_detection_can_give_has_a_name_in_every_interface_language(ui):
    """A French document was badged "fr", a Norwegian one "no" ("Detected language: no")."""
    table = _table(ui)
    codes = _detectable()
    assert {"fr", "no", "sv", "pl", "it", "es", "fi"} <= codes
    unnamed = sorted(c for c in codes if not table.get(f"language.{c}"))
    assert unnamed == []
    names = [table[f"language.{c}"] for c in codes]
    assert all(name[0].isupper() and name != code for name, code in zip(names, codes, strict=True))
    assert len(set(names)) == len(names)


def test_a_french_document_is_badged_and_counted_by_its_languages_name(tmp_path, monkeypatch):
    from archive.service import open_knowledge_base, store_upload
    from kb.settings import load_settings

    env = make_env(tmp_path, monkeypatch)
    settings = load_settings(env.index, env.corpus)
    kb = open_knowledge_base(settings)
    try:
        text = (
            "Le réseau des plasturgistes s'est réuni à Lyon pour parler de la formation des apprentis et "
            "du recyclage des emballages. Les entreprises présentes ont décidé de créer un groupe de "
            "travail commun frtoken.\n"
        )
        outcome = store_upload(kb, settings, "reunion.txt", text.encode(), {}, "anna")
        assert kb.get(outcome.id).language == "fr"
    finally:
        kb.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["q"] = "frtoken"
    at.run()
    assert errors(at) == []
    assert ">French<" in html_of(at)
    assert [c.label for c in at.checkbox if c.key == "facet:language:fr"] == ["French (1)"]
    at.selectbox(key="ui_language_select").select("de").run()
    assert ">Französisch<" in html_of(at)
