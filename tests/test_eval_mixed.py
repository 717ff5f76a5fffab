"""The mixed-archive evaluation (eval/mixed.py): how a first page is scored, which documents are on topic
by construction, the half-embedded copy of an index, and the rows it adds to docs/meaning.md's block."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # eval/ is not an installed package

from eval import targets
from eval.mixed import (
    SCOPES,
    Archive,
    MixedResult,
    PageScore,
    TopicQuery,
    _libreoffice,
    _scoped,
    _xquad,
    embedded_half,
    evaluate,
    markdown,
    mixed_indexes,
    score_page,
    searcher,
    summary,
)
from eval.xquad import article, xquad_available, xquad_documents
from kb.models import Document
from kb.semantic import model


def _query(on, target, scope="all", languages=()) -> TopicQuery:
    return TopicQuery("q", "xquad", scope, "en", "text", languages, frozenset(on), frozenset(target), "tune")


def test_a_page_is_scored_by_its_on_topic_results_and_meanings_noise():
    q = _query({"a", "b", "c"}, {"b"})
    page = [("x", "meaning"), ("a", "meaning"), ("b", "words"), ("y", "words"), ("z", "meaning")]
    s = score_page(page, q)
    assert (s.shown, s.on_topic, s.meaning, s.noise, s.target_rank) == (5, 2, 3, 2, 3)
    assert s.precision == pytest.approx(0.4)
    assert score_page([], q).precision is None
    assert score_page([("b", "both")] + [(f"n{i}", "meaning") for i in range(15)], q).shown == 10


def test_summary_keeps_empty_pages_apart_and_counts_noise_over_results_shown():
    scores = [PageScore(4, 4, 0, 0, 1), PageScore(0, 0, 0, 0, None), PageScore(6, 3, 4, 2, 5)]
    s = summary(scores)
    assert s["n"] == 3
    assert s["precision"] == pytest.approx((1.0 + 0.5) / 2)  # the empty page has no precision
    assert s["empty"] == pytest.approx(1 / 3)
    assert s["noise"] == pytest.approx(2 / 10)
    assert s["meaning"] == pytest.approx(4 / 10)
    assert s["success@3"] == pytest.approx(1 / 3)


def test_a_scope_keeps_the_on_topic_documents_of_its_languages():
    on = {"de-1": "de", "en-1": "en", "da-1": "da"}
    scoped = {q.scope: q for q in _scoped("id", "libreoffice", "de", "Titel", "tune", on, on)}
    assert set(scoped) == set(SCOPES)
    assert scoped["all"].languages == () and scoped["all"].on_topic == set(on)
    assert scoped["within"].languages == ("de",) and scoped["within"].on_topic == {"de-1"}
    assert scoped["across"].languages == ("da", "en") and scoped["across"].on_topic == {"en-1", "da-1"}
    only = _scoped("id", "law", "de", "x", "tune", {"de-1": "de"}, {"de-1": "de"}, ("all",))
    assert [q.scope for q in only] == ["all"]
    assert not _scoped("id", "xquad", "de", "x", "tune", {"de-1": "de"}, {"de-1": "de"}, ("across",))


@pytest.mark.skipif(not xquad_available(), reason="../shared/data/xquad-dev is missing")
def test_xquad_questions_are_on_topic_in_their_article_in_every_language():
    docs = xquad_documents()
    queries = _xquad(docs)
    ids = {d.id for d in docs}
    assert {q.split for q in queries} == {"tune", "held-out"}
    for q in queries:
        assert q.target <= q.on_topic <= ids
        articles = {article(d.split("/", 1)[1]) for d in q.on_topic}
        assert len(articles) == 1
        languages = {d.split("/", 1)[1].split("-")[0] for d in q.on_topic}
        expected = {"all": {"de", "en"}, "within": {q.lang}, "across": {"de", "en"} - {q.lang}}[q.scope]
        assert languages == expected, q


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "shared/data/libreoffice-help/de.jsonl").exists(),
    reason="../shared/data/libreoffice-help is missing",
)
def test_libreoffice_titles_are_on_topic_in_the_same_page_only():
    docs, queries = _libreoffice()
    ids = {d.id for d in docs}
    for q in queries:
        assert q.on_topic <= ids and q.target == q.on_topic
        assert len({d.rsplit("/", 1)[1] for d in q.on_topic}) == 1  # one page
        assert len(q.on_topic) == {"all": 4, "within": 1, "across": 3}[q.scope]


DOCS = [
    Document("de-bees", "t/1", "Imkerei im Schulgarten", "Unsere Honigbienen sammeln Nektar.", "de"),
    Document("en-bees", "t/2", "Bees in the school garden", "Our honey bees collect nectar.", "en"),
    Document("de-board", "t/3", "Vorstandssitzung", "Der Vorstand beschließt den Haushalt.", "de"),
    Document("en-board", "t/4", "Board meeting", "The board decides on the budget.", "en"),
    Document("de-fair", "t/5", "Kunststoffmesse", "Die Messe zeigt neue Maschinen für Kunststoff.", "de"),
    Document("en-fair", "t/6", "Plastics fair", "The fair shows new machines for plastics.", "en"),
]


@pytest.mark.skipif(not model.available(), reason="the embedding model is not installed")
def test_the_half_embedded_copy_has_the_vectors_of_half_the_documents(tmp_path):
    bees = frozenset({"de-bees", "en-bees"})
    query = TopicQuery("bees", "xquad", "all", "en", "honey bees", (), bees, bees, "tune")
    archive = Archive(list(DOCS), [query])
    kb, half = mixed_indexes(
        tmp_path / "mixed", archive, log=lambda _: None, embed=lambda kb: kb.embed_pending()
    )
    try:
        assert kb.embedding_progress() == (len(DOCS), len(DOCS))
        expected = sum(embedded_half(d.id) for d in DOCS)
        assert 0 < expected < len(DOCS)  # the stable half of these ids is a real half
        assert half.embedding_progress() == (expected, len(DOCS))
        pages = evaluate(
            archive.queries, {"ours": searcher(kb), "−sem": searcher(kb, False), "half": searcher(half)}
        )
        ours = pages["ours"]["bees"]
        assert ours.target_rank == 1 and ours.on_topic >= 1
        assert pages["−sem"]["bees"].meaning == 0  # words alone find nothing by meaning
        assert half.embedding_progress() == (expected, len(DOCS))  # searching it embedded nothing
    finally:
        kb.close()
        half.close()
    result = MixedResult("tune", len(DOCS), archive.queries, pages, 1.0, (expected, len(DOCS)))
    table = result.table()
    assert table[("all", "all")]["ours"]["success@3"] == 1.0
    assert "| all | **all** | 1 |" in markdown(result)
    from eval.run import report

    assert markdown(result) in report([], result)  # make eval's results.md carries the table
    rows = targets._mixed_rows(result, "tune")
    assert len(rows) == 2 and all("mixed archive, tune" in r for r in rows)
    assert f"| {table[('all', 'all')]['ours']['precision']:.3f} (" in rows[0]
    assert "not measured |" in targets._mixed_rows(None, "tune")[0]


def test_the_block_says_how_long_the_whole_run_took_beside_the_embedding_rate():
    """The run's minutes and `kb embed`'s paragraphs/s are two figures (the second once overwrote the first)."""
    block = targets.render([], "abc1234", (240, 30.0), "held-out", None, 1800.0)
    assert "took 30.0 minutes" in block
    assert "| 8.00 |" in block  # 240 paragraphs in 30 s


def test_a_report_block_is_appended_once_then_replaced_and_the_page_around_it_kept(tmp_path) -> None:
    from eval import run, targets

    page = tmp_path / "page.md"
    page.write_text("# Page\n\nText before.\n", encoding="utf-8")
    run.write_engine_block(page, "first figures")
    run.write_engine_block(page, "second figures")
    targets.write_block(page, "eval figures")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Page\n\nText before.\n")
    assert "first figures" not in text and text.count("second figures") == 1
    assert text.count(run.ENGINE_BEGIN) == 1 and text.count(targets.BEGIN) == 1
    assert text.index(run.ENGINE_END) < text.index("### Issue 22's figures") < text.index("eval figures")
