"""`kb rebuild` and the app's rebuild: what a rebuild will do, and doing it without losing a document
unasked.

The plan reads every file's bytes and metadata file (no extraction): a document whose file is gone, is
empty or carries metadata the vocabulary no longer accepts is named as lost before anything is built.
What only reading a file shows (a PDF that no longer opens) is found by the rebuild itself: it builds
the new index beside the live one and asks before that index, short of documents, replaces it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.audit import audit
from archive.corpus_folder import corpus_available
from archive.replacing import finish_replacements
from archive.uploads import limits_from
from ingest.errors import IngestError
from ingest.metadata.confirmed import validate
from ingest.pipeline import NOT_INDEXED, Outcome, discover, file_id, run, source_label
from ingest.reading import file_checksum
from ingest.sidecar import read_sidecar, sidecar_path
from kb.api import KnowledgeBase
from kb.errors import KBError
from kb.settings import Settings
from kb.vocabulary import load_vocabulary

MAX_LOST_NAMED = 3  # lost documents named one by one in a question; the others are counted


@dataclass(frozen=True)
class LostDocument:
    """A document indexed now that a rebuild would not index again, and why."""

    id: str
    reason: str


@dataclass(frozen=True)
class RebuildPlan:
    """What a rebuild will do: documents in the index now, distinct files in corpus/ that will index,
    and the documents indexed now that it would not index again."""

    documents: int
    files: int
    lost: tuple[LostDocument, ...] = ()

    @property
    def shrinks(self) -> bool:
        return bool(self.lost)


class RebuildCancelled(KBError):
    """The rebuilt index would lose documents and nobody agreed: the live index stays as it was."""


def lost_said(lost: Iterable[LostDocument]) -> str:
    """'2 documents: documents/g (documents/g.txt: empty file (0 bytes)), documents/h (…)' (a few named)."""
    lost = list(lost)
    named = ", ".join(f"{d.id} ({d.reason})" for d in lost[:MAX_LOST_NAMED])
    more = f" and {len(lost) - MAX_LOST_NAMED} more" if len(lost) > MAX_LOST_NAMED else ""
    return f"{len(lost)} document{'s' if len(lost) != 1 else ''}: {named}{more}"


def rebuild_plan(kb: KnowledgeBase, settings: Settings) -> RebuildPlan:
    """What a rebuild of corpus/ would index, compared with what the index holds now."""
    corpus_available(settings)
    max_bytes = limits_from(settings).max_bytes
    vocabulary = load_vocabulary(settings.corpus_dir)
    ok: dict[str, tuple[str, str]] = {}  # id → (file, content) of the files that will index
    refused: dict[str, str] = {}  # id → why its file will not index
    for path in discover([settings.corpus_dir], skip=[kb.index_dir]):
        label = source_label(path, settings.corpus_dir)
        doc_id = file_id(label)
        try:
            content, size = file_checksum(path, max_bytes)
            if size == 0:
                raise IngestError("empty file (0 bytes)")
            try:
                validate(read_sidecar(path), vocabulary, keep_emptied=True)
            except IngestError as exc:
                raise IngestError(f"{sidecar_path(path).name}: {exc}") from None
        except (OSError, IngestError) as exc:
            reason = str(exc) if isinstance(exc, IngestError) else (exc.strerror or str(exc)).lower()
            refused[doc_id] = f"{label}: {reason}"
            continue
        ok.setdefault(doc_id, (label, content))
    known = kb.checksums()
    # of byte-identical files, the one indexed now keeps its id (as `rebuild` reads those files first)
    order = sorted((i for i in ok if i in known), key=lambda i: Path(ok[i][0])) + [
        i for i in ok if i not in known
    ]
    owner: dict[str, str] = {}
    for doc_id in order:
        owner.setdefault(ok[doc_id][1], doc_id)
    lost = []
    for doc_id, (checksum, source) in sorted(known.items()):
        if doc_id in ok and owner[ok[doc_id][1]] == doc_id:
            continue
        if checksum.split("-")[0] in owner:  # its text stays indexed, under another file's id
            continue
        if doc_id in ok:
            label, content = ok[doc_id]
            reason = f"{label}: the same bytes as {ok[owner[content]][0]}"
        else:
            reason = refused.get(doc_id) or _gone(source)
        lost.append(LostDocument(doc_id, reason))
    return RebuildPlan(documents=len(known), files=len(owner), lost=tuple(lost))


def _gone(source: str) -> str:
    if Path(source).is_absolute():
        return f"indexed from {source}, outside the corpus; kb ingest of its folder imports it"
    return "no file in the corpus"


def rebuild(
    kb: KnowledgeBase,
    settings: Settings,
    progress: Callable[[Outcome], None] | None = None,
    *,
    user: str = "?",
    plan: RebuildPlan | None = None,
    confirm: Callable[[list[LostDocument]], bool] | None = None,
) -> list[Outcome]:
    """Recreate the index from corpus/ alone; written to the audit log with both counts.

    The new index is built beside the live one and replaces it in one commit once complete, so
    searches meanwhile (and after a kill) find every document the live index had. Callers show
    `rebuild_plan` first and ask for confirmation when it shrinks the index. With `confirm`, the
    documents the new index lacks beyond the plan's `lost` are given to it before the new index
    replaces the live one; when it answers False, RebuildCancelled and the live index stays.
    """
    corpus_available(settings)  # checked again: the plan may have been made a while ago
    finish_replacements(settings)  # a re-import a kill cut short: its old pair or its new one
    plan = plan or rebuild_plan(kb, settings)
    before = kb.checksums()
    # The files of the documents indexed now come first, so that of two byte-identical files the
    # one that was indexed keeps its id (the other stays a duplicate).
    first = [p for p in (_inside_corpus(settings, src) for _, src in before.values()) if p]
    paths = [*sorted(first), settings.corpus_dir]
    started = time.time()
    with kb.rebuilding() as new:
        outcomes = run(new, paths, limits=limits_from(settings), progress=progress)
        if confirm is not None:
            agreed = {d.id for d in plan.lost}
            lost = [d for d in _lost(before, kb.checksums(), new.checksums(), outcomes) if d.id not in agreed]
            if lost and not confirm(lost):
                raise RebuildCancelled(f"the rebuilt index would lose {lost_said(lost)}; nothing changed")
    outcomes += _catch_up(kb, settings, started, progress, {(o.source, o.status) for o in outcomes})
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


def _lost(
    before: dict[str, tuple[str, str]],
    live: dict[str, tuple[str, str]],
    new: dict[str, tuple[str, str]],
    outcomes: list[Outcome],
) -> list[LostDocument]:
    """The documents indexed before the rebuild (and still) that the new index lacks, with why. One
    added to the live index meanwhile is not among them: the catch-up after the rebuild indexes it."""
    held = {c.split("-")[0] for c, _ in new.values()}
    why = {file_id(o.source): o.message or o.status for o in outcomes if o.status in NOT_INDEXED}
    return [
        LostDocument(i, why.get(i) or _gone(source))
        for i, (checksum, source) in sorted(before.items())
        if i in live and i not in new and checksum.split("-")[0] not in held
    ]


def _catch_up(
    kb: KnowledgeBase,
    settings: Settings,
    started: float,
    progress: Callable[[Outcome], None] | None,
    said: set[tuple[str, str]],
) -> list[Outcome]:
    """Index what changed in corpus/ while the rebuild ran (an upload, a deletion): the live index
    got it then, but the rebuild may have read the folder before. A file read again is said once: to
    `progress` only when the rebuild did not say the same of it (`said`: source and status)."""
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
        again = run(kb, changed, limits=limits_from(settings), progress=lambda _: None)
        news = [o for o in again if o.status in NOT_INDEXED and (o.source, o.status) not in said]
        for outcome in news if progress else ():
            progress(outcome)
        outcomes += [o for o in again if o.status in ("indexed", "updated")] + news
    return outcomes


def _inside_corpus(settings: Settings, source: str) -> Path | None:
    path = Path(source)
    if path.is_absolute() or not source:
        return None
    path = settings.corpus_dir / path
    return path if path.is_file() else None
