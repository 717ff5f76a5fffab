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
