"""Shared helpers of the app tests: a tmp corpus (the repo's plus a few small documents) and AppTest."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from archive.access import add_coordinator
from archive.service import open_knowledge_base
from kb.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "Protokoll <b>fett</b> Sitzung"
HOSTILE_TEXT = (
    "Protokoll der Sitzung des Kunststoffnetzwerks Ems-Achse.\n"
    "<script>alert(1)</script> und <b>fett</b> und **kein markdown** und $x^2$ bleiben Text.\n"
    "Thema: Ausbildung und Recycling im Netzwerk.\n"
)
COORDINATOR = ("anna", "correct-horse-battery")


@dataclass(frozen=True)
class Env:
    corpus: Path
    index: Path
    secrets: Path


def _extra(corpus: Path, name: str, text: str, meta: dict) -> None:
    path = corpus / "documents" / name
    path.write_text(text, encoding="utf-8")
    (corpus / "documents" / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def build_corpus(corpus: Path) -> None:
    """A copy of corpus/ with a hostile document and a series of minutes of one network."""
    shutil.copytree(ROOT / "corpus", corpus)
    _extra(
        corpus,
        "hostile.txt",
        HOSTILE_TEXT,
        {
            "title": HOSTILE_TITLE,
            "language": "de",
            "date": "2019-05-02",
            "doctype": "minutes",
            "networks": ["Kunststoffnetzwerk Ems-Achse"],
            "regions": ["Ems-Achse"],
            "topics": ["recycling"],
        },
    )
    for i, year in enumerate((2016, 2017, 2017, 2019, 2022, 2023)):
        _extra(
            corpus,
            f"treffen_{i}.txt",
            f"Netzwerktreffen {i} des Kunststoffnetzwerks Ems-Achse. Thema Ausbildung und Fachkräfte.\n",
            {
                "title": f"Netzwerktreffen Nummer {i}",
                "language": "de",
                "date": f"{year}-03-01",
                "doctype": "minutes",
                "networks": ["Kunststoffnetzwerk Ems-Achse"],
                "regions": ["Ems-Achse"],
                "topics": ["vocational-training", "skilled-workers"],
            },
        )


_TEMPLATE: list[Path] = []


def _template() -> Path:
    """Corpus and index built once per test process (each test then gets its own copy)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="kb-app-template-"))
        build_corpus(base / "corpus")
        open_knowledge_base(load_settings(base / "index", base / "corpus")).close()
        _TEMPLATE.append(base)
    return _TEMPLATE[0]


def make_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """This test's own corpus and index (copies of the template) with the environment pointing at them."""
    template = _template()
    corpus = tmp_path / "corpus"
    shutil.copytree(template / "corpus", corpus)
    shutil.copytree(template / "index", tmp_path / "index")
    env = Env(corpus, tmp_path / "index", tmp_path / "secrets" / "coordinators.json")
    monkeypatch.setenv("KB_CORPUS_DIR", str(env.corpus))
    monkeypatch.setenv("KB_INDEX_DIR", str(env.index))
    monkeypatch.setenv("KB_SECRETS_FILE", str(env.secrets))
    monkeypatch.delenv("KB_COORDINATORS", raising=False)
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    return env


def coordinator_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    """make_env, with COORDINATOR able to sign in."""
    env = make_env(tmp_path, monkeypatch)
    add_coordinator(env.secrets, *COORDINATOR)
    return env


def app(**query: str | list[str]) -> AppTest:
    """The app, run once (query parameters like a URL's)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update(query)
    return at.run()


def page(at: AppTest, path: str, **query: str | list[str]) -> AppTest:
    """Switch to a page (with query parameters) and run."""
    at.switch_page(path)
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


def shown(markdown: str) -> str:
    """The text a Markdown element shows (its backslash escapes taken out)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_of(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))
