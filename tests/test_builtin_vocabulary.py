"""The built-in vocabulary: merged with a corpus' own, and enough on its own for a fresh corpus."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from archive.service import open_knowledge_base
from kb.models import SearchRequest
from kb.vocabulary import LANGUAGES, builtin_vocabulary, load_vocabulary
from tests.conftest import SEED_CORPUS, make_settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # eval/ is not an installed package

from eval.judgements import seed_queries  # noqa: E402


def test_builtin_topics_and_concepts_have_terms_in_every_language() -> None:
    vocabulary = builtin_vocabulary()
    assert len(vocabulary.topics) >= 15 and len(vocabulary.concepts) >= 15
    assert vocabulary.networks == () and vocabulary.regions == ()
    for entry in (*vocabulary.topics, *vocabulary.concepts):
        assert set(entry.labels) == set(LANGUAGES), entry.id
        assert all(entry.terms.get(lang) for lang in LANGUAGES), entry.id
    for concept in vocabulary.concepts:  # concept terms are aligned by position across languages
        assert len({len(terms) for terms in concept.terms.values()}) == 1, concept.id


def test_a_corpus_without_a_vocabulary_file_gets_the_builtin_one_and_always_the_same_object(tmp_path) -> None:
    first = load_vocabulary(tmp_path)
    assert first is load_vocabulary(tmp_path) is builtin_vocabulary()
    assert {"vocational-training", "skilled-workers", "digitalisation"} <= {t.id for t in first.topics}


def test_corpus_entries_win_per_id_networks_and_regions_stay_the_corpus_own(tmp_path) -> None:
    own = {
        "networks": [{"id": "n", "name": "Nordnetz", "labels": {"de": "Nordnetz"}}],
        "topics": [{"id": "recycling", "name": "Recycling", "labels": {"de": "Wertstoffe"}, "terms": {"de": ["Wertstoff"]}}],
        "concepts": [{"id": "own-concept", "name": "Eigenes", "terms": {"de": ["Eigenes"], "en": ["own"]}}],
    }  # fmt: skip
    (tmp_path / "vocabulary.json").write_text(json.dumps(own), encoding="utf-8")
    merged = load_vocabulary(tmp_path)
    assert merged is load_vocabulary(tmp_path)
    assert [n.name for n in merged.networks] == ["Nordnetz"] and merged.regions == ()
    recycling = [t for t in merged.topics if t.id == "recycling"]
    assert len(recycling) == 1 and recycling[0].terms == {"de": ("Wertstoff",)}
    assert "skilled-workers" in {t.id for t in merged.topics}
    assert {"own-concept", "network"} <= {c.id for c in merged.concepts}


def test_a_corpus_can_leave_the_builtin_vocabulary_out(tmp_path) -> None:
    (tmp_path / "vocabulary.json").write_text('{"builtin": false, "topics": []}', encoding="utf-8")
    assert load_vocabulary(tmp_path).topics == ()


@pytest.fixture(scope="module")
def fresh_kb(tmp_path_factory):
    """The five seed texts alone: no sidecars, no vocabulary.json (a network starting its archive)."""
    root = tmp_path_factory.mktemp("fresh")
    documents = root / "corpus" / "documents"
    documents.mkdir(parents=True)
    for path in (SEED_CORPUS / "documents").glob("*.txt"):
        shutil.copy(path, documents / path.name)
    kb = open_knowledge_base(make_settings(root, root / "corpus"))
    yield kb
    kb.close()


def test_every_seed_in_a_fresh_corpus_gets_at_least_two_topics(fresh_kb) -> None:
    ids = sorted(fresh_kb.checksums())
    assert len(ids) == 5
    topics = {Path(i).name[:3]: fresh_kb.get(i).topics for i in ids}
    assert all(len(t) >= 2 for t in topics.values()), topics


@pytest.mark.parametrize(
    "query", [q for q in seed_queries() if q.kind == "cross-language"], ids=lambda q: q.id
)
def test_cross_language_seed_queries_work_in_a_fresh_corpus(fresh_kb, query) -> None:
    """Unfiltered, or (for words that meet the seed's only through their cognate keys, which count only
    in a search filtered to some languages since issue 22) filtered to the relevant seed's language."""
    hits = [Path(h.id).name[:3] for h in fresh_kb.search(SearchRequest(query.text, page_size=3)).hits]
    if not set(hits) & set(query.relevant) and query.id in THROUGH_COGNATES:
        languages = (THROUGH_COGNATES[query.id],)
        page = fresh_kb.search(SearchRequest(query.text, languages=languages, page_size=3))
        hits = [Path(h.id).name[:3] for h in page.hits]
    assert set(hits) & set(query.relevant), (query.text, hits)


#: the cross-language seed queries that a fresh corpus (no vocabulary.json) answers only through
#: cognate keys ("food contact" ~ "fødevarekontakt", "medical" ~ "Medizintechnik"), by the language of
#: their relevant seed: 12 of 14 are found unfiltered
THROUGH_COGNATES = {"cl-11": "da", "cl-13": "de"}
