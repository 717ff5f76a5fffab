"""Markdown links whose target holds parentheses (Wikipedia's "Extrusion_(Verfahrenstechnik)") read as
their label in the document's text, in the search's snippets and in Explore's line of what a document is
about; a snippet's window never starts or ends inside a link."""

from __future__ import annotations

import pytest

from kb.minutes import summary
from kb.models import Fragment
from kb.snippets import fragments, plain

WIKI = "Siehe [Extrusion](https://de.wikipedia.org/wiki/Extrusion_(Verfahrenstechnik)) für Details."
TOP = "TOP 1: [Spritzgießen](https://de.wikipedia.org/wiki/Spritzgie%C3%9Fen_(Verfahren)) im Betrieb"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (WIKI, "Siehe Extrusion für Details."),
        (TOP, "TOP 1: Spritzgießen im Betrieb"),
        ("Beschluss [hier](javascript:alert(2))", "Beschluss hier"),
        ("![Bild](https://x.org/a_(b).png) Text", "Bild Text"),
        ("Extrusion](https://de.wikipedia.org/wiki/Extrusion_(Verfahrenstechnik)) für", "Extrusion für"),
        ("Liste [1] und f(x) [sic] y", "Liste [1] und f(x) [sic] y"),  # no link: as it is
    ],
)
def test_a_link_with_parentheses_in_its_target_reads_as_its_label(text, said):
    assert plain(Fragment(text)).text == said


def test_a_match_after_such_a_link_stays_marked():
    at = WIKI.index("Details")
    fragment = plain(Fragment(WIKI, ((at, at + 7),)))
    ((a, b),) = fragment.matches
    assert fragment.text[a:b] == "Details"


@pytest.mark.parametrize("before", [20, 40, 60, 75, 90])
def test_a_snippet_window_does_not_start_inside_a_links_target(before):
    """The snippet began "/Extrusion_(Verfahrenstechnik)) für Details …": a piece of the URL as text."""
    text = "Wort " * before + WIKI + " parenlinktoken und weiter. " + TOP
    at = text.index("parenlinktoken")
    (fragment,) = fragments(text, [(at, at + 14)], size=120)
    assert "http" not in fragment.text and ")" not in fragment.text and "_(" not in fragment.text
    assert "parenlinktoken" in fragment.text
    assert not fragment.text.startswith(("/", "_", "(", "Verfahren", "wiki"))


@pytest.mark.parametrize("size", [60, 80, 100, 120])
def test_a_snippet_window_does_not_end_inside_a_links_target(size):
    text = "parenlinktoken " + WIKI + " Ende " + "Wort " * 40
    (fragment,) = fragments(text, [(0, 14)], size=size)
    assert "http" not in fragment.text and ")" not in fragment.text


def test_explores_line_of_what_minutes_are_about_has_no_markdown():
    text = f"Protokoll der Sitzung\n\n{TOP}\nBeschluss [hier](javascript:alert(2)) gefasst und verkündet\n"
    line = summary(text, "Protokoll der Sitzung")
    assert line == "Spritzgießen im Betrieb · Beschluss hier gefasst und verkündet"
