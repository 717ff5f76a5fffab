"""One rule for what the archive holds: every indexed document has its original in corpus/.

`kb ingest PATH` of files outside the corpus imports them: each file that is read without error is
copied (atomically, with its metadata file) to corpus/imports/SOURCE-FOLDER/ under its path relative
to the folder given, then indexed there. Byte-identical files are stored once. So `kb rebuild`,
`kb check --repair` and the app's rebuild can always recreate the index from corpus/ alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from archive.uploads import inside, move_to_trash, safe_filename
from ingest.pipeline import Import
from ingest.sidecar import atomic_write, sidecar_path
from kb.settings import Settings

IMPORT_DIR = "imports"


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


def import_folder(settings: Settings, root: Path) -> Path:
    """The corpus folder that receives the files of an outside file or folder: imports/NAME/."""
    base = root if root.is_dir() else root.parent
    name = safe_filename(_absolute(base).name or "root")
    return settings.corpus_dir / IMPORT_DIR / name


def outside_roots(settings: Settings, paths: Iterable[Path]) -> list[Path]:
    """The given paths that lie outside the corpus (they are imported)."""
    return [p for p in paths if not inside(p, settings.corpus_dir)]


def importer(settings: Settings, paths: Iterable[Path]) -> Import:
    """Where each outside file goes in the corpus, and how it is stored there."""
    roots = [
        (_absolute(r if r.is_dir() else r.parent), import_folder(settings, r))
        for r in outside_roots(settings, paths)
    ]
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
            return folder.joinpath(*(safe_filename(part) for part in relative.parts))
        return None

    def store(source: Path, target: Path) -> None:
        store_copy(settings, source, target)

    return Import(target, store)


def store_copy(settings: Settings, source: Path, target: Path) -> None:
    """Copy a file and its metadata into the corpus; an earlier, different copy moves to corpus/.deleted/."""
    data = source.read_bytes()
    meta = sidecar_path(source)
    meta_data = meta.read_bytes() if meta.exists() else None
    if target.exists():
        old_meta = sidecar_path(target)
        same_meta = (old_meta.read_bytes() if old_meta.exists() else None) == meta_data
        if target.read_bytes() == data and same_meta:
            return
        move_to_trash(settings, target)
    if meta_data is not None:
        atomic_write(sidecar_path(target), meta_data)  # the metadata first, then the original
    atomic_write(target, data)
