"""The app's doors to the archive (issue 11): Admin's rebuild asks before it shrinks the index and is
audited with both counts; the metadata form stores typed dates as ISO dates and refuses others."""

from __future__ import annotations

import json

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, errors, html_of, page, shown

from archive.service import open_knowledge_base, read_audit
from kb.settings import load_settings

ADMIN = "webapp/pages/admin.py"
DOCUMENT = "webapp/pages/document.py"
D002 = "documents/002_b763ae3e545d7f37"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return coordinator_env(tmp_path, monkeypatch)


def _signed_in(path: str, **query: str):
    at = page(app(), path, **query)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    next(b for b in at.button if b.key != "sidebar_sign_out").click().run()
    assert errors(at) == []
    return at


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_admin_rebuild_says_what_it_will_do_and_asks_before_shrinking(env):
    at = _signed_in(ADMIN)
    documents = at.metric[0].value
    (env.corpus / "documents" / "treffen_0.txt").unlink()  # gone behind the index's back
    _button(at, "rebuild").click().run()
    assert errors(at) == []
    assert (
        at.info[0].value
        == f"The index holds {documents} documents; corpus/ holds {int(documents) - 1} distinct files to index."
    )
    assert _button(at, "rebuild_now").disabled  # not before the confirmation
    assert at.warning[0].value == (
        "The rebuilt index would not hold 1 document\\: documents\\/treffen\\_0 \\(no file in the corpus\\)."
    )
    assert at.checkbox(key="rebuild_sure").label == "Yes, rebuild although the index will lose 1 document"
    at.checkbox(key="rebuild_sure").check().run()
    _button(at, "rebuild_now").click().run()
    assert errors(at) == []
    assert at.success[0].value == f"Index rebuilt: {int(documents) - 1} documents (before: {documents})."
    assert at.metric[0].value == str(int(documents) - 1)  # the counter shows the rebuilt index
    n = int(documents)
    assert f"<td>Index rebuilt</td><td></td><td>documents: {n} before, {n - 1} after</td>" in html_of(at)
    (entry,) = read_audit(load_settings())
    assert (entry["user"], entry["action"]) == (COORDINATOR[0], "rebuild")
    assert (entry["details"]["before"], entry["details"]["after"]) == (int(documents), int(documents) - 1)


def test_admin_rebuild_does_not_lose_a_document_found_unreadable_only_as_it_is_read(env):
    """The plan reads each file's bytes, not its text: a file that no longer opens is found as the rebuild
    reads it, and nobody agreed to lose its document: the live index stays as it was."""
    at = _signed_in(ADMIN)
    documents = at.metric[0].value
    (env.corpus / "documents" / "treffen_1.txt").write_bytes(bytes(range(256)) * 64)  # no text any more
    _button(at, "rebuild").click().run()
    assert not [c for c in at.checkbox if c.key == "rebuild_sure"]  # its bytes are there: no question
    _button(at, "rebuild_now").click().run()
    said = [e.value for e in at.error]
    assert said == [
        "Not rebuilt: the rebuilt index would lose 1 document\\: documents\\/treffen\\_1 \\(documents\\/treffen\\_1"
        "\\.txt\\: unsupported file type\\: binary\\)\\; nothing changed."
    ]
    assert at.metric[0].value == documents
    assert [e["action"] for e in read_audit(load_settings())] == []


def test_admin_rebuild_that_keeps_every_document_needs_no_confirmation(env):
    at = _signed_in(ADMIN)
    _button(at, "rebuild").click().run()
    assert len(at.get("checkbox")) == 0 or all(c.key != "rebuild_sure" for c in at.checkbox)
    _button(at, "rebuild_now").click().run()
    assert errors(at) == []
    assert at.success[0].value.startswith("Index rebuilt: ")
    assert read_audit(load_settings())[0]["action"] == "rebuild"


def _edit_date(env, value: str):
    at = page(_signed_in(ADMIN), DOCUMENT, id=D002)  # signed in on Admin, then the document
    at.text_input(key=f"edit_{D002}_date").input(value)
    next(b for b in at.button if b.label == "Save the metadata").click().run()
    return at


def test_the_metadata_form_stores_a_typed_date_as_iso(env):
    at = _edit_date(env, "31. Dezember 2020")
    assert errors(at) == []
    sidecar = json.loads((env.corpus / f"{D002}.txt.meta.json").read_text())
    assert sidecar["date"] == "2020-12-31"


def test_the_metadata_form_refuses_an_impossible_date_and_changes_nothing(env):
    before = (env.corpus / f"{D002}.txt.meta.json").read_bytes()
    at = _edit_date(env, "2020-13-45")
    (message,) = errors(at)
    assert shown(message).startswith("Not saved: date '2020-13-45' does not exist; accepted forms: ")
    assert (env.corpus / f"{D002}.txt.meta.json").read_bytes() == before
    assert read_audit(load_settings()) == []


def test_the_metadata_form_empties_a_field_and_it_stays_empty(env):
    at = page(_signed_in(ADMIN), DOCUMENT, id=D002)
    for kind in ("networks", "topics"):
        widget = at.multiselect(key=f"edit_{D002}_{kind}")
        for value in list(widget.value):
            widget.unselect(value)
    at.text_input(key=f"edit_{D002}_date").input("")
    next(b for b in at.button if b.label == "Save the metadata").click().run()
    assert errors(at) == []
    sidecar = json.loads((env.corpus / f"{D002}.txt.meta.json").read_text())
    assert (sidecar["networks"], sidecar["topics"], sidecar["date"]) == ([], [], None)
    kb = open_knowledge_base(load_settings())
    doc = kb.get(D002)
    assert (doc.networks, doc.topics, doc.date, doc.year) == ((), (), None, None)
    (entry,) = read_audit(load_settings())
    assert entry["details"] == {"networks": [], "topics": [], "date": None}


def test_the_metadata_form_shows_a_refused_date_as_typed_not_as_markdown(env):
    at = _edit_date(env, "[klick](https://evil.example) **fett**")
    (message,) = errors(at)
    assert "\\[klick\\]\\(https\\:" in message and "\\*\\*fett\\*\\*" in message


@pytest.mark.slow  # a sign-in, the document page and a save: about 2 s
def test_a_correction_says_the_misspelled_key_of_the_metadata_file_beside_saved(env):
    from webapp.render import md_escape

    sidecar = env.corpus / f"{D002}.txt.meta.json"
    sidecar.write_text(json.dumps({**json.loads(sidecar.read_text()), "regoin": ["Ems-Achse"]}))
    at = _edit_date(env, "2020-12-31")
    assert errors(at) == []
    assert at.success[0].value == "Saved and re-indexed."
    said = "note.md.meta.json: unknown key 'regoin' ignored (did you mean 'regions'?)"
    said = said.replace("note.md", D002.rsplit("/", 1)[1] + ".txt")
    assert [w.value for w in at.warning] == ["Read, but: " + md_escape(said)]


@pytest.mark.slow  # a sign-in and the admin page: about 2 s
def test_the_admin_page_names_a_misspelled_key_of_the_vocabulary(env):
    from webapp.render import md_escape

    path = env.corpus / "vocabulary.json"
    data = json.loads(path.read_text())
    data["regions"][0]["alais"] = data["regions"][0].pop("aliases", [])
    path.write_text(json.dumps(data))
    at = _signed_in(ADMIN)
    assert errors(at) == []
    said = (
        f"regions entry {data['regions'][0]['id']!r}: unknown key 'alais' ignored (did you mean 'aliases'?)"
    )
    assert [w.value for w in at.warning] == [f"vocabulary.json: {md_escape(said)}"]
