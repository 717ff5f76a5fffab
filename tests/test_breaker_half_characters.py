r"""A metadata file or the vocabulary holding half of a character (JSON's "\ud83d" without its other half,
as a tool that cuts text between the halves of an emoji writes it): the value is refused in one line
naming it, instead of being stored as text no page of the app can show (Streamlit raised
UnicodeEncodeError on every page listing the document) and no JSON line can carry. A whole escaped
emoji ("\ud83d\ude00") is the emoji."""

from __future__ import annotations

import json

import pytest

from ingest.metadata.confirmed import InvalidMetadata, validate
from kb.errors import VocabularyError
from kb.vocabulary import Vocabulary, load_vocabulary

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff."


@pytest.mark.parametrize(
    ("metadata", "said"),
    [
        ({"title": "Bericht \ud83d"}, r"title 'Bericht \ud83d' holds \ud83d, half of a character"),
        ({"added_by": "anna\udc00"}, r"added_by 'anna\udc00' holds \udc00, half of a character"),
        ({"topics": ["recycling", "x\ud800"]}, r"""topics '['recycling', 'x\ud800']' holds \ud800"""),
    ],
)
def test_a_confirmed_value_holding_half_a_character_is_refused_naming_it(metadata, said):
    with pytest.raises(InvalidMetadata) as refused:
        validate(metadata, Vocabulary())
    assert str(refused.value).startswith(said)


def test_a_whole_escaped_emoji_is_the_emoji():
    assert validate(json.loads('{"title": "Bericht \\ud83d\\ude00"}'), Vocabulary()) == {
        "title": "Bericht 😀"
    }


def test_kb_ingest_refuses_the_metadata_file_in_one_line_and_stores_nothing(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.txt.meta.json").write_text('{"title": "Bericht \\ud83d allein"}', encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", folder)
    assert result.code == 1
    assert result.json["status"] == "failed"
    assert result.json["message"] == (
        f"{folder / 'a.txt'}: a.txt.meta.json: title 'Bericht \\ud83d allein' holds \\ud83d, half of a "
        "character (an escape without its other half): not text (not imported)"
    )


def test_a_vocabulary_label_holding_half_a_character_is_named_in_one_line(tmp_path):
    vocabulary = {"networks": [{"id": "ems", "name": "Ems", "labels": {"en": "Ems \ud83d Netz"}}]}
    (tmp_path / "vocabulary.json").write_text(json.dumps(vocabulary), encoding="utf-8")
    with pytest.raises(VocabularyError) as refused:
        load_vocabulary(tmp_path)
    assert str(refused.value).endswith(
        "networks entry 'ems': 'Ems \\ud83d Netz' holds \\ud83d, half of a character (an escape without "
        "its other half): not text"
    )
