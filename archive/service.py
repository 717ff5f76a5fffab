"""What the app and the CLI do to the archive: open, ingest, rebuild, upload, correct, delete, audit.

Every change to corpus/ is written atomically before the index is touched, and deletions move files
to corpus/.deleted/ instead of removing them, so nothing stored is ever lost.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.audit import AUDIT_FILE, audit, audit_path, read_audit
from archive.checking import CheckReport, check, repair, replaced_contents
from archive.corpus_folder import corpus_available, refuse_emptying
from archive.imports import IMPORT_DIR, importer, outside_roots
from archive.names import MAX_NAME_CHARS, safe_filename
from archive.replacing import finish_replacements
from archive.trash import TRASH_DIR
from archive.uploads import (
    METADATA_KEYS,
    UPLOAD_DIR,
    DuplicateUpload,
    corpus_path,
    delete_document,
    find_duplicate,
    index_twins,
    limits_from,
    preview,
    store_upload,
    update_metadata,
)
from ingest.paths import ARCHIVE_FILES
from ingest.pipeline import Outcome, content_checksum, discover, file_id, run, source_label
from kb.api import KnowledgeBase
from kb.errors import IndexDamagedError
from kb.settings import Settings

__all__ = [
    "AUDIT_FILE",
    "IMPORT_DIR",
    "MAX_NAME_CHARS",
    "METADATA_KEYS",
    "TRASH_DIR",
    "UPLOAD_DIR",
    "CheckReport",
    "DuplicateUpload",
    "RebuildPlan",
    "audit",
    "audit_path",
    "check",
    "corpus_path",
    "delete_document",
    "find_duplicate",
    "ingest",
    "limits_from",
    "open_knowledge_base",
    "preview",
    "read_audit",
    "rebuild",
    "rebuild_plan",
    "repair",
    "safe_filename",
    "store_upload",
    "update_metadata",
]

log = logging.getLogger(__name__)


def open_knowledge_base(
    settings: Settings, progress: Callable[[Outcome], None] | None = None, index_corpus: bool = True
) -> KnowledgeBase:
    """The opened index; a new, outdated or damaged one is rebuilt from corpus/ at once."""
    damaged = None
    try:
        kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
    except IndexDamagedError as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        aside = settings.index_dir.with_name(f"{settings.index_dir.name}.damaged-{stamp}")
        os.replace(settings.index_dir, aside)
        log.error("%s; moved it to %s and rebuilding from %s", exc, aside, settings.corpus_dir)
        kb = KnowledgeBase(settings.index_dir, settings.corpus_dir)
        damaged = f"{exc}; moved to {aside.name}"
    if index_corpus and kb.created and settings.corpus_dir.exists():
        log.info("new index at %s: indexing %s", settings.index_dir, settings.corpus_dir)
        run(kb, [settings.corpus_dir], limits=limits_from(settings), progress=progress)
        if damaged:
            details = {"before": None, "after": kb.stats().documents, "reason": damaged}
            audit(settings, "kb", "rebuild", "", details)
    return kb


#: Files the archive keeps beside its secrets file (sign-ins, sessions, the audit log).
OWN_FILES = tuple(sorted(ARCHIVE_FILES))  # kept beside the secrets file (the audit log is AUDIT_FILE)


def own_data(settings: Settings) -> list[Path]:
    """The archive's own files and folders, never documents: the index (and the folders a rebuild or
    damage leaves beside it), the secrets file and the files kept beside it. `kb ingest .` in the
    folder that holds `var/` must not import the password hashes or the audit log."""
    index = Path(settings.index_dir)
    secrets = Path(settings.secrets_file)
    siblings = index.parent.glob(f"{index.name}.*") if index.parent.is_dir() else ()
    return [index, *siblings, secrets, *(secrets.parent / name for name in OWN_FILES)]


def ingest(
    kb: KnowledgeBase,
    settings: Settings,
    paths: Iterable[Path],
    *,
    prune: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    workers: int | None = None,
    user: str = "?",
) -> list[Outcome]:
    """Index files and folders; files from outside corpus/ are imported into corpus/imports/ first.

    An import is written to the audit log (one entry per command, with the number of files stored).
    """
    paths = list(paths)
    if prune:  # before an import creates corpus/: without it every document would seem gone
        refuse_emptying(kb, settings, "--prune removed nothing")
    finish_replacements(settings)  # a re-import a kill cut short: its old pair or its new one
    outside = outside_roots(settings, paths)
    imports = importer(settings, paths, user) if outside else None
    before = kb.checksums()
    outcomes = run(
        kb,
        paths,
        limits=limits_from(settings),
        prune=prune,
        progress=progress,
        workers=workers,
        imports=imports,
        skip=own_data(settings),
    )
    outcomes += index_twins(kb, settings, replaced_contents(before, outcomes))
    imported = [o for o in outcomes if o.message.startswith("imported from ")]
    if imported:
        roots = [str(Path(os.path.abspath(p))) for p in outside]
        audit(settings, user, "import", "", {"from": roots, "files": len(imported)})
    return outcomes


@dataclass(frozen=True)
class RebuildPlan:
    """What a rebuild will do: documents in the index now, distinct files in corpus/ it will read."""

    documents: int
    files: int

    @property
    def shrinks(self) -> bool:
        return self.files < self.documents


def rebuild_plan(kb: KnowledgeBase, settings: Settings) -> RebuildPlan:
    corpus_available(settings)
    contents = set()
    for path in discover([settings.corpus_dir], skip=[kb.index_dir]):
        try:
            contents.add(content_checksum(path.read_bytes()))
        except OSError:
            continue
    return RebuildPlan(documents=kb.stats().documents, files=len(contents))


def rebuild(
    kb: KnowledgeBase,
    settings: Settings,
    progress: Callable[[Outcome], None] | None = None,
    *,
    user: str = "?",
    plan: RebuildPlan | None = None,
) -> list[Outcome]:
    """Recreate the index from corpus/ alone; written to the audit log with both counts.

    The new index is built beside the live one and replaces it in one commit once complete, so
    searches meanwhile (and after a kill) find every document the live index had. Callers show
    `rebuild_plan` first and ask for confirmation when it shrinks the index.
    """
    corpus_available(settings)  # checked again: the plan may have been made a while ago
    finish_replacements(settings)  # a re-import a kill cut short: its old pair or its new one
    plan = plan or rebuild_plan(kb, settings)
    # The files of the documents indexed now come first, so that of two byte-identical files the
    # one that was indexed keeps its id (the other stays a duplicate).
    first = [p for p in (_inside_corpus(settings, src) for _, src in kb.checksums().values()) if p]
    paths = [*sorted(first), settings.corpus_dir]
    started = time.time()
    with kb.rebuilding() as new:
        outcomes = run(new, paths, limits=limits_from(settings), progress=progress)
    outcomes += _catch_up(kb, settings, started)
    after = kb.stats().documents
    failed = sum(1 for o in outcomes if o.status == "failed")
    audit(
        settings,
        user,
        "rebuild",
        "",
        {"before": plan.documents, "after": after, "files": plan.files, "failed": failed},
    )
    return outcomes


def _catch_up(kb: KnowledgeBase, settings: Settings, started: float) -> list[Outcome]:
    """Index what changed in corpus/ while the rebuild ran (an upload, a deletion): the live index
    got it then, but the rebuild may have read the folder before."""
    changed, seen = [], set()
    for path in discover([settings.corpus_dir], skip=[kb.index_dir]):
        seen.add(file_id(source_label(path, settings.corpus_dir)))
        try:
            if path.stat().st_mtime >= started - 2:  # a coarse file-system clock
                changed.append(path)
        except OSError:
            continue
    gone = [i for i, (_, src) in kb.checksums().items() if i not in seen and not Path(src).is_absolute()]
    if gone:
        kb.remove(gone)
    outcomes = [Outcome(i, "removed", i, "the file is no longer in the corpus") for i in gone]
    if changed:
        outcomes += [
            o for o in run(kb, changed, limits=limits_from(settings)) if o.status in ("indexed", "updated")
        ]
    return outcomes


def _inside_corpus(settings: Settings, source: str) -> Path | None:
    path = Path(source)
    if path.is_absolute() or not source:
        return None
    path = settings.corpus_dir / path
    return path if path.is_file() else None
