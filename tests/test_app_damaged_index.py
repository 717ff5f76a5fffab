"""The app with an index damaged under it: the search says so in one line, and the next run opens the
index again, which moves it aside and rebuilds it from corpus/ (no restart needed)."""

from __future__ import annotations

import pytest
from apphelpers import app, errors, make_env


@pytest.fixture
def env(tmp_path, monkeypatch):
    return make_env(tmp_path, monkeypatch)


def test_a_postings_file_truncated_under_the_app_is_one_line_then_rebuilt(env):
    at = app(q="Netzwerktreffen")
    assert errors(at) == []
    total = at.markdown[0].value
    for pst in env.index.glob("*.pst"):
        data = pst.read_bytes()
        pst.write_bytes(data[: len(data) // 3])
    words = ["Ausbildung", "Recycling", "Fachkräfte", "Netzwerk", "Kunststoff", "Sitzung", "Thema"]
    shown = []
    for word in words:  # a search that reads the truncated part
        at.query_params["q"] = word
        at.run()
        shown = errors(at)
        if shown:
            break
    assert len(shown) == 1 and "damaged" in shown[0] and "\n" not in shown[0].strip()
    at.query_params["q"] = "Netzwerktreffen"
    at.run()
    assert errors(at) == []
    assert at.markdown[0].value == total
    assert len(list(env.index.parent.glob("index.damaged-*"))) == 1
