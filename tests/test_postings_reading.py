"""Reading postings without whoosh's matchers (kb/postings.py) and prefix completions in one batch.

A real index on disk with several segments, a deleted document, a word in more documents than a
postings block holds (128), and rare words of every kind a term info can describe: in one
document, in two with the same weight, in two with different weights.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import collectors
from whoosh import query as Q

from kb.models import SearchRequest
from kb.whoosh_backend.collect import _merged
from kb.whoosh_backend.compile import compile_plan
from kb.whoosh_backend.engine import Engine
from kb.whoosh_backend.postings import known_postings, read_postings
from tests.conftest import doc, empty_kb

_STEMS = ["verwaltung", "verwalter", "verweis", "verwandt", "bund", "bundes", "recht", "rechnung"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(count):
        words = ["Verwaltung"] * (1 + i % 3)  # in every document, with varying weights: several blocks
        words += [rng.choice(_STEMS) + rng.choice(["", "s", "en", "ung", "gericht", f"x{i % 7}"])]
        words += [f"verw{i}einmal"]  # one document each
        words += ["Bundesverwaltungsgericht", "Rechtsweg", "über", "Überweisung"]
        out.append(" ".join(words))
    return out


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    kb = empty_kb(tmp_path_factory.mktemp("postings"))
    kb.write([doc(f"a{i}", t, language="de") for i, t in enumerate(_texts(150, 1))])
    kb.write([doc(f"b{i}", t, language="de") for i, t in enumerate(_texts(140, 2))])
    kb.write(
        [
            doc("pair1", "Zwillingswort Gleichwort Ungleichwort"),
            doc("pair2", "Zwillingswort Gleichwort Ungleichwort Ungleichwort"),
            doc("c1", "verwaltung verwaltungen spät"),
        ]
    )
    kb.remove(["a3", "b5"])
    yield kb
    kb.close()


def _whoosh_postings(engine: Engine, field: str, btext: bytes) -> tuple[list[int], list[float]]:
    """Every posting (deleted documents too) through whoosh's own matchers."""
    ids, weights = [], []
    for reader, offset in engine.segments:
        if (field, btext) not in reader:
            continue
        fmt = reader.schema[field].format  # the segment's matcher under whoosh's deletion filter
        got_ids, got_weights = read_postings(reader._terms.matcher(field, btext, fmt))
        m = reader._terms.matcher(field, btext, fmt)
        expected = []
        while m.is_active():
            expected.append((m.id(), m.weight()))
            m.next()
        assert list(zip(got_ids.tolist(), got_weights.tolist(), strict=True)) == expected
        ids += [offset + i for i, _ in expected]
        weights += [w for _, w in expected]
    return ids, weights


def test_the_index_has_what_the_reader_must_handle(kb):
    session = kb.session()
    reader = session.searcher.reader()
    assert len(reader.leaf_readers()) >= 3 and reader.has_deletions()
    assert reader.doc_frequency("content", "verwaltung") > 128  # more than one block
    assert reader.doc_frequency("content", "gleichwort") == 2
    assert reader.doc_frequency("content", "ungleichwort") == 2


@pytest.mark.parametrize("field", ["content", "fold", "title", "stem_de"])
def test_every_terms_postings_equal_whooshs_matchers(kb, field):
    session = kb.session()
    engine = Engine(session.searcher, session.table.live)
    terms = sorted({t for reader, _ in engine.segments for t in reader.lexicon(field)})
    assert len(terms) > 20
    for btext in terms:
        ids, weights = engine.postings(field, btext)
        expected_ids, expected_weights = _whoosh_postings(engine, field, btext)
        assert ids.tolist() == expected_ids, btext
        assert weights.tolist() == expected_weights, btext


def test_a_term_info_tells_rare_postings_only_when_they_are_certain(kb):
    session = kb.session()
    segments = [reader for reader, _ in Engine(session.searcher, session.table.live).segments]

    def told(segment, word: bytes):
        terms = segment._terms
        return known_postings(terms._tindex[terms._keycoder("fold", word)])

    last = segments[-1]  # pair1, pair2, c1
    assert told(last, b"gleichwort") == ((0, 1), (1.0, 1.0))
    assert told(last, b"ungleichwort") is None  # weights 1 and 2: which is which is not in the term info
    assert told(last, b"spat") == ((2,), (1.0,))
    assert told(segments[0], b"verwaltung") is None  # 150 documents: read from the postings file


@pytest.mark.parametrize("prefix", ["verw", "v", "bund", "ub", "uber", "zwil", "recht", "ungl"])
def test_preloaded_completions_equal_whooshs_matchers(kb, prefix):
    session = kb.session()
    session.plan(prefix + "*", SearchRequest(prefix + "*"))  # lists the completions and preloads them
    preloaded = dict(session.engine._postings)
    assert preloaded
    for (field, btext), (ids, weights) in preloaded.items():
        expected_ids, expected_weights = _whoosh_postings(session.engine, field, btext)
        assert ids.tolist() == expected_ids, (field, btext)
        assert weights.tolist() == expected_weights, (field, btext)


def _whoosh_top(session, query, limit):
    collector = collectors.TopCollector(limit=limit, usequality=False)
    session.searcher.search_with_collector(query, collector)
    results = collector.results()
    return [(hit.docnum, hit.score) for hit in results], set(results.docs())


@pytest.mark.parametrize("text", ["verw*", "Verwaltung*", "bund*", "über*", "Rech*", "v*", "Zwil*"])
def test_a_prefix_page_finds_and_ranks_what_whoosh_finds_and_ranks(kb, text):
    """The documents: whoosh's own prefix query over the plan before expansion (it lists the
    completions itself). The ranking: whoosh's matchers, term by term, over the expanded plan."""
    session = kb.session()
    request = SearchRequest(text)
    _, matched = _whoosh_top(session, compile_plan(session._build(text, request, relaxed=False).query), 10)
    plan = session.plan(text, request)
    mask, ranked = session.engine.run(plan.query, None, 40)
    assert set(np.flatnonzero(mask).tolist()) == matched
    expected, _ = _whoosh_top(session, plan.query, 40)
    assert [d for d, _ in ranked] == [d for d, _ in expected]
    assert [s for _, s in ranked] == pytest.approx([s for _, s in expected], rel=1e-5)
    assert kb.search(request).total == len(matched)


def _terms(field, words, boost=1.0):
    return [Q.Term(field, w, boost=boost) for w in words]


@pytest.mark.parametrize(
    "query",
    [
        Q.Or([Q.Or(_terms("fold", ["a", "b", "c"]), boost=1.5), Q.Or(_terms("content", ["a", "d"], 2.0))]),
        Q.Or([Q.Or(_terms("fold", ["a", "b"]), boost=0.5), Q.Term("title", "a", boost=4.0), Q.NullQuery]),
        Q.Or([Q.Or(_terms("fold", ["a", "a", "b"])), Q.Or(_terms("fold", ["b", "c"]), boost=3.0)]),
        Q.And([Q.And(_terms("fold", ["x", "y"]), boost=2.0), Q.Or(_terms("fold", ["a", "b"]))]),
        Q.Or([Q.Or([Q.Term("fold", "a"), Q.Prefix("fold", "b")], boost=2.0), Q.Term("fold", "c")]),
        Q.Or([Q.Or(_terms("fold", ["only"]), boost=2.0)], boost=1.5),
    ],
)
def test_merging_term_groups_normalizes_to_what_whoosh_normalize_gives(query):
    """_merged does what whoosh's normalize does to nested ORs/ANDs of terms, without copying them."""
    assert _merged(query).normalize() == query.normalize()


@pytest.mark.parametrize("first_chunk", [64, 1000, 1 << 15])
def test_listing_completions_across_read_boundaries_equals_whooshs(kb, monkeypatch, first_chunk):
    """The term file is read a growing chunk at a time: records cut by a chunk's end are read again."""
    import kb.whoosh_backend.collect as collect

    monkeypatch.setattr(collect, "_FIRST_CHUNK", first_chunk)
    monkeypatch.setattr(collect, "_CHUNK", max(first_chunk, 4096))
    session = kb.session()
    for reader, _ in Engine(session.searcher, session.table.live).segments:
        for field, prefix in [("fold", b"v"), ("content", b"verw"), ("fold", b""), ("title", b"t")]:
            records = collect.segment_term_records(reader, field, prefix)
            assert [t for t, _, _ in records] == list(reader.expand_prefix(field, prefix))
            assert [df for _, df, _ in records] == [reader.doc_frequency(field, t) for t, _, _ in records]
