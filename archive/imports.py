"""One rule for what the archive holds: every indexed document has its original in corpus/.

`kb ingest PATH` of files outside the corpus imports them: each file that is read without error is
copied (atomically, with its metadata file) to corpus/imports/FOLDER/ (FOLDER-2/ … for another
folder of the same name; `.source` in it notes which) under its path relative to the folder given,
each name made safe (and kept apart from the names made safe alike), then indexed there. Byte-identical files are stored once.
A changed file replaces its copy (which moves to corpus/.deleted/) and keeps the confirmed metadata
of the copy it replaces: the archive's correction wins over the file's own metadata. So `kb rebuild`,
`kb check --repair` and the app's rebuild can always recreate the index from corpus/ alone.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from pathlib import Path

from archive.audit import audit, deleted_sources, now
from archive.import_targets import (  # noqa: F401  (named here too)
    IMPORT_DIR,
    claim_import_folders,
    give_back,
    import_folders,
    imported_sources,
    note_source,
    stored_path,
)
from archive.replacing import replace_pair
from archive.trash import copy_to_trash, deletions, note_restore
from archive.uploads import inside, linked_reason
from ingest.errors import IngestError
from ingest.pipeline import Import, file_id, source_label
from ingest.reading import NotRegularFile, read_regular
from ingest.sidecar import atomic_write, parse_sidecar, sidecar_bytes, sidecar_json, sidecar_path
from kb.settings import Settings


def _absolute(path: Path) -> Path:
    """The absolute path, the folders above it read through their links: one folder reached through a
    linked parent (a home under /home -> /data/home, `kb ingest .` in it) is one outside folder, whose
    files go to one import folder (not to Berichte-2/, keeping a second copy of every changed file)."""
    absolute = os.path.abspath(path)
    head, name = os.path.split(absolute)
    return Path(os.path.realpath(head), name) if name else Path(absolute)


def outside_roots(settings: Settings, paths: Iterable[Path]) -> list[Path]:
    """The given paths that lie outside the corpus (they are imported)."""
    return [p for p in paths if not inside(p, settings.corpus_dir)]


class DeletedFromArchive(NotRegularFile):
    """An outside file whose copy a coordinator deleted from the archive: skipped, never read again
    (a deletion is a decision), unless the file is named by itself."""


def importer(settings: Settings, paths: Iterable[Path], user: str = "?") -> Import:
    """Where each outside file goes in the corpus, and how it is stored there (`user`: for the audit log).

    The import folders are claimed at once (`claim_import_folders`), and those nothing was stored in
    are given back when the run is over (`Import.finish`).
    A file found in a folder whose copy was deleted from the archive is skipped, saying so; named by
    itself, it is imported again, and the audit log records a `restore`.
    """
    paths = list(paths)
    given, made = claim_import_folders(settings, outside_roots(settings, paths))
    # a folder imported before inside a folder given keeps its files where it put them
    inner = {
        source: folder
        for source, folder in imported_sources(settings).items()
        if source not in given and any(source.is_relative_to(base) for base in given)
    }
    roots = [*given.items(), *inner.items()]
    roots.sort(key=lambda pair: len(pair[0].parts), reverse=True)  # the deepest folder decides
    noted = {folder for folder in given.values() if folder.parent == settings.corpus_dir / IMPORT_DIR}
    # the corpus' own record (corpus/.deleted/), over the audit log's of earlier versions
    decided = {**deleted_sources(settings), **deletions(settings)}
    deleted = {source: entry for source, entry in decided.items() if entry is not None}
    named = {_absolute(p) for p in paths if not p.is_dir()}

    def deletion(target: Path) -> dict | None:
        """The audit entry of the deletion of the copy at `target` (None: not deleted, or there again)."""
        if not deleted or target.exists() or target.is_symlink():
            return None
        return deleted.get(source_label(target, settings.corpus_dir))

    def metadata(source: Path, target: Path) -> bytes | None:
        entry = deletion(target)
        if entry is not None and _absolute(source) not in named:
            who, when = entry.get("user", "?"), str(entry.get("at", "?"))[:10]
            raise DeletedFromArchive(
                f"deleted from the archive by {who} on {when}; "
                f"`kb ingest {shlex.quote(str(source))}` (the file by itself) imports it again"
            )
        return stored_metadata(source, target)

    def target(path: Path) -> Path | None:
        if inside(path, settings.corpus_dir):
            return None
        absolute = _absolute(path)
        for base, folder in roots:
            try:
                relative = absolute.relative_to(base)
            except ValueError:
                continue
            return stored_path(folder, relative.parts)
        return None

    def store(source: Path, target: Path) -> None:
        if linked := linked_reason(settings.corpus_dir, target.parent):  # before its folder's note too
            raise IngestError(linked)
        for base, folder in roots:
            if inside(target, folder):
                if folder in noted:  # (a folder inside an earlier import is noted by that import's)
                    note_source(settings, folder, base)
                break
        restored = deletion(target) is not None
        store_copy(settings, source, target, user)
        if restored:  # named by itself: brought back on purpose
            label = source_label(target, settings.corpus_dir)
            details = {"source": label, "from": str(_absolute(source))}
            note_restore(settings, label, {"at": now(), "user": user, "id": file_id(label), **details})
            audit(settings, user, "restore", file_id(label), details)

    return Import(target, store, metadata, finish=lambda: give_back(settings, made))


def stored_metadata(source: Path, target: Path) -> bytes | None:
    """The metadata file an outside file is stored with at `target`: its own (FILE.meta.json beside it),
    except where the copy it replaces has confirmed metadata in the corpus (a coordinator's correction,
    or what came with the earlier import): that wins, field by field. Once imported, a document's
    metadata is kept in the archive; a changed file brings new text, never undoes a correction.

    IngestError (naming the file) when either metadata file cannot be read or is no JSON object.
    """
    own = sidecar_bytes(source)
    kept = sidecar_bytes(target) if target.is_file() and not target.is_symlink() else None
    if kept is None or own == kept:
        parse_sidecar(own, sidecar_path(source))  # a damaged one is named where it can be mended
        return own
    confirmed = parse_sidecar(kept, sidecar_path(target))
    if own is None:
        return kept
    theirs = parse_sidecar(own, sidecar_path(source))
    if "date" in confirmed or "year" in confirmed:  # one field in two keys: the archive's date stands whole
        theirs = {k: v for k, v in theirs.items() if k not in ("date", "year")}
    merged = {**theirs, **confirmed}
    return kept if merged == confirmed else sidecar_json(merged)


def store_copy(settings: Settings, source: Path, target: Path, user: str = "?") -> None:
    """Copy a file and its metadata into the corpus; an earlier, different copy moves to corpus/.deleted/
    (with its metadata file), and the new copy keeps its confirmed metadata (`stored_metadata`)."""
    data = read_regular(source, settings.max_upload_bytes)  # read as the worker read it: no link, no FIFO
    meta_data = stored_metadata(source, target)
    if target.exists() or target.is_symlink():
        try:
            same = read_regular(target, len(data)) == data and sidecar_bytes(target) == meta_data
        except IngestError:  # larger, or no regular file: not the same
            same = False
        if same:
            return
        kept = _kept_fields(target, meta_data)
        moved = copy_to_trash(settings, target)  # the old copy stays in place until the new one replaces it
        label = source_label(target, settings.corpus_dir)
        details = {"source": label, "from": str(_absolute(source)), "old_copy": str(moved), "kept": kept}
        # the copy and its metadata file as one change: a kill leaves the old pair or the new one
        replace_pair(settings, target, data, meta_data, (user, "reimport", file_id(label), details))
        return
    if meta_data is not None:
        atomic_write(sidecar_path(target), meta_data)  # the metadata first: a file is never seen without it
    else:
        sidecar_path(target).unlink(missing_ok=True)  # a metadata file left alone: not this file's
    atomic_write(target, data)


def _kept_fields(target: Path, meta_data: bytes | None) -> list[str]:
    """The fields of the replaced copy's metadata file that the new copy keeps as they were."""
    try:
        before = parse_sidecar(sidecar_bytes(target), sidecar_path(target))
        after = parse_sidecar(meta_data, sidecar_path(target))
    except IngestError:
        return []
    return sorted(k for k, v in before.items() if after.get(k) == v)
