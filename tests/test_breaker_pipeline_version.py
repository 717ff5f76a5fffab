"""An archive indexed by an earlier reader is read again when the pipeline's version changes: a fix to a
reader (a spreadsheet that declares no creation date was dated the day it was read) reaches the documents
indexed before it, every file is read once more and nothing indexed or stored is lost or changed."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from archive import service
from ingest import pipeline
from tests import office_files as make

#: the pipeline version of the archives indexed before the spreadsheet dates were fixed
BEFORE_SPREADSHEET_DATES = "2"


def _undated_xlsx() -> bytes:
    """A spreadsheet whose properties declare no creation date (openpyxl's reader made it 'now')."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make.xlsx_bytes())) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            body = source.read(name)
            if name == "docProps/core.xml":
                body = re.sub(rb"<dcterms:created[^>]*>[^<]*</dcterms:created>", b"", body)
            target.writestr(name, body)
    return out.getvalue()


@pytest.mark.fault  # three ingests of a corpus through worker processes
def test_an_archive_of_the_version_before_is_read_again_whole_and_keeps_every_document(settings, monkeypatch):
    corpus = settings.corpus_dir
    (corpus / "documents" / "mitglieder.xlsx").write_bytes(_undated_xlsx())
    edited = corpus / "documents" / "002_b763ae3e545d7f37.txt.meta.json"
    edited.write_text(json.dumps({**json.loads(edited.read_text()), "title": "Von Hand berichtigt"}))
    stored = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}

    monkeypatch.setattr(pipeline, "PIPELINE_VERSION", BEFORE_SPREADSHEET_DATES)
    kb = service.open_knowledge_base(settings)  # a new index is made of the corpus
    try:
        assert len(kb.checksums()) == 6
        # what the reader of that version stored: the spreadsheet dated the day it was read
        sheet = kb.get("documents/mitglieder.xlsx")
        kb.write([dataclasses.replace(sheet, date="2026-12-06", year=2026)])
        before = {doc_id: kb.get(doc_id) for doc_id in kb.checksums()}
        monkeypatch.undo()  # the version of this code

        again = service.ingest(kb, settings, [corpus])
        assert sorted((o.id, o.status) for o in again) == sorted((i, "updated") for i in before)
        after = {doc_id: kb.get(doc_id) for doc_id in kb.checksums()}
        assert after.keys() == before.keys()
        assert (after["documents/mitglieder.xlsx"].date, after["documents/mitglieder.xlsx"].year) == (
            None,
            None,
        )
        assert after["documents/002_b763ae3e545d7f37"].title == "Von Hand berichtigt"
        unchanged = ("title", "text", "language", "networks", "regions", "topics", "doctype")
        for doc_id, doc in before.items():
            if doc_id != "documents/mitglieder.xlsx":
                old, new = (tuple(getattr(d, f) for f in (*unchanged, "date")) for d in (doc, after[doc_id]))
                assert old == new, doc_id
        assert {o.status for o in service.ingest(kb, settings, [corpus])} == {"unchanged"}
        assert service.check(kb, settings).ok
    finally:
        kb.close()
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == stored  # corpus/ as it was
