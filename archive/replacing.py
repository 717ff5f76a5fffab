"""A stored copy and its metadata file replaced together: a kill leaves the old pair or the new one,
never the old text under the new metadata.

A re-import (archive/imports.py) replaces two files in corpus/: the copy and its metadata file beside
it. Each is written atomically, but not both at once, so a kill between the two renames used to leave
one of each. Now a replacement

1. writes a record to corpus/.replacing/ naming the pair and the hidden files it stages beside them
   (state "staging"), then writes and fsyncs those files;
2. turns the record to "commit" (one atomic rename: the point of no return);
3. renames the staged files over the pair (the metadata file first), writes its audit entry and
   removes the record.

`finish_replacements` ends what a killed process left: a record still staging is rolled back (its
staged files removed: the old pair stands), a committed one is rolled forward (what is still staged is
renamed into place, its audit entry written). It runs before every ingest, `kb check --repair` and
rebuild. Both hold corpus/.replacing/lock (flock) while they work, so whatever records and temporary
files `finish_replacements` finds there belong to no replacement under way, in any process or thread.
corpus/.replacing/ and the staged files are hidden: no walk of the corpus reads them.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.audit import audit
from ingest.sidecar import sidecar_path
from kb.files import atomic_write, held, sync_folder
from kb.settings import Settings

log = logging.getLogger(__name__)

RECORDS = ".replacing"
#: a staged file's name, beside the pair it replaces: short, however long the pair's name is
STAGED_PREFIX = ".kb-replacing-"
LOCK = "lock"


def _records(settings: Settings) -> Path:
    return settings.corpus_dir / RECORDS


def corpus_lock(settings: Settings) -> Path:
    """The lock file of changes to corpus/ that must not cross (a replacement, the claim of an import
    folder): corpus/.replacing/lock."""
    return _records(settings) / LOCK


@contextmanager
def _locked(settings: Settings) -> Iterator[Path]:
    """corpus/.replacing/, held alone (an open file of its own: threads of one process wait too)."""
    with held(corpus_lock(settings)):
        yield _records(settings)


def _write_record(path: Path, record: dict) -> None:
    atomic_write(path, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def replace_pair(
    settings: Settings,
    target: Path,
    data: bytes,
    metadata: bytes | None,
    entry: tuple[str, str, str, dict] | None = None,
) -> None:
    """Replace the file at `target` by `data` and its metadata file by `metadata` (None: none) as one
    change; `entry` (user, action, document id, details) is written to the audit log once it is done."""
    corpus = settings.corpus_dir
    token = secrets.token_hex(8)
    staged_data = target.parent / f"{STAGED_PREFIX}{token}.data"
    staged_meta = target.parent / f"{STAGED_PREFIX}{token}.meta" if metadata is not None else None
    record = {
        "state": "staging",
        "target": target.relative_to(corpus).as_posix(),
        "data": staged_data.relative_to(corpus).as_posix(),
        "meta": staged_meta.relative_to(corpus).as_posix() if staged_meta else None,
        "audit": list(entry) if entry else None,
    }
    with _locked(settings) as folder:
        record_path = folder / f"{token}.json"
        _write_record(record_path, record)
        try:
            atomic_write(staged_data, data)
            if staged_meta is not None:
                atomic_write(staged_meta, metadata)
        except BaseException:
            _roll_back(settings, record_path, record)
            raise
        _write_record(record_path, {**record, "state": "commit"})
        _roll_forward(settings, record_path, {**record, "state": "commit"})


def _staged(settings: Settings, relative: str | None) -> Path | None:
    """A staged file's path, checked to be one (a record's paths are only ever ours: a damaged or foreign
    record names nothing else)."""
    if not relative:
        return None
    path = _in_corpus(settings, relative)
    if not path.name.startswith(STAGED_PREFIX):
        raise ValueError(f"not a staged file: {relative}")
    return path


def _in_corpus(settings: Settings, relative: str) -> Path:
    """A record's path inside corpus/ (a record is only ever ours: an absolute path or one with .. in it
    names nothing)."""
    if not isinstance(relative, str) or not relative or Path(relative).is_absolute():
        raise ValueError(f"not a path inside the corpus: {relative!r}")
    parts = Path(relative).parts
    if ".." in parts:
        raise ValueError(f"not a path inside the corpus: {relative!r}")
    return settings.corpus_dir / relative


def _roll_back(settings: Settings, record_path: Path, record: dict) -> None:
    for key in ("data", "meta"):
        staged = _staged(settings, record.get(key))
        if staged is not None:
            staged.unlink(missing_ok=True)
            for unfinished in staged.parent.glob(f".{staged.name}.*.tmp"):  # atomic_write's, cut short
                unfinished.unlink(missing_ok=True)
    record_path.unlink(missing_ok=True)


def _roll_forward(settings: Settings, record_path: Path, record: dict) -> None:
    target = _in_corpus(settings, record["target"])
    staged_data, staged_meta = _staged(settings, record["data"]), _staged(settings, record.get("meta"))
    if staged_data.exists():  # not yet renamed: the metadata file is put in place first
        if staged_meta is not None:
            if staged_meta.exists():
                os.replace(staged_meta, sidecar_path(target))
        else:
            sidecar_path(target).unlink(missing_ok=True)  # the old copy's, kept in the trash
        os.replace(staged_data, target)
        sync_folder(target.parent)
    elif staged_meta is not None and staged_meta.exists():  # cannot be: the data goes last
        staged_meta.unlink()
    if record.get("audit"):
        user, action, doc_id, details = record["audit"]
        audit(settings, user, action, doc_id, details)
    record_path.unlink(missing_ok=True)


def finish_replacements(settings: Settings) -> list[str]:
    """End the replacements killed processes left (rolled back while staging, forward once committed);
    the corpus paths of those rolled forward. A record that cannot be read is left, with a warning."""
    if not _records(settings).is_dir():
        return []
    finished = []
    with _locked(settings) as folder:
        for unfinished in folder.glob(".*.tmp"):  # a record's atomic write cut short: it never was
            unfinished.unlink(missing_ok=True)
        for record_path in sorted(folder.glob("*.json")):
            finished += _finish(settings, record_path)
    return finished


def _finish(settings: Settings, record_path: Path) -> list[str]:
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record.get("state") == "commit":
            _roll_forward(settings, record_path, record)
            return [record["target"]]
        _roll_back(settings, record_path, record)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: an unfinished replacement that cannot be ended: %s", record_path, exc)
    return []
