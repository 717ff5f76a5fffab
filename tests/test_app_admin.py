"""The admin page through AppTest: nothing for anonymous visitors but the sign-in; for coordinators the
status and a readable, filterable audit log (titles linked, changes in words, never JSON)."""

from __future__ import annotations

import unicodedata

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, errors, html_of, page, shown

from archive import access
from archive.access import add_coordinator, remove_coordinator
from archive.service import audit
from kb.settings import load_settings

ADMIN = "webapp/pages/admin.py"
DOC_ID = "documents/003_52458518a7f32b1d"


@pytest.fixture
def env(tmp_path, monkeypatch):
    return coordinator_env(tmp_path, monkeypatch)


def _everything(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [str(m.proto.body) for m in at.get("metric")] + [html_of(at)]
    return "\n".join(parts)


def _signed_in():
    at = page(app(), ADMIN)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    assert errors(at) == []
    return at


def test_anonymous_visitors_see_only_the_sign_in(env):
    at = page(app(), ADMIN)
    assert errors(at) == []
    shown = _everything(at)
    assert "coordinators" in at.info[0].value
    assert str(env.index) not in shown and str(env.corpus) not in shown
    assert not at.get("metric")
    assert at.text_input(key="signin_name") is not None


def test_the_audit_log_reads_as_sentences_with_titles(env):
    settings = load_settings(env.index, env.corpus)
    settings = type(settings)(**{**settings.__dict__, "secrets_file": env.secrets})
    audit(settings, "anna", "edit", DOC_ID, {"title": "Neu", "networks": ["Kunststoffnetzwerk Ems-Achse"]})
    audit(
        settings,
        "bert",
        "delete",
        "documents/gone",
        {"source": "documents/gone.txt", "title": "Altes Protokoll"},
    )
    at = _signed_in()
    assert [m.proto.label for m in at.get("metric")][:2] == ["Documents", "Networks"]
    table = html_of(at)
    assert "Metadata corrected" in table and "Deleted" in table
    assert "Altes Protokoll" in table  # a deleted document keeps its title
    assert 'href="doc?id=documents/003_52458518a7f32b1d"' in table
    assert "Title: Neu" in table and "Network: Ems-Achse Plastics Network" in table
    assert "{" not in table.split("</style>")[-1] and '"networks"' not in table
    # filtered by a word and by what happened
    at.text_input(key="audit_filter").input("altes protokoll").run()
    assert "Altes Protokoll" in html_of(at) and "Metadata corrected" not in html_of(at)
    at.text_input(key="audit_filter").input("").run()
    at.get("button_group")[0].set_value(["edit"]).run()
    assert "Metadata corrected" in html_of(at) and "Altes Protokoll" not in html_of(at)


def _shows_sign_in(at) -> bool:
    return any(w.key == "signin_name" for w in at.text_input)


def test_a_changed_password_or_a_removed_coordinator_signs_the_open_page_out(env):
    at = _signed_in()
    assert not _shows_sign_in(at) and at.get("metric")
    add_coordinator(env.secrets, COORDINATOR[0], "a-new-password")  # as `kb coordinator add` does
    at.run()
    assert _shows_sign_in(at) and not at.get("metric")
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input("a-new-password")
    at.button[-1].click().run()
    assert not _shows_sign_in(at)
    remove_coordinator(env.secrets, COORDINATOR[0])
    at.run()
    assert _shows_sign_in(at) and not at.get("metric")


def test_repeated_failures_lock_the_name_with_one_line(env, monkeypatch):
    monkeypatch.setattr(access, "FAILURE_DELAY_S", 0.0)  # the per-process delay is tested elsewhere
    at = page(app(), ADMIN)
    for n in range(6):
        at.text_input(key="signin_name").input(COORDINATOR[0])
        at.text_input(key="signin_password").input(f"wrong-password-{n}")
        at.button[-1].click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Too many failed sign-ins for anna; try again in 15 minutes."]
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    assert _shows_sign_in(at) and len(at.error) == 1  # still locked


def test_coordinators_see_how_far_the_meaning_layer_is(env, monkeypatch):
    import json

    from test_cli_meaning import HashModel

    from kb.api import KnowledgeBase
    from kb.semantic import model
    from kb.semantic.store import STATUS, store_dir

    n = len(KnowledgeBase(env.index, env.corpus, semantic=False).checksums())
    monkeypatch.setenv("KB_SEMANTIC", "on")
    monkeypatch.setattr(model, "Embedder", HashModel)
    monkeypatch.setattr(model, "_shared", None)
    monkeypatch.setattr(KnowledgeBase, "embed_in_background", lambda self: None)  # the page's searches
    at = _signed_in()
    bar = at.get("progress")[0].proto
    assert (bar.value, bar.text) == (0, f"Searchable by meaning: 0 of {n} documents")
    assert f"{n} documents wait to be embedded and nothing is embedding them now" in _everything(at)

    status = store_dir(env.index) / STATUS
    status.write_text(json.dumps({"pid": 1, "since": 0}))  # a live process (init) says it embeds
    at.run()
    assert "Embedding in the background now" in _everything(at)
    status.unlink()

    kb = KnowledgeBase(env.index, env.corpus)
    kb.embed_pending()
    kb.close()
    at.run()
    bar = at.get("progress")[0].proto
    assert (bar.value, bar.text) == (100, f"Searchable by meaning: {n} of {n} documents")
    assert "wait to be embedded" not in _everything(at) and "Embedding in the background" not in _everything(
        at
    )


def test_the_admin_page_says_nothing_of_meaning_when_the_layer_is_off(env):
    at = _signed_in()
    assert at.get("progress") == [] and "by meaning" not in _everything(at)


def test_a_name_typed_decomposed_signs_in_the_coordinator_added_composed(env):
    add_coordinator(env.secrets, unicodedata.normalize("NFC", "Jörg"), "jorgs-password")
    at = page(app(), ADMIN)
    at.text_input(key="signin_name").input(unicodedata.normalize("NFD", " Jörg "))
    at.text_input(key="signin_password").input("jorgs-password")
    at.button[-1].click().run()
    assert errors(at) == []
    assert at.get("metric")  # the admin page's status: signed in
    at = page(at, ADMIN)  # and still on the next page
    assert errors(at) == [] and at.get("metric")


@pytest.mark.slow  # a sign-in and a page of 251 audit entries: more than 2 s
def test_the_audit_filter_finds_old_entries_and_the_table_shows_the_newest(env):
    """The page read the 200 newest entries only: a word typed found nothing older, and '200 of 200
    entries' hid the rest of the log."""
    settings = load_settings(env.index, env.corpus)
    settings = type(settings)(**{**settings.__dict__, "secrets_file": env.secrets})
    audit(settings, "oldtimer", "edit", DOC_ID, {"title": "Ganz alt"})
    for n in range(250):
        audit(
            settings, "anna", "delete", f"documents/x{n}", {"source": f"documents/x{n}.txt", "title": f"T{n}"}
        )
    at = _signed_in()
    assert "The newest 200 of 251 matching, of 251 entries" in _everything(at)
    assert html_of(at).count("<tr>") == 201  # the head and 200 rows
    at.text_input(key="audit_filter").input("oldtimer").run()
    assert "Ganz alt" in html_of(at) and "1 of 251 entries" in _everything(at)


def test_a_rebuild_with_the_corpus_folder_missing_says_so_and_changes_nothing(env):
    at = _signed_in()
    before = [m.proto.body for m in at.get("metric")][0]
    away = env.corpus.with_name("corpus.unmounted")
    env.corpus.rename(away)
    at.button(key="rebuild").click().run()
    assert [e.value for e in at.exception] == []
    assert len(at.error) == 1 and "does not exist \\(a share not mounted\\?\\)" in at.error[0].value
    assert not [b for b in at.button if b.key == "rebuild_now"]
    away.rename(env.corpus)
    assert [m.proto.body for m in _signed_in().get("metric")][0] == before


def test_files_gone_after_the_rebuild_plan_are_asked_about_before_the_index_shrinks(env):
    at = _signed_in()
    before = [m.proto.body for m in at.get("metric")][0]
    at.button(key="rebuild").click().run()
    assert not [c for c in at.checkbox if c.key == "rebuild_sure"]  # nothing would be lost: no question
    gone = sorted((env.corpus / "documents").glob("treffen_*.txt"))[:3]
    for path in gone:  # then part of the share goes away while the plan is on the screen
        path.rename(env.corpus.parent / path.name)
    at.button(key="rebuild_now").click().run()
    assert errors(at) == []
    assert "The corpus changed since these counts were taken" in at.warning[0].value
    assert [c.key for c in at.checkbox if c.key == "rebuild_sure"] == ["rebuild_sure"]
    assert at.button(key="rebuild_now").disabled  # not rebuilt with a yes given to other counts
    assert [m.proto.body for m in at.get("metric")][0] == before


def test_the_audit_kinds_are_pills_on_a_row_of_their_own_so_they_wrap_on_a_phone(env):
    """Beside the filter in st.columns the pills did not wrap: at 390 px "Index rebuilt" was cut off."""
    settings = load_settings(env.index, env.corpus)
    settings = type(settings)(**{**settings.__dict__, "secrets_file": env.secrets})
    for action in ("upload", "edit", "delete", "rebuild"):
        audit(settings, "anna", action, DOC_ID if action != "rebuild" else "", {"title": "T"})
    at = _signed_in()
    assert errors(at) == []
    pills = at.get("button_group")
    assert len(pills) == 1 and pills[0].key == "audit_actions"
    in_columns = [p for column in at.columns for p in column.get("button_group")]
    assert in_columns == []


def test_a_coordinators_name_in_markdown_is_shown_as_text_in_the_sidebar(env):
    """ "Signed in as" rendered the name: a red "Boss", a bold B and a live link."""
    name = ":red[Boss] **B** [x](https://example.com)"
    add_coordinator(env.secrets, name, "correct-horse-2")
    at = page(app(), ADMIN)
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input("correct-horse-2")
    at.button[-1].click().run()
    assert errors(at) == []
    said = [c.value for c in at.sidebar.caption if c.value.startswith("Signed in as")]
    assert len(said) == 1
    assert shown(said[0]) == f"Signed in as {name}"
    assert "\\*\\*B\\*\\*" in said[0] and "\\[x\\]" in said[0] and "\\:red" in said[0]
