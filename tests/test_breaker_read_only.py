"""A corpus on a read-only disk (a share mounted read-only, a disk remounted after an error): the
coordinator's delete, correction and upload each say so in one line, and nothing changes. They showed
'an unexpected error (OSError)'."""

from __future__ import annotations

import subprocess

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, page

from kb.api import KnowledgeBase

pytestmark = [pytest.mark.fault]

DOC = "webapp/pages/document.py"
UPLOAD = "webapp/pages/upload.py"
DOC_ID = "documents/003_52458518a7f32b1d"


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    env = coordinator_env(tmp_path, monkeypatch)
    done = subprocess.run(["mount", "--bind", str(env.corpus), str(env.corpus)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {done.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(env.corpus)], check=True, capture_output=True)
        yield env
    finally:
        subprocess.run(["umount", "-l", str(env.corpus)], check=False)


def _files(env) -> dict[str, bytes]:
    return {str(p.relative_to(env.corpus)): p.read_bytes() for p in env.corpus.rglob("*") if p.is_file()}


def _signed_in(path: str, **query: str):
    at = page(app(), UPLOAD)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    return page(at, path, **query)


def _one_line_about_it(at) -> str:
    assert [e.value for e in at.exception] == []
    (error,) = [e.value for e in at.error]
    assert "read\\-only file system" in error and "OSError" not in error and "\n" not in error
    return error


def test_a_delete_on_a_read_only_corpus_is_one_line_and_keeps_the_document(read_only):
    before = _files(read_only)
    at = _signed_in(DOC, id=DOC_ID)
    at.checkbox(key=f"delete_sure_{DOC_ID}").check().run()
    next(b for b in at.button if b.key == f"delete_{DOC_ID}").click().run()
    _one_line_about_it(at)
    assert _files(read_only) == before
    kb = KnowledgeBase(read_only.index, read_only.corpus)
    try:
        assert kb.get(DOC_ID).title.startswith("Bundesarbeitsminister")
    finally:
        kb.close()


def test_a_correction_on_a_read_only_corpus_is_one_line_and_changes_nothing(read_only):
    before = _files(read_only)
    at = _signed_in(DOC, id=DOC_ID)
    title = next(t for t in at.text_input if t.key.endswith("_title"))
    title.input("Ein neuer Titel")
    next(b for b in at.button if b.label == "Save the metadata").click().run()
    _one_line_about_it(at)
    assert _files(read_only) == before


def test_an_upload_to_a_read_only_corpus_is_one_line_and_stores_nothing(read_only):
    before = _files(read_only)
    at = _signed_in(UPLOAD)
    body = b"Protokoll der Sitzung des Netzwerks \xc3\xbcber Kunststoff und Ausbildung. " * 5
    at.get("file_uploader")[0].set_value([("protokoll.txt", body, "text/plain")]).run()
    next(b for b in at.button if b.label == "Store and index").click().run()
    _one_line_about_it(at)
    assert _files(read_only) == before
