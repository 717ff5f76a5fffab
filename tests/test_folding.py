"""Folding: marks dropped and transliterated, and cognate keys shared by words spelt alike across languages."""

from __future__ import annotations

import pytest

from kb.folding import cognate_key, fold, transliterate, variants


@pytest.mark.parametrize(
    ("word", "folded", "transliterated"),
    [
        ("Schülerlabor", "schulerlabor", "schuelerlabor"),
        ("Trekantområdet", "trekantomradet", "trekantomraadet"),
        ("Øst", "ost", "oest"),
        ("Straße", "strasse", "strasse"),
        ("Plæne", "plaene", "plaene"),
        ("café", "cafe", "cafe"),
    ],
)
def test_words_fold_with_marks_dropped_and_transliterated(word, folded, transliterated):
    assert (fold(word), transliterate(word)) == (folded, transliterated)


def test_a_word_without_special_letters_has_one_variant():
    assert variants("Netzwerk") == ("netzwerk",)
    assert variants("Schüler") == ("schuler", "schueler")


# -- cognate keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "key"),
    [
        (("Kriterier", "criteria", "Kriterien", "criteria"), "krite"),
        (("Diagramm", "diagram", "Diagrammen"), "diagr"),
        (("Nummerierung", "nummerering", "nummering"), "numer"),
        (("Funktion", "functie", "function", "funktion"), "funkt"),
        (("Tabelle", "tabel", "Tabellen"), "tabel"),
        (("Qualität", "kvalitet", "kwaliteit", "quality"), "kvali"),
        (("Schema", "skema"), "skema"),
        (("Technik", "teknik", "techniek"), "tekni"),
        (("Zentrum", "centrum"), "sentr"),
        (("Text", "tekst", "teksten"), "tekst"),
        (("Externe", "eksterne", "external"), "ekste"),
        (("Formular", "formular", "formulier"), "formu"),
    ],
)
def test_cognates_share_a_key(words, key):
    assert {cognate_key(w) for w in words} == {key}


@pytest.mark.parametrize(("a", "b"), [("Kunststoff", "plast"), ("Tabelle", "table"), ("Netzwerk", "netværk")])
def test_words_spelt_differently_have_different_keys(a, b):
    assert cognate_key(a) != cognate_key(b)


@pytest.mark.parametrize("word", ["Zelle", "Tab", "4.0", "H2O-Anlage", ""])
def test_short_words_and_words_with_digits_have_no_key(word):
    assert cognate_key(word) is None
