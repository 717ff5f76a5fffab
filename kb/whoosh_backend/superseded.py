"""Whoosh's commit, keeping the files of replaced segments for a while (imported by kb.index).

A commit that merges segments replaces their files, and whoosh deletes those at once. A reader that
opened before the commit still uses them: with `compound=False` it opens a segment's columns and
stored fields by name when it first reads them, and finds a column missing after the deletion
(a `kb add` in one process read an empty ledger and then crashed on the stored fields while twelve
others wrote). So a commit only notes the files it replaced, with the time, and a later commit
removes those noted at least `GRACE_S` earlier: every search or operation reopens its reader when
the index has changed, and none reads for that long.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from whoosh.index import TOC
from whoosh.writing import SegmentWriter

from kb.files import atomic_write

#: How long the files of a replaced segment or table of contents stay on disk.
GRACE_S = 600.0
#: Replaced file → when a commit first found it replaced (a dot file: whoosh's listing skips it).
LEDGER = ".superseded.json"


def replaced_files(folder: Path, indexname: str, generation: int, segments) -> set[str]:
    """The files of the index no table of contents of this generation uses (as whoosh would delete)."""
    current = {s.segment_id() for s in segments}
    toc, seg = TOC._pattern(indexname), TOC._segment_pattern(indexname)
    found = set()
    for name in os.listdir(folder):
        if name.startswith("."):
            continue
        old_toc = (m := toc.match(name)) is not None and int(m.group(1)) != generation
        old_segment = (m := seg.match(name)) is not None and m.group(1) not in current
        if old_toc or old_segment:
            found.add(name)
    return found


def noted(folder: Path) -> dict[str, float]:
    """The replaced files still on disk (noted by the last commit), with when they were replaced."""
    try:
        found = json.loads((folder / LEDGER).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def remove_replaced(folder: Path, replaced: set[str], now: float | None = None) -> set[str]:
    """Delete the replaced files noted at least GRACE_S ago, note the others; returns those deleted."""
    now = time.time() if now is None else now
    earlier = noted(folder)
    keep, deleted = {}, set()
    for name in sorted(replaced):
        since = earlier.get(name)
        since = since if isinstance(since, int | float) else now
        if now - since >= GRACE_S:
            try:
                (folder / name).unlink()
                deleted.add(name)
                continue
            except FileNotFoundError:
                continue
            except OSError:
                pass  # kept, and tried again on the next commit
        keep[name] = since
    if keep == earlier:  # nothing newly replaced or removed: the note stands
        return deleted
    atomic_write(folder / LEDGER, json.dumps(keep).encode("utf-8"))
    return deleted


def _commit_toc(self, segments) -> None:
    """SegmentWriter._commit_toc that leaves replaced files to a later commit (under the write lock)."""
    TOC(self.schema, segments, self.generation).write(self.storage, self.indexname)
    folder = Path(self.storage.folder)
    remove_replaced(folder, replaced_files(folder, self.indexname, self.generation, segments))


SegmentWriter._commit_toc = _commit_toc  # MpWriter inherits it
