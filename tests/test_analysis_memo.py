"""The memoised folded-field filter indexes exactly what the three chained filters index."""

from __future__ import annotations

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


def test_the_memo_is_cleared_when_the_protected_words_change():
    before = compound._protected
    try:
        compound.set_protected_words(["Netzwerkkunststoff"])
        first = index_forms("netzwerkkunststoff")
        compound.set_protected_words(["Netzwerk", "Kunststoff", "Netzwerkkunststoff"])
        second = index_forms("netzwerkkunststoff")
        assert list(second) == _tokens(chained_fold_analyzer(), "netzwerkkunststoff", "index")
        assert "kunststoff" in second and "kunststoff" not in first
    finally:
        compound._protected = frozenset()
        compound.set_protected_words(before)
