"""Folding: marks dropped and transliterated, and cognate keys shared by words spelt alike across languages."""

from __future__ import annotations

import pytest

from kb.folding import MAX_SPELLINGS, cognate_key, fold, spellings, transliterate, variants


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


# -- spellings: umlauts and æøå put back, for phrases -----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "spelt"),
    [
        ("saeulen", "säulen"),
        ("saulen", "säulen"),
        ("fur", "für"),
        ("vaerdi", "værdi"),
        ("omraadet", "området"),
        ("strasse", "straße"),
        ("oeffnen", "öffnen"),
        ("forste", "første"),
    ],
)
def test_a_word_typed_without_its_letters_has_its_spelling_among_its_spellings(typed, spelt):
    found = spellings(typed)
    assert found[0] == typed and spelt in found


def test_spellings_are_bounded():
    assert len(spellings("a" * 60)) <= MAX_SPELLINGS
    assert spellings("netzwerk") == ["netzwerk"]


def _phrase_kb(tmp_path):
    from kb.api import KnowledgeBase
    from kb.models import Document
    from tests.conftest import vocabulary_only_corpus

    kb = KnowledgeBase(tmp_path / "index", vocabulary_only_corpus(tmp_path / "corpus"))
    kb.write(
        [
            Document(
                "bars",
                "t/bars.txt",
                "Diagrammtyp Säulen und Balken",
                "Säulen und Balken zeigen Werte nebeneinander. Für alle Fälle.",
                "de",
            ),
            Document(
                "rev", "t/rev.txt", "Vergleich", "Balken und Säulen im Vergleich, fur alle Fälle. Øl.", "de"
            ),
            Document(
                "far",
                "t/far.txt",
                "Statik",
                "Säulen tragen Lasten über weite Spannen, nicht Balken. Öl.",
                "de",
            ),
        ]
    )
    return kb


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Saeulen und Balken"', ["bars"]),
        ('"Saulen und Balken"', ["bars"]),
        ('Diagrammtyp "Saeulen und Balken"', ["bars"]),
        ('"und Saeulen"', ["rev"]),  # still a phrase: the words in this order
        ('"fur alle Falle"', ["rev"]),  # "fur" is in the index as typed: not also "für"
    ],
)
def test_a_phrase_finds_its_words_typed_without_umlauts(tmp_path, text, expected):
    from kb.models import SearchRequest

    kb = _phrase_kb(tmp_path)
    page = kb.search(SearchRequest(text=text))
    assert sorted(h.id for h in page.hits) == sorted(expected)
    assert all("«" in h.fragments[0].marked() for h in page.hits)  # the words highlighted as spelt
    kb.close()


def test_the_nearness_bonus_knows_words_typed_without_umlauts(tmp_path):
    from whoosh import query as Q

    from kb.models import SearchRequest
    from kb.whoosh_backend.engine import _split_bonus

    kb = _phrase_kb(tmp_path)
    session = kb.session()
    for text, spelt in (
        ("Saeulen Balken", [["säulen", "balken"]]),
        ("Ol Balken", [["öl", "balken"], ["øl", "balken"]]),
    ):
        _, phrases = _split_bonus(session.plan(text, SearchRequest()).query)
        assert [p.words for p in phrases] == spelt and all(type(p) is Q.Phrase for p in phrases)
    kb.close()
