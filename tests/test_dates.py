"""Finding the date a document states for itself, in German, Danish, Dutch and English."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata.dates import find_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zusammenfassung des virtuellen Treffens am 31.03.2020", "2020-03-31"),
        ("Protokoll vom 1.4.2020", "2020-04-01"),
        ("Berlin, 18. November 2021", "2021-11-18"),
        ("Fredericia, den 3. marts 2015", "2015-03-03"),
        ("Vergadering van 3 maart 2015", "2015-03-03"),
        ("Published March 31, 2020", "2020-03-31"),
        ("Minutes of 31 March 2020", "2020-03-31"),
        ("Stand: 2020-03-31", "2020-03-31"),
        ("Newsletter Mai 2019", "2019-05"),
        ("Nyhedsbrev december 2018", "2018-12"),
        ("Plastindustrien har i år 2015 gennemført et netværksprojekt", "2015"),  # "i år": this year
        ("Annual report 2021", "2021"),
    ],
)
def test_date_in_the_heading_is_found(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Treffen am 31.02.2020",
        "Treffen am 32.01.2020",
        "Bericht 1949",
        f"Planung für {dt.date.today().year + 2}",
        "Donnerstag, 18. November",
        "Kunststoffnetzwerk Ems-Achse",
        "",
    ],
)
def test_impossible_or_unstated_dates_are_unknown(text):
    assert find_date(text) is None


def test_day_and_month_take_the_year_of_the_title():
    text = "Das Netzwerk wurde am Donnerstag, 18. November, in Berlin ausgezeichnet."
    assert find_date(text, "„Innovatives Netzwerk 2021“") == "2021-11-18"


def test_day_and_month_without_any_year_leave_the_title_year():
    assert find_date("Treffen am 18. November in Berlin.", "Jahresbericht 2021") == "2021-11-18"
    assert find_date("Treffen am 18. November in Berlin.", "Jahresbericht") is None


BODY = "\n".join(f"Absatz {n} über das Netzwerk und seine Unternehmen." for n in range(10))


def test_a_year_mentioned_in_passing_does_not_date_the_document():
    text = "Kunststoffnetzwerk\n\n" + BODY + "\nBereits seit dem Jahr 2007 lädt das Netzwerk ein.\n" + BODY
    assert find_date(text) is None


def test_reference_dates_in_the_body_lose_to_the_heading_date():
    text = (
        "Protokoll\nZusammenfassung des Treffens am 31.03.2020\n"
        + BODY
        + "\nZuschlag für ein neues Projekt ab dem 01.07.2020 erhalten.\n"
        + "Neuordnung tritt am 01.08.2020 in Kraft.\n"
        + BODY
    )
    assert find_date(text) == "2020-03-31"


def test_a_full_date_in_the_body_dates_an_undated_heading():
    text = "Kunststoffnetzwerk\n" + BODY + "\nDas Treffen fand am 24.09.2019 in Heilbronn statt.\n" + BODY
    assert find_date(text) == "2019-09-24"


def test_the_heading_date_beats_the_sign_off_date():
    text = "Zusammenfassung des Treffens am 31.03.2020\n" + BODY + "\n**Protokoll:** RB Ost, 01.04.2020"
    assert find_date(text) == "2020-03-31"


def test_the_sign_off_date_dates_a_document_without_heading_date():
    text = "Netzwerktreffen\n" + BODY + "\n**Protokoll:** RB Ost / RB Süd, 01.04.2020"
    assert find_date(text) == "2020-04-01"


def test_the_title_date_beats_dates_in_the_text():
    assert find_date(BODY + "\nam 24.09.2019", "Pressemitteilung vom 5. Mai 2020") == "2020-05-05"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berlin, 1.+2. Dezember 2020", "2020-12-02"),
        ("Treffen am 24./25.09.2019", "2019-09-25"),
        ("Udgivet 5. jan. 2016", "2016-01-05"),
        ("Published on 5th May 2020", "2020-05-05"),
        ("Notulen 12 okt 2017", "2017-10-12"),
    ],
)
def test_unusual_spellings_are_read(text, expected):
    assert find_date(text) == expected


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=400), title=st.one_of(st.none(), st.text(max_size=60)))
def test_find_date_never_raises_and_returns_iso(text, title):
    result = find_date(text, title)
    assert result is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", result)


@settings(max_examples=150, deadline=None)
@given(day=st.integers(1, 31), month=st.integers(1, 12), year=st.integers(1950, 2025))
def test_numeric_dates_are_valid_or_unknown(day, month, year):
    result = find_date(f"Treffen am {day}.{month}.{year}")
    try:
        expected = dt.date(year, month, day).isoformat()
    except ValueError:
        expected = None
    assert result == expected


# -- what a document states about itself, and what it does not -------------------------------------

FILLER = "\n".join(f"Absatz {n} über das Netzwerk, seine Betriebe und die Ausbildung." for n in range(8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fredericia, den 3. marts 2015 – Plastindustrien lancerer nye netværkstilbud", "2015-03-03"),
        ("Referat af bestyrelsesmøde den 12. januar 2022", "2022-01-12"),
        ("Notulen van de algemene ledenvergadering van 14 juni 2023", "2023-06-14"),
        ("Berlin, 18.11.2021 – Die Wachstumsregion Ems-Achse wird ausgezeichnet.", "2021-11-18"),
        ("Pressemitteilung Nr. 12/2023 vom 4. Mai 2023", "2023-05-04"),
        ("Datum | 12.03.2024\nOrt | Lingen", "2024-03-12"),
        (f"Jahresbericht\n{FILLER}\nDie Mitgliederversammlung fand am 24.09.2019 in Lingen statt.\n{FILLER}", "2019-09-24"),
        (f"Netzwerktreffen\n{FILLER}\nLingen, den 4. Mai 2022", "2022-05-04"),
        (f"Nyhedsbrev\n{FILLER}\nVejle, 3. februar 2020", "2020-02-03"),
    ],
)  # fmt: skip
def test_real_datelines_headings_and_sign_offs(text, expected):
    assert find_date(text) == expected


HELP_PAGE = """Dienst ScriptForge.String (SF_String)
Der Dienst String stellt eine Sammlung von Methoden zur Verarbeitung von Zeichenfolgen bereit.
Diese Methode prüft das Format.
{body}
Eigenschaften
Das Objekt hat keine Eigenschaften."""


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ('MsgBox SF_String.IsADate("2020-12-31", "YYYY-MM-DD") \' True', None),
        ('s_date = "2020-12-31"\nresult = svc.IsADate(s_date) # True', None),
        ("someDay = DateSerial(2021, 01, 01)\n' Das Datum 1. Januar 2021 war ein Freitag", None),
        ("Wenn Sie zum Beispiel am 1.1.2020 eingeben, wird das Datum als Zahl gespeichert.", None),
        ("A man was born on 1974-04-17. Today is 2012-06-13.", None),
        ("Die Abfrage liefert Daten, die vor dem 10. Januar 2001 liegen.", None),
        ("Umsatz | 2019 | 2020 | 2021\nMitglieder | 40 | 44 | 51", None),
        ("2019 2020 2021 2022\n12,5 14,1 15,0 16,2", None),
        ("ODF 1.2\n30.09.2011\nOpenOffice.org 3, StarOffice 9", None),
        ("Seit Version 2020.1 ist die Funktion nach DIN EN ISO 9001:2015 geprüft.", None),
        ("\n".join(f"Am {d}.05.2019 traf sich die Gruppe." for d in range(1, 9)), None),  # a chronology
    ],
)
def test_code_examples_tables_and_version_numbers_do_not_date_a_document(body, title):
    assert find_date(HELP_PAGE.format(body=body), title) is None


@pytest.mark.parametrize(
    "text",
    [
        "Legt die Einstellungen zum Importieren einer Datenbank im Microsoft Access 2007-Format fest.\n"
        + FILLER,
        "Zertifiziert nach ISO 14001:2015\n" + FILLER,
        "Version 2021.2 der Software\n" + FILLER,
    ],
)
def test_years_in_product_names_and_standards_at_the_top_are_not_dates(text):
    assert find_date(text) is None


# Issue 25: news items were dated 1956–2005 by years their text mentions. The first two sentences were
# once expected to date their document (the year of an event the text reports is not its own date).
@pytest.mark.parametrize(
    "text",
    [
        "Im Jahr 2021 wurde das Netzwerk ausgezeichnet",
        "Het netwerk is in 2019 opgericht",
        "Seit 1999 bildet der Verband in der Region aus.\n\nMehr Text über die Ausbildung.",
        "Neue Halle für den Verein\n\nDer Verein wurde im Jahr 2005 gegründet und hat heute 300 Mitglieder.",
        "The company, founded in 1956, opens a new plant.\n\nMore text about the plant.",
        "Firmenjubiläum\nSeit März 1999 in Lingen\nDie Firma feiert.",
        "Nyt anlæg\nVirksomheden blev grundlagt i 1972 og har i dag 40 ansatte.",
        "Zukunft\nBis 2030 will die Region klimaneutral sein.",
    ],
)
def test_years_in_passing_never_date_the_document(text):
    assert find_date(text) is None


@pytest.mark.parametrize(
    ("text", "title", "expected"),
    [
        ("Lingen, 12. März 2021 – Der Verband, seit 1999 aktiv, lädt ein.", None, "2021-03-12"),
        ("Seit 1999 bildet der Verband aus.", "Pressemitteilung vom 4.5.2022", "2022-05-04"),
        ("Protokoll der Sitzung vom 24.09.2019\n\nDer Verein wurde 1956 gegründet.", None, "2019-09-24"),
        ("Jahresbericht 2021\n\nDas Netzwerk besteht seit 2005.", None, "2021"),
        ("Text ohne Datum.", "Tite diz que errou ao levar taça a Lula em 2012", None),
    ],
)
def test_the_documents_own_date_wins_over_years_in_passing(text, title, expected):
    assert find_date(text, title) == expected
