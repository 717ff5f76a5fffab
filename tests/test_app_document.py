"""The document page through AppTest: metadata, highlighted text, hostile text kept inert."""

from __future__ import annotations

import pytest
from apphelpers import HOSTILE_TITLE, app, errors, html_of, make_env, page

DOC = "webapp/pages/document.py"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def test_document_view_highlights_the_query(env):
    at = page(app(), DOC, id="documents/003_52458518a7f32b1d", hl="Netzwerk")
    assert errors(at) == []
    body = html_of(at)
    assert "Innovatives <mark>Netzwerk</mark> 2021" in body
    assert "Press release" in body and "2021-11-18" in body
    assert at.get("download_button")[0].proto.label == "Download the original"
    assert at.subheader[0].value == "Full text"
    assert any(s.value == "Similar documents" for s in at.subheader)


def test_hostile_text_is_shown_as_plain_text(env):
    search = app(q="Sitzung fett")
    link = next(p for p in search.get("page_link") if "Protokoll" in p.proto.label)
    doc_id = link.proto.query_string.split("id=")[1].split("&")[0].replace("%2F", "/")
    at = page(search, DOC, id=doc_id, hl="Sitzung")
    assert errors(at) == []
    body = html_of(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body
    assert "<b>" not in body and "&lt;b&gt;fett&lt;/b&gt;" in body
    assert "Protokoll &lt;b&gt;fett&lt;/b&gt; Sitzung" in body  # the title, too
    # the search result's title link is Markdown: every special character escaped
    assert link.proto.label == HOSTILE_TITLE.replace("<", "\\<").replace(">", "\\>").replace("/", "\\/")
    assert "<script>" not in html_of(search)


def test_unknown_document_gives_a_clear_message(env):
    at = page(app(), DOC, id="documents/nope")
    assert errors(at) == []
    assert "no document with this id" in at.warning[0].value


def test_document_page_without_id(env):
    at = page(app(), DOC)
    assert errors(at) == []
    assert "No document selected" in at.info[0].value
