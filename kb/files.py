"""Writing files so that readers see the old content or the new, never half of it; a lock file held."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a hidden temporary file beside it (fsynced, then renamed).

    The temporary file is named `.NAME.*.tmp`, so folder walks that skip dot files never see it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_folder(path.parent)  # the rename itself survives a power cut only once the folder is synced


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that the renames and removals in it survive a power cut (where it can be)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


@contextmanager
def held(lock: Path) -> Iterator[None]:
    """Hold an exclusive flock on the file `lock` (made if missing) until the block ends; an open file of
    its own, so threads of one process wait for each other too."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
