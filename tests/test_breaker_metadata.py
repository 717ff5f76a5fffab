"""Confirmed metadata as careless or hostile hands write it: impossible dates in front matter, titles of
the wrong type or of half a megabyte, a sidecar saved with a byte-order mark or nested without end."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.extractors import extract
from ingest.metadata.confirmed import InvalidMetadata, validate
from ingest.sidecar import read_sidecar
from ingest.source import Source
from kb.vocabulary import Vocabulary

NOTE = "# Notiz\n\nProtokoll der Sitzung über Kunststoff und Ausbildung.\n"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("2026-02-30", "2026-02-30"), ("'2026-02-30'", "2026-02-30"), ("31.04.2020", "31.04.2020")],
)
def test_an_impossible_date_in_front_matter_reaches_the_check_as_typed(typed, shown):
    result = extract(Source("note.md", f"---\ntitle: Notiz\ndate: {typed}\n---\n{NOTE}".encode()))
    assert result.confirmed == {"title": "Notiz", "date": shown}  # not a month made of it, not dropped
    with pytest.raises(InvalidMetadata, match=rf"^date '{shown}' does not exist; accepted forms: "):
        validate(result.confirmed, Vocabulary())


def test_possible_dates_in_front_matter_are_still_iso_dates():
    for typed, iso in (
        ("2020-02-29", "2020-02-29"),
        ("2020-01-01T10:00:00", "2020-01-01"),
        ("3.7.2023", "2023-07-03"),
    ):
        result = extract(Source("note.md", f"---\ndate: {typed}\n---\n{NOTE}".encode()))
        assert result.confirmed == {"date": iso}, typed


def test_kb_ingest_fails_a_note_whose_front_matter_names_a_day_that_does_not_exist(run_cli, settings):
    (settings.corpus_dir / "note.md").write_text(f"---\ndate: 2026-02-30\nnetworks: [DIMA]\n---\n{NOTE}")
    result = run_cli("ingest", "--json", "--no-embed", settings.corpus_dir / "note.md")
    assert (result.code, result.json["status"]) == (1, "failed")
    assert result.json["message"].startswith("note.md: front matter: date '2026-02-30' does not exist")


@pytest.mark.parametrize("title", [["a", "b"], {"x": 1}, True])
def test_a_title_that_is_not_text_is_refused(title):
    with pytest.raises(InvalidMetadata, match=r"^title .* is not text$"):
        validate({"title": title}, Vocabulary())


def test_a_title_of_half_a_megabyte_is_refused_and_a_number_is_a_title():
    with pytest.raises(InvalidMetadata, match=r"^title is 500,000 characters long; at most 1,000$"):
        validate({"title": "T" * 500_000}, Vocabulary())
    assert validate({"title": 2020}, Vocabulary()) == {"title": "2020"}


@pytest.mark.parametrize("key", ["added_by", "added_at"])
@pytest.mark.parametrize("value", [["Anna"], {"name": "Anna"}, False])
def test_who_added_a_file_and_when_must_be_text(key, value):
    with pytest.raises(InvalidMetadata, match=rf"^{key} .* is not text$"):
        validate({key: value}, Vocabulary())


def test_who_added_a_file_is_one_line_of_at_most_200_characters():
    assert validate({"added_by": " Anna\n Berg\x1b ", "added_at": 2026}, Vocabulary()) == {
        "added_by": "Anna Berg",
        "added_at": "2026",
    }
    with pytest.raises(InvalidMetadata, match=r"^added_by is 5,000 characters long; at most 200$"):
        validate({"added_by": "A" * 5000}, Vocabulary())


def test_kb_ingest_fails_a_file_whose_sidecar_names_a_list_as_who_added_it(run_cli, settings):
    (settings.corpus_dir / "note.md").write_text(NOTE)
    (settings.corpus_dir / "note.md.meta.json").write_text(json.dumps({"added_by": ["x"]}))
    result = run_cli("ingest", "--json", "--no-embed", settings.corpus_dir / "note.md")
    assert (result.code, result.json["status"]) == (1, "failed")
    assert result.json["message"] == "note.md: note.md.meta.json: added_by '['x']' is not text"


def test_a_sidecar_saved_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    (tmp_path / "a.txt.meta.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"title": "Müller"}).encode())
    assert read_sidecar(path) == {"title": "Müller"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_sidecar_saved_as_windows_unicode_is_read(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_text("x")
    text = json.dumps({"title": "Müller", "networks": ["DIMA"]}, ensure_ascii=False)
    mark = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")  # utf-16 and utf-32 write their own
    (tmp_path / "a.txt.meta.json").write_bytes(mark + text.encode(encoding))
    assert read_sidecar(path) == {"title": "Müller", "networks": ["DIMA"]}


def test_a_sidecar_in_latin_1_is_said_to_be_no_utf_8_in_one_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    (tmp_path / "a.txt.meta.json").write_bytes('{"title": "Müller"}'.encode("latin-1"))
    with pytest.raises(IngestError) as refused:
        read_sidecar(path)
    assert str(refused.value).endswith(
        "a.txt.meta.json: the metadata file is not UTF-8 text (byte 0xfc at 12); save it as UTF-8"
    )


def test_a_sidecar_nested_without_end_is_named_in_one_line(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    (tmp_path / "a.txt.meta.json").write_bytes(b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(
        IngestError, match=r"a\.txt\.meta\.json: the metadata file is not valid JSON: nested too deeply$"
    ):
        read_sidecar(path)


@pytest.mark.parametrize("value", [5, "recycling", {"a": 1}, None])
def test_a_vocabulary_whose_lists_are_no_lists_is_one_line(value):
    from kb.errors import VocabularyError
    from kb.vocabulary import parse_vocabulary

    with pytest.raises(VocabularyError, match=r"^vocabulary\.json: networks must be a list of entries, not "):
        parse_vocabulary({"networks": value}, Path("vocabulary.json"))


@pytest.mark.parametrize(
    ("meta", "start"),
    [
        ({"language": "x" * 100_000}, "language 'xxxxxxxxxx"),
        ({"doctype": "y" * 100_000}, "type 'yyyyyyyyyy"),
        ({"date": "1" * 100_000}, "date '1111111111"),
        ({"networks": ["z" * 100_000]}, "network 'zzzzzzzzzz"),
        ({"topics": "t" * 100_000}, "topic 'tttttttttt"),
    ],
)
def test_a_huge_value_is_refused_in_a_line_that_shows_only_its_start(meta, start):
    with pytest.raises(InvalidMetadata) as refused:
        validate(meta, Vocabulary())
    message = str(refused.value)
    assert message.startswith(start) and "… (100,000 characters)'" in message
    assert len(message) < 400 and "\n" not in message


@pytest.mark.parametrize("year", ["abc", "1800", "2020-05"])
def test_a_year_that_is_none_is_named_as_the_year(year):
    with pytest.raises(InvalidMetadata, match=rf"^year '{year}' "):
        validate({"year": year}, Vocabulary())


def test_a_title_typed_decomposed_is_stored_composed():
    typed = unicodedata.normalize("NFD", "Förderung in Lübeck")  # a Mac terminal or editor
    assert validate({"title": typed}, Vocabulary()) == {"title": unicodedata.normalize("NFC", typed)}


def test_a_misspelled_key_is_named_with_the_field_it_was_meant_and_the_file_is_still_indexed(
    run_cli, settings
):
    note = settings.corpus_dir / "note.md"
    note.write_text(f"---\ntitle: Notiz\nnetwrok: [DIMA]\nlayout: post\ntags: [a]\n---\n{NOTE}")
    (settings.corpus_dir / "note.md.meta.json").write_text(json.dumps({"regoin": ["x"], "type": "minutes"}))
    result = run_cli("ingest", "--json", "--no-embed", note)
    assert (result.code, result.json["status"]) == (0, "indexed")
    assert result.json["warnings"] == [  # in the file's own line, not only in a log on stderr
        "front matter: unknown key 'netwrok' ignored (did you mean 'networks'?)",
        "note.md.meta.json: unknown key 'regoin' ignored (did you mean 'regions'?)",
        "note.md.meta.json: unknown key 'type' ignored (did you mean 'doctype'?)",
    ]  # a blog's layout and tags in front matter are no misspelling: not named
    assert result.err == ""  # --json: nothing but the JSON lines


def test_only_the_keys_the_archive_reads_pass_without_a_word():
    from ingest.metadata.confirmed import SIDECAR_KEYS, unknown_keys

    assert unknown_keys(dict.fromkeys(SIDECAR_KEYS, 1)) == []
    assert unknown_keys({"Title": "x", "lang": "de", "colour": 1}) == [
        "unknown key 'Title' ignored (did you mean 'title'?)",
        "unknown key 'lang' ignored (did you mean 'language'?)",
        "unknown key 'colour' ignored; the fields are title, language, date, year, networks, regions, "
        "topics, doctype",
    ]
    assert unknown_keys({"lang": "de", "author": "A", "subtitle": "s", "titel": "x"}, front_matter=True) == [
        "unknown key 'titel' ignored (did you mean 'title'?)"
    ]


def test_a_metadata_file_of_a_hundred_thousand_unknown_keys_is_five_lines_and_a_count():
    from ingest.metadata.confirmed import unknown_keys

    said = unknown_keys({"x" * 500_000: 1} | {f"k{i}": i for i in range(100_000)})
    assert len(said) == 6 and said[-1] == "99,996 more unknown keys ignored"


def test_a_misspelled_key_of_the_vocabulary_is_named_once_and_the_rest_is_read(tmp_path, caplog):
    from kb.vocabulary import load_vocabulary

    data = json.loads((Path(__file__).parents[1] / "corpus" / "vocabulary.json").read_text())
    data["netwroks"] = data.pop("networks")
    data["regions"][0]["alais"] = ["Emsland-Achse"]
    data["_comment"] = "who keeps this file"  # a comment, meant so
    (tmp_path / "vocabulary.json").write_text(json.dumps(data))
    with caplog.at_level("WARNING", logger="kb.vocabulary"):
        vocabulary = load_vocabulary(tmp_path)
        load_vocabulary(tmp_path)  # read once: said once
    where = tmp_path.resolve() / "vocabulary.json"
    assert [r.getMessage() for r in caplog.records] == [
        f"{where}: unknown key 'netwroks' ignored (did you mean 'networks'?)",
        f"{where}: regions entry 'ems-achse': unknown key 'alais' ignored (did you mean 'aliases'?)",
    ]
    assert vocabulary.networks == () and len(vocabulary.regions) == len(data["regions"])


def test_the_vocabularies_shipped_have_no_unknown_key_and_many_are_counted():
    from kb.vocabulary import unknown_keys

    for path in (
        Path(__file__).parents[1] / "corpus" / "vocabulary.json",
        Path(__file__).parents[1] / "kb" / "data" / "vocabulary.json",
    ):
        assert unknown_keys(json.loads(path.read_text())) == [], path
    many = unknown_keys({"topics": [{"id": f"t{i}", "label": "x"} for i in range(1000)], "x" * 500: 1})
    assert len(many) == 6 and many[-1] == "996 more unknown keys ignored"
    assert many[0].startswith("unknown key 'xxxxxxxxxx") and many[0].endswith(
        "(500 characters)' ignored; the keys are networks, regions, topics, concepts, builtin"
    )
    assert many[1] == "topics entry 't0': unknown key 'label' ignored (did you mean 'labels'?)"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_vocabulary_saved_with_a_byte_order_mark_is_read(tmp_path, encoding):
    from kb.vocabulary import load_vocabulary

    text = (Path(__file__).parents[1] / "corpus" / "vocabulary.json").read_text(encoding="utf-8")
    (tmp_path / "vocabulary.json").write_bytes(text.encode(encoding))
    assert [e.id for e in load_vocabulary(tmp_path).networks] == [
        e["id"] for e in json.loads(text)["networks"]
    ]


def test_a_vocabulary_nested_without_end_is_one_line(tmp_path):
    from kb.errors import VocabularyError
    from kb.vocabulary import load_vocabulary

    (tmp_path / "vocabulary.json").write_bytes(b'{"networks": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    with pytest.raises(
        VocabularyError, match=r"vocabulary\.json: cannot read the vocabulary: nested too deeply$"
    ):
        load_vocabulary(tmp_path)


def test_a_list_of_names_given_as_one_string_is_one_name_not_its_letters():
    from kb.vocabulary import parse_vocabulary

    raw = {"id": "ems", "name": "Ems-Achse", "aliases": "Emsachse", "regions": "ems-achse"}
    raw["terms"] = {"de": "Kunststoff"}
    (entry,) = parse_vocabulary({"networks": [raw]}).networks
    assert (entry.aliases, entry.regions, entry.terms) == (
        ("Emsachse",),
        ("ems-achse",),
        {"de": ("Kunststoff",)},
    )


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ({"id": "a", "aliases": [None]}, "networks entry 'a': aliases must be a list of names, not '[None]'"),
        ({"id": "a", "labels": {"de": 5}}, "networks entry 'a': labels must map a language to a name"),
        ({"id": "a", "labels": "A"}, "networks entry 'a': labels must map a language to a name, not 'A'"),
        ({"id": "a", "terms": {"de": [1]}}, "networks entry 'a': terms in 'de' must be a list of words"),
        ({"id": "a", "name": ["A"]}, "networks entry 'a': name must be text"),
        ({"id": None}, "malformed networks entry \"{'id': None}\": its id must be text"),
        ("a", "malformed networks entry 'a': an entry is a JSON object"),
    ],
)
def test_a_vocabulary_entry_of_the_wrong_shape_is_named_in_one_line(raw, said):
    from kb.errors import VocabularyError
    from kb.vocabulary import parse_vocabulary

    with pytest.raises(VocabularyError) as refused:  # a name of no text crashed the first resolve
        parse_vocabulary({"networks": [raw]}, Path("vocabulary.json"))
    assert str(refused.value).startswith(f"vocabulary.json: {said}") and "\n" not in str(refused.value)


def test_an_id_the_vocabulary_holds_twice_is_named_and_the_first_entry_is_used(tmp_path, caplog):
    from kb.vocabulary import load_vocabulary

    data = json.loads((Path(__file__).parents[1] / "corpus" / "vocabulary.json").read_text())
    first = data["regions"][0]
    data["regions"].append({**first, "name": "Zweiter Eintrag", "aliases": []})  # pasted, then edited
    (tmp_path / "vocabulary.json").write_text(json.dumps(data))
    with caplog.at_level("WARNING", logger="kb.vocabulary"):
        vocabulary = load_vocabulary(tmp_path)
    where = tmp_path.resolve() / "vocabulary.json"
    assert [r.getMessage() for r in caplog.records] == [
        f"{where}: regions entry {first['id']!r} is there 2 times; the first is used"
    ]
    assert vocabulary.resolve("regions", first["id"]).name == first["name"]


def test_a_title_holds_no_control_characters_from_a_metadata_file_or_a_pdf():
    from ingest.extractors.fields import clean_title

    assert validate({"title": "\x00\x1b[31mRot\x07 Titel"}, Vocabulary()) == {"title": "[31mRot Titel"}
    assert clean_title("\x1b[31mRot\x07\x7f Titel\x9b") == "[31mRot Titel"  # a PDF's /Title, as read
    with pytest.raises(InvalidMetadata, match="^title is empty$"):
        validate({"title": "\x00\x07"}, Vocabulary())


def test_a_network_naming_a_region_that_is_no_regions_id_is_said_with_the_id_it_was_meant(tmp_path, caplog):
    from kb.vocabulary import load_vocabulary

    data = json.loads((Path(__file__).parents[1] / "corpus" / "vocabulary.json").read_text())
    network = data["networks"][0]
    network["regions"] = ["ems-achsee", "Atlantis"]  # a typo, and a region the file does not hold
    (tmp_path / "vocabulary.json").write_text(json.dumps(data))
    with caplog.at_level("WARNING", logger="kb.vocabulary"):
        load_vocabulary(tmp_path)
    where = tmp_path.resolve() / "vocabulary.json"
    assert [r.getMessage() for r in caplog.records] == [
        f"{where}: networks entry {network['id']!r}: region 'ems-achsee' is no region's id "
        "(did you mean 'ems-achse'?)",
        f"{where}: networks entry {network['id']!r}: region 'Atlantis' is no region's id",
    ]
