"""The CLI's options as a careless or hostile user types them (hypothesis): any command line gets an
answer in one exit code of 0, 1 or 2, never a traceback, an error is one line on stderr, and nothing
in the corpus or the index is lost or changed by a command that was refused or only reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_IDS, copy_corpus, make_settings

#: command lines tried (make test-fault), and in the slow tier
EXAMPLES, EXAMPLES_SLOW = 60, 200
#: commands that may change the archive when they succeed (refused, they change nothing)
CHANGING = {"add", "edit", "remove", "ingest", "rebuild", "check", "coordinator"}

VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "-",
            "--",
            ".",
            "..",
            "corpus",
            "var/index",
            "0",
            "-1",
            "99999999999999999999",
            "1e309",
            "nan",
            "2020-13-45",
            "31.02.2020",
            "Ems-Achse",
            "Plastindustrien",
            "Atlantis",
            "de",
            "xx",
            "minutes",
            "year:99999",
            '"unbalanced',
            "(a OR",
            "*wild",
            "ä" * 300,
            "Kunststoff" * 200,
            "documents/000_29bb637916ff8d4d",
            "../../etc/passwd",
            "/dev/null",
            "\u202eevil",
        ]
    ),
    st.text(min_size=0, max_size=30).filter(lambda s: "\x00" not in s),
)
COMMANDS = [
    "search",
    "show",
    "history",
    "stats",
    "add",
    "edit",
    "remove",
    "rebuild",
    "coordinator",
    "audit",
    "embed",
    "check",
    "ingest",
]
OPTIONS = [
    "--json",
    "--index",
    "--corpus",
    "--region",
    "--network",
    "--topic",
    "--type",
    "--lang",
    "--year",
    "--from",
    "--to",
    "--sort",
    "--limit",
    "--page",
    "--stdin",
    "--no-expand",
    "--no-fuzzy",
    "--ui-lang",
    "--title",
    "--date",
    "--language",
    "--prune",
    "--repair",
    "--yes",
    "--seconds",
    "--workers",
    "--user",
    "--password-stdin",
    "--search",
    "--bogus",
]
ARGV = st.tuples(
    st.sampled_from(COMMANDS),
    st.lists(st.one_of(st.sampled_from(OPTIONS), VALUES), max_size=6),
)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _check(run_cli, settings, command: str, rest: list[str]) -> None:
    corpus_before = _snapshot(settings.corpus_dir)
    result = run_cli(command, *rest, stdin="", settings=settings)
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.err and "Traceback" not in result.out
    if result.code == 2:
        assert result.err.startswith("kb: error: ") and result.err.count("\n") == 1, result.err
        if "--json" in (rest[: rest.index("--")] if "--" in rest else rest):  # a script reads JSON
            said = result.err.removeprefix("kb: error: ").rstrip("\n")
            assert json.loads(result.out.splitlines()[-1]) == {"error": said, "exit": 2}, result
    after = _snapshot(settings.corpus_dir)
    if result.code == 1 and command == "ingest":
        # one bad file never stops a batch: the good ones named are imported, the exit says some failed;
        # nothing that was there is lost or changed
        assert {k: after.get(k) for k in corpus_before} == corpus_before, (
            f"kb {command} {rest} changed the corpus"
        )
        assert all(k.startswith("imports/") for k in set(after) - set(corpus_before)), sorted(after)
    elif result.code != 0 or command not in CHANGING:
        assert after == corpus_before, f"kb {command} {rest} changed the corpus"
    assert settings.index_dir.is_dir() and (settings.index_dir / ".network-kb-index").is_file()
    documents = run_cli("stats", "--json", settings=settings).json["documents"]
    assert documents >= len(SEED_IDS) or command in CHANGING, f"kb {command} {rest} lost documents"


def _run(run_cli, settings, argv) -> None:
    command, rest = argv
    _check(run_cli, settings, command, [str(a) for a in rest])


PROFILE = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def seeded(run_cli, tmp_path, monkeypatch):
    """The seed archive in tmp_path/archive/, the working directory, so that relative paths such as
    "corpus" name its real folders and ".." names this test's own folder: never the folder of every test
    the worker ran before (`kb ingest ..` imported them all, and the run took minutes or timed out
    depending on which tests xdist had given the worker: about one run in six failed)."""
    root = tmp_path / "archive"
    own = make_settings(root, copy_corpus(root / "corpus"))
    monkeypatch.setenv("KB_SEMANTIC", "off")
    monkeypatch.chdir(root)
    assert run_cli("ingest", settings=own).code == 0
    return own


def test_any_command_line_gets_one_answer_and_loses_nothing(run_cli, seeded):
    @settings(max_examples=EXAMPLES, **PROFILE)
    @given(argv=ARGV)
    @example(argv=("stats", ["\n"]))  # a line break in a typed value made the error two lines
    @example(argv=("ingest", ["ä" * 300]))  # a name too long for the file system was a traceback
    @example(argv=("ingest", [""]))  # the working directory: never the archive's own data
    @example(argv=("search", ["--index", "corpus"]))  # the corpus is never the index
    @example(argv=("ingest", [".."]))  # the test's own folder: the seed files again, as duplicates
    def check(argv):
        _run(run_cli, seeded, argv)

    check()


@pytest.mark.slow
def test_many_command_lines_get_one_answer_and_lose_nothing(run_cli, seeded):
    @settings(max_examples=EXAMPLES_SLOW, **{**PROFILE, "derandomize": False})
    @given(argv=ARGV)
    def check(argv):
        _run(run_cli, seeded, argv)

    check()
