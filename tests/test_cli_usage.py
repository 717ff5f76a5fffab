"""The `kb` command as a new user meets it (issue 12, part 9): help for every option, the query
syntax in `kb search --help`, usage errors that name the known values, a clean line for a missing
file, a readable `kb stats`, and progress that stays out of the way of scripts."""

from __future__ import annotations

import argparse

import pytest

from archive.cli.parser import build_parser


@pytest.fixture
def seeded_cli(run_cli, kb_seeded, seeded_settings):
    def run(*args, stdin=None):
        return run_cli(*args, stdin=stdin, settings=seeded_settings)

    return run


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(subparsers()))
def test_every_option_and_argument_has_help(command):
    missing = [
        "/".join(a.option_strings) or a.dest
        for a in subparsers()[command]._actions
        if not a.help or a.help == argparse.SUPPRESS
    ]
    assert missing == []


def test_search_help_explains_the_query_syntax(seeded_cli, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["search", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for piece in (
        "query syntax:",
        " OR ",
        " NOT ",
        '"exact phrase"',
        "Netzw*",
        "Kunststofmese~",
        "title:",
        "year:",
    ):
        assert piece in out


def test_a_page_past_the_last_is_a_usage_error(seeded_cli):
    result = seeded_cli("search", "--page", "999", "Kunststoff")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("kb: error: --page 999 is past the last page: ")
    assert result.err.count("\n") == 1
    last = seeded_cli("search", "--json", "--limit", "2", "--page", "3").json
    assert (last["page"], last["pages"], len(last["hits"])) == (3, 3, 1)


@pytest.mark.parametrize(
    ("flag", "value", "names"),
    [
        ("--network", "Plastic Pirates", "Plastindustrien"),
        ("--region", "Atlantis", "Trekantområdet"),
        ("--topic", "astrology", "recycling"),
        ("--lang", "klingon", "the index holds da, de"),
        ("--type", "memo", "press-release"),
    ],
)
def test_an_unknown_filter_value_exits_2_naming_the_known_ones(seeded_cli, flag, value, names):
    result = seeded_cli("search", flag, value)
    assert (result.code, result.out) == (2, "")
    assert value in result.err and names in result.err
    assert result.err.count("\n") == 1


def test_filters_accept_labels_and_aliases_in_any_language(seeded_cli):
    page = seeded_cli("search", "--json", "--region", "Trekantomraadet", "--lang", "Danish").json
    assert [h["id"] for h in page["hits"]] == ["documents/004_a376ae4560a2eac7"]


def test_stats_is_a_readable_table_and_json_with_json(seeded_cli):
    text = seeded_cli("stats")
    assert text.code == 0
    lines = text.out.splitlines()
    assert lines[0].split() == ["documents", "5"]
    assert "language" in lines
    assert lines[lines.index("language") + 1].split() == ["de", "3"]
    assert seeded_cli("stats", "--json").json["documents"] == 5


def test_ingest_off_a_terminal_prints_problems_and_a_summary_only(run_cli, settings):
    (settings.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    result = run_cli("ingest")
    assert result.code == 1
    assert result.out == "6 files: 1 failed, 5 indexed\n"
    assert result.err.startswith("failed: broken.pdf: ") and result.err.count("\n") == 1


def test_ingest_with_json_prints_nothing_but_json(run_cli, settings):
    (settings.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    result = run_cli("ingest", "--json")
    assert result.err == ""
    assert len(result.lines) == 6


def test_the_installed_command_adds_a_missing_file_with_one_clean_line(run_kb, tmp_path):
    result = run_kb("add", tmp_path / "missing.md")
    assert result.code == 1
    assert result.out == ""
    assert (
        result.err == f"failed: {tmp_path / 'missing.md'}: cannot read the file: no such file or directory\n"
    )
