"""One outside folder given by two paths, one of them through a linked folder above it (a home under
/home -> /data/home, a share linked into it, `kb ingest .` in it): it is one folder, imported into one
import folder, so a changed file replaces its copy instead of a second copy going to Berichte-2/ beside
the first (two documents of one file, the old one never replaced)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.fault  # three ingests through worker processes: 3-4 s

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff und Ausbildung, Nummer {}."


@pytest.fixture
def folders(tmp_path):
    real = tmp_path / "data" / "Berichte"
    real.mkdir(parents=True)
    for n in (1, 2):
        (real / f"b{n}.txt").write_text(TEXT.format(n), encoding="utf-8")
    (tmp_path / "home").symlink_to(tmp_path / "data")
    return real, tmp_path / "home" / "Berichte"


def _stored(small) -> list[str]:
    imports = small.corpus_dir / "imports"
    return sorted(str(p.relative_to(imports)) for p in imports.rglob("*") if p.is_file())


def test_a_folder_given_through_a_linked_parent_is_the_folder_imported_before(run_cli, small, folders):
    real, linked = folders
    assert run_cli("ingest", "--no-embed", real, settings=small).code == 0
    (real / "b1.txt").write_text(TEXT.format("1, geändert"), encoding="utf-8")
    (real / "b3.txt").write_text(TEXT.format(3), encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", linked, settings=small)
    assert result.code == 0
    assert sorted((line["source"], line["status"]) for line in result.lines) == [
        ("imports/Berichte/b1.txt", "updated"),
        ("imports/Berichte/b2.txt", "unchanged"),
        ("imports/Berichte/b3.txt", "indexed"),
    ]
    assert _stored(small) == ["Berichte/.source", "Berichte/b1.txt", "Berichte/b2.txt", "Berichte/b3.txt"]
    assert (
        (small.corpus_dir / "imports" / "Berichte" / "b1.txt")
        .read_text(encoding="utf-8")
        .endswith("geändert.")
    )


def test_an_import_noted_through_a_link_by_an_earlier_version_is_found_by_the_real_path(
    run_cli, small, folders
):
    real, linked = folders
    assert run_cli("ingest", "--no-embed", linked, settings=small).code == 0
    note = small.corpus_dir / "imports" / "Berichte" / ".source"
    note.write_text(f"{linked}\n", encoding="utf-8")  # as it was noted: the path as given
    (real / "b2.txt").write_text(TEXT.format("2, geändert"), encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", real, settings=small)
    assert sorted((line["source"], line["status"]) for line in result.lines) == [
        ("imports/Berichte/b1.txt", "unchanged"),
        ("imports/Berichte/b2.txt", "updated"),
    ]
    assert _stored(small) == ["Berichte/.source", "Berichte/b1.txt", "Berichte/b2.txt"]


def test_a_folder_given_as_a_link_to_it_is_imported_into_the_corpus_as_the_folder(
    run_cli, small, folders, tmp_path
):
    real, _ = folders
    link = tmp_path / "berichte-link"
    link.symlink_to(real)
    assert run_cli("ingest", "--no-embed", real, settings=small).code == 0
    (real / "b2.txt").write_text(TEXT.format("2, geändert"), encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", link, settings=small)
    assert sorted((line["source"], line["status"]) for line in result.lines) == [
        ("imports/Berichte/b1.txt", "unchanged"),
        ("imports/Berichte/b2.txt", "updated"),
    ]  # not indexed where it is, as an outside document a rebuild drops
    assert _stored(small) == ["Berichte/.source", "Berichte/b1.txt", "Berichte/b2.txt"]
