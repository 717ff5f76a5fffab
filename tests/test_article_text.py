"""The web-page text we ship: trafilatura's, with our reader's missed prose put back and chrome lines dropped."""

import pytest

from ingest.extractors.article import article_text, combine, is_chrome_line

LONG = (
    "Die Auszubildenden durchlaufen Stationen in mehreren Unternehmen, lernen Spritzguss, Extrusion "
    "und Qualitätsprüfung kennen und besuchen gemeinsame Lehrgänge in der Berufsschule."
)


def test_a_long_prose_paragraph_trafilatura_missed_comes_back_in_reading_order() -> None:
    primary = "Erster Absatz des Artikels.\nDritter Absatz des Artikels."
    ours = f"Erster Absatz des Artikels.\n\n{LONG}\n\nDritter Absatz des Artikels.\n\nKurzer Teaser."
    assert combine(primary, ours).split("\n\n") == [
        "Erster Absatz des Artikels.",
        LONG,
        "Dritter Absatz des Artikels.",
    ]


def test_short_or_unfinished_paragraphs_of_our_reader_are_not_added() -> None:
    ours = (
        "Erster Absatz des Artikels.\n\nMehr aus der Region und weitere Meldungen aus dem Landkreis\n\n"
        "Alle Termine.\n\n" + "Weitere Meldungen aus dem Landkreis und der Stadt " * 5
    )
    assert combine("Erster Absatz des Artikels.", ours) == "Erster Absatz des Artikels."


def test_a_short_sentence_trafilatura_dropped_stays_out() -> None:
    # tried: short sentences next to kept text; on the tune half it found one more article snippet and
    # on the report half it let two boilerplate snippets in, so it is not shipped
    ours = "Erster Absatz des Artikels.\n\nDer Bericht wurde einstimmig angenommen.\n\nZurück"
    assert combine("Erster Absatz des Artikels.", ours) == "Erster Absatz des Artikels."


def test_without_trafilatura_text_our_reader_is_used() -> None:
    assert combine("", f"{LONG}\n\nKontakt:") == LONG


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("Kontakt:", True),
        ("Weitere Informationen:", True),
        ("Quelle: Landesregierung", True),
        ("Mehr zum Thema auf example.de", True),
        ("Der Beitrag wurde am Mittwoch, den 27. November 2019 um 15:21 Uhr veröffentlicht und ...", True),
        ("This entry was posted in News on May 3, 2021.", True),
        ("Læs mere", True),
        ("Kontaktpersonen der Betriebe treffen sich zweimal im Jahr.", False),
        ("Quellen erneuerbarer Energie werden in der Region stärker genutzt, sagt der Bürgermeister.", False),
        ("Nächste Schritte", False),
    ],
)
def test_chrome_lines(line: str, chrome: bool) -> None:
    assert is_chrome_line(line) is chrome


def test_article_text_of_a_real_page_made_here() -> None:
    page = (
        "<html><body><nav><a href='/'>Start</a> <a href='/a'>Aktuelles</a></nav><article><h1>Neue Lehrwerkstatt</h1>"
        f"<p>{LONG}</p><p>Zwölf Betriebe beteiligen sich an der neuen Lehrwerkstatt im Gewerbegebiet, "
        "die im Herbst eröffnet wird und Platz für vierzig Auszubildende bietet.</p></article>"
        "<footer>Impressum Datenschutz</footer></body></html>"
    ).encode()
    text = article_text(page, "")
    assert LONG in text and "Zwölf Betriebe" in text
    assert "Impressum" not in text and "Aktuelles" not in text
