"""Names an earlier version stored as they were and stores otherwise now (a Windows device name: CON.txt,
a folder `aux`): a changed file of an outside folder imported before replaces its copy there, instead of
a second copy going beside it under the new name (two documents of one file, the old one never
replaced)."""

from __future__ import annotations

import shutil

import pytest

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff, {}."

pytestmark = pytest.mark.fault  # three ingests through worker processes: 3-4 s


def _stored(small) -> list[str]:
    imports = small.corpus_dir / "imports"
    return sorted(p.relative_to(imports).as_posix() for p in imports.rglob("*") if p.is_file())


def test_a_changed_file_of_an_earlier_import_replaces_its_copy_under_the_name_it_had(
    run_cli, small, tmp_path
):
    outside = tmp_path / "nul"  # a folder named as a Windows device too
    (outside / "aux").mkdir(parents=True)
    (outside / "CON.txt").write_text(TEXT.format("CON"), encoding="utf-8")
    (outside / "aux" / "x.txt").write_text(TEXT.format("x"), encoding="utf-8")
    earlier = small.corpus_dir / "imports" / "nul"  # as an earlier version imported it
    shutil.copytree(outside, earlier)
    (earlier / ".source").write_text(f"{outside}\n", encoding="utf-8")
    assert run_cli("ingest", "--no-embed", settings=small).code == 0  # the corpus, indexed

    (outside / "CON.txt").write_text(TEXT.format("CON, geändert"), encoding="utf-8")
    (outside / "aux" / "x.txt").write_text(TEXT.format("x, geändert"), encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", outside, settings=small)
    assert result.code == 0
    assert sorted((line["source"], line["status"]) for line in result.lines) == [
        ("imports/nul/CON.txt", "updated"),
        ("imports/nul/aux/x.txt", "updated"),
    ]
    assert _stored(small) == ["nul/.source", "nul/CON.txt", "nul/aux/x.txt"]
    assert (earlier / "CON.txt").read_text(encoding="utf-8") == TEXT.format("CON, geändert")
    assert run_cli("search", "--json", "", settings=small).json["total"] == 2
