"""Where outside files go in the corpus: one import folder for each outside folder (imports/NAME/,
NAME-2/ … for another folder of the same name), claimed while a lock is held and noted in its `.source`
file, so two imports at once never choose the same folder; each name in it made safe."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from archive.names import safe_filename
from archive.replacing import corpus_lock
from ingest.errors import IngestError
from ingest.reading import read_regular
from ingest.sidecar import atomic_write
from kb.files import held
from kb.settings import Settings

IMPORT_DIR = "imports"
SOURCE_NOTE = ".source"  # in each import folder: the absolute path of the outside folder it came from
MAX_SAME_NAME = 1000  # import folders of one name (imports/NAME, NAME-2 …)


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
    earlier = imported_sources(settings)
    for base in sorted({_base(root) for root in roots}, key=lambda b: len(b.parts)):  # outer ones first
        # a folder inside one imported before (or given too): its files go where that import puts them,
        # never to a second copy whose old version would stay a document of its own once the file changes
        outer = [(s, f) for s, f in {**earlier, **folders}.items() if s != base and base.is_relative_to(s)]
        if base not in earlier and outer:
            source, folder = max(outer, key=lambda pair: len(pair[0].parts))
            folders[base] = stored_path(folder, base.relative_to(source).parts)
        else:
            folders[base] = _folder_for(settings, base, set(folders.values()))
    return folders


def imported_sources(settings: Settings) -> dict[Path, Path]:
    """The outside folders imported before (their `.source` notes), each with its import folder."""
    try:
        folders = sorted((settings.corpus_dir / IMPORT_DIR).iterdir())
    except OSError:  # nothing imported yet
        return {}
    sources = {}
    for folder in folders:
        source = import_source(folder) if folder.is_dir() and not folder.is_symlink() else None
        if source is not None:
            sources.setdefault(source, folder)
    return sources


def _base(root: Path) -> Path:
    """The outside folder of a path given, read through every link (a folder given as a link to it is
    that folder): the files found in it are read through the links above them (`_absolute`)."""
    return _folder(root if root.is_dir() else root.parent)


def _folder(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _folder_for(settings: Settings, base: Path, claimed: set[Path]) -> Path:
    parent = settings.corpus_dir / IMPORT_DIR
    name = stored_name(base.name or "root")
    candidates = [parent / name, *(parent / f"{name}-{n}" for n in range(2, MAX_SAME_NAME + 1))]
    earlier = base.name or "root"  # the name as it is, where an earlier version kept it (stored_path)
    before = [parent / earlier, *(parent / f"{earlier}-{n}" for n in range(2, MAX_SAME_NAME + 1))]
    for folder in [*candidates, *(before if earlier != name else ())]:  # imported here before
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
    # noted as given by earlier versions: read as the folders above it are now
    return _folder(Path(os.fsdecode(raw.rstrip(b"\n")))) if raw.strip() else None


def claim_import_folders(settings: Settings, roots: Iterable[Path]) -> tuple[dict[Path, Path], list[Path]]:
    """import_folders, each import folder claimed for its outside folder at once (made, with its
    `.source` note) while the corpus lock is held: two imports at once of two folders of one name
    (a/Berichte, b/Berichte) never choose the same folder. Also the folders made here (`give_back`)."""
    roots, made = list(roots), []
    try:
        with held(corpus_lock(settings)):
            folders = import_folders(settings, roots)
            for base, folder in folders.items():
                if folder.parent == settings.corpus_dir / IMPORT_DIR and import_source(folder) != base:
                    if not _present(folder):
                        made.append(folder)
                    _write_note(folder, base)
    except OSError:  # a corpus that cannot be written: each file says so when it is to be stored
        with suppress(OSError):
            give_back(settings, made)
        return import_folders(settings, roots), []
    return folders, made


def give_back(settings: Settings, folders: Iterable[Path]) -> None:
    """Remove the claimed import folders nothing was stored in (every file refused): corpus/ keeps no
    trace of them."""
    folders = list(folders)
    if not folders:
        return
    with held(corpus_lock(settings)):
        for folder in folders:
            try:
                if [entry.name for entry in os.scandir(folder)] in ([SOURCE_NOTE], []):
                    (folder / SOURCE_NOTE).unlink(missing_ok=True)
                    folder.rmdir()
            except OSError:  # stored in after all, or gone: kept as it is
                continue


def note_source(settings: Settings, folder: Path, base: Path) -> None:
    """Note the outside folder an import folder receives files of; never over another one's note."""
    if import_source(folder) == base:  # claimed by this run (or an earlier one of this folder)
        return
    with held(corpus_lock(settings)):
        other = import_source(folder)
        if other is None:  # given back by a run of the same folder that stored nothing: claimed again
            _write_note(folder, base)
        elif other != base:
            raise IngestError(f"{folder} was claimed meanwhile by an import of {other}; run kb ingest again")


def _write_note(folder: Path, base: Path) -> None:
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


def stored_path(folder: Path, parts: Iterable[str]) -> Path:
    """Where the parts of an outside path are stored below an import folder: each part's stored name, or
    the part as it is where an earlier version stored it so (a name safe then, and no longer: CON.txt,
    240 bytes of ä), so that a changed file replaces its copy instead of going beside it."""
    here = folder
    for part in parts:
        stored = stored_name(part)
        kept = here / part
        here = kept if stored != part and _present(kept) else here / stored
    return here


def _present(path: Path) -> bool:
    try:
        return path.exists() or path.is_symlink()
    except OSError:  # a path longer than the system takes: nothing is stored there
        return False
