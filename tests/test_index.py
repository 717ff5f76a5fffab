"""The index on disk: upserts replace by id, deletes, and a rebuild when the schema version differs."""

from __future__ import annotations

import dataclasses
import json

import pytest

from archive.service import open_knowledge_base
from kb.api import KnowledgeBase
from kb.errors import UnknownDocumentError
from kb.models import SearchRequest
from kb.schema import SCHEMA_VERSION
from kb.whoosh_backend.index import STAMP_FILE
from tests.conftest import SEED_IDS, doc


def all_ids(kb) -> list[str]:
    return sorted(h.id for h in kb.search(SearchRequest(page_size=100)).hits)


def test_writing_documents_makes_them_searchable_and_readable(kb_empty):
    written = kb_empty.write([doc("a", "Erstes Dokument", language="de"), doc("b", "Zweites", language="de")])
    assert written == 2
    assert all_ids(kb_empty) == ["a", "b"]
    assert kb_empty.get("a") == doc("a", "Erstes Dokument", language="de")


def test_every_document_field_survives_the_round_trip(kb_empty):
    original = doc(
        "full",
        "Volltext",
        title="Voller Titel",
        language="da",
        date="2020-03-31",
        year=2020,
        networks=("DIMA", "Plastindustrien"),
        regions=("Danmark",),
        topics=("production", "networking"),
        doctype="minutes",
        checksum="abc-123",
        added_by="cli:test",
        added_at="2024-01-01T00:00:00+00:00",
    )
    kb_empty.write([original])
    assert kb_empty.get("full") == original


def test_a_value_holding_a_comma_comes_back_whole(kb_empty):
    committee = "Fachausschuss Finanzen, Wirtschaftsförderung, Tourismus"
    original = doc("c", "Sitzung", language="de", networks=(committee, "DIMA"), regions=("Ems-Achse",))
    kb_empty.write([original])
    assert kb_empty.get("c").networks == (committee, "DIMA")
    hit = kb_empty.search(SearchRequest(text="Sitzung")).hits[0]
    assert hit.networks == (committee, "DIMA")


def test_writing_the_same_documents_twice_leaves_one_copy_each(kb_empty):
    docs = [doc("a", "Eins", language="de"), doc("b", "Zwei", language="de")]
    kb_empty.write(docs)
    kb_empty.write(docs)
    assert all_ids(kb_empty) == ["a", "b"]
    assert kb_empty.search(SearchRequest()).total == 2


def test_writing_an_existing_id_replaces_the_document(kb_empty):
    kb_empty.write([doc("a", "Alter Text über Extrusion", language="de")])
    kb_empty.write([doc("a", "Neuer Text über Spritzguss", title="Neu", language="de")])
    assert kb_empty.get("a").title == "Neu"
    assert kb_empty.search(SearchRequest("Extrusion", fuzzy=False)).total == 0
    assert [h.id for h in kb_empty.search(SearchRequest("Spritzguss")).hits] == ["a"]


def test_the_same_id_twice_in_one_write_keeps_the_last(kb_empty):
    kb_empty.write([doc("a", "eins", language="de"), doc("a", "zwei", language="de")])
    assert kb_empty.search(SearchRequest()).total == 1


def test_removing_a_document_takes_it_out_of_search_and_facets(kb_empty):
    kb = kb_empty
    kb.write([doc("a", language="de", networks=("N-A",)), doc("b", language="da", networks=("N-B",))])
    kb.remove(["a"])
    page = kb.search(SearchRequest())
    assert [h.id for h in page.hits] == ["b"]
    assert {v.value: v.count for v in page.facet("network").values} == {"N-B": 1}
    with pytest.raises(UnknownDocumentError):
        kb.get("a")


def test_removing_an_unknown_id_changes_nothing(kb_empty):
    kb_empty.write([doc("a", language="de")])
    kb_empty.remove(["nope"])
    assert all_ids(kb_empty) == ["a"]


def test_write_can_delete_and_add_in_one_commit(kb_empty):
    kb_empty.write([doc("a", language="de"), doc("b", language="de")])
    kb_empty.write([doc("c", language="de")], delete=["a"])
    assert all_ids(kb_empty) == ["b", "c"]


def test_clear_empties_the_index(kb_empty):
    kb_empty.write([doc("a", language="de")])
    kb_empty.clear()
    assert kb_empty.search(SearchRequest()).total == 0


def test_an_unknown_id_raises_unknown_document_error(kb_empty):
    with pytest.raises(UnknownDocumentError, match="no document with id 'missing'"):
        kb_empty.get("missing")


def test_documents_survive_closing_and_reopening(kb_empty):
    kb_empty.write([doc("a", language="de")])
    kb_empty.close()
    again = KnowledgeBase(kb_empty.index_dir, kb_empty.corpus_dir)
    assert again.created is False
    assert all_ids(again) == ["a"]


def test_a_new_index_is_stamped_with_the_schema_version(kb_empty):
    stamp = json.loads((kb_empty.index_dir / STAMP_FILE).read_text())
    assert stamp["schema_version"] == SCHEMA_VERSION
    assert kb_empty.created is True


def stamp_version(index_dir, version) -> None:
    path = index_dir / STAMP_FILE
    stamp = json.loads(path.read_text())
    stamp["schema_version"] = version
    path.write_text(json.dumps(stamp))


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, SCHEMA_VERSION - 1, "garbage"])
def test_another_schema_version_recreates_the_index_empty(kb_empty, version):
    kb_empty.write([doc("a", language="de")])
    kb_empty.close()
    stamp_version(kb_empty.index_dir, version)
    again = KnowledgeBase(kb_empty.index_dir, kb_empty.corpus_dir)
    assert again.created is True
    assert all_ids(again) == []
    assert json.loads((kb_empty.index_dir / STAMP_FILE).read_text())["schema_version"] == SCHEMA_VERSION


def test_a_missing_stamp_recreates_the_index(kb_empty):
    kb_empty.write([doc("a", language="de")])
    kb_empty.close()
    (kb_empty.index_dir / STAMP_FILE).unlink()
    assert KnowledgeBase(kb_empty.index_dir, kb_empty.corpus_dir).created is True


def test_opening_after_a_schema_change_reindexes_the_corpus(settings):
    kb = open_knowledge_base(settings)
    assert all_ids(kb) == sorted(SEED_IDS)
    kb.write([doc("outside", language="de")])
    kb.close()
    stamp_version(settings.index_dir, SCHEMA_VERSION + 1)
    again = open_knowledge_base(settings)
    assert again.created is True
    assert all_ids(again) == sorted(SEED_IDS)


def test_opening_an_existing_index_does_not_reindex(settings):
    open_knowledge_base(settings).close()
    (settings.corpus_dir / "documents" / "new.txt").write_text("Ein neues Dokument über Netzwerke.")
    again = open_knowledge_base(dataclasses.replace(settings))
    assert again.created is False
    assert all_ids(again) == sorted(SEED_IDS)


def test_contains_answers_by_id_before_and_after_a_removal(kb_empty):
    kb_empty.write([doc("a", language="de")])
    assert (kb_empty.contains("a"), kb_empty.contains("b")) == (True, False)
    kb_empty.remove(["a"])
    assert kb_empty.contains("a") is False
