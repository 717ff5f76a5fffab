"""The engine seam (kb/backend.py): KB_ENGINE picks the backend, Whoosh satisfies the protocol."""

from __future__ import annotations

import inspect

import pytest

from kb.api import KnowledgeBase
from kb.backend import ENGINES, Backend, engine_name
from kb.errors import SettingError
from kb.models import SearchRequest
from kb.whoosh_backend.backend import WhooshBackend
from tests.conftest import doc


def protocol_members() -> set[str]:
    own = set(vars(Backend)) | set(Backend.__annotations__)
    return {name for name in own if not name.startswith("_")}


def test_whoosh_is_the_default_engine(monkeypatch):
    monkeypatch.delenv("KB_ENGINE", raising=False)
    assert engine_name() == "whoosh" == ENGINES[0]
    monkeypatch.setenv("KB_ENGINE", " Whoosh ")
    assert engine_name() == "whoosh"


@pytest.mark.parametrize("value", ["solr", "elasticsearch", "whoosh2"])
def test_an_unknown_engine_is_one_line_naming_it(monkeypatch, value):
    monkeypatch.setenv("KB_ENGINE", value)
    with pytest.raises(SettingError) as exc:
        engine_name()
    message = str(exc.value)
    assert f"KB_ENGINE='{value}'" in message and "whoosh" in message and "\n" not in message


def test_an_unknown_engine_is_refused_before_the_index_is_touched(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_ENGINE", "solr")
    with pytest.raises(SettingError, match="is not a search engine"):
        KnowledgeBase(tmp_path / "index", tmp_path / "corpus", semantic=False)
    assert not (tmp_path / "index").exists()
    with pytest.raises(SettingError, match="'nope' is not a search engine"):
        KnowledgeBase(tmp_path / "index", tmp_path / "corpus", semantic=False, engine="nope")


def test_the_whoosh_backend_has_every_member_of_the_protocol(kb_empty):
    backend = kb_empty.backend
    assert isinstance(backend, WhooshBackend) and backend.name == "whoosh"
    missing = {name for name in protocol_members() if not hasattr(backend, name)}
    assert missing == set()
    for name in protocol_members():
        wanted = getattr(Backend, name, None)
        if callable(wanted):
            assert (
                list(inspect.signature(getattr(backend, name)).parameters)
                == list(inspect.signature(wanted).parameters)[1:]
            ), name


def test_the_knowledge_base_reads_and_writes_through_its_backend(kb_empty):
    backend = kb_empty.backend
    written, failed = backend.write({"a": doc("a", "Ein Netzwerk für Kunststoff.", language="de")})
    assert (written, failed) == (1, {})
    assert backend.contains("a") and not backend.contains("b")
    assert set(backend.live()) == {"a"} and backend.document("a").title
    assert backend.document("b") is None
    page = backend.search(SearchRequest("Netzwerk"))
    assert [h.id for h in page.hits] == ["a"]
    assert kb_empty.search(SearchRequest("Netzwerk")).total == 1
    backend.clear()
    assert backend.live() == {}
