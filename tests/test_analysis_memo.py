"""The memoised folded-field filter indexes exactly what the three chained filters index."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kb import compound
from kb.analysis import chained_fold_analyzer, fold_analyzer, index_forms

_WORDS = sorted(
    {
        w
        for f in (Path(__file__).parent.parent / "corpus" / "documents").glob("*.txt")
        for w in re.findall(r"\w+", f.read_text(encoding="utf-8"))
    }
) + ["Kunststoffnetzwerk", "Schülerlabor", "Trekantområdet", "Funktion", "Qualitätsmanagement", "Straße"]


def _tokens(analyzer, text: str, mode: str) -> list[str]:
    return [t.text for t in analyzer(text, mode=mode)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_WORDS), st.text(alphabet="aäöüßæøåKS .'-", max_size=14)), max_size=20)
)
def test_the_memoised_filter_yields_what_the_chain_yields(words):
    text = " ".join(words)
    for mode in ("index", "query"):
        assert _tokens(fold_analyzer(), text, mode) == _tokens(chained_fold_analyzer(), text, mode)


def test_the_memo_is_kept_per_set_of_protected_words():
    with compound.protecting(compound.protected_words(["Netzwerkkunststoff"])):
        first = index_forms("netzwerkkunststoff")
    with compound.protecting(compound.protected_words(["Netzwerk", "Kunststoff", "Netzwerkkunststoff"])):
        second = index_forms("netzwerkkunststoff")
        assert list(second) == _tokens(chained_fold_analyzer(), "netzwerkkunststoff", "index")
    assert "kunststoff" in second and "kunststoff" not in first
    assert compound.current_protection() == frozenset()


def test_two_archives_with_different_vocabularies_split_words_each_their_own_way(tmp_path):
    """The protected words belong to each knowledge base's calls, not to the process: an archive whose
    vocabulary names "Fahrradwerkstatt" keeps it whole, while one beside it splits it."""
    from kb.api import KnowledgeBase
    from kb.models import Document, SearchRequest

    def archive(name: str, terms: list[str]) -> KnowledgeBase:
        corpus = tmp_path / name / "corpus"
        corpus.mkdir(parents=True)
        entry = {"id": "material", "labels": {"de": terms[0]}, "terms": {"de": terms}}
        (corpus / "vocabulary.json").write_text(json.dumps({"topics": [entry]}), encoding="utf-8")
        kb = KnowledgeBase(tmp_path / name / "index", corpus, semantic=False)
        kb.write(
            [
                Document(
                    id="d",
                    source="d.txt",
                    title="Bericht",
                    text="Die Fahrradwerkstatt ist neu.",
                    language="de",
                )
            ]
        )
        return kb

    whole = archive("whole", ["Fahrradwerkstatt"])
    split = archive("split", ["Fahrrad"])
    try:
        assert split.search(SearchRequest(text="Werkstatt")).total == 1
        assert whole.search(SearchRequest(text="Werkstatt")).total == 0
        assert split.search(SearchRequest(text="Werkstatt")).total == 1  # asked again, after the other
    finally:
        whole.close()
        split.close()
