"""A rebuild asks before it loses a document, whatever the reason its file no longer indexes (hunt finding
4): an emptied file, a network taken out of the vocabulary, a file only reading shows to be unreadable.
It compares the documents it would index with those indexed now, not the number of files; off a terminal
it exits 2 without --yes, naming how many documents, which and why, and changes nothing."""

from __future__ import annotations

import io
import json
import sys

from archive.service import open_knowledge_base, read_audit, rebuild_plan
from tests.conftest import SEED_IDS

D004 = "documents/004_a376ae4560a2eac7"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:  # a coordinator at a terminal: kb rebuild asks
        return True


def _indexed(run_cli, settings, name: str, text: str) -> None:
    (settings.corpus_dir / "documents" / name).write_text(text, encoding="utf-8")
    assert run_cli("ingest", "--no-embed").code == 0


def _documents(run_cli) -> int:
    return run_cli("stats", "--json").json["documents"]


def test_an_emptied_file_is_named_and_the_rebuild_refused_without_yes(run_cli, settings):
    _indexed(run_cli, settings, "g.txt", "Gamma Rotmilan über Kunststoff im Netzwerk.")
    (settings.corpus_dir / "documents" / "g.txt").write_bytes(b"")
    refused = run_cli("rebuild")
    assert refused.code == 2
    assert refused.err.splitlines()[-1] == (
        f"kb: error: The index holds 6 documents; {settings.corpus_dir} holds 5 distinct files to index. "
        "The rebuilt index would lose 1 document: documents/g (documents/g.txt: empty file (0 bytes)). "
        "Give --yes to rebuild anyway; nothing changed"
    )
    assert _documents(run_cli) == 6
    assert run_cli("search", "--json", "Rotmilan").json["total"] == 1  # the index is as it was
    assert [e for e in read_audit(settings) if e["action"] == "rebuild"] == []
    done = run_cli("rebuild", "--yes")
    assert done.code == 1  # the file failed, and says so once
    assert done.err.splitlines().count("failed: documents/g.txt: empty file (0 bytes)") == 1
    assert _documents(run_cli) == 5


def test_a_network_taken_out_of_the_vocabulary_is_named_with_its_metadata_file(run_cli, settings):
    assert run_cli("ingest", "--no-embed").code == 0
    path = settings.corpus_dir / "vocabulary.json"
    vocabulary = json.loads(path.read_text(encoding="utf-8"))
    vocabulary["networks"] = [n for n in vocabulary["networks"] if "DIMA" not in json.dumps(n)]
    path.write_text(json.dumps(vocabulary), encoding="utf-8")
    plan = _plan(settings)
    assert (plan.documents, plan.files, [d.id for d in plan.lost]) == (5, 4, [D004])
    assert plan.lost[0].reason.startswith(
        f"{D004}.txt: 004_a376ae4560a2eac7.txt.meta.json: network 'DIMA' is not in the vocabulary"
    )
    refused = run_cli("rebuild", "--json")
    assert refused.code == 2
    assert "The rebuilt index would lose 1 document: documents/004_a376ae4560a2eac7 (" in refused.json_error
    assert _documents(run_cli) == 5


def test_a_file_only_reading_shows_unreadable_is_asked_about_before_the_new_index_replaces_the_old(
    run_cli, settings
):
    _indexed(run_cli, settings, "x.html", "<p>Kunststoff Bericht Netzwerk Spritzguss.</p>")
    (settings.corpus_dir / "documents" / "x.html").write_bytes(b"\x00\x01\x02\x03 binary junk")
    assert not _plan(settings).shrinks  # its bytes and metadata look fine
    refused = run_cli("rebuild")
    assert refused.code == 2
    assert refused.err.splitlines()[-1] == (
        "kb: error: The rebuilt index would lose 1 document: documents/x.html (documents/x.html: "
        "unsupported file type: binary). Give --yes to rebuild anyway; nothing changed"
    )
    assert _documents(run_cli) == 6
    assert [e for e in read_audit(settings) if e["action"] == "rebuild"] == []
    assert not list(settings.index_dir.parent.glob(f"{settings.index_dir.name}.building-*"))


def test_a_no_at_the_terminal_changes_nothing(run_cli, settings, monkeypatch, capsys):
    import builtins

    from archive import cli

    _indexed(run_cli, settings, "g.txt", "Gamma Rotmilan über Kunststoff im Netzwerk.")
    (settings.corpus_dir / "documents" / "g.txt").write_bytes(b"")
    asked = []
    monkeypatch.setattr(builtins, "input", lambda question: asked.append(question) or "n")
    monkeypatch.setattr(sys, "stdin", _Terminal())
    capsys.readouterr()
    assert cli.main(["rebuild"]) == 1
    assert asked == [
        f"The index holds 6 documents; {settings.corpus_dir} holds 5 distinct files to index. The rebuilt "
        "index would lose 1 document: documents/g (documents/g.txt: empty file (0 bytes)). "
        "Rebuild anyway? [y/N] "
    ]
    assert capsys.readouterr().err.splitlines()[-1] == "nothing changed"
    assert _documents(run_cli) == 6


def test_a_rebuild_that_loses_nothing_asks_nothing(run_cli, settings):
    assert run_cli("ingest", "--no-embed").code == 0
    (settings.corpus_dir / "documents" / "new.txt").write_text("Ein neuer Bericht.", encoding="utf-8")
    plan = _plan(settings)
    assert (plan.documents, plan.files, plan.lost) == (len(SEED_IDS), 6, ())
    assert run_cli("rebuild").code == 0
    assert _documents(run_cli) == 6


def _plan(settings):
    kb = open_knowledge_base(settings, index_corpus=False)
    try:
        return rebuild_plan(kb, settings)
    finally:
        kb.close()
