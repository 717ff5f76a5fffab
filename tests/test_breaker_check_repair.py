"""kb check --repair says what it learned of the files it read as kb ingest says it: a `warning: FILE: …`
line for a file still indexed, one `failed:` line for a file that is not (not also a log line of each),
and with --json nothing but its JSON, which holds the files that failed and the warnings."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings, vocabulary_only_corpus

MISSPELLED = "---\nnetwrok: [DIMA]\n---\nProtokoll der Sitzung des Netzwerks, Fassung {}.\n"
WARNING = "b.md: front matter: unknown key 'netwrok' ignored (did you mean 'networks'?)"
FAILED = "c.pdf: broken PDF: Stream has ended unexpectedly"


@pytest.fixture
def small(tmp_path):
    settings = make_settings(tmp_path / "s", vocabulary_only_corpus(tmp_path / "s" / "corpus"))
    (settings.corpus_dir / "a.txt").write_text("Protokoll des Netzwerks über Kunststoff.", encoding="utf-8")
    return settings


def _differences(run_cli, small) -> None:
    assert run_cli("ingest", "--no-embed", settings=small).code == 0
    (small.corpus_dir / "b.md").write_text(MISSPELLED.format(1), encoding="utf-8")
    (small.corpus_dir / "c.pdf").write_bytes(b"%PDF-1.4 broken")


def test_a_repair_says_each_warning_and_failure_in_one_line_of_its_own(run_cli, small):
    _differences(run_cli, small)
    result = run_cli("check", "--repair", settings=small)
    assert result.code == 1
    assert result.out.splitlines() == ["missing: b.md", "missing: c.pdf", "differences remain"]
    assert result.err.splitlines() == [f"failed: {FAILED}", f"warning: {WARNING}"]


def test_a_repair_under_json_holds_the_failures_and_warnings_and_prints_nothing_else(run_cli, small):
    _differences(run_cli, small)
    result = run_cli("check", "--repair", "--json", settings=small)
    assert (result.code, result.err) == (1, "")
    answer = result.json
    assert (answer["missing"], answer["ok_after"]) == (["b.md", "c.pdf"], False)
    assert [(f["source"], f["message"]) for f in answer["failed"]] == [("c.pdf", FAILED)]
    assert answer["warnings"] == [WARNING]
