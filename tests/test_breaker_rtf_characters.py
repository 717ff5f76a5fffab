r"""RTF names a character by its number (\uN, signed 16 bits) and Word writes an emoji as two of them, the
halves of its UTF-16 form: the emoji is indexed as the one character it is (its halves were stored apart,
as text no page or JSON line can carry), and a number that names no character is U+FFFD (one crashed the
reader, another refused the whole file)."""

from __future__ import annotations

import pytest

from ingest.extractors import extract
from ingest.source import Source

TEXT = "Protokoll der Sitzung des Netzwerks"


def _rtf(body: str) -> bytes:
    return ("{\\rtf1\\ansi {\\info{\\title Bericht \\u-10179?\\u-8704?}}" + body + "}").encode("ascii")


def test_an_emoji_written_as_two_halves_is_one_character_in_text_and_title():
    read = extract(Source("a.rtf", _rtf(f"{TEXT} \\u-10179?\\u-8704? gut")))
    assert read.text == f"{TEXT} \U0001f600 gut"
    assert read.title == "Bericht \U0001f600"


@pytest.mark.parametrize("number", ["99999999999999999999", "-99999999", "1114112", "9" * 5000])
def test_a_number_that_names_no_character_is_a_replacement_character(number):
    read = extract(Source("a.rtf", _rtf(f"{TEXT} \\u{number}? gut")))
    assert read.text == f"{TEXT} \ufffd gut"


def test_a_half_alone_is_a_replacement_character_and_an_escaped_backslash_stays_text():
    read = extract(Source("a.rtf", _rtf(f"{TEXT} \\u-10179? allein \\\\u252 \\u252?bersicht")))
    assert read.text == f"{TEXT} \ufffd allein \\u252 übersicht"


def test_kb_ingest_indexes_an_rtf_with_an_emoji_and_its_json_is_utf8_text(run_cli, tmp_path):
    (tmp_path / "bericht.rtf").write_bytes(_rtf(f"{TEXT} \\u-10179?\\u-8704? gut"))
    assert run_cli("ingest", "--json", "--no-embed", tmp_path / "bericht.rtf").json["status"] == "indexed"
    hit = run_cli("search", "--json", "Sitzung").json["hits"][0]
    assert hit["title"] == "Bericht \U0001f600"
    assert "\\ud83d" not in run_cli("search", "--json", "Sitzung").out
