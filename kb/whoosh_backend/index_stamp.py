"""The index's stamp: the schema version, the generation of the last commit and the size and CRC of
every segment file it wrote, and the check of an opened index against it."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from whoosh.index import FileIndex

from kb.errors import IndexDamagedError
from kb.files import atomic_write
from kb.schema import SCHEMA_VERSION
from kb.whoosh_backend.index_folder import INDEX_NAME, STAMP_FILE


def stamped_version(index_dir: Path) -> int | None:
    """The schema version the stamp records (None: no stamp, or an unreadable one)."""
    try:
        return int(json.loads((index_dir / STAMP_FILE).read_text())["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _segment_files(index_dir: Path) -> dict[str, int]:
    sizes = {}
    for p in index_dir.iterdir():
        if p.name.startswith(f"{INDEX_NAME}_"):
            try:
                sizes[p.name] = p.stat().st_size
            except FileNotFoundError:  # a writer merging segments removed it just now
                continue
    return sizes


def _crc(path: Path) -> int | None:
    try:
        with path.open("rb") as fh:
            crc = 0
            while chunk := fh.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
            return crc
    except OSError:
        return None


def _recorded(index_dir: Path) -> dict:
    try:
        return json.loads((index_dir / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return {}


def record_files(index_dir: Path, ix: FileIndex) -> None:
    """Remember the size and CRC of every segment file after a commit (segment files never change later).

    Only the segments of the latest table of contents count: another writer may already be writing
    the files of its next segment, and those are not complete yet.
    """
    generation = ix.latest_generation()
    current = tuple(f"{INDEX_NAME}_{seg.segid}." for seg in ix._segments())
    files = {name: size for name, size in _segment_files(index_dir).items() if name.startswith(current)}
    old = _recorded(index_dir)
    old_sizes, old_crcs = old.get("files") or {}, old.get("crc") or {}
    crcs = {
        name: old_crcs[name] if name in old_crcs and old_sizes.get(name) == size else _crc(index_dir / name)
        for name, size in files.items()
    }
    data = json.dumps(
        {"schema_version": SCHEMA_VERSION, "generation": generation, "files": files, "crc": crcs}
    )
    atomic_write(index_dir / STAMP_FILE, data.encode("utf-8"))  # a unique temporary file: writers may race


def validate(ix: FileIndex, index_dir: Path) -> None:
    """Raise IndexDamagedError when the index's files are not what the commits wrote.

    Segment files never change once written, so a recorded file of a current segment with another
    size is damage. Files not recorded yet (another process just committed) are not judged. A table
    of contents older than the last commit recorded means the newest one is gone (whoosh would
    quietly open the older one it finds).
    """
    stamp = _recorded(index_dir)
    latest, generation = stamp.get("generation"), ix.latest_generation()
    if isinstance(latest, int) and generation < latest:
        raise IndexDamagedError(
            f"index {index_dir} is damaged: its newest table of contents _{INDEX_NAME}_{latest}.toc is missing"
        )
    recorded, crcs = stamp.get("files") or {}, stamp.get("crc") or {}
    on_disk = _segment_files(index_dir)
    current = tuple(f"{INDEX_NAME}_{seg.segid}" for seg in ix._segments())
    for name, size in recorded.items():
        if name.startswith(current) and (
            on_disk.get(name) != size
            or (crcs.get(name) is not None and _crc(index_dir / name) not in (crcs[name], None))
        ):  # a CRC of None: a writer's merge removed the file after the listing, which is no damage
            raise IndexDamagedError(f"index {index_dir} is damaged: {name} is missing or has changed")
    with ix.reader() as reader:
        count = reader.doc_count_all()
        if count:
            list(reader.column_reader("facetrow"))
            reader.stored_fields(0)
            reader.stored_fields(count - 1)
            for field in ("content", "fold"):
                for _ in zip(range(50), reader.lexicon(field), strict=False):
                    pass
