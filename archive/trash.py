"""corpus/.deleted/: where the archive keeps what it removes or replaces, by the second it happened, and
the record of which corpus files were deleted (a deletion is a decision the corpus itself keeps)."""

from __future__ import annotations

import errno
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from ingest.sidecar import SUFFIX, sidecar_path
from kb.settings import Settings

TRASH_DIR = ".deleted"
DELETIONS = ".deletions.jsonl"  # in corpus/.deleted/: one line per deletion or restore of a corpus file
NAME_MAX_BYTES = 255  # a file name's bytes on the file systems a corpus lies on (ext4, NTFS, SMB shares)


def move_to_trash(settings: Settings, path: Path) -> Path:
    """Move a corpus file (and its metadata) to corpus/.deleted/STAMP/; the new path. All or nothing:
    when the metadata file cannot follow, the file is put back and the error raised."""
    meta = sidecar_path(path)
    has_meta = _present(meta)  # looked at first: nothing has moved if this fails
    moved = _trash_slot(settings, path)
    os.replace(path, moved)  # the file first: a metadata file left alone is never read
    if has_meta:
        try:
            os.replace(meta, sidecar_path(moved))
        except BaseException:
            os.replace(moved, path)
            raise
    return moved


def copy_to_trash(settings: Settings, path: Path) -> Path:
    """Keep a copy of a corpus file (and its metadata) in corpus/.deleted/STAMP/ while it stays where it
    is (a hard link where the file system allows, else a copy); the copy's path. For a file about to be
    replaced: until the new one is renamed over it, the corpus still holds the old one."""
    kept = _trash_slot(settings, path)
    for source, target in ((path, kept), (sidecar_path(path), sidecar_path(kept))):
        if _present(source):
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, target, follow_symlinks=False)
    return kept


def _trash_slot(settings: Settings, path: Path) -> Path:
    """A free name for `path` in this second's folder of corpus/.deleted/: the file's own name, cut where
    it and its metadata file's (`NAME.meta.json`) would not fit in a file name, `-2`, `-3` … when taken."""
    trash = settings.corpus_dir / TRASH_DIR / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    trash.mkdir(parents=True, exist_ok=True)
    slot, n = trash / _fitting(path.name, ""), 1
    while _present(slot) or _present(sidecar_path(slot)):
        n += 1
        slot = trash / _fitting(path.name, f"-{n}")
    return slot


def _fitting(name: str, mark: str) -> str:
    """`name` with `mark` before its suffix, its stem cut so that the name with `.meta.json` after it
    fits in NAME_MAX_BYTES."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix) if dot and stem and len(os.fsencode(suffix)) <= 16 else (name, "")
    budget = NAME_MAX_BYTES - len(os.fsencode(f"{mark}{suffix}{SUFFIX}"))
    while len(os.fsencode(stem)) > budget:
        stem = stem[:-1]
    return f"{stem}{mark}{suffix}"


def _present(path: Path) -> bool:
    try:
        return path.exists() or path.is_symlink()
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:  # a name longer than the system takes: nothing is there
            return False
        raise


def put_back(moved: Path, path: Path) -> None:
    """Undo move_to_trash: the metadata first, then the file (a file is never seen without it)."""
    if sidecar_path(moved).exists():
        os.replace(sidecar_path(moved), sidecar_path(path))
    os.replace(moved, path)


def note_deletion(settings: Settings, source: str, entry: dict) -> None:
    """Record in corpus/.deleted/ that the corpus file `source` was deleted (`entry`: who, when, where it
    went), so that an import of its outside folder skips it, from whatever folder it is run."""
    _append(settings, {**entry, "action": "delete", "source": source})


def note_restore(settings: Settings, source: str, entry: dict) -> None:
    """Record in corpus/.deleted/ that the deleted corpus file `source` was brought back on purpose."""
    _append(settings, {**entry, "action": "restore", "source": source})


def _append(settings: Settings, record: dict) -> None:
    path = settings.corpus_dir / TRASH_DIR / DELETIONS
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    except OSError as exc:  # a full disk: said with the file it could not write
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    finally:
        os.close(fd)


def deletions(settings: Settings) -> dict[str, dict | None]:
    """Each corpus file deleted or restored, by its corpus path: its deletion's record, or None when it
    was brought back since (a damaged line is left out)."""
    try:
        raw = (settings.corpus_dir / TRASH_DIR / DELETIONS).read_bytes()
    except FileNotFoundError:
        return {}
    decided: dict[str, dict | None] = {}
    for line in raw.decode("utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        source = record.get("source") if isinstance(record, dict) else None
        if isinstance(source, str) and record.get("action") in ("delete", "restore"):
            decided[source] = record if record["action"] == "delete" else None
    return decided
