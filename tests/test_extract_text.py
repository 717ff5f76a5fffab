"""Plain text and Markdown: encodings, front matter, headings."""

from pathlib import Path

import pytest

from ingest.errors import ExtractionFailed
from ingest.extractors import extract
from ingest.source import Source

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def _extract(name: str):
    return extract(Source(name, (FIXTURES / name).read_bytes()))


def test_cp1252_text_with_umlauts_is_decoded() -> None:
    result = _extract("latin1.txt")
    assert (
        result.text
        == "Protokoll der Sitzung\n\nÜber die Größe der Maßnahme wurde gesprochen: 5 € pro Teilnehmer."
    )
    assert result.format == "text"
    assert result.title is None
    assert result.warnings == ("not UTF-8; read as cp1252",)


@pytest.mark.parametrize("name", ["utf8-bom.txt", "utf16-bom.txt"])
def test_bom_is_honoured_and_removed(name: str) -> None:
    result = _extract(name)
    assert result.text == "Møde i netværket\n\nVi drøftede uddannelse på tværs af virksomheder."
    assert result.warnings == ()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"])
def test_utf16_and_utf32_with_or_without_a_bom_are_read(codec: str) -> None:
    """A Windows tool's "Unicode" export has no BOM: its zero bytes say how it is written."""
    text = "Møde i netværket\n\nVi drøftede uddannelse på tværs af virksomheder 😀."
    result = extract(Source("wide.txt", text.encode(codec)))
    assert (result.format, result.text, result.warnings) == ("text", text, ())


def test_front_matter_becomes_confirmed_metadata_and_leaves_the_text() -> None:
    result = _extract("front-matter.md")
    assert result.format == "markdown"
    assert result.text == "# Referat\n\nDeltagerne drøftede **genbrug** af plast."
    assert result.title == "Netværksmøde i Aarhus"
    assert result.date == "2024-05-02"
    assert result.language == "da"
    assert dict(result.confirmed) == {
        "title": "Netværksmøde i Aarhus",
        "date": "2024-05-02",
        "language": "da",
        "networks": ["Plastnetværket"],
        "regions": ["Midtjylland"],
        "topics": ["uddannelse", "genbrug"],
        "doctype": "minutes",
    }


def test_markdown_title_is_the_first_heading() -> None:
    assert _extract("heading.md").title == "Ziele des Netzwerks"


def test_setext_heading_is_a_title() -> None:
    result = extract(Source("a.md", b"Jahresbericht 2024\n==================\n\nText.\n"))
    assert result.title == "Jahresbericht 2024"


def test_heading_inside_code_fence_is_not_a_title() -> None:
    result = extract(Source("a.md", b"```\n# not a title\n```\n\n# Real title\n"))
    assert result.title == "Real title"


def test_plain_text_has_no_heading_title() -> None:
    assert extract(Source("a.txt", b"# looks like a heading\n\nbody")).title is None


def test_invalid_front_matter_is_a_warning_not_a_failure() -> None:
    result = _extract("bad-front-matter.md")
    assert result.text == "# Überschrift\n\nInhalt."
    assert result.confirmed == {}
    assert result.title == "Überschrift"
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("invalid front matter ignored: ")


def test_front_matter_that_is_not_a_mapping_is_a_warning() -> None:
    result = extract(Source("a.md", b"---\n- one\n- two\n---\nBody\n"))
    assert result.text == "Body"
    assert result.confirmed == {}
    assert result.warnings == ("invalid front matter ignored: not a mapping of keys to values",)


def test_line_endings_are_normalised() -> None:
    assert extract(Source("a.txt", b"one\r\ntwo\rthree\n")).text == "one\ntwo\nthree"


def test_german_date_in_front_matter_is_normalised() -> None:
    result = extract(Source("a.md", b"---\ndate: 3.7.2023\n---\nx\n"))
    assert result.date == "2023-07-03"
    assert result.confirmed == {"date": "2023-07-03"}


def test_empty_text_file_fails() -> None:
    with pytest.raises(ExtractionFailed, match=r"^empty file \(0 bytes\)$"):
        extract(Source("a.txt", b""))


def test_front_matter_with_nested_aliases_is_read_without_expanding_them() -> None:
    """A "billion laughs" of YAML aliases: 9 levels of 9 references would be 387 million items if walked."""
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)
    ]
    data = ("---\n" + "\n".join(levels) + "\ntitle: Laughs\n---\nBody\n").encode()
    result = extract(Source("laughs.md", data))
    assert result.text == "Body"
    assert result.title == "Laughs"
    assert result.confirmed["a0"] == ["x"] * 9
    assert result.confirmed["a9"] == []  # lists of lists are not metadata


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_front_matter_reads_the_same_with_either_yaml_loader(loader, monkeypatch) -> None:
    import yaml

    from ingest.extractors import text

    monkeypatch.setattr(text, "_SAFE_LOADER", getattr(yaml, loader, yaml.SafeLoader))
    data = b"---\ntitle: Protokoll\ndate: 2024-03-05\nnetworks: [Kunststoff-Netzwerk, plastnet]\n---\nText\n"
    result = extract(Source("a.md", data))
    assert result.confirmed["date"] == "2024-03-05"
    assert result.confirmed["networks"] == ["Kunststoff-Netzwerk", "plastnet"]


def test_a_soft_hyphen_or_zero_width_character_inside_a_word_is_dropped() -> None:
    """A word processor's soft hyphen ("Werkzeug\xadbau") split the word for every word pattern: the
    document was found neither by "Werkzeugbau" nor by its parts' compound."""
    data = "# Werkzeug\u00adbau\n\nDer Werkzeug\u00adbau und die Kunst\u200bstoff\u2060technik.\n".encode()
    result = extract(Source("notiz.md", data))
    assert result.title == "Werkzeugbau"
    assert result.text.endswith("Der Werkzeugbau und die Kunststofftechnik.")
