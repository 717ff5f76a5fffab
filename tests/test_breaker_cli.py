"""Careless command lines: an empty name (an unset shell variable), an empty metadata value, a count
below one. Each is one line and exit 2, and nothing is imported, stored or changed."""

from __future__ import annotations

import io
import json
import os
from datetime import UTC, datetime

import pytest

from archive.audit import read_audit
from archive.service import open_knowledge_base, update_metadata
from ingest.metadata.confirmed import validate
from kb.vocabulary import load_vocabulary

D000 = "documents/000_29bb637916ff8d4d"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """The working directory: a folder of someone's files, outside the corpus."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "notes.txt").write_text(
        "Private Notizen über das Netzwerk und die Ausbildung.\n", encoding="utf-8"
    )
    monkeypatch.chdir(folder)
    return folder


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize("command", [["ingest", ""], ["ingest", "--json", ""], ["add", ""]])
def test_an_empty_path_is_refused_not_taken_for_the_working_directory(run_cli, settings, elsewhere, command):
    before = _files(settings.corpus_dir)
    result = run_cli(*command)
    assert (result.code, result.out if "--json" not in command else "") == (2, "")
    assert "--json" not in command or "an empty name is no file or folder" in result.json_error
    assert result.err.count("\n") == 1 and "an empty name is no file or folder" in result.err
    assert _files(settings.corpus_dir) == before  # nothing imported from the working directory
    assert read_audit(settings) == []


@pytest.mark.parametrize(
    "option", [["--title", ""], ["--network", ""], ["--network", " "], ["--date", ""], ["--language", " "]]
)
def test_an_empty_metadata_value_is_refused_in_one_line(run_cli, option):
    result = run_cli("edit", D000, *option)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"kb: error: argument {option[0]}: {option[1]!r} is empty: give a value\n"


@pytest.mark.parametrize(
    "command",
    [
        ["search", "x", "--region", ""],
        ["search", "--network", " "],
        ["search", "--topic", ""],
        ["search", "--lang", ""],
        ["remove", D000, "--user", ""],
        ["rebuild", "--yes", "--user", ""],
    ],
)
def test_an_empty_filter_or_user_is_refused_as_empty(run_cli, settings, command):
    result = run_cli(*command)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"kb: error: argument {command[-2]}: {command[-1]!r} is empty: give a value\n"
    assert read_audit(settings) == []  # nothing done in nobody's name


@pytest.mark.parametrize(
    "command", [["--index", "", "stats"], ["stats", "--corpus="], ["rebuild", "--index", ""]]
)
def test_an_empty_index_or_corpus_folder_is_refused_not_the_default_taken(
    run_cli, settings, elsewhere, command
):
    (
        elsewhere / "corpus"
    ).mkdir()  # what `--corpus "$UNSET"` would have rebuilt from: the working directory's
    result = run_cli(*command, "--json")
    assert result.code == 2
    assert result.json_error.endswith(": an empty name is no file or folder (an unset variable?)")
    assert not (elsewhere / "var").exists() and read_audit(settings) == []


def test_a_folder_option_given_twice_names_both_as_typed(run_cli, tmp_path):
    result = run_cli("stats", "--index", tmp_path / "a", "--index", tmp_path / "b")
    assert result.code == 2
    assert (
        result.err
        == f"kb: error: argument --index: given twice ('{tmp_path / 'a'}' and '{tmp_path / 'b'}'): give it once\n"
    )


@pytest.mark.parametrize(
    "value", ["0", "-3", str(4 * (os.cpu_count() or 1) + 1), "99999999999999999999999999"]
)
def test_fewer_than_one_or_more_than_four_reader_processes_a_core_are_refused(run_cli, value):
    result = run_cli("ingest", "--workers", value)  # 99999 started a process for every file of a folder
    assert (result.code, result.out) == (2, "")
    most = 4 * (os.cpu_count() or 1)
    assert (
        result.err == f"kb: error: argument --workers: {value[:24]!r}: must be 1 to {most} (4 per CPU core)\n"
    )


def test_a_list_of_blank_names_is_not_given(settings):
    vocabulary = load_vocabulary(settings.corpus_dir)
    for blank in ("", " , ", [""], [" ", ""], ("",)):
        assert validate({"networks": blank, "topics": blank}, vocabulary) == {}, blank


def test_an_edit_with_blank_names_keeps_the_confirmed_lists(settings):
    kb = open_knowledge_base(settings)
    sidecar = settings.corpus_dir / f"{D000}.txt.meta.json"
    networks = json.loads(sidecar.read_text())["networks"]
    update_metadata(kb, settings, D000, {"networks": [""], "title": "Neuer Titel"}, "carol")
    stored = json.loads(sidecar.read_text())
    assert (stored["networks"], stored["title"]) == (networks, "Neuer Titel")
    assert list(kb.get(D000).networks) == networks


@pytest.mark.fault  # the installed command: a regression would start the app
@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--port", "99999"], "argument --port: '99999': a port is 1 to 65535"),
        (["--port", "-1"], "argument --port: '-1': a port is 1 to 65535"),
        (["--address", "8.8.8.8"], "cannot serve on '8.8.8.8' port "),  # not this machine's
        (["--address", "ü.."], "cannot serve on 'ü..' port "),  # no name at all (IDNA, no DNS asked)
    ],
)
def test_serve_on_an_address_or_port_it_cannot_listen_on_is_one_line(run_kb, options, said):
    result = run_kb("serve", *options)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"kb: error: {said}") and result.err.count("\n") == 1, result.err


@pytest.mark.fault
def test_serve_on_a_port_in_use_is_one_line(run_kb):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_kb("serve", "--port", port)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"kb: error: cannot serve on '127.0.0.1' port {port}: address already in use\n"


def test_a_coordinator_name_typed_with_spaces_is_said_as_it_is_stored(run_cli, settings):
    added = run_cli("coordinator", "add", " bob ", "--password-stdin", stdin="longenough-pw\n")
    assert added.out == f"coordinator bob can now sign in (hash stored in {settings.secrets_file})\n"
    assert run_cli("coordinator", "list").out == "bob\n"
    removed = run_cli("coordinator", "remove", "bob  ", "--json")
    assert (removed.code, removed.json) == (0, {"name": "bob", "status": "removed"})


def test_coordinator_commands_answer_json_with_json_and_an_unknown_name_as_an_error(run_cli, settings):
    added = run_cli("coordinator", "add", "bob", "--json", "--password-stdin", stdin="longenough-pw\n")
    assert added.code == 0
    assert added.json == {"name": "bob", "status": "added", "secrets_file": str(settings.secrets_file)}
    removed = run_cli("coordinator", "remove", "bob", "--json")
    assert (removed.code, removed.json) == (0, {"name": "bob", "status": "removed"})
    again = run_cli("coordinator", "remove", "bob", "--json")
    assert (again.code, again.json_error) == (1, "no coordinator named 'bob'")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["show", "\udcff"], "id '\\xff'"),
        (["remove", "\udcff"], "id '\\xff'"),
        (["edit", D000, "--title", "M\udcfcller"], "--title 'M\\xfcller'"),
        (["search", "--network", "\udcff"], "--network '\\xff'"),
        (["search", "--json", "M\udcfcller"], "query 'M\\xfcller'"),
    ],
)
def test_a_typed_value_that_is_not_utf8_is_one_line(run_cli, settings, args, said):
    """A terminal set to Latin-1 sends ü as the byte 0xfc: Python reads it as a lone surrogate."""
    before = _files(settings.corpus_dir)
    result = run_cli(*args)
    assert (result.code, result.out if "--json" not in args else "") == (2, "")
    assert result.err == f"kb: error: {said} is not UTF-8 text (is the terminal set to UTF-8?)\n"
    assert "--json" not in args or result.json_error
    assert _files(settings.corpus_dir) == before


def test_json_lines_stay_utf8_for_a_file_name_that_is_not(run_cli, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name on a UTF-8 file system
    (folder / name).write_text("Protokoll der Sitzung über Kunststoff im Netzwerk.\n", encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", folder)
    line = json.loads(result.out.encode("utf-8").decode("utf-8"))  # strict: no lone surrogate written
    assert (result.code, line["status"]) == (0, "indexed")
    assert line["message"] == f"imported from {folder / name}"  # the name's bytes come back


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--year", "99999999999999999999999"], "argument --year: '99999999999999999999999' is out of range"),
        (["--year", "-5"], "argument --year: '-5' is out of range: a year is 1 to 9999"),
        (["--from", "12345"], "argument --from: '12345' is out of range: a year is 1 to 9999"),
        (["--from", "2030", "--to", "2010"], "--from 2030 is after --to 2010: no year lies between"),
    ],
)
def test_a_year_option_out_of_range_is_one_line_as_in_the_query(run_cli, options, said):
    result = run_cli("search", "--json", *options)
    assert result.code == 2 and result.json_error.startswith(said)
    assert result.err.startswith(f"kb: error: {said}") and result.err.count("\n") == 1, result.err


def test_kb_add_refuses_a_name_the_corpus_walk_never_reads(run_cli, settings, tmp_path):
    """Stored as uploads/2026/vocabulary.json it was indexed, then orphaned: a rebuild dropped it."""
    before = _files(settings.corpus_dir)
    files = []
    for name in ("vocabulary.json", "bericht.pdf.meta.json"):
        files.append(tmp_path / name)
        files[-1].write_text(
            f"Protokoll der Sitzung über Kunststoff und Ausbildung ({name}).\n", encoding="utf-8"
        )
    result = run_cli("add", "--json", *files)
    assert result.code == 1
    assert [(line["status"], line["message"].split(";")[0]) for line in result.lines] == [
        ("failed", "a reserved name (a vocabulary file, not a document)"),
        (
            "failed",
            "a reserved name (a metadata file: it is read with the file it describes, not as a document)",
        ),
    ]
    assert _files(settings.corpus_dir) == before
    assert run_cli("check", "--json").json["ok"] is True


def test_a_damaged_audit_log_is_read_around_its_damage(run_cli, settings):
    """A byte that is not UTF-8, a broken line, lines that are no entry: the entries beside them stay."""
    assert run_cli("coordinator", "add", "bob", "--password-stdin", stdin="longenough-pw\n").code == 0
    log = settings.secrets_file.with_name("audit.jsonl")
    good = {"at": "2026-01-02T03:04:05+00:00", "user": "anna", "action": "edit", "id": "documents/x"}
    odd = {"at": 5, "user": ["b"], "action": None, "id": {"x": 1}, "details": "text"}
    with log.open("ab") as fh:
        fh.write(b'{"at": "\xff\xfe broken\n{half\n[1, 2]\nnull\n')
        fh.write((json.dumps(good) + "\n" + json.dumps(odd) + "\n").encode())
    entries = read_audit(settings)
    assert entries[:2] == [odd, good] and all(isinstance(e, dict) for e in entries)
    shown = run_cli("audit")
    assert shown.code == 0 and "Traceback" not in shown.err
    assert shown.out.splitlines()[1] == f"{good['at']}  anna             edit    documents/x"
    assert [json.loads(line) for line in run_cli("audit", "--json").out.splitlines()][:2] == [odd, good]


def test_kb_audit_shows_the_whole_log_not_only_its_newest_entries(run_cli, settings):
    """It stopped at the 200 newest without a word: an audit that hides the older changes."""
    log = settings.secrets_file.with_name("audit.jsonl")
    log.parent.mkdir(parents=True, exist_ok=True)
    entries = [{"at": f"2026-01-01T00:{n // 60:02d}:{n % 60:02d}+00:00", "user": "anna", "action": "edit",
                "id": f"documents/{n:03d}", "details": {}} for n in range(250)]  # fmt: skip
    log.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    assert run_cli("audit", "--json").lines == entries[::-1]
    assert len(run_cli("audit").out.splitlines()) == 250


@pytest.mark.parametrize("damage", [b'{"anna": "scrypt$1$2",}', b"[1, 2]", b"\xff\xfe"])
def test_a_damaged_secrets_file_is_said_and_never_written_over(run_cli, settings, damage):
    """A hand-edited sign-in file with a trailing comma read as no coordinators: the next add wrote
    over it, and every coordinator in it was gone."""
    settings.secrets_file.parent.mkdir(parents=True, exist_ok=True)
    settings.secrets_file.write_bytes(damage)
    for args in (("list",), ("add", "carl", "--password-stdin"), ("remove", "anna")):
        result = run_cli("coordinator", *args, stdin="longenough-pw\n")
        assert result.code in (1, 2) and result.out == "", result
        assert result.err.startswith(f"kb: error: {settings.secrets_file}: the sign-ins cannot be read (")
        assert result.err.endswith("; fix or move the file\n") and result.err.count("\n") == 1
        assert settings.secrets_file.read_bytes() == damage


@pytest.mark.parametrize(
    "value, said",
    [
        ("nan", "'nan': must be a number of seconds more than 0"),  # waited for ever
        ("inf", "'inf': must be a number of seconds more than 0"),
        ("-5", "'-5': must be a number of seconds more than 0"),
        ("0", "'0': must be a number of seconds more than 0"),
        ("soon", "'soon' is not a number of seconds"),
    ],
)
def test_an_embedding_time_that_is_no_span_is_one_line(run_cli, value, said):
    result = run_cli("embed", "--seconds", value)
    assert (result.code, result.out, result.err) == (2, "", f"kb: error: argument --seconds: {said}\n")


def test_control_characters_from_file_names_and_documents_never_reach_the_terminal(run_cli, tmp_path):
    folder = tmp_path / "mappe"
    folder.mkdir()
    (folder / "leer\nindexed: gut.txt").write_bytes(b"")  # an empty file whose name forges a line
    (folder / "rot\x1b[31m.txt").write_bytes(b"\x00")  # not text
    text = "Titel \x1b]0;pwned\x07 Netzwerk\n\nProtokoll \x1b[2J\x9b31m über Kunststoffschmelze.\n"
    (folder / "escape.txt").write_text(text, encoding="utf-8")
    ingested = run_cli("ingest", folder)
    assert ingested.code == 1
    assert ingested.err.splitlines() == [
        f"failed: {folder}/leer\\nindexed: gut.txt: empty file (0 bytes) (not imported)",
        f"unsupported: {folder}/rot\\x1b[31m.txt: unsupported file type: binary (not imported)",
    ]
    found = run_cli("search", "Kunststoffschmelze", "--no-fuzzy")
    shown = run_cli("show", "imports/mappe/escape")
    for out in (found.out, shown.out):
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out, out
        assert "Titel \\x1b]0;pwned\\x07 Netzwerk" in out
    assert "Protokoll \\x1b[2J\\x9b31m über Kunststoffschmelze.\n" in shown.out  # its lines kept


def test_kb_add_prints_each_file_where_its_outcome_belongs_with_its_name_escaped(run_cli, tmp_path):
    first, empty, last = tmp_path / "erst.txt", tmp_path / "leer\x1b[2J.txt", tmp_path / "letzt.txt"
    first.write_text("Protokoll über Kunststoff und Ausbildung im Netzwerk.\n", encoding="utf-8")
    empty.write_bytes(b"")
    last.write_text("Protokoll über Recycling in der Region.\n", encoding="utf-8")
    result = run_cli("add", first, empty, last)
    assert result.code == 1
    year = datetime.now(UTC).year
    assert result.out.splitlines() == [
        f"indexed: uploads/{year}/erst.txt",
        f"indexed: uploads/{year}/letzt.txt",
    ]
    assert result.err == f"failed: {tmp_path}/leer\\x1b[2J.txt: empty file (0 bytes)\n"


@pytest.mark.parametrize(
    "option, first, second",
    [
        ("--title", "A", "B"),
        ("--date", "2019", "2020"),
        ("--language", "de", "da"),
        ("--type", "minutes", "other"),
    ],
)
def test_a_metadata_option_given_twice_with_two_values_is_refused_and_changes_nothing(
    run_cli, settings, option, first, second
):
    sidecar = settings.corpus_dir / f"{D000}.txt.meta.json"
    before = sidecar.read_bytes()
    result = run_cli("edit", D000, option, first, option, second)
    assert (result.code, result.out) == (2, "")
    assert (
        result.err == f"kb: error: argument {option}: given twice ({first!r} and {second!r}): give it once\n"
    )
    assert sidecar.read_bytes() == before
    assert run_cli("edit", D000, "--title", "Gleich", "--title", "Gleich").code == 0  # the same twice: once


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["search", "--json", "--bogus"], "unrecognized arguments: --bogus"),
        (["show", "--json"], "the following arguments are required: id"),
        (["--json"], "the following arguments are required: COMMAND"),
        (["stats", "--json", "--limit", "3"], "unrecognized arguments: --limit 3"),
        (["search", "--json", "--limit", "-1"], "--limit and --page must be at least 1"),
        (["search", "--json", "--limit", "101"], "--limit 101 is more than a page holds: at most 100"),
        (["history", "Plastindustrien", "--json", "--limit", "500"], "--limit 500 is more than a page holds"),
    ],
)
def test_a_usage_error_under_json_is_json_too(run_cli, args, said):
    """A script that passes --json reads JSON: a wrong option or a missing argument included."""
    result = run_cli(*args)
    assert result.code == 2 and result.json_error.startswith(said)


def test_the_options_every_command_takes_may_come_before_the_command(run_cli, settings):
    assert run_cli("--json", "stats").json["documents"] == run_cli("stats", "--json").json["documents"]
    page = run_cli("--json", "--index", str(settings.index_dir), "search", "Kunststoff").json
    assert page["total"] == run_cli("search", "--json", "Kunststoff").json["total"]
    typed = run_cli("search", "--", "--json")  # after `--`, --json is the query's word
    assert typed.code == 0 and not typed.out.startswith("{")


def test_kb_add_of_a_folder_names_the_command_that_takes_one(run_cli, settings, elsewhere):
    before = _files(settings.corpus_dir)
    result = run_cli("add", "--json", str(elsewhere))
    assert result.code == 1
    assert result.json == {
        "source": str(elsewhere),
        "status": "failed",
        "id": None,
        "message": f"a folder: kb add takes files; `kb ingest {elsewhere}` imports a folder",
        "warnings": [],
    }
    assert _files(settings.corpus_dir) == before


@pytest.mark.parametrize("command", [["stats"], ["ingest", "--json"], ["search", "x"]])
def test_a_corpus_that_is_a_file_is_a_setting_error_in_one_line(run_cli, tmp_path, command):
    """It failed on FILE/vocabulary.json ('not a directory', exit 1), naming no setting."""
    notes = tmp_path / "notes.txt"
    notes.write_text("Notizen\n", encoding="utf-8")
    result = run_cli(*command, "--corpus", str(notes), "--index", str(tmp_path / "index"))
    assert (result.code, result.err) == (
        2,
        f"kb: error: --corpus {notes}: a file, not a folder of documents\n",
    )
    assert notes.read_text(encoding="utf-8") == "Notizen\n" and not (tmp_path / "index").exists()


@pytest.mark.parametrize(
    "command",
    [["check"], ["check", "--repair"], ["rebuild", "--yes"], ["ingest", "--prune", "{outside}"]],
)
def test_a_missing_corpus_folder_removes_nothing_from_the_index(run_cli, settings, elsewhere, command):
    """A share not mounted read as an empty corpus: `kb check --repair` removed every document (exit 0,
    'repaired'), and so did a rebuild and an ingest with --prune."""
    assert run_cli("ingest").code == 0
    ids = sorted(h["id"] for h in run_cli("search", "--json", "--limit", "50").json["hits"])
    away = settings.corpus_dir.with_name("corpus.unmounted")
    settings.corpus_dir.rename(away)
    result = run_cli(*(a.format(outside=elsewhere) for a in command))
    assert result.code == 1
    assert result.err == (
        f"kb: error: the corpus folder {settings.corpus_dir} does not exist (a share not mounted?); "
        "nothing changed\n"
    )
    assert not settings.corpus_dir.exists()
    away.rename(settings.corpus_dir)
    assert sorted(h["id"] for h in run_cli("search", "--json", "--limit", "50").json["hits"]) == ids
    assert run_cli("check").code == 0


def test_a_repair_that_would_remove_every_document_of_an_empty_corpus_folder_asks_for_a_rebuild(
    run_cli, settings
):
    """An empty mount point where the share should be: the repair removed every document."""
    assert run_cli("ingest").code == 0
    total = run_cli("stats", "--json").json["documents"]
    away = settings.corpus_dir.with_name("corpus.unmounted")
    settings.corpus_dir.rename(away)
    settings.corpus_dir.mkdir()
    result = run_cli("check", "--repair")
    assert (result.code, result.err) == (
        1,
        f"kb: error: the corpus folder {settings.corpus_dir} holds no documents while the index holds "
        f"{total} (a share not mounted?); nothing changed (`kb rebuild --yes` empties the index on purpose)\n",
    )
    pruned = run_cli("ingest", "--prune")
    assert (pruned.code, pruned.err) == (
        1,
        f"kb: error: the corpus folder {settings.corpus_dir} holds no documents while the index holds "
        f"{total} (a share not mounted?); --prune removed nothing (`kb rebuild --yes` empties the index on "
        "purpose)\n",
    )
    assert run_cli("stats", "--json").json["documents"] == total
    assert run_cli("check").code == 1  # it still says how they differ
    settings.corpus_dir.rmdir()
    away.rename(settings.corpus_dir)
    (settings.corpus_dir / "documents" / "004_a376ae4560a2eac7.txt").unlink()  # one file really gone
    assert run_cli("check", "--repair").code == 0
    assert run_cli("stats", "--json").json["documents"] == total - 1


@pytest.mark.parametrize("command", [["ingest", "https://example.org/a.html"], ["add", "http://x/b.pdf"]])
def test_a_web_address_is_said_to_be_one_not_a_missing_file_of_another_name(run_cli, settings, command):
    before = _files(settings.corpus_dir)
    result = run_cli(*command, "--json")
    assert result.code == 2
    assert result.json_error.endswith(
        f"{command[1]!r} is a web address, not a file or folder (save a page as .html and give that file)"
    )  # was "no such file or folder: https:/example.org/a.html", a name the user never typed
    assert _files(settings.corpus_dir) == before


@pytest.mark.parametrize("action", [["add", "bob", "--password-stdin"], ["remove", "anna"]])
def test_with_kb_coordinators_set_a_change_to_the_file_no_sign_in_reads_is_refused(
    run_cli, settings, monkeypatch, action
):
    monkeypatch.setenv("KB_COORDINATORS", json.dumps({"anna": "scrypt$stored"}))
    result = run_cli("coordinator", *action, "--json", stdin="longenough-pw\n")
    assert result.code == 2  # "bob can now sign in" was said, and bob could not
    assert result.json_error.startswith("KB_COORDINATORS is set, and sign-ins are read from it alone: ")
    assert not settings.secrets_file.exists()
    assert run_cli("coordinator", "list", "--json").json == ["anna"]


def test_a_damaged_kb_coordinators_is_said_not_listed_as_no_one(run_cli, monkeypatch):
    monkeypatch.setenv("KB_COORDINATORS", '{"anna": ')
    result = run_cli("coordinator", "list", "--json")
    assert (result.code, result.json_error) == (
        1,
        "KB_COORDINATORS is not a JSON object of names and password hashes; no one can sign in",
    )


def test_a_stdin_query_line_in_another_encoding_is_answered_in_one_line_and_the_next_is_searched(run_cli):
    # a Latin-1 file of queries: "x·*" read as "x\udcb7*" was a UnicodeEncodeError traceback in the engine
    result = run_cli("search", "--stdin", "--json", stdin="Netzwerk x\udcb7*\nNetzwerk\n")
    first, second = result.lines
    assert first == {
        "query": "Netzwerk x\\xb7*",
        "error": "the query is not UTF-8 text: it holds a byte of another encoding",
    }
    assert second["query"] == "Netzwerk" and second["total"] > 0
    assert result.code == 2 and "Traceback" not in result.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:  # a coordinator at a terminal: kb rebuild asks
        return True


def test_files_gone_while_the_rebuild_question_waits_are_not_rebuilt_away_with_a_yes_to_fewer(
    run_cli, settings, monkeypatch, capsys, tmp_path
):
    import builtins
    import sys

    from archive import cli

    assert run_cli("ingest", "--no-embed").code == 0
    seeds = sorted((settings.corpus_dir / "documents").glob("00*.txt"))
    seeds[0].rename(tmp_path / seeds[0].name)  # one file gone: the rebuild asks about one document

    def answer_later(question: str) -> str:  # while the coordinator reads it, a share half goes away
        seeds[1].rename(tmp_path / seeds[1].name)
        return "y"

    monkeypatch.setattr(builtins, "input", answer_later)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    capsys.readouterr()
    assert cli.main(["rebuild"]) == 1
    assert "changed while the question waited: it now holds 3 distinct files for 5 documents" in (
        capsys.readouterr().err
    )
    assert run_cli("stats", "--json").json["documents"] == 5  # not rebuilt with a yes given to 4


def test_kb_add_of_a_name_too_long_is_one_line_among_the_others(run_cli, settings):
    # a name longer than the file system allows made the check for a folder raise after the first
    # file's line: two answers, and exit 2 as for a wrong option
    long_name = "ä" * 200
    result = run_cli("add", "-", long_name, stdin="")
    assert result.code == 1, result
    lines = result.err.splitlines()  # each refused file on a line of its own, no usage error
    assert len(lines) == 2 and all(line.startswith("failed: ") for line in lines), result
    assert lines[1].endswith(": cannot read the file: file name too long")
