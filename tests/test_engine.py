"""The numpy query engine and the fast term reader give exactly what whoosh's own matchers give."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import collectors
from whoosh import query as Q

from kb.models import SearchRequest
from kb.whoosh_backend.collect import segment_term_counts, segment_terms
from kb.whoosh_backend.engine import Engine, _in_order
from tests.conftest import doc, empty_kb, synthetic_documents

TEXTS = [
    ("de", "Das Kunststoffnetzwerk trifft sich in Hamburg zur Ausbildung im Spritzguss."),
    ("de", "Spritzguss und Extrusion: die Ausbildung der Verfahrensmechaniker beginnt im August."),
    ("da", "Netværket for plast holder møde om uddannelse i Trekantområdet."),
    ("nl", "Het kunststof netwerk organiseert een opleiding voor spuitgieten."),
    ("en", "The plastics network offers training in injection moulding and extrusion."),
    ("de", "Protokoll der Sitzung: Ausbildung, Ausbildungen, Weiterbildung und Netzwerk."),
    ("de", "Die Sitzung des Netzwerks beginnt. Netzwerk Sitzung Netzwerk Sitzung."),
]
QUERIES = [
    "Ausbildung",
    "Spritzguss",
    "Netzwerk Sitzung",
    "Ausbildung Spritzguss Hamburg",
    '"Sitzung des Netzwerks"',
    "Ausbild*",
    "Netz*",
    "sp*",
    "s*",
    "Spritzgus",
    "Etxrusion",
    "Ausbildung -Spritzguss",
    "Ausbildung OR Extrusion",
    "training network",
    "uddannelse",
    "Trekantomraadet",
    "Kunststoff",
    "title:Bericht",
    "year:2019 Kunststoff",
    "Bericht Spritzguss Werk",
    "nichts",
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """Several segments (written in batches) and a deleted document."""
    kb = empty_kb(tmp_path_factory.mktemp("engine"))
    kb.write(synthetic_documents())
    kb.write([doc(f"t{i}", text, language=lang) for i, (lang, text) in enumerate(TEXTS[:4])])
    kb.write([doc(f"t{i}", text, language=lang) for i, (lang, text) in enumerate(TEXTS) if i >= 4])
    kb.remove(["s02"])
    yield kb
    kb.close()


def whoosh_top(session, query, limit):
    collector = collectors.TopCollector(limit=limit, usequality=False)
    session.searcher.search_with_collector(query, collector)
    results = collector.results()
    matched = {hit.docnum for hit in results} | set(results.docs())
    return [(hit.docnum, hit.score) for hit in results], matched


def test_the_index_has_several_segments_and_a_deletion(kb):
    session = kb.session()
    assert len(session.searcher.reader().leaf_readers()) > 1
    assert session.searcher.reader().has_deletions()


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_ranking_equal_whooshs(kb, text):
    session = kb.session()
    plan = session.plan(text, SearchRequest(text))
    mask, ranked = session.engine.run(plan.query, None, 50)
    expected, matched = whoosh_top(session, plan.query, 50)
    assert set(np.flatnonzero(mask).tolist()) == matched
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-5)


def test_a_filter_limits_the_ranking_but_not_the_match_set(kb):
    session = kb.session()
    plan = session.plan("Ausbildung", SearchRequest("Ausbildung"))
    allowed = session.table.mask("language", ("da",))
    mask, ranked = session.engine.run(plan.query, allowed, 10)
    assert mask.sum() > len(ranked) > 0
    assert all(allowed[d] for d, _ in ranked)


def test_postings_equal_whooshs_matcher(kb):
    session = kb.session()
    engine = session.engine
    for field, word in [
        ("content", "ausbildung"),
        ("fold", "netzwerk"),
        ("stem_de", "sitzung"),
        ("title", "title"),
    ]:
        ids, weights = engine.postings(field, word.encode())
        expected_ids, expected_weights = [], []
        for reader, offset in engine.segments:
            if (field, word) not in reader:
                continue
            m = reader.postings(field, word)
            while m.is_active():
                expected_ids.append(offset + m.id())
                expected_weights.append(m.weight())
                m.next()
        live = [i for i, d in enumerate(ids) if session.table.live[d]]
        assert ids[live].tolist() == expected_ids
        assert weights[live].tolist() == pytest.approx(expected_weights)


def test_field_lengths_equal_whooshs(kb):
    session = kb.session()
    lengths = session.engine.lengths("content")
    reader = session.searcher.reader()
    expected = [reader.doc_field_length(d, "content", 1) for d in range(reader.doc_count_all())]
    assert lengths.tolist() == pytest.approx(expected)


@pytest.mark.parametrize("prefix", [b"", b"a", b"s", b"sp", b"netz", b"\xc3", b"zzzz"])
@pytest.mark.parametrize("field", ["fold", "content", "title", "stem_de"])
def test_segment_terms_equal_whooshs_expand_prefix(kb, field, prefix):
    for reader, _ in kb.session().searcher.reader().leaf_readers():
        assert segment_terms(reader, field, prefix) == list(reader.expand_prefix(field, prefix))


@pytest.mark.parametrize(
    ("positions", "slop", "expected"),
    [
        ([[0], [1]], 1, True),
        ([[0], [2]], 1, False),
        ([[0], [2]], 4, True),
        ([[5], [1]], 4, False),  # order counts
        ([[0, 9], [10], [11]], 1, True),
        ([[0, 9], [10], [12]], 1, False),
        ([[0, 9], [10], [12]], 2, True),
        ([[3], [3]], 4, False),  # the same position is not "after"
    ],
)
def test_words_in_order_within_the_slop(positions, slop, expected):
    assert _in_order(positions, slop) is expected


@pytest.mark.parametrize("prefix", [b"", b"s", b"netz"])
def test_segment_term_counts_equal_whooshs_document_frequencies(kb, prefix):
    for reader, _ in kb.session().searcher.reader().leaf_readers():
        expected = [(t, reader.doc_frequency("fold", t)) for t in reader.expand_prefix("fold", prefix)]
        assert segment_term_counts(reader, "fold", prefix) == expected


@pytest.mark.parametrize(
    "text", ["Ausbildung Spritzguss Hamburg", "training network Kunststoff", "Sitzung Extrusion"]
)
def test_relaxed_most_of_the_words_ranking_equals_whooshs(kb, text):
    """The relaxed search (most of the words) ranks as whoosh ranks it."""
    session = kb.session()
    plan = session.plan(text, SearchRequest(text), relaxed=True)
    mask, ranked = session.engine.run(plan.query, None, 50)
    expected, matched = whoosh_top(session, plan.query, 50)
    assert set(np.flatnonzero(mask).tolist()) == matched
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-5)


def test_an_or_with_a_coordination_bonus_ranks_as_whoosh_ranks_it(kb):
    """Whoosh scales an OR's scores by how many of its terms match; the engine hands that to whoosh."""
    from whoosh import query as Q

    session = kb.session()
    terms = [Q.Term("content", w) for w in ("ausbildung", "spritzguss", "hamburg", "extrusion")]
    query = Q.Or(terms, scale=0.9)
    mask, ranked = session.engine.run(query, None, 50)
    expected, matched = whoosh_top(session, query, 50)
    assert set(np.flatnonzero(mask).tolist()) == matched
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-5)


@pytest.mark.parametrize("prefix", ["s*", "Netz*", "Ausbild*", "tr*"])
def test_prefix_postings_read_from_term_infos_equal_a_lookup_per_term(kb, prefix):
    session = kb.session()
    session.plan(prefix, SearchRequest(prefix))  # the prefix expansion preloads its completions
    fresh = Engine(session.searcher, session.table.live)
    preloaded = {k: v for k, v in session.engine._postings.items()}
    assert preloaded
    live = session.table.live
    for (field, btext), (ids, weights) in preloaded.items():
        # Deleted documents do not count (whoosh's deletion filter may have skipped some already)
        ids, weights = ids[live[ids]], weights[live[ids]]
        expected_ids, expected_weights = fresh.postings(field, btext)
        expected_ids, expected_weights = (
            expected_ids[live[expected_ids]],
            expected_weights[live[expected_ids]],
        )
        assert ids.tolist() == expected_ids.tolist(), (field, btext)
        assert weights.tolist() == expected_weights.tolist()
        idf = session.engine._idf.get((field, btext))
        assert idf is None or idf == pytest.approx(session.searcher.idf(field, btext))


def test_an_or_of_terms_scores_exactly_as_term_by_term(kb):
    session = kb.session()
    plan = session.plan("s*", SearchRequest("s*"))
    ors = [
        q
        for q in _walk(plan.query)
        if type(q) is Q.Or and len(q.subqueries) > 2 and all(type(c) is Q.Term for c in q.subqueries)
    ]
    assert ors
    engine = session.engine
    for q in ors:
        batched = engine._terms_or(q.subqueries, 1.0)
        one_by_one = engine._or_terms_one_by_one(q.subqueries, 1.0)
        assert np.array_equal(batched.mask, one_by_one.mask)
        assert np.array_equal(batched.score, one_by_one.score)  # bit for bit


def _walk(q):
    yield q
    for child in q.children():
        yield from _walk(child)
