"""File names as people write them, in scripts of two and three bytes a letter: a name the file system
holds (255 bytes) is stored under a name that leaves room for its metadata file, instead of failing as
'file name too long' (kb add said it could not read the file)."""

from __future__ import annotations

import pytest

from archive.service import open_knowledge_base, safe_filename, store_upload

#: what a stored name may hold in UTF-8: 255 bytes less its metadata file's temporary name
#: (.NAME.meta.json.XXXXXXXX.tmp), an import's hash (-1a2b3c4d) and a -NN of a name taken
ROOM = 255 - len("..meta.json.XXXXXXXX.tmp") - len("-1a2b3c4d") - len("-99")
TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff und Ausbildung."


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("ä" * 118 + ".txt", ".txt"),
        ("あ" * 100 + ".pdf", ".pdf"),
        ("議事録" * 90 + ".docx", ".docx"),
        ("ü" * 300, "ü"),
    ],
)
def test_a_long_name_of_many_bytes_is_cut_to_whole_letters_within_the_bytes(name, suffix):
    safe = safe_filename(name)
    assert len(safe.encode()) <= ROOM
    assert safe.endswith(suffix) and safe[0] == name[0]
    assert safe_filename(safe) == safe


def test_kb_add_of_a_name_of_240_bytes_stores_and_indexes_it(run_cli, tmp_path):
    path = tmp_path / ("ä" * 118 + ".txt")
    path.write_text(TEXT, encoding="utf-8")
    result = run_cli("add", "--json", path)
    assert (result.code, result.json["status"]) == (0, "indexed"), result.out
    stored = result.json["source"]
    assert stored.startswith("uploads/") and stored.endswith(".txt")
    assert len(stored.rpartition("/")[2].encode()) <= ROOM


def test_an_upload_named_in_japanese_is_stored_with_its_metadata_file(settings):
    kb = open_knowledge_base(settings)
    try:
        outcome = store_upload(kb, settings, "議事録" * 40 + ".txt", TEXT.encode(), {}, user="anna")
        assert outcome.status == "indexed"
        path = settings.corpus_dir / outcome.source
        assert path.read_text(encoding="utf-8") == TEXT
        assert path.with_name(path.name + ".meta.json").is_file()
        assert kb.get(outcome.id).text == TEXT
    finally:
        kb.close()


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("CON.txt", "CON_.txt"),
        ("aux.pdf", "aux_.pdf"),
        ("nul", "nul_"),
        ("COM1.backup.txt", "COM1_.backup.txt"),
        ("LPT9 .docx", "LPT9_.docx"),
        ("console.txt", "console.txt"),
        ("COM10.txt", "COM10.txt"),
        ("Bericht.CON", "Bericht.CON"),
    ],
)
def test_a_name_windows_keeps_for_a_device_is_stored_under_another(name, stored):
    assert safe_filename(name) == stored
    assert safe_filename(stored) == stored


def test_kb_add_of_files_named_as_windows_devices_stores_and_indexes_each(run_cli, tmp_path):
    for n, name in enumerate(("CON.txt", "aux.md")):
        (tmp_path / name).write_text(f"{TEXT} Nummer {n}.", encoding="utf-8")
    result = run_cli("add", "--json", tmp_path / "CON.txt", tmp_path / "aux.md")
    assert result.code == 0, result.out
    stored = [line["source"].rpartition("/")[2] for line in result.lines]
    assert [line["status"] for line in result.lines] == ["indexed", "indexed"]
    assert stored == ["CON_.txt", "aux_.md"]
