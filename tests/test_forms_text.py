"""kb/forms.py's folded_text (what the Solr backend sends to a folded field) is folded_terms joined by
spaces, whatever its memo of words as typed already holds and whichever words are protected."""

from __future__ import annotations

import random

from kb import compound, forms

TEXTS = [
    "Kunststoffnetzwerk Ems-Achse: Ausbildungsmesse in Lingen, Qualitätsmanagement!",
    "KUNSTSTOFFNETZWERK kunststoffnetzwerk Kunststoffnetzwerk",  # one word typed three ways
    "Genanvendelse af plast i Trekantområdet, Ærø og Ålborg; Straße, Strasse, STRASSE",
    "Kunststof-recycling in Nederland: de kringloopeconomie",
    "x" * 80 + " " + "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 2,  # past MAX_WORD
    "",
]


def test_folded_text_is_the_folded_terms_joined():
    rng = random.Random(5)
    words = " ".join(TEXTS).split()
    texts = TEXTS + [" ".join(rng.choices(words, k=12)) for _ in range(50)]
    for protected in (frozenset(), compound.protected_words(["Kunststoffnetzwerk", "Ems-Achse", "Lingen"])):
        with compound.protecting(protected):
            for _ in range(2):  # the second pass answers from the memo
                for text in texts:
                    assert forms.folded_text(text) == " ".join(forms.folded_terms(text)), text


def test_a_full_memo_starts_again_and_still_answers(monkeypatch):
    monkeypatch.setattr(forms, "MEMO_WORDS", 3)
    text = "eins zwei drei vier fünf sechs Kunststoffnetzwerk"
    assert forms.folded_text(text) == " ".join(forms.folded_terms(text))
    assert len(forms._joined[compound.current_protection()]) <= 3
