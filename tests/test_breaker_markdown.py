"""A document's title, file name and claimed uploader reach the app's Markdown (success and error boxes,
captions, headings) as literal text: no link, image or Streamlit directive of a hostile document is
rendered (a picture fetched from another origin, a "sign in again" link on the app's own page)."""

from __future__ import annotations

import json
import re

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, errors, page, shown

from archive import service
from kb.settings import load_settings

UPLOAD = "webapp/pages/upload.py"
DOC = "webapp/pages/document.py"
HOSTILE = (
    "Bericht ![p](https://evil.example/p.png) [neu anmelden](https://evil.example/login) :red[rot] $x^2$"
)
#: a character that starts Markdown (or a Streamlit directive) when it is not escaped
ACTIVE = re.compile(r"(?<!\\)[\[\]()!:$*_`<>~|#]")


def inert(markdown: str) -> bool:
    return ACTIVE.search(markdown) is None


@pytest.fixture
def env(tmp_path, monkeypatch):
    return coordinator_env(tmp_path, monkeypatch)


def _signed_in(path: str, **query: str):
    at = page(app(), path, **query)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    assert errors(at) == []
    return at


def test_an_uploaded_pages_title_and_the_names_of_uploads_are_text_in_the_boxes(env):
    at = _signed_in(UPLOAD)
    name = "[klick](https:evil.example) bericht.html"
    body = "Netzwerk Sitzung. " * 40
    page_html = f"<html lang='de'><head><title>{HOSTILE}</title></head><body><p>{body}</p></body></html>"
    broken = "![p](https:evil.example) x.pdf"
    at.get("file_uploader")[0].set_value(
        [(broken, b"%PDF-1.4 broken", "application/pdf"), (name, page_html.encode(), "text/html")]
    ).run()
    assert len(at.exception) == 0 and len(at.error) == 1
    assert shown(at.error[0].value).startswith(f"{broken}: ")
    assert inert(at.error[0].value.split(": ", 1)[0])
    assert [shown(h.value) for h in at.subheader] == [broken, name]
    assert all(inert(h.value) for h in at.subheader)
    title = next(t for t in at.text_input if t.key.endswith("_title")).value
    assert "evil.example" in title  # the page's own title is offered
    next(b for b in at.button if b.label == "Store and index").click().run()
    said = at.success[0].value.removeprefix("Stored and indexed: ")
    assert shown(said) == title and inert(said)


def test_a_corpus_files_name_claimed_uploader_and_title_are_text_on_the_document_page(env):
    name = "Bericht [klick](https:evil.example) $x$.txt"
    path = env.corpus / "documents" / name
    path.write_text("Sitzung des Netzwerks über Ausbildung und Recycling.\n", encoding="utf-8")
    claimed = "![p](https://evil.example/p.png)"
    (env.corpus / "documents" / f"{name}.meta.json").write_text(
        json.dumps({"title": HOSTILE, "added_by": claimed, "added_at": ":red[heute]"}), encoding="utf-8"
    )
    kb = service.open_knowledge_base(load_settings())
    [outcome] = service.ingest(kb, load_settings(), [path])
    kb.close()
    at = page(_signed_in(UPLOAD), DOC, id=outcome.id)  # signed in on Upload, then the document
    assert errors(at) == []
    source = next(c.value for c in at.caption if shown(c.value).startswith("File: "))
    assert shown(source) == f"File: documents/{name}" and inert(source.removeprefix("File: "))
    added = next(c.value for c in at.caption if c.value.startswith("Added by "))
    assert shown(added) == f"Added by {claimed} on :red[heute]"
    assert inert(added.removeprefix("Added by ").replace(" on ", " "))
    at.checkbox(key=f"delete_sure_{outcome.id}").check().run()
    next(b for b in at.button if b.key == f"delete_{outcome.id}").click().run()
    assert errors(at) == []
    flash = next(s.value for s in at.success)
    assert shown(flash) == f"Deleted: {HOSTILE}" and inert(flash.removeprefix("Deleted: "))
