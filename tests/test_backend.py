"""The engine seam (kb/backend.py): KB_ENGINE picks the backend, Whoosh satisfies the protocol."""

from __future__ import annotations

import ast
import inspect

import pytest

from kb.api import KnowledgeBase
from kb.backend import ENGINES, Backend, engine_name
from kb.errors import EngineError, SettingError
from kb.models import SearchRequest
from kb.whoosh_backend import WHOOSH_VERSION, check_version
from kb.whoosh_backend.backend import WhooshBackend
from tests.conftest import REPO, doc


def protocol_members() -> set[str]:
    own = set(vars(Backend)) | set(Backend.__annotations__)
    return {name for name in own if not name.startswith("_")}


def test_whoosh_is_the_default_engine(monkeypatch):
    monkeypatch.delenv("KB_ENGINE", raising=False)
    assert engine_name() == "whoosh" == ENGINES[0]
    monkeypatch.setenv("KB_ENGINE", " Whoosh ")
    assert engine_name() == "whoosh"


@pytest.mark.parametrize("value", ["opensearch", "elasticsearch", "whoosh2"])
def test_an_unknown_engine_is_one_line_naming_it(monkeypatch, value):
    monkeypatch.setenv("KB_ENGINE", value)
    with pytest.raises(SettingError) as exc:
        engine_name()
    message = str(exc.value)
    assert f"KB_ENGINE='{value}'" in message and "whoosh" in message and "\n" not in message


def test_an_unknown_engine_is_refused_before_the_index_is_touched(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_ENGINE", "opensearch")
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


# -- whoosh in its own package ----------------------------------------------------------------------------


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_module_of_kb_outside_the_whoosh_backend_imports_whoosh():
    kb = REPO / "kb"
    offenders = [
        f"{path.relative_to(REPO)}: {name}"
        for path in sorted(kb.rglob("*.py"))
        if "whoosh_backend" not in path.parts
        for name in sorted(_imports(path))
        if name == "whoosh" or name.startswith("whoosh.")
    ]
    assert offenders == []
    inside = [
        p for p in (kb / "whoosh_backend").glob("*.py") if any(n.startswith("whoosh") for n in _imports(p))
    ]
    assert len(inside) >= 10  # the package does hold them


def test_nothing_above_kb_imports_the_whoosh_backend():
    above = [REPO / d for d in ("ingest", "archive", "webapp", "eval", "bench")] + [
        REPO / "app.py",
        REPO / "asgi.py",
    ]
    paths = [p for d in above for p in ([d] if d.suffix == ".py" else sorted(d.rglob("*.py")))]
    offenders = [
        f"{p.relative_to(REPO)}: {name}"
        for p in paths
        for name in _imports(p)
        if name.startswith(("kb.whoosh_backend", "whoosh"))
    ]
    assert offenders == []


def test_another_whoosh_version_is_refused_in_one_line_naming_it():
    check_version(WHOOSH_VERSION, WHOOSH_VERSION)  # the installed one
    with pytest.raises(EngineError) as exc:
        check_version("2.7.4", "2.7.4")
    message = str(exc.value)
    assert "2.7.4" in message and "whoosh-reloaded 2.7.5" in message and "\n" not in message
    with pytest.raises(EngineError, match="not installed"):
        check_version("2.7.5", "not installed")
