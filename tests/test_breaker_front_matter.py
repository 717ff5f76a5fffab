"""A list or a mapping nested in front matter, where the archive reads a name or a list of names: it is left
out, and the file's outcome says so (a `warning:` line of kb ingest, the `warnings` of its --json line),
as a misspelled key is said, instead of the value vanishing without a word."""

from __future__ import annotations

from ingest.extractors import extract
from ingest.source import Source

NOTE = "Protokoll der Sitzung über Kunststoff und Ausbildung.\n"


def _read(front: str):
    return extract(Source("note.md", f"---\n{front}\n---\n{NOTE}".encode()))


def test_a_list_or_a_mapping_inside_a_list_of_names_is_said_and_the_rest_is_read():
    result = _read("topics: [recycling, [training], {a: b}]\nauthor: [Anna, [Ben]]")
    assert result.confirmed == {"topics": ["recycling"], "author": ["Anna"]}
    assert result.warnings == (
        "front matter: a list inside 'topics' ignored: '[training]'",
        "front matter: a mapping inside 'topics' ignored: '{a: b}'",
        "front matter: a list inside 'author' ignored: '[Ben]'",
    )


def test_a_mapping_as_a_read_but_unchecked_value_is_said_and_left_out():
    result = _read("lang: {code: de}\nadded_by: {name: anna}\ntitle: Notiz")
    assert result.confirmed == {"title": "Notiz"}  # no "{'name': 'anna'}" stored as who added it
    assert result.warnings == (
        "front matter: 'lang' holds a mapping, ignored: '{code: de}'",
        "front matter: 'added_by' holds a mapping, ignored: '{name: anna}'",
    )


def test_a_blogs_own_keys_hold_what_they_like_without_a_word():
    result = _read("tags: [a, [b]]\nlayout: {x: 1}\ncategories: [[c]]\ntitle: Notiz")
    assert result.warnings == ()
    assert result.confirmed["title"] == "Notiz"


SAID = "front matter: a list inside 'topics' ignored: '[training]'"


def test_kb_ingest_json_holds_the_nested_list_in_the_files_warnings(run_cli, settings):
    note = settings.corpus_dir / "note.md"
    note.write_text(f"---\ntitle: Notiz\ntopics: [recycling, [training]]\n---\n{NOTE}")
    result = run_cli("ingest", "--json", "--no-embed", note)
    assert (result.code, result.json["status"], result.json["warnings"]) == (0, "indexed", [SAID])
    assert result.err == ""


def test_kb_ingest_says_the_nested_list_in_a_warning_line(run_cli, settings):
    note = settings.corpus_dir / "note.md"
    note.write_text(f"---\ntitle: Notiz\ntopics: [recycling, [training]]\n---\n{NOTE}")
    result = run_cli("ingest", "--no-embed", note)
    assert result.code == 0
    assert result.err.splitlines() == [f"warning: note.md: {SAID}"]
