"""Choosing a title: declared unless junk, else from the text, else from the file name."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata.title import choose_title

TEXT = "## 19. Überregionales Netzwerktreffen der JOBSTARTER-Kunststoffallianz\n\n### Zusammenfassung\n"


def test_a_good_declared_title_wins():
    assert choose_title("Plastindustrien lancerer nye netværkstilbud", TEXT, "a.pdf") == (
        "Plastindustrien lancerer nye netværkstilbud"
    )


def test_declared_title_whitespace_is_collapsed():
    assert choose_title("  Notulen \n vergadering  ", "", "a.pdf") == "Notulen vergadering"


@pytest.mark.parametrize(
    "declared",
    [
        None,
        "",
        "   ",
        "protokoll_2020.pdf",
        "protokoll_2020",
        "Microsoft Word - protokoll_2020.docx",
        "Untitled",
        "Dokument1",
        "Document1",
        "2020-03-31",
        "---",
        "x" * 201,
    ],
)
def test_junk_declared_titles_fall_back_to_the_text(declared):
    assert choose_title(declared, TEXT, "protokoll_2020.pdf") == (
        "19. Überregionales Netzwerktreffen der JOBSTARTER-Kunststoffallianz"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kunststoffnetzwerk Ems-Achse\n\nDas Kunststoffnetzwerk forciert …", "Kunststoffnetzwerk Ems-Achse"),
        ("\n\n**Referat af bestyrelsesmøde**\nDeltagere: A, B", "Referat af bestyrelsesmøde"),
        ("# Notulen [ALV](http://example.org) #\n", "Notulen ALV"),
        ("- Minutes of the steering group\n- item", "Minutes of the steering group"),
        (
            "Trekantområdets syv kommuner har i fællesskab sat gang i en række nye initiativer, der skal gøre "
            "vores produktionsvirksomheder endnu bedre rustede til fremtiden.\n\nDel:\n\n“Vi tror på det.”\n\n"
            "Nye initiativer i Trekantområdet\n\nMere tekst.",
            "Nye initiativer i Trekantområdet",
        ),
    ],
)
def test_title_from_the_first_heading_or_short_line(text, expected):
    assert choose_title(None, text, "file.txt") == expected


def test_a_long_first_line_is_trimmed_at_a_word_boundary():
    text = "Ein sehr langer Satz über das Netzwerk, " * 10 + "ohne Ende."
    title = choose_title(None, text, "file.txt")
    assert len(title) <= 160
    assert title.endswith("…")
    assert text.startswith(title[:-1])
    assert text[len(title) - 1] == " "


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("protokoll_rb-ost_2020.pdf", "Protokoll rb ost 2020"),
        ("/srv/docs/nye-netværk.html", "Nye netværk"),
        ("C:\\Docs\\notulen.docx", "Notulen"),
    ],
)
def test_without_text_the_file_name_is_prettified(filename, expected):
    assert choose_title(None, "  \n 12345 \n", filename) == expected


@settings(max_examples=100, deadline=None)
@given(
    declared=st.one_of(st.none(), st.text(max_size=250)),
    text=st.text(max_size=400),
    filename=st.text(max_size=40),
)
def test_choose_title_never_raises_and_is_short_and_non_empty(declared, text, filename):
    title = choose_title(declared, text, filename)
    assert isinstance(title, str) and title.strip()
    assert len(title) <= 200


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("240412 DDSC vedtægter.docx - Google Docs", "DDSC vedtægter"),
        ("Microsoft Word - Protokoll_Netzwerktreffen_Lingen.doc", "Protokoll Netzwerktreffen Lingen"),
        ("Kopie von Einladung Ausbildungsmesse.docx", "Einladung Ausbildungsmesse"),
        ("2023-05-04_Projektbeschreibung_Lernfabrik_final.pdf", "Projektbeschreibung Lernfabrik"),
        ("Jahresbericht 2021 - Google Docs", "Jahresbericht 2021"),
        ("Referat bestyrelsesmøde (1).docx", "Referat bestyrelsesmøde"),
        ("Notulen ALV 14 juni 2023.docx", "Notulen ALV 14 juni 2023"),
        ("Projektskizze Lernfabrik v2 - Word", "Projektskizze Lernfabrik"),
        ("Copy of Careers fair 2024 - Google Slides", "Careers fair 2024"),
        # words stay
        (
            "DIMA – Danish International Manufacturing Academy",
            "DIMA – Danish International Manufacturing Academy",
        ),
        ("Innovatives Netzwerk 2021", "Innovatives Netzwerk 2021"),
        ("2021 – ein Jahr im Netzwerk", "2021 – ein Jahr im Netzwerk"),
        ("Protokoll 12.03.2024", "Protokoll 12.03.2024"),
        ("Finale der Lehrwerkstatt", "Finale der Lehrwerkstatt"),
        ("Word-Vorlagen für Vereine", "Word-Vorlagen für Vereine"),
    ],
)
def test_application_and_file_name_noise_is_stripped_and_the_words_kept(declared, expected):
    assert choose_title(declared, "Erste Zeile des Textes", "upload.bin") == expected


@pytest.mark.parametrize(
    "declared", ["PowerPoint-presentatie", "PowerPoint-Präsentation", "240412.docx - Google Docs"]
)
def test_titles_that_are_only_noise_fall_back_to_the_text(declared):
    assert (
        choose_title(declared, "Welkom bij de bijeenkomst\n\nmeer", "x.pptx") == "Welkom bij de bijeenkomst"
    )


def test_a_file_name_title_loses_its_noise_too():
    assert choose_title(None, "", "240412_DDSC_vedtaegter_final(1).docx") == "DDSC vedtaegter"


# Issue 25: titles from an archive of 4,100 real documents that no reader would call the title.
GDPR_DECLARED = (
    "REGULATION (EU) 2016/ 679 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL - of 27 April 2016 - on the "
    "protection of natural persons with regard to the processing of personal data and on the free movement "
    "of such data, and repealing Directive 95/ 46/ EC (General Data Protection Regulation)"
)
GDPR_TEXT = (
    "I\n(Legislative acts)\nREGULATIONS\nREGULATION (EU) 2016/679 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL\n"
    "of 27 April 2016\non the protection of natural persons with regard to the processing of personal data\n"
)


@pytest.mark.parametrize(
    ("declared", "text", "filename", "expected"),
    [
        # a long declared title keeps its first part; the text's "I" is a section label
        (GDPR_DECLARED, GDPR_TEXT, "gdpr-regulation.pdf", "REGULATION (EU) 2016/ 679 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL"),
        (None, GDPR_TEXT, "gdpr-regulation.pdf", "REGULATION (EU) 2016/679 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL"),
        # an all-caps section label first, then the body: the file name says more
        (None, "EINLEITUNG\n\nDer IT-DIENSTLEISTER bestätigt, dass er eine Lösung bereitstellen wird.\n\n"
         "Beispiel-Überschrift\n\nText.", "Contract.docx", "Contract"),
        # a running label in lower case, then the real heading wrapped over two lines
        (None, "verordening\n”VERORDENING OP HET GEBRUIK VAN PARKEERPLAATSEN EN DE VERLENING\n"
         "VAN VERGUNNINGEN VOOR HET PARKEREN IN HEERLEN 2025”\n“PARKEERVERORDENING 2025”\nAFDELING I DEFINITIES\n",
         "2. Parkeerverordening Heerlen 2025.pdf",
         "VERORDENING OP HET GEBRUIK VAN PARKEERPLAATSEN EN DE VERLENING VAN VERGUNNINGEN VOOR HET PARKEREN IN HEERLEN 2025"),
        # a numbered list item is no title
        (None, "A short ordered list:\n1.\tone\n2.\ttwo\n3.\tthree\n", "testRTFListLibreOffice.rtf",
         "TestRTFListLibreOffice"),
        # "Binder1" is an application's default name; the running head at the top is the book's title
        ("Binder1.pdf", "THE   SIEGE   OF  VICKSBURG. 49\nhowever, did not last long; it became\nA report creeps into camp that\n"
         "52 THE   SIEGE   OF  VICKSBURG.\nfrom Vicksburg all who could\nTHE   SIEGE   OF  VICKSBURG. 53\nmore text\n",
         "Binder1.pdf", "THE SIEGE OF VICKSBURG"),
        # table-pipe rows of a letterhead are no title
        (None, "|DEUTSCHES PATENT- UND MARKENAMT            |- Dienststelle Jena -    |\n"
         "|80297 München                               |07738 Jena               |\n",
         "ProblemExtracting.doc", "ProblemExtracting"),
        ("Microsoft Word - Protokoll_Netzwerktreffen.doc", "I\n\nText", "x.pdf", "Protokoll Netzwerktreffen"),
        # a subject line names a letter
        (None, "«Fornavn» «Efternavn»\nAllerød, 11-01-2012\nVedr: Ansættelse af «Navn» i virksomheden Fiktiv A/S\n"
         "Du tiltræder pr. 1/1-2011.", "52449.docx", "Ansættelse af «Navn» i virksomheden Fiktiv A/S"),
        (None, "bevoegdheid raad\nHeerlen,\nJanuari 2025\nOnderwerp:\nHet vaststellen van de lijst van Ingekomen Stukken\n",
         "0. Lijst ingekomen stukken.pdf", "Het vaststellen van de lijst van Ingekomen Stukken"),
    ],
)  # fmt: skip
def test_titles_a_reader_sees(declared, text, filename, expected):
    assert choose_title(declared, text, filename) == expected


@pytest.mark.parametrize(
    "declared",
    ["I", "IV.", "EINLEITUNG", "Inhaltsverzeichnis", "(Legislative acts)", "§ 1", "Binder1", "Tabelle1"],
)
def test_section_labels_and_default_names_are_no_declared_titles(declared):
    assert (
        choose_title(declared, "Welkom bij de bijeenkomst\n\nmeer", "x.pptx") == "Welkom bij de bijeenkomst"
    )


@pytest.mark.parametrize(
    "text",
    [
        "EINLEITUNG\n\nDer Vertrag regelt die Zusammenarbeit der Partner im Netzwerk.",
        "I\n\nII\n\nDer Vertrag regelt die Zusammenarbeit der Partner im Netzwerk.",
        "1. one\n2. two",
        "Hallo | Welt\nText | mehr",
    ],
)
def test_without_a_title_line_a_telling_file_name_is_the_title(text):
    assert choose_title(None, text, "Kooperationsvertrag_Netzwerk.docx") == "Kooperationsvertrag Netzwerk"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Protokoll 2020\n\nDie Sitzung begann um 10 Uhr.", "Protokoll 2020"),
        ("Januari 2025\n\nNieuwsbrief van het netwerk\n\nTekst.", "Nieuwsbrief van het netwerk"),
        ("Heerlen, 3 maart 2015\n\nNotulen van de vergadering\n\nTekst.", "Notulen van de vergadering"),
    ],
)
def test_a_line_that_is_only_a_date_is_no_title_but_a_title_with_a_year_is(text, expected):
    assert choose_title(None, text, "x.txt") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# A\n\nDas Netzwerk trifft sich in Lübeck.", "A"),
        ("## IV ##\n\nder Vertrag regelt die Zusammenarbeit.", "IV"),
    ],
)
def test_a_heading_taken_as_the_last_resort_loses_its_markers(text, expected):
    assert choose_title(None, text, "a.md") == expected
