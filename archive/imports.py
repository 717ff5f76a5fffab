"""One rule for what the archive holds: every indexed document has its original in corpus/.

`kb ingest PATH` of files outside the corpus imports them: each file that is read without error is
copied (atomically, with its metadata file) to corpus/imports/FOLDER/ (FOLDER-2/ … for another
folder of the same name; `.source` in it notes which) under its path relative to the folder given,
each name made safe (and kept apart from the names made safe alike), then indexed there. Byte-identical files are stored once. So `kb rebuild`,
`kb check --repair` and the app's rebuild can always recreate the index from corpus/ alone.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from archive.uploads import inside, move_to_trash, safe_filename
from ingest.errors import IngestError
from ingest.pipeline import Import
from ingest.reading import read_regular
from ingest.sidecar import atomic_write, sidecar_bytes, sidecar_path
from kb.settings import Settings

IMPORT_DIR = "imports"
SOURCE_NOTE = ".source"  # in each import folder: the absolute path of the outside folder it came from
MAX_SAME_NAME = 1000  # import folders of one name (imports/NAME, NAME-2 …)


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def import_folder(settings: Settings, root: Path) -> Path:
    """The corpus folder that receives the files of an outside file or folder: imports/NAME/."""
    return import_folders(settings, [root])[_base(root)]


def import_folders(settings: Settings, roots: Iterable[Path]) -> dict[Path, Path]:
    """The corpus folder of each outside folder (a file's: its folder's), by its absolute path.

    imports/NAME/ for a folder named NAME, or imports/NAME-2/, -3 … when another folder of that name
    was imported there before: each import folder notes where it came from (its `.source` file), so
    the same folder goes to the same place every time and two folders of one name never mix.
    """
    folders: dict[Path, Path] = {}
    for root in roots:
        base = _base(root)
        if base not in folders:
            folders[base] = _folder_for(settings, base, set(folders.values()))
    return folders


def _base(root: Path) -> Path:
    return _absolute(root if root.is_dir() else root.parent)


def _folder_for(settings: Settings, base: Path, claimed: set[Path]) -> Path:
    parent = settings.corpus_dir / IMPORT_DIR
    name = stored_name(base.name or "root")
    candidates = [parent / name, *(parent / f"{name}-{n}" for n in range(2, MAX_SAME_NAME + 1))]
    for folder in candidates:  # imported here before
        if folder not in claimed and import_source(folder) == base:
            return folder
    for folder in candidates:  # a new folder, or one imported before sources were noted
        if folder not in claimed and (not folder.exists() or import_source(folder) is None):
            return folder
    raise OSError(f"{MAX_SAME_NAME} folders named {name} are imported already")


def import_source(folder: Path) -> Path | None:
    """The outside folder an import folder came from (None: not noted, or no such import folder)."""
    try:
        raw = read_regular(folder / SOURCE_NOTE, 64 * 1024)
    except (OSError, IngestError):
        return None
    return Path(os.fsdecode(raw.rstrip(b"\n"))) if raw.strip() else None


def _note_source(folder: Path, base: Path) -> None:
    if import_source(folder) != base:
        atomic_write(folder / SOURCE_NOTE, os.fsencode(str(base)) + b"\n")


def stored_name(name: str) -> str:
    """The name a file or folder is stored under: its own when that is safe, else the safe name
    plus a short hash of the original, so two names made safe alike (NFC and NFD, `a?b` and `a:b`)
    stay two files."""
    safe = safe_filename(name)
    if safe == name:
        return safe
    digest = hashlib.sha1(os.fsencode(name)).hexdigest()[:8]
    stem, dot, suffix = safe.rpartition(".")
    return f"{stem}-{digest}.{suffix}" if dot and stem else f"{safe}-{digest}"


def outside_roots(settings: Settings, paths: Iterable[Path]) -> list[Path]:
    """The given paths that lie outside the corpus (they are imported)."""
    return [p for p in paths if not inside(p, settings.corpus_dir)]


def importer(settings: Settings, paths: Iterable[Path]) -> Import:
    """Where each outside file goes in the corpus, and how it is stored there."""
    roots = list(import_folders(settings, outside_roots(settings, paths)).items())
    roots.sort(key=lambda pair: len(pair[0].parts), reverse=True)  # the deepest folder given decides

    def target(path: Path) -> Path | None:
        if inside(path, settings.corpus_dir):
            return None
        absolute = _absolute(path)
        for base, folder in roots:
            try:
                relative = absolute.relative_to(base)
            except ValueError:
                continue
            return folder.joinpath(*(stored_name(part) for part in relative.parts))
        return None

    def store(source: Path, target: Path) -> None:
        for base, folder in roots:
            if inside(target, folder):
                _note_source(folder, base)
                break
        store_copy(settings, source, target)

    return Import(target, store)


def store_copy(settings: Settings, source: Path, target: Path) -> None:
    """Copy a file and its metadata into the corpus; an earlier, different copy moves to corpus/.deleted/."""
    data = read_regular(source, settings.max_upload_bytes)  # read as the worker read it: no link, no FIFO
    meta_data = sidecar_bytes(source)
    if target.exists() or target.is_symlink():
        try:
            same = read_regular(target, len(data)) == data and sidecar_bytes(target) == meta_data
        except IngestError:  # larger, or no regular file: not the same
            same = False
        if same:
            return
        move_to_trash(settings, target)
    if meta_data is not None:
        atomic_write(sidecar_path(target), meta_data)  # the metadata first, then the original
    atomic_write(target, data)
