"""archive/replacing.py on a real corpus folder: a pair replaced as one change, and what a killed
replacement leaves ended the right way; a record that names anything but its own files changes nothing.
(The kills themselves, at every rename of a real `kb ingest`: tests/test_fault_reimport_kill.py.)"""

from __future__ import annotations

import json

import pytest

from archive.audit import read_audit
from archive.replacing import LOCK, RECORDS, STAGED_PREFIX, finish_replacements, replace_pair
from tests.conftest import make_settings


@pytest.fixture
def pair(tmp_path):
    settings = make_settings(tmp_path, tmp_path / "corpus")
    target = settings.corpus_dir / "imports" / "Protokolle" / "treffen.txt"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"alt")
    target.with_name("treffen.txt.meta.json").write_bytes(b'{"title": "Alt"}')
    return settings, target


def meta_of(target):
    path = target.with_name(target.name + ".meta.json")
    return path.read_bytes() if path.exists() else None


def test_a_pair_is_replaced_and_audited_and_nothing_is_left(pair):
    settings, target = pair
    replace_pair(settings, target, b"neu", b'{"title": "Neu"}', ("anna", "reimport", "id-1", {"source": "x"}))
    assert (target.read_bytes(), meta_of(target)) == (b"neu", b'{"title": "Neu"}')
    assert not list(settings.corpus_dir.rglob(f"*{STAGED_PREFIX}*"))
    assert [p.name for p in (settings.corpus_dir / RECORDS).iterdir()] == [LOCK]
    assert [(e["user"], e["action"]) for e in read_audit(settings)] == [("anna", "reimport")]
    replace_pair(settings, target, b"ohne", None)  # no metadata: the old metadata file goes
    assert (target.read_bytes(), meta_of(target)) == (b"ohne", None)


def record(settings, name: str, **fields) -> None:
    folder = settings.corpus_dir / RECORDS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(fields), encoding="utf-8")


def stage(target, token: str, data: bytes, meta: bytes | None) -> tuple[str, str | None]:
    (target.parent / f"{STAGED_PREFIX}{token}.data").write_bytes(data)
    if meta is not None:
        (target.parent / f"{STAGED_PREFIX}{token}.meta").write_bytes(meta)
    base = "imports/Protokolle/"
    return f"{base}{STAGED_PREFIX}{token}.data", (f"{base}{STAGED_PREFIX}{token}.meta" if meta else None)


def test_a_staging_record_is_rolled_back_and_a_committed_one_forward(pair):
    settings, target = pair
    data, meta = stage(target, "a1", b"neu", b'{"title": "Neu"}')
    record(
        settings, "a1.json", state="staging", target="imports/Protokolle/treffen.txt", data=data, meta=meta
    )
    assert finish_replacements(settings) == []
    assert (target.read_bytes(), meta_of(target)) == (b"alt", b'{"title": "Alt"}')  # the old pair stands
    assert not list(target.parent.glob(f"{STAGED_PREFIX}*"))

    # killed between the two renames: the metadata file is in place, the data still staged
    data, meta = stage(target, "b2", b"neu", b'{"title": "Neu"}')
    (target.parent / f"{STAGED_PREFIX}b2.meta").replace(target.with_name("treffen.txt.meta.json"))
    entry = ["anna", "reimport", "id-1", {"source": "imports/Protokolle/treffen.txt"}]
    record(
        settings,
        "b2.json",
        state="commit",
        target="imports/Protokolle/treffen.txt",
        data=data,
        meta=meta,
        audit=entry,
    )
    assert finish_replacements(settings) == ["imports/Protokolle/treffen.txt"]
    assert (target.read_bytes(), meta_of(target)) == (b"neu", b'{"title": "Neu"}')
    assert [e["action"] for e in read_audit(settings)] == ["reimport"]
    assert [p.name for p in (settings.corpus_dir / RECORDS).iterdir()] == [LOCK]


@pytest.mark.parametrize(
    "fields",
    [
        {"target": "/etc/hostname"},  # absolute
        {"target": "../outside.txt"},  # out of the corpus
        {"data": "imports/Protokolle/treffen.txt"},  # not a staged file: would replace a document by another
        {"data": "../../x/.kb-replacing-c3.data"},
    ],
)
def test_a_record_naming_anything_but_its_own_files_changes_nothing(pair, tmp_path, fields):
    settings, target = pair
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"draussen")
    data, meta = stage(target, "c3", b"neu", None)
    record(
        settings,
        "c3.json",
        **{
            "state": "commit",
            "target": "imports/Protokolle/treffen.txt",
            "data": data,
            "meta": meta,
            **fields,
        },
    )
    assert finish_replacements(settings) == []  # left, with a warning in the log
    assert (target.read_bytes(), meta_of(target)) == (b"alt", b'{"title": "Alt"}')
    assert outside.read_bytes() == b"draussen"
    assert (settings.corpus_dir / RECORDS / "c3.json").exists()


def test_a_damaged_record_is_left_and_the_others_are_ended(pair):
    settings, target = pair
    (settings.corpus_dir / RECORDS).mkdir()
    (settings.corpus_dir / RECORDS / "0bad.json").write_text("{not json", encoding="utf-8")
    data, meta = stage(target, "d4", b"neu", None)
    record(settings, "d4.json", state="commit", target="imports/Protokolle/treffen.txt", data=data, meta=meta)
    assert finish_replacements(settings) == ["imports/Protokolle/treffen.txt"]
    assert (target.read_bytes(), meta_of(target)) == (b"neu", None)
    assert sorted(p.name for p in (settings.corpus_dir / RECORDS).iterdir()) == ["0bad.json", LOCK]
