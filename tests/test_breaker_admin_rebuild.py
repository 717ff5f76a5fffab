"""The admin page's rebuild says what `kb rebuild` says of single files: each file that could not be
indexed and each warning of a file still indexed (a misspelled metadata key), named by the file, as
literal text (a hostile file name or key makes no link, no markup), and a long list is cut short."""

from __future__ import annotations

import re

import pytest
from apphelpers import COORDINATOR, app, coordinator_env, errors, page, shown

ADMIN = "webapp/pages/admin.py"
NOTE = "Protokoll der Sitzung über Kunststoff und Ausbildung im Netzwerk.\n"
HOSTILE = "[klick](https:evil.example) <b>fett<b> <script>alert(1)"
#: a character that starts Markdown (or a Streamlit directive) when it is not escaped
ACTIVE = re.compile(r"(?<!\\)[\[\]()!:$*_`<>~|#]")


pytestmark = pytest.mark.fault  # a rebuild reads the corpus in worker processes: 3-5 s a test


@pytest.fixture
def env(tmp_path, monkeypatch):
    return coordinator_env(tmp_path, monkeypatch)


def _rebuilt(env):
    at = page(app(), ADMIN)
    at.text_input(key="signin_name").input(COORDINATOR[0])
    at.text_input(key="signin_password").input(COORDINATOR[1])
    at.button[-1].click().run()
    at.button(key="rebuild").click().run()
    at.button(key="rebuild_now").click().run()
    assert [e.value for e in at.exception] == []
    return at


def test_a_rebuild_shows_each_files_warning_and_failure_as_text(env):
    (env.corpus / "documents" / "notiz.md").write_text(f"---\ntitle: Notiz\nnetwrok: [DIMA]\n---\n{NOTE}")
    (env.corpus / "documents" / f"{HOSTILE}.md").write_text(f"---\nregoin: x\n---\n{NOTE} Zweite.\n")
    (env.corpus / "documents" / "kaputt.pdf").write_bytes(b"%PDF-1.4 broken")
    for name in ("sauber.txt", "sauber-kopie.txt"):  # one is indexed, the other a duplicate of it
        (env.corpus / "documents" / name).write_text(f"{NOTE} Sauber.\n", encoding="utf-8")
    at = _rebuilt(env)
    assert shown(at.success[0].value).startswith("Index rebuilt: ")
    warned = sorted(shown(w.value) for w in at.warning)
    assert warned.pop(0).startswith("Not indexed: documents/sauber")  # the same bytes as the other
    assert warned == [
        f"Read, but: documents/{HOSTILE}.md: front matter: unknown key 'regoin' ignored "
        "(did you mean 'regions'?)",
        "Read, but: documents/notiz.md: front matter: unknown key 'netwrok' ignored (did you mean 'networks'?)",
    ]
    assert [shown(e.value).split(": ", 2)[:2] for e in at.error] == [["Not indexed", "documents/kaputt.pdf"]]
    for box in [*at.warning, *at.error]:  # the file name's link and script are text
        said = box.value.split(": ", 1)[1]
        assert not ACTIVE.search(said), said


def test_a_rebuild_of_many_warnings_shows_the_first_and_a_count(env):
    for n in range(22):
        (env.corpus / "documents" / f"notiz_{n:02d}.md").write_text(
            f"---\nnetwrok: [DIMA]\n---\n{NOTE} Nummer {n}.\n"
        )
    at = _rebuilt(env)
    assert errors(at) == []
    assert len(at.warning) == 21
    assert shown(at.warning[-1].value) == "… and 2 more (kb rebuild lists every one)."
