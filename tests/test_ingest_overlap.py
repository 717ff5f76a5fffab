"""The pipeline's writes in the background (an engine with `write_ahead`, Solr): the next files are read
while a write runs, every file gets its one outcome, a file that cannot be read never stops the
batch, and a run that stops between writes leaves what it wrote, so the next run reads only the rest.
On both engines (the Whoosh backend takes the same path when told to), Solr on the session's cluster.
"""

from __future__ import annotations

import itertools
import os

import pytest

from ingest.pipeline import run
from ingest.worker import Limits
from kb.api import KnowledgeBase
from kb.models import SearchRequest
from tests.conftest import SEED_IDS, copy_corpus
from tests.solrcloud import solrcloud  # noqa: F401  (the session's cluster, started for Solr only)

ENGINES = ["whoosh", pytest.param("solr", marks=pytest.mark.solr)]


_aliases = itertools.count(1)


@pytest.fixture(params=ENGINES)
def corpus_kb(request, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_ENGINE", request.param)
    if request.param == "solr":  # a fresh collection behind a fresh alias, as the contract suite's
        cloud = request.getfixturevalue("solrcloud")
        alias = f"overlap{next(_aliases)}_{os.getpid()}"
        cloud.create_collection(f"{alias}_1")
        cloud.request(
            "/admin/collections", {"action": "CREATEALIAS", "name": alias, "collections": f"{alias}_1"}
        )
        monkeypatch.setenv("KB_SOLR_URL", ",".join(cloud.url(i) for i in range(len(cloud.solr))))
        monkeypatch.setenv("KB_SOLR_COLLECTION", alias)
    corpus = copy_corpus(tmp_path / "corpus")
    kb = KnowledgeBase(tmp_path / "index", corpus, semantic=False)
    assert kb.created
    yield kb, corpus
    kb.close()


def live(kb) -> set[str]:
    return set(kb.checksums())


def test_writes_in_the_background_index_every_file_and_report_one_outcome_each(corpus_kb):
    kb, corpus = corpus_kb
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    kb.backend.write_ahead = 2  # several writes, each while the next files are read
    writes = []
    write = kb.write

    def counted(docs, *args, **kwargs):
        docs = list(docs)
        writes.append(len(docs))
        return write(docs, *args, **kwargs)

    kb.write = counted
    outcomes = run(kb, [corpus], limits=Limits(), skip=[corpus / "vocabulary.json"])
    by_source = {o.source: o.status for o in outcomes}
    assert len(by_source) == len(outcomes)  # one outcome a file
    assert by_source["broken.pdf"] == "failed"
    assert {o.id for o in outcomes if o.status == "indexed"} == set(SEED_IDS)
    assert writes[:-1] == [2] * (len(writes) - 1) and sum(writes) == len(SEED_IDS) and len(writes) >= 3
    assert live(kb) == set(SEED_IDS)
    assert kb.search(SearchRequest(page_size=100)).total == len(SEED_IDS)


def test_a_run_stopped_by_a_failed_write_leaves_what_it_wrote_and_the_next_run_reads_the_rest(corpus_kb):
    kb, corpus = corpus_kb
    kb.backend.write_ahead = 2
    write = kb.write
    calls = []

    def fails_third(docs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("the engine went away")
        return write(docs, *args, **kwargs)

    kb.write = fails_third
    with pytest.raises(OSError, match="went away"):
        run(kb, [corpus], limits=Limits())
    kept = live(kb)
    assert len(kept) == 4 and kept < set(SEED_IDS)  # the first two writes, nothing of the third
    kb.write = write
    outcomes = run(kb, [corpus], limits=Limits())
    statuses = {o.id: o.status for o in outcomes if o.id in SEED_IDS}
    assert {i for i, s in statuses.items() if s == "unchanged"} == kept
    assert {i for i, s in statuses.items() if s == "indexed"} == set(SEED_IDS) - kept
    assert live(kb) == set(SEED_IDS)
