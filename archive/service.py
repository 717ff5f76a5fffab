"""What the app and the CLI do to the archive: open, ingest, rebuild, upload, correct, delete, audit.

Every change to corpus/ is written atomically before the index is touched, and deletions move files
to corpus/.deleted/ instead of removing them, so nothing stored is ever lost.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from archive.audit import AUDIT_FILE, audit, audit_path, read_audit
from archive.checking import CheckReport, check, repair, replaced_contents
from archive.corpus_folder import refuse_emptying
from archive.imports import IMPORT_DIR, importer, outside_roots
from archive.names import MAX_NAME_CHARS, safe_filename
from archive.rebuilding import LostDocument, RebuildCancelled, RebuildPlan, lost_said, rebuild, rebuild_plan
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
from ingest.pipeline import NOT_INDEXED, Outcome, file_id, run
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
    "LostDocument",
    "RebuildCancelled",
    "RebuildPlan",
    "audit",
    "audit_path",
    "check",
    "corpus_path",
    "delete_document",
    "find_duplicate",
    "ingest",
    "limits_from",
    "lost_said",
    "open_knowledge_base",
    "preview",
    "read_audit",
    "rebuild",
    "rebuild_plan",
    "repair",
    "safe_filename",
    "store_upload",
    "unmended",
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
    now = kb.checksums()
    left = {c.split("-")[0] for i, (c, _) in before.items() if i not in now}  # a document removed
    outcomes += index_twins(kb, settings, replaced_contents(before, outcomes) | left)
    imported = [o for o in outcomes if o.message.startswith("imported from ")]
    if imported:
        roots = [str(Path(os.path.abspath(p))) for p in outside]
        audit(settings, user, "import", "", {"from": roots, "files": len(imported)})
    return outcomes


def unmended(after: CheckReport, outcomes: list[Outcome]) -> list[tuple[str, str]]:
    """Each difference a repair left, with why: (id, reason). A file the repair could not index says it
    (its failure, or the document it duplicates); else the corpus changed while it ran."""
    why: dict[str, str] = {}
    for o in outcomes:
        if o.status in NOT_INDEXED:
            why.setdefault(
                o.id if o.id and o.status != "duplicate" else file_id(o.source), o.message or o.status
            )
    left = [*after.missing, *after.stale, *after.orphaned]
    return [
        (i, why.get(i) or "the corpus changed while the repair ran; run kb check --repair again")
        for i in left
    ]
