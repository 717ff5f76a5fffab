"""Large batches are analyzed by whoosh's multiprocessing writer: nothing is lost, replaced or left damaged."""

from __future__ import annotations

import pytest

from kb.api import PARALLEL_WRITE_MIN, KnowledgeBase
from kb.models import SearchRequest
from kb.whoosh_backend.index import open_index
from tests.conftest import doc, empty_kb, synthetic_documents

pytestmark = pytest.mark.fault  # real processes: make test-fault

N = PARALLEL_WRITE_MIN + 200


def batch(prefix: str, word: str) -> list:
    return [
        doc(f"{prefix}{i:05d}", f"Bericht {i} über {word} im Werk {i % 7}.", language="de") for i in range(N)
    ]


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    kb = empty_kb(tmp_path_factory.mktemp("parallel"))
    assert kb.write(batch("p", "Spritzguss"), procs=2) == N
    yield kb
    kb.close()


def test_every_document_of_a_parallel_batch_is_found(kb):
    assert kb.search(SearchRequest("Spritzguss")).total == N
    assert kb.search(SearchRequest()).total == N
    assert kb.get("p00042").text == "Bericht 42 über Spritzguss im Werk 0."


def test_the_batch_was_written_as_several_segments(kb):
    assert len(kb.session().searcher.reader().leaf_readers()) >= 2


def test_the_index_validates_after_a_parallel_write(kb):
    ix, created = open_index(kb.index_dir)
    assert not created
    assert ix.doc_count() == N


def test_a_second_parallel_batch_replaces_documents_by_id(tmp_path):
    kb = empty_kb(tmp_path)
    kb.write(batch("p", "Spritzguss"), procs=2)
    kb.write(batch("p", "Extrusion"), procs=2)
    assert kb.search(SearchRequest()).total == N
    assert kb.search(SearchRequest("Extrusion", fuzzy=False, expand=False)).total == N
    assert kb.search(SearchRequest("Spritzguss", fuzzy=False, expand=False)).total == 0
    kb.close()


def test_segment_files_are_byte_identical_with_whooshs_own_length_lookups(tmp_path):
    """kb.index reads each field's lengths once while flushing a segment: the files stay the same."""
    from whoosh.writing import SegmentWriter

    from kb.whoosh_backend import segment_flush as kb_index

    def build(folder, flush):
        SegmentWriter._flush_segment = flush
        try:
            kb = empty_kb(folder)
            kb.write(synthetic_documents())
            kb.close()
        finally:
            SegmentWriter._flush_segment = kb_index._flush_segment
        index = folder / "index"
        return {p.suffix: p.read_bytes() for p in index.iterdir() if p.suffix in (".trm", ".pst")}

    ours = build(tmp_path / "a", kb_index._flush_segment)
    whooshs = build(tmp_path / "b", kb_index._whoosh_flush_segment)
    assert set(ours) == {".trm", ".pst"}
    assert ours == whooshs
