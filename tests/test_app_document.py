"""The document page through AppTest: metadata, highlighted text, hostile text kept inert, the languages it
is also in as one line below its metadata, one list of similar documents."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from apphelpers import HOSTILE_TITLE, app, errors, html_of, make_env, page, shown

from archive.service import ingest, open_knowledge_base
from kb.settings import load_settings

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


@pytest.mark.parametrize("hl", ['"((', "*", "x" * 5000])
def test_a_highlight_the_query_syntax_refuses_still_shows_the_document(env, hl):
    at = page(app(), DOC, id="documents/000_29bb637916ff8d4d", hl=hl)
    assert errors(at) == []
    assert "Kunststoffnetzwerk Ems-Achse" in html_of(at)  # the title
    assert at.subheader[0].value == "Full text" and "<mark>" not in html_of(at)


def test_unknown_document_gives_a_clear_message(env):
    at = page(app(), DOC, id="documents/nope")
    assert errors(at) == []
    assert "no document with this id" in at.warning[0].value


def test_document_page_without_id(env):
    at = page(app(), DOC)
    assert errors(at) == []
    assert "No document selected" in at.info[0].value


def _walk(node):
    """Every element of the page in the order shown (blocks flattened)."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for child in children.values():
        yield from _walk(child)


def _shown(at) -> list[str]:
    """What the page shows, in order: one short line per element."""
    out = []
    for el in _walk(at.main):
        kind = type(el).__name__
        if kind == "Html":
            body = el.proto.body
            out.append("badges" if "kb-badges" in body and "kb-doc-title" not in body else "html")
        elif el.proto.__class__.__name__ == "PageLink":
            out.append(f"link:{el.proto.label}")
        elif hasattr(el, "value") and isinstance(el.value, str):
            out.append(f"{kind}:{el.value}")
    return out


def test_also_in_is_one_line_below_the_metadata_and_similar_is_one_list(env, monkeypatch):
    from kb.api import KnowledgeBase

    doc_id = "documents/002_b763ae3e545d7f37"
    picked: dict[str, object] = {}

    def translations(self, wanted, meaning=True):
        doc = self.get(wanted)
        picked["translation"] = next(h for h in self.related(wanted, limit=10) if h.language != doc.language)
        return (picked["translation"],)

    def similar(self, wanted, limit=5, language="en"):
        related = self.related(wanted, limit=10)
        itself = replace(related[0], id=wanted, title="itself")
        return (*translations(self, wanted), itself, *related[:3])  # overlaps translations and related

    monkeypatch.setattr(KnowledgeBase, "translations", translations)
    monkeypatch.setattr(KnowledgeBase, "similar", similar)
    at = page(app(), DOC, id=doc_id)
    assert errors(at) == []
    shown = _shown(at)
    translation = picked["translation"]
    language = {"da": "Danish", "de": "German", "en": "English", "nl": "Dutch"}[translation.language]
    # title, the document's own badges, then "Also in: <language>" as one link, then the text
    also = shown.index("Caption:Also in:")
    assert shown[also + 1] == f"link:{language}"
    assert shown.index("badges") < also < shown.index("Subheader:Full text")
    assert shown.count("Subheader:Similar documents") == 1
    assert not any(s.startswith("Subheader:Similar in meaning") for s in shown)
    similar_ids = [
        pl.proto.query_string
        for pl in at.get("page_link")
        if pl.proto.query_string and "id=" in pl.proto.query_string
    ]
    listed = [q for q in similar_ids]
    quoted = lambda i: "id=" + i.replace("/", "%2F")  # noqa: E731
    assert listed.count(quoted(translation.id)) == 1  # the "Also in" link only, never again below
    assert quoted(doc_id) not in listed  # the document itself is not similar to itself
    assert len(set(listed)) == len(listed)  # nothing twice


TRANSLATED = {  # one guide in two languages: the same structure, names and numbers (a translation)
    "anleitung.txt": "Anleitung LibreOffice HTML Export\n\n"
    "Schritt 1: Öffnen Sie das Menü Datei und wählen Sie Exportieren als PDF (DPMA 2016/679).\n\n"
    "Schritt 2: Geben Sie im Dialog LibreOffice Writer den Namen ein und drücken Sie Ctrl+S.\n\n"
    "Schritt 3: Die Datei wird als HTML gespeichert, 300 dpi, Version 7.4.\n",
    "vejledning.txt": "Vejledning LibreOffice HTML Export\n\n"
    "Trin 1: Åbn menuen Filer og vælg Eksporter som PDF (DPMA 2016/679).\n\n"
    "Trin 2: Indtast navnet i dialogen LibreOffice Writer og tryk på Ctrl+S.\n\n"
    "Trin 3: Filen gemmes som HTML, 300 dpi, version 7.4.\n",
}


def test_the_title_of_a_translation_is_plain_text_in_the_links_tooltip(env):
    title = "[klick](https://evil.example/x) ![pixel](https://evil.example/t.png) **fett** <b>x</b>"
    for name, text in TRANSLATED.items():
        (env.corpus / "documents" / name).write_text(text, encoding="utf-8")
    (env.corpus / "documents" / "vejledning.txt.meta.json").write_text(json.dumps({"title": title}))
    kb = open_knowledge_base(load_settings())
    ingest(kb, load_settings(), [env.corpus])
    at = page(app(), DOC, id="documents/anleitung")
    assert errors(at) == []
    (link,) = [pl.proto for pl in at.get("page_link") if pl.proto.query_string == "id=documents%2Fvejledning"]
    assert link.label == "Danish"
    assert shown(link.help) == title  # shown as typed: Markdown escaped, no link, no image, no bold
    assert "\\[klick\\]" in link.help and "\\!\\[pixel\\]" in link.help and "\\*\\*fett" in link.help


def test_the_download_offers_no_file_a_link_in_the_corpus_points_to(env, tmp_path):
    """A corpus file replaced by a link after it was indexed: the walk never follows links, so neither
    does the download (it offered the bytes of whatever the link named, outside the corpus)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("password hashes")
    original = env.corpus / "documents" / "003_52458518a7f32b1d.txt"
    original.unlink()
    original.symlink_to(secret)
    at = page(app(), DOC, id="documents/003_52458518a7f32b1d")
    assert errors(at) == []
    assert "Innovatives Netzwerk 2021" in html_of(at)  # the page still shows what the index holds
    assert at.get("download_button") == []


def test_the_download_offers_no_file_of_a_folder_linked_out_of_the_corpus(env, tmp_path):
    outside = tmp_path / "elsewhere"
    (env.corpus / "documents").rename(outside)
    (env.corpus / "documents").symlink_to(outside)
    at = page(app(), DOC, id="documents/003_52458518a7f32b1d")
    assert errors(at) == [] and at.get("download_button") == []


def test_who_added_a_document_and_when_reads_as_the_audit_table_says_it(env):
    """The page said "Added by anna on 2026-12-07T17:19:31+00:00", the audit table "2026-12-07 17:19"."""
    from archive.service import store_upload

    settings = load_settings(env.index, env.corpus)
    kb = open_knowledge_base(settings)
    try:
        outcome = store_upload(kb, settings, "notiz.txt", b"Notiz zum Netzwerktreffen.\n", {}, "anna")
        added_at = kb.get(outcome.id).added_at
    finally:
        kb.close()
    at = page(app(), DOC, id=outcome.id)
    assert errors(at) == []
    said = [shown(c.value) for c in at.caption if c.value.startswith("Added by")]
    assert said == [f"Added by anna on {added_at[:10]} {added_at[11:16]}"]
