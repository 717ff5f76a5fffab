"""Removing a document: its file (with its metadata file) moves to corpus/.deleted/ whole, under a name
that fits however long its own is, or nothing moves. A 250-byte name used to move to the trash while its
metadata file's name (too long) failed: exit 2, and the document stayed indexed without its file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from archive.trash import DELETIONS, NAME_MAX_BYTES, TRASH_DIR

LONG = "L" * 246  # NAME.txt is 250 bytes, legal; NAME.txt.meta.json would not be


def trashed(settings) -> dict[str, bytes]:
    trash = settings.corpus_dir / TRASH_DIR
    # by path: removals in two seconds keep one name in two folders (keyed by name, one hid the other)
    return {
        str(p.relative_to(trash)): p.read_bytes()
        for p in trash.rglob("*")
        if p.is_file() and p.name != DELETIONS
    }


def test_a_document_whose_file_has_a_long_name_is_removed_whole(run_cli, settings):
    (settings.corpus_dir / "documents" / f"{LONG}.txt").write_text("Langer Name Kolibri\n")
    assert run_cli("ingest").code == 0
    assert run_cli("search", "--json", "Kolibri").json["total"] == 1

    result = run_cli("remove", f"documents/{LONG}")
    assert (result.code, result.err) == (0, "")
    assert not (settings.corpus_dir / "documents" / f"{LONG}.txt").exists()
    (kept,) = trashed(settings)
    assert trashed(settings) == {kept: b"Langer Name Kolibri\n"}
    name = Path(kept).name
    assert name.startswith("LLLL") and name.endswith(".txt")
    assert len(os.fsencode(f"{name}.meta.json")) <= NAME_MAX_BYTES  # its metadata file would fit beside it
    assert run_cli("search", "--json", "Kolibri").json["total"] == 0
    assert run_cli("check").code == 0  # no document left without its file


def test_files_of_one_long_name_with_metadata_are_each_removed_with_it(run_cli, settings):
    name = "M" * 241 + ".txt"  # with .meta.json: 255 bytes, the most a name may have
    for n, folder in enumerate(("documents", "extra")):
        path = settings.corpus_dir / folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"Langer Name Seeadler {n}\n")
        Path(f"{path}.meta.json").write_text(json.dumps({"title": f"Seeadler {n}"}))
    assert run_cli("ingest").code == 0
    for folder in ("documents", "extra"):
        assert run_cli("remove", f"{folder}/{name.removesuffix('.txt')}").code == 0
    kept = trashed(settings)
    assert sorted(kept.values()) == sorted(
        [
            b"Langer Name Seeadler 0\n",
            b"Langer Name Seeadler 1\n",
            b'{"title": "Seeadler 0"}',
            b'{"title": "Seeadler 1"}',
        ]
    )
    assert all(len(os.fsencode(Path(n).name)) <= NAME_MAX_BYTES for n in kept)
    assert run_cli("check").code == 0
