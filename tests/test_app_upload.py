"""Uploads through AppTest: sign-in required, preview and store, duplicates warned, bad files reported."""

from __future__ import annotations

import json

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, errors, page, shown

from archive.service import open_knowledge_base, read_audit
from kb.models import SearchRequest
from kb.settings import load_settings

UPLOAD = "webapp/pages/upload.py"
NEW_TEXT = (
    "Referat fra netværksmødet i Plastindustrien om genanvendelse af plast.\n"
    "Deltagerne drøftede genanvendelse, kvalitet og uddannelse af lærlinge i Trekantområdet.\n"
).encode()


@pytest.fixture
def env(tmp_path, monkeypatch):
    return coordinator_env(tmp_path, monkeypatch)


def _signed_in():
    at = page(app(), UPLOAD)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    assert errors(at) == []
    return at


def test_upload_refused_without_sign_in(env):
    at = page(app(), UPLOAD)
    assert errors(at) == []
    assert "Only coordinators" in at.info[0].value
    assert len(at.get("file_uploader")) == 0


def test_wrong_password_is_refused(env):
    at = page(app(), UPLOAD)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input("wrong-password")
    at.button[-1].click().run()
    assert at.error[0].value == "Name or password is wrong."
    assert len(at.get("file_uploader")) == 0


def test_signed_in_upload_is_stored_and_found(env):
    at = _signed_in()
    at.get("file_uploader")[0].set_value(("moede.txt", NEW_TEXT, "text/plain")).run()
    assert errors(at) == []
    assert any("Danish" in c.value for c in at.caption)
    form_title = next(t for t in at.text_input if t.key.endswith("_title"))
    form_title.input("Netværksmøde om genanvendelse")
    store = next(b for b in at.button if b.label == "Store and index")
    store.click().run()
    assert errors(at) == []
    assert at.success[0].value == "Stored and indexed: Netværksmøde om genanvendelse"
    stored = list((env.corpus / "uploads").rglob("moede.txt"))
    assert len(stored) == 1
    kb = open_knowledge_base(load_settings())
    hits = kb.search(SearchRequest(text="genanvendelse netværksmøde")).hits
    assert hits[0].title == "Netværksmøde om genanvendelse"
    assert read_audit(load_settings())[0]["action"] == "upload"
    assert read_audit(load_settings())[0]["user"] == COORDINATOR[0]


def test_duplicate_upload_is_warned(env):
    at = _signed_in()
    original = (env.corpus / "documents" / "hostile.txt").read_bytes()
    at.get("file_uploader")[0].set_value(("copy.txt", original, "text/plain")).run()
    assert errors(at) == []
    assert "already in the archive" in at.warning[0].value
    assert any("Protokoll" in p.proto.label for p in at.get("page_link"))
    # the existing document is offered; the archive keeps each file once, so nothing to store
    assert not any(b.label == "Store and index" for b in at.button)
    assert any("keeps each file once" in c.value for c in at.caption)
    assert not list((env.corpus / "uploads").rglob("copy.txt"))


def test_unreadable_file_gives_one_message(env):
    at = _signed_in()
    at.get("file_uploader")[0].set_value(("broken.pdf", b"%PDF-1.4 broken", "application/pdf")).run()
    assert len(at.exception) == 0
    assert len(at.error) == 1
    assert shown(at.error[0].value).startswith("broken.pdf: ")


@pytest.mark.fault  # an index that refuses a write: make test stays under 2 minutes
def test_an_upload_the_index_refuses_is_reported_and_not_stored(env, monkeypatch):
    at = _signed_in()
    big = " ".join(f"wort{i} kunststoff{i}netzwerk" for i in range(40_000)).encode()  # seconds of analysis
    at.get("file_uploader")[0].set_value(("gross.txt", big, "text/plain")).run()
    assert errors(at) == []
    monkeypatch.setenv("KB_INDEX_TIMEOUT_S", "0.2")  # the text takes over 1 s
    next(t for t in at.text_input if t.key.endswith("_title")).input("Ein großes Dokument")
    next(b for b in at.button if b.label == "Store and index").click().run()
    assert len(at.error) == 1
    assert "gross.txt: cannot be indexed: analysing the text took longer than 0.2 s" in shown(
        at.error[0].value
    )
    assert not (env.corpus / "uploads").exists()  # nothing stored, not even the folder


def test_suggested_values_the_coordinator_removes_stay_empty(env):
    at = _signed_in()
    at.get("file_uploader")[0].set_value(("moede.txt", NEW_TEXT, "text/plain")).run()
    topics = next(m for m in at.multiselect if m.key.endswith("_topics"))
    assert "recycling" in topics.value  # suggested from the text ("genanvendelse")
    for value in list(topics.value):
        topics.unselect(value)
    next(b for b in at.button if b.label == "Store and index").click().run()
    assert errors(at) == []
    (stored,) = (env.corpus / "uploads").rglob("moede.txt")
    sidecar = json.loads(stored.with_name("moede.txt.meta.json").read_text(encoding="utf-8"))
    assert sidecar["topics"] == []
    kb = open_knowledge_base(load_settings())
    (doc_id,) = [i for i, (_, source) in kb.checksums().items() if source.endswith("/moede.txt")]
    assert kb.get(doc_id).topics == ()


def test_a_file_chosen_twice_is_one_form_and_the_batch_goes_on(env):
    at = _signed_in()
    other = "Ein anderes Protokoll über Recycling im Netzwerk der Region.\n".encode()
    twice = [("moede.txt", NEW_TEXT, "text/plain")] * 2  # picked from two folders: one key for both crashed
    at.get("file_uploader")[0].set_value([*twice, ("andet.txt", other, "text/plain")]).run()
    assert errors(at) == []
    assert [b.label for b in at.button].count("Store and index") == 2  # moede.txt once, andet.txt
    assert any(shown(c.value) == "moede.txt is chosen twice: it is shown once, above." for c in at.caption)
    at.button[0].click().run()
    assert errors(at) == []
    assert [p.name for p in (env.corpus / "uploads").rglob("*.txt")] == ["moede.txt"]


@pytest.mark.slow  # a sign-in, a PDF read twice in a worker and stored: about 2 s
def test_an_upload_read_with_a_warning_shows_it_before_and_after_it_is_stored(env):
    from tests.test_breaker_warnings import unreadable_page_pdf
    from webapp.render import md_escape

    said = ["Read, but: " + md_escape("1 page(s) could not be read: 2")]
    at = _signed_in()
    at.get("file_uploader")[0].set_value(("scan.pdf", unreadable_page_pdf(), "application/pdf")).run()
    assert errors(at) == []
    assert [w.value for w in at.warning] == said
    next(b for b in at.button if b.label == "Store and index").click().run()
    assert errors(at) == []
    assert at.success[0].value.startswith("Stored and indexed: ")
    assert [w.value for w in at.warning] == said
