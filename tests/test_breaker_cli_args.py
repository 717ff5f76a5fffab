"""Command lines as people type them: a file whose name starts with '-' (argparse takes it for an
option, and said only that FILE was missing), and one file given twice to kb add (two lines, the
second calling it a duplicate of itself, where kb ingest reads a file given twice once)."""

from __future__ import annotations

import datetime as dt

import pytest

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff und Ausbildung."


@pytest.fixture
def here(tmp_path, monkeypatch):
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "-Bericht.txt").write_text(TEXT, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", ["add", "ingest"])
def test_a_file_named_with_a_leading_dash_is_named_with_how_to_give_it(run_cli, small, here, command):
    result = run_cli(command, "-Bericht.txt", settings=small)
    assert result.code == 2 and result.out == ""
    assert result.err == (
        "kb: error: -Bericht.txt: a file name that starts with '-' is taken for an option; give it as "
        f"./-Bericht.txt or after -- (kb {command} -- -Bericht.txt)\n"
    )
    assert sorted(p.name for p in small.corpus_dir.iterdir()) == ["vocabulary.json"]


def test_the_same_line_under_json_and_an_option_of_the_command_is_still_an_option(run_cli, here):
    (here / "--json").write_text("a file named as an option", encoding="utf-8")
    result = run_cli("add", "--json", "-Bericht.txt")
    assert result.json_error.startswith(
        "-Bericht.txt: a file name that starts with '-' is taken for an option"
    )


def test_an_unknown_option_in_place_of_the_file_is_named(run_cli, here):
    result = run_cli("add", "-Protokoll.pdf")
    assert (result.code, result.err) == (
        2,
        "kb: error: -Protokoll.pdf: no such option of kb add; a file that starts with '-' goes after -- "
        "(kb add -- -Protokoll.pdf)\n",
    )


def test_a_file_with_a_leading_dash_given_after_two_dashes_is_added(run_cli, small, here):
    result = run_cli("add", "--json", "--", "-Bericht.txt", settings=small)
    assert (result.code, result.json["status"]) == (0, "indexed")


def test_kb_add_of_one_file_given_twice_stores_it_once_in_one_line(run_cli, small, here):
    (here / "a.txt").write_text(TEXT + " Zwei.", encoding="utf-8")
    result = run_cli("add", "--json", "a.txt", "./a.txt", here / "a.txt", settings=small)
    assert result.code == 0
    year = dt.datetime.now(dt.UTC).year
    assert [(line["source"], line["status"]) for line in result.lines] == [
        (f"uploads/{year}/a.txt", "indexed")
    ]
    stored = sorted(p.name for p in (small.corpus_dir / "uploads").rglob("*") if p.is_file())
    assert stored == ["a.txt", "a.txt.meta.json"]
