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


# -- documents of other kinds stay "other", even when they talk about meetings, projects or the press ----


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (  # association statutes: a general assembly with an agenda and minutes is not a meeting's minutes
            "DDSC vedtægter",
            "§ 1 Navn og hjemsted. Foreningens navn er DDSC.\n§ 5 Generalforsamling. Dagsorden for den ordinære "
            "generalforsamling: 1. Valg af dirigent. 2. Beretning. Der føres referat, som underskrives af "
            "dirigenten. Deltagere har stemmeret.",
        ),
        (
            "Satzung des Kunststoffnetzwerks e. V.",
            "§ 1 Name und Sitz\n§ 7 Mitgliederversammlung. Die Tagesordnung wird mit der Einladung versandt. "
            "Über die Versammlung ist ein Protokoll zu fertigen. Teilnehmer sind alle Mitglieder.",
        ),
        (
            "Antrag auf Förderung eines Kooperationsprojekts",
            "Antragsteller: Name, Anschrift. Projekt: Titel. Ziel des Projekts: bitte beschreiben. Laufzeit: "
            "von – bis. Maßnahmen: … Zutreffendes ankreuzen. Datum, Unterschrift",
        ),
        (
            "Einladung",
            "Sehr geehrte Damen und Herren, wir laden Sie zum Projekttreffen ein. Das Projekt stellt seine Ziele "
            "vor. Mit freundlichen Grüßen, Ihr Netzwerkteam",
        ),
        ("Jahresbericht 2022", "Das Netzwerk hat im Projekt Lernfabrik seine Ziele erreicht. Projekte: 4."),
        ("Lebenslauf", "Persönliche Daten. Berufserfahrung: Projektleiter im Netzwerk. Ziele: Führung."),
        ("TIME", "TIME returns the current time value from values for hours, minutes and seconds."),
        (
            "Agenda Wizard - Names",
            "Specifies the names to be printed on the agenda. Choose File - Wizards - Agenda - Names. "
            "Click to select the meeting type.",
        ),
        (
            "Rahmenvertrag",
            "Vertragspartner: Auftraggeber und Auftragnehmer. Gegenstand des Vertrags ist das Projekt.",
        ),
        ("Merkblatt über Gebühren", "Gebührenverzeichnis. Die Gebühr für den Antrag beträgt 40 Euro."),
    ],
)
def test_statutes_forms_letters_reports_and_help_pages_are_other(title, text):
    assert classify_doctype(text, title) == "other"


def test_minutes_that_mention_statutes_and_an_application_are_still_minutes():
    text = (
        "Teilnehmer: Vorstand und 23 Mitglieder.\nTOP 1 Begrüßung\nTOP 2 Bericht des Vorstands\n"
        "TOP 3 Antrag auf Änderung der Satzung: angenommen.\nNächstes Treffen im Herbst."
    )
    assert classify_doctype(text, "Protokoll der Mitgliederversammlung") == "minutes"


def test_a_news_text_without_a_strong_cue_is_other():
    text = (
        "Die Zahl der Auszubildenden in der Region ist gestiegen. Die Betriebe melden mehr Ausbildungsplätze. "
        "Im Projekt Lernfabrik arbeiten Schulen mit."
    )
    assert classify_doctype(text, "Mehr Ausbildungsplätze in der Region") == "other"


# Issue 25: Danish COVID news typed "project description", a German help page typed "minutes".
@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Nye restriktioner skal bremse smitten",
            "Regeringen har i dag præsenteret en række initiativer, der skal bremse smitten med corona. "
            "Målet er at beskytte de ældre. Indsatsen gælder fra mandag, og projektet med testcentre udvides. "
            "Sundhedsministeren forventer, at tiltagene virker inden for to uger.",
        ),
        (
            "Vorlagen für Besprechungen",
            "Wählen Sie Datei - Neu - Vorlagen und die Vorlage Agenda. Tragen Sie die Teilnehmer in die "
            "Tabelle ein; die Änderungen werden protokolliert. Klicken Sie auf OK.",
        ),
        (
            "Protokollierung der Makros",
            "Das Makro-Protokollierung speichert jeden Befehl. Öffnen Sie das Menü Extras, Registerkarte "
            "Sicherheit, und wählen Sie die Stufe. Drücken Sie Strg+F11.",
        ),
        ("Projekt", "Ein Projekt mit Zielen."),
    ],
)
def test_weak_evidence_is_other(title, text):
    assert classify_doctype(text, title) == "other"
