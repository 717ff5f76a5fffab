"""The kind of document from cues in German, Danish, Dutch and English."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata.doctype import classify_doctype
from kb.models import DOCTYPES


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Protokoll der Sitzung", "Teilnehmer: A, B. Tagesordnung: TOP 1 Begrüßung, TOP 2 Finanzen."),
        (
            None,
            "Zusammenfassung des virtuellen Treffens am 31.03.2020\nKurze Vorstellungsrunde der Teilnehmer",
        ),
        ("Referat af bestyrelsesmøde", "Deltagere: A, B. Afbud: C. Dagsorden: 1. Velkomst."),
        ("Notulen", "Aanwezig: Jan, Piet. Afwezig: Klaas. Agendapunt 1: opening."),
        ("Minutes of the steering group", "Attendees: A, B. Apologies: C. Agenda item 1."),
    ],
)
def test_minutes_are_recognised(title, text):
    assert classify_doctype(text, title) == "minutes"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Pressemitteilung", "Das Netzwerk stellt heute sein neues Angebot vor."),
        (None, "Berlin, 18. November 2021 – Der Bundesarbeitsminister ehrt vier Netzwerke."),
        (
            "Bundesarbeitsminister zeichnet „Wachstumsregion Ems-Achse“ aus",
            "„Im Laufe des Jahres wurde klar, dass Angebote wegbrechen“, erzählt Jens Stagnet.",
        ),
        (
            "Plastindustrien lancerer nye netværkstilbud",
            "– Jeg håber, at der bliver taget godt imod tilbuddet, fortæller Thomas Drustrup.",
        ),
        ("Persbericht", "Het netwerk lanceert een nieuw programma voor leerlingen."),
        (None, "FOR IMMEDIATE RELEASE\nThe network launches a new programme."),
        (None, "“We are proud of our apprentices,” says Anna Smith. “They did great,” said Anna Smith."),
    ],
)
def test_press_releases_are_recognised(title, text):
    assert classify_doctype(text, title) == "press-release"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Projektbeschreibung",
            "Ziel des Projekts: Fachkräfte sichern. Maßnahmen: Messen. Laufzeit: 2020–2022.",
        ),
        (
            "Nye initiativer i Trekantområdet",
            "Målet er at styrke innovation. DIMA sigter mod flere unge og arbejder målrettet med initiativer.",
        ),
        (
            "Projectbeschrijving",
            "Het doel van het project is samenwerking. Doelgroep: bedrijven. Looptijd: 2 jaar.",
        ),
        ("Project profile", "The project aims to train apprentices. Objectives: skills. Target group: SMEs."),
        (
            "Kunststoffnetzwerk Ems-Achse",
            "Das Kunststoffnetzwerk Ems-Achse organisiert jährlich eine Fahrt. Das Netzwerk ermöglicht "
            "den Auszubildenden einen Messebesuch. Der Lenkungsausschuss trifft sich.",
        ),
    ],
)
def test_project_descriptions_are_recognised(title, text):
    assert classify_doctype(text, title) == "project-description"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (None, ""),
        ("Rezept", "Zwei Eier, Mehl und Zucker verrühren."),
        ("Kontakt", "Telefon 0591 123456, E-Mail info@example.org"),
        # as strong for minutes as for a press release: nothing is clear
        (None, "Protokoll und Pressemitteilung"),
    ],
)
def test_unclear_documents_are_other(title, text):
    assert classify_doctype(text, title) == "other"


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400), title=st.one_of(st.none(), st.text(max_size=60)))
def test_classify_doctype_never_raises(text, title):
    assert classify_doctype(text, title) in DOCTYPES
