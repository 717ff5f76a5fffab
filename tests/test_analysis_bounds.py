"""Analysis has bounds, and a document the index cannot take is left out alone.

A giant "word" is cut to MAX_WORD_CHARS and never split into compound parts; analysing a document
for the index has a deadline (KB_INDEX_TIMEOUT_S); a document whose analysis fails is reported by
KnowledgeBase.write and the rest of its batch is written, in one process or in the writer's processes.
"""

from __future__ import annotations

import pytest

from kb import compound
from kb.analysis import MAX_WORD_CHARS, exact_analyzer, fold_analyzer, stem_analyzer
from kb.api import PARALLEL_WRITE_MIN
from kb.errors import DocumentNotIndexedError
from kb.models import SearchRequest
from tests.conftest import doc

GIANT = "kunststoff" * 800  # 8,000 letters: one word


def _ids(kb, text: str) -> list[str]:
    return sorted(h.id for h in kb.search(SearchRequest(text=text, page_size=50)).hits)


def _terms(kb, field: str) -> list[str]:
    with kb._ix.reader() as reader:
        return [t.decode("utf-8") for t in reader.lexicon(field)]


@pytest.mark.parametrize(
    "analyzer", [exact_analyzer(), fold_analyzer(), stem_analyzer("de")], ids=["exact", "fold", "stem"]
)
def test_a_word_of_8000_letters_is_cut_by_every_analyzer(analyzer):
    for mode in ("index", "query"):
        tokens = [t.text for t in analyzer(GIANT, mode=mode)]
        assert tokens and all(len(t) <= MAX_WORD_CHARS for t in tokens)
        assert tokens[0].startswith(GIANT[: MAX_WORD_CHARS - 4])


def test_a_word_longer_than_any_compound_is_not_split():
    assert compound.split(GIANT) == ()
    assert compound.spelled_parts(GIANT) == ()
    assert compound.split("kunststoff" * 7) == ()  # 70 letters: over MAX_WORD
    assert compound.split("kunststoffnetzwerk") == ("kunststoff", "netzwerk")


def test_the_index_holds_no_term_longer_than_the_limit(kb_empty):
    kb_empty.write(
        [doc("giant", f"Vorher {GIANT} nachher", language="de"), doc("long", "x" * 150, language="en")]
    )
    for field in ("content", "fold", "stem_de", "stem_en"):
        longest = max(_terms(kb_empty, field), key=len)
        assert len(longest) <= MAX_WORD_CHARS + 1  # +1: the mark of a cognate key
    assert _ids(kb_empty, GIANT[:900]) == ["giant"]  # the word searched is cut alike
    assert _ids(kb_empty, "x" * 150) == ["long"]
    assert _ids(kb_empty, "nachher") == ["giant"]


def test_a_document_that_cannot_be_indexed_is_left_out_and_the_others_are_written(kb_empty):
    failed: list[tuple[str, str]] = []
    written = kb_empty.write(
        [doc("good", "Kunststoff im Netzwerk"), doc("bad", "Geisterwort", year=10**10), doc("giant", GIANT)],
        on_failure=lambda doc_id, reason: failed.append((doc_id, reason)),
    )
    assert written == 2
    assert sorted(kb_empty.checksums()) == ["giant", "good"]
    assert [doc_id for doc_id, _ in failed] == ["bad"]
    reason = failed[0][1]
    assert reason.startswith("bad: cannot be indexed: ") and "out of range" in reason and "\n" not in reason


def test_a_document_that_fails_leaves_none_of_its_words_behind(kb_empty):
    kb_empty.write(
        [doc("bad", "Geisterwort Spukwort", year=-1), doc("next", "Anderes Wort")],
        on_failure=lambda doc_id, reason: None,
    )
    assert _ids(kb_empty, "Geisterwort") == []
    assert "geisterwort" not in _terms(kb_empty, "content")
    assert _ids(kb_empty, "Anderes") == ["next"]
    assert kb_empty.get("next").text == "Anderes Wort"


def test_without_on_failure_the_refusal_is_raised_after_the_others_are_committed(kb_empty):
    with pytest.raises(DocumentNotIndexedError) as exc:
        kb_empty.write([doc("ok", "Netzwerk"), doc("bad", "Wort", year=2**40)])
    assert list(exc.value.failed) == ["bad"]
    assert sorted(kb_empty.checksums()) == ["ok"]


def test_a_replacement_that_fails_keeps_the_indexed_version(kb_empty):
    kb_empty.write([doc("same", "Erste Fassung", year=2020)])
    failed = []
    kb_empty.write([doc("same", "Zweite Fassung", year=10**12)], on_failure=lambda i, r: failed.append(i))
    assert failed == ["same"]
    assert kb_empty.get("same").text == "Erste Fassung"
    assert _ids(kb_empty, "Erste") == ["same"]


def test_the_writer_processes_report_a_document_they_cannot_index(kb_empty):
    docs = [doc(f"d{i:04d}", f"Text {i} über Kunststoffnetzwerke") for i in range(PARALLEL_WRITE_MIN)]
    docs.insert(500, doc("bad", "Geisterwort", year=10**10))
    failed: dict[str, str] = {}
    written = kb_empty.write(docs, procs=2, on_failure=failed.__setitem__)
    assert written == PARALLEL_WRITE_MIN
    assert list(failed) == ["bad"] and "out of range" in failed["bad"]
    assert len(kb_empty.checksums()) == PARALLEL_WRITE_MIN  # no document of the batch was lost
    assert _ids(kb_empty, "Geisterwort") == []


def test_analysis_past_its_deadline_fails_that_document_only(kb_empty, monkeypatch):
    monkeypatch.setenv("KB_INDEX_TIMEOUT_S", "0.5")
    big = " ".join(f"wort{i} kunststoff{i}netzwerk" for i in range(400_000))  # seconds of analysis
    failed: dict[str, str] = {}
    kb_empty.write([doc("small", "Kleines Dokument"), doc("big", big)], on_failure=failed.__setitem__)
    assert list(failed) == ["big"]
    assert "took longer than 0.5 s" in failed["big"]
    assert sorted(kb_empty.checksums()) == ["small"]
