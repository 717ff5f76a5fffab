"""The index folder: telling one of ours from a user's folder, removing only the index's own files,
stale temporary files of killed writers, and the folders rebuilds are built in beside the index.

Nothing here removes a folder that does not carry our marker or is not empty: a mistyped `--index`
pointing at a folder of documents is refused, never emptied.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh.filedb.filestore import FileStorage

from kb.errors import IndexBusyError, IndexFolderError
from kb.files import atomic_write
from kb.schema import INDEX_MARKER

log = logging.getLogger(__name__)

INDEX_NAME = "MAIN"
STAMP_FILE = "kb_schema.json"
MARKER = INDEX_MARKER  # kb/schema.py: written into every index folder; a folder without it is never changed
WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"
TEMP_FOLDER = f"{INDEX_NAME}.tmp"  # whoosh's writer keeps its sorting runs here while it writes
BUILDING = ".building-"  # INDEX.building-<pid>: a rebuild's new index, beside the live one

#: The names of the files an index writes: whoosh's tables of contents, segments, lock and temporary
#: folder, our stamp, marker and note of replaced files (and their temporary files).
_OWN = re.compile(
    rf"^(_?{INDEX_NAME}_.*|{INDEX_NAME}\.tmp|{re.escape(STAMP_FILE)}|\.{re.escape(STAMP_FILE)}\..*"
    rf"|\.?{re.escape(MARKER)}(\..*)?|\.\.?superseded\.json.*)$"
)


def is_index(folder: Path) -> bool:
    """Whether a folder holds one of our indexes: our marker, or (made by an earlier version) our
    stamp beside a table of contents."""
    folder = Path(folder)
    if (folder / MARKER).is_file():
        return True
    return (folder / STAMP_FILE).is_file() and any(folder.glob(f"_{INDEX_NAME}_*.toc"))


def claim(folder: Path) -> None:
    """Raise IndexFolderError unless the folder is missing, empty or one of our indexes (or one being
    made: its marker half-written)."""
    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return
    # empty, or holding only the marker being written: another process is creating the index right now
    if folder.is_dir() and (
        is_index(folder) or all(p.name.startswith(f".{MARKER}.") for p in folder.iterdir())
    ):
        return
    raise IndexFolderError(f"{folder} is not a network-kb index; refusing to touch it")


def mark(folder: Path) -> None:
    """Write the marker into an index folder (an index of an earlier version gets it on open)."""
    if (Path(folder) / MARKER).is_file():
        return
    try:
        atomic_write(
            Path(folder) / MARKER, b"network-kb index: derived from the corpus, rebuilt by `kb rebuild`\n"
        )
    except OSError as exc:  # a read-only index still opens (the stamp and table of contents say it is ours)
        log.warning("cannot mark %s as an index: %s", folder, exc)


def clear(folder: Path) -> None:
    """Remove the index's own files from one of our folders; anything else in it stays."""
    folder = Path(folder)
    claim(folder)
    for path in folder.iterdir() if folder.is_dir() else ():
        if not _OWN.match(path.name):
            log.warning("%s is not a file of the index: left where it is", path)
        elif path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def remove_stale_temp(folder: Path) -> None:
    """Remove the temporary folder a killed (or failed) writer left, when no writer holds the lock."""
    folder = Path(folder)
    if not (folder / TEMP_FOLDER).is_dir():
        return
    lock = FileStorage(str(folder)).lock(WRITE_LOCK)
    try:
        if not lock.acquire(blocking=False):
            return  # a writer is at work: the folder is its own
    except OSError:
        return  # a read-only index: nothing can be cleaned
    try:
        shutil.rmtree(folder / TEMP_FOLDER, ignore_errors=True)
        log.info("removed the temporary files of an interrupted write in %s", folder)
    finally:
        lock.release()


# -- the folders of rebuilds -----------------------------------------------------------------------------


def _lock_path(index_dir: Path) -> Path:
    return index_dir.parent / f".{index_dir.name}.rebuild-lock"


@contextmanager
def building(index_dir: Path) -> Iterator[Path]:
    """A new, empty folder beside the index for a rebuild to build in; removed at the end.

    One rebuild at a time (a lock beside the index); folders that killed rebuilds left are removed.
    """
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(index_dir), "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexBusyError(f"the index {index_dir} is being rebuilt by another process") from exc
        try:
            _remove_building(index_dir)
            folder = index_dir.with_name(f"{index_dir.name}{BUILDING}{os.getpid()}")
            try:
                yield folder
            finally:
                _discard(folder)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_stale_building(index_dir: Path) -> None:
    """Remove the folders killed rebuilds left beside the index (none while a rebuild runs)."""
    index_dir = Path(index_dir)
    if not any(index_dir.parent.glob(f"{glob_escape(index_dir.name)}{BUILDING}*")):
        return
    try:
        fh = open(_lock_path(index_dir), "a")  # noqa: SIM115  (held only while cleaning)
    except OSError:
        return
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a rebuild is running: its folder is in use
        try:
            _remove_building(index_dir)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _remove_building(index_dir: Path) -> None:
    for folder in index_dir.parent.glob(f"{glob_escape(index_dir.name)}{BUILDING}*"):
        log.info("removing %s, left by an interrupted rebuild", folder)
        _discard(folder)


def _discard(folder: Path) -> None:
    """Remove a rebuild's folder: its index files, then the folder itself when nothing else is in it."""
    (folder.parent / f".{folder.name}.create-lock").unlink(missing_ok=True)
    if not folder.is_dir() or folder.is_symlink():
        return
    # the folder is a rebuild's by its name, marked or not (a full disk can refuse the marker): its
    # index files go; anything else in it stays, and so does the folder then
    try:
        for path in folder.iterdir():
            if not _OWN.match(path.name):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
        if any(folder.iterdir()):
            log.warning("%s holds files that are not an index: left where it is", folder)
            return
        folder.rmdir()
    except OSError as exc:
        log.warning("cannot remove %s: %s", folder, exc)
