"""corpus/.deleted/: where the archive keeps what it removes or replaces, by the second it happened."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from ingest.sidecar import sidecar_path
from kb.settings import Settings

TRASH_DIR = ".deleted"


def move_to_trash(settings: Settings, path: Path) -> Path:
    """Move a corpus file (and its metadata) to corpus/.deleted/STAMP/; the new path."""
    moved = _trash_slot(settings, path)
    os.replace(path, moved)  # the file first: a metadata file left alone is never read
    meta = sidecar_path(path)
    if meta.exists():
        os.replace(meta, sidecar_path(moved))
    return moved


def copy_to_trash(settings: Settings, path: Path) -> Path:
    """Keep a copy of a corpus file (and its metadata) in corpus/.deleted/STAMP/ while it stays where it
    is (a hard link where the file system allows, else a copy); the copy's path. For a file about to be
    replaced: until the new one is renamed over it, the corpus still holds the old one."""
    kept = _trash_slot(settings, path)
    for source, target in ((path, kept), (sidecar_path(path), sidecar_path(kept))):
        if source.exists() or source.is_symlink():
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(source, target, follow_symlinks=False)
    return kept


def _trash_slot(settings: Settings, path: Path) -> Path:
    """A free name for `path` in this second's folder of corpus/.deleted/."""
    trash = settings.corpus_dir / TRASH_DIR / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    trash.mkdir(parents=True, exist_ok=True)
    slot, n = trash / path.name, 1
    while slot.exists() or slot.is_symlink():
        n += 1
        slot = trash / f"{path.stem}-{n}{path.suffix}"
    return slot


def put_back(moved: Path, path: Path) -> None:
    """Undo move_to_trash: the metadata first, then the file (a file is never seen without it)."""
    if sidecar_path(moved).exists():
        os.replace(sidecar_path(moved), sidecar_path(path))
    os.replace(moved, path)
