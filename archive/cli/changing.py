"""The commands that change the archive: ingest, add, edit, remove, rebuild, check."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from archive import service
from archive.cli.opening import open_kb
from archive.cli.output import (
    EmbeddingProgress,
    Progress,
    emit,
    one_line,
    outcome_json,
    plural,
    summary,
    warning_lines,
)
from archive.cli.parser import CLEARABLE, UsageError, metadata
from archive.imports import import_folders, outside_roots
from ingest.errors import IngestError
from ingest.metadata.confirmed import InvalidMetadata, validate
from ingest.paths import scan
from ingest.pipeline import Outcome
from ingest.reading import read_regular
from kb.errors import KBError
from kb.settings import Settings


def _progress(args, paths: list[Path], skip: list[Path]) -> Progress:
    total = sum(1 for _ in scan(paths, skip=skip)) if not args.json and sys.stderr.isatty() else None
    return Progress(total, json_mode=args.json)


def cmd_ingest(args, settings: Settings) -> int:
    kb = open_kb(settings, index_corpus=False)  # this command reports what it indexes
    paths = args.paths or [settings.corpus_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    progress = _progress(args, paths, service.own_data(settings))
    try:
        outcomes = service.ingest(
            kb, settings, paths, prune=args.prune, progress=progress, workers=args.workers, user=args.user
        )
    finally:
        progress.close()
    if not args.json:
        imported = [o for o in outcomes if o.message.startswith("imported from ")]
        if imported:
            folders = sorted(
                {str(f) for f in import_folders(settings, outside_roots(settings, paths)).values()}
            )
            print(
                f"imported {plural(len(imported), 'file')} into {', '.join(folders)} (the corpus keeps every original)"
            )
        print(summary(outcomes))
    _embed(args, kb)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _embed(args, kb) -> None:
    """After an ingest: embed what waits for the meaning layer (a bar on a terminal), or say in one line
    that meaning search is not ready (--no-embed, no model, another process embedding, Ctrl-C)."""
    if kb.semantic is None:  # the layer is off
        return
    kb.semantic.stop()  # the background embedder the writes started: the work goes on here, or not now
    progress = kb.embedding_progress()
    if progress[0] >= progress[1]:  # nothing waits
        return
    from kb.semantic import model

    why = "run `kb embed`"
    if not args.no_embed and not model.available():
        why = "the embedding model is not installed"
    elif not args.no_embed:
        bar = EmbeddingProgress(progress[1] - progress[0], json_mode=args.json)
        try:
            kb.embed_pending(progress=bar)
        except (RuntimeError, OSError) as exc:  # the model cannot be loaded
            why = f"the embedding model failed ({exc}); run `kb embed` once it works"
        except KeyboardInterrupt:
            bar.close()
            _not_ready(args, kb, why)
            raise
        finally:
            bar.close()
        embedded, total = kb.embedding_progress()
        if embedded >= total:
            if not args.json:
                print(f"{embedded} of {total} documents searchable by meaning")
            return
        other = kb.semantic.store.embedder()
        if other is not None and other.get("pid") != os.getpid():
            why = f"process {other['pid']} is embedding them"
    _not_ready(args, kb, why)


def _not_ready(args, kb, why: str) -> None:
    embedded, total = kb.embedding_progress()
    line = f"meaning search is not ready: {embedded} of {total} documents embedded; {why}"
    print(line, file=sys.stderr if args.json else sys.stdout, flush=True)


def cmd_add(args, settings: Settings) -> int:
    kb = open_kb(settings)
    try:
        validate(metadata(args), kb.vocabulary)  # before any file: a bad value stores nothing
    except InvalidMetadata as exc:
        raise UsageError(str(exc)) from exc
    status = 0
    given: set[str] = set()
    for path in args.files:
        where = os.path.realpath(path)
        if where in given:  # a file given twice (a.txt ./a.txt) is one file, as kb ingest reads it once
            continue
        given.add(where)
        warned: list[str] = []
        try:
            data = read_regular(path, settings.max_upload_bytes, follow=True)  # no FIFO, size first
            o = service.store_upload(kb, settings, path.name, data, metadata(args), args.user)
            result = outcome_json(o)
            warned = warning_lines(o)
        except service.DuplicateUpload as exc:
            result = {
                "source": str(path),
                "status": "duplicate",
                "id": exc.doc_id,
                "message": f"already archived as {exc.doc_id}",
                "warnings": [],
            }
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            result = {
                "source": str(path),
                "status": "failed",
                "id": None,
                "message": f"cannot read the file: {reason}",
                "warnings": [],
            }
            status = 1
        except IngestError as exc:
            message = str(exc).removeprefix(f"{service.safe_filename(path.name)}: ")
            try:
                folder = path.is_dir() and not path.is_symlink()
            except OSError:  # a name too long to look up: the reader's reason stands
                folder = False
            if folder:
                message = (
                    f"a folder: kb add takes files; `kb ingest {shlex.quote(str(path))}` imports a folder"
                )
            result = {"source": str(path), "status": "failed", "id": None, "message": message, "warnings": []}
            status = 1
        if args.json:
            emit(result)
        else:
            line = f"{result['status']}: {result['source']}"
            print(
                one_line(f"{line}: {result['message']}" if result["message"] else line),
                file=sys.stderr if result["status"] == "failed" else sys.stdout,
            )
            for line in warned:
                print(line, file=sys.stderr)
    return status


def cmd_edit(args, settings: Settings) -> int:
    changes = metadata(args)
    for field in dict.fromkeys(args.clear or ()):
        key = CLEARABLE[field]
        if key in changes:
            raise UsageError(f"--clear {field} and --{field} contradict each other: give one of them")
        changes[key] = None if key == "date" else []
    if not changes:
        raise UsageError("nothing to change: give --title, --date, --network, ... or --clear FIELD")
    try:
        o = service.update_metadata(open_kb(settings), settings, args.id, changes, args.user)
    except InvalidMetadata as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"id": o.id, "status": o.status, "warnings": list(o.warnings)})
    else:
        print(f"{o.status}: {o.id}")
        for line in warning_lines(o):
            print(line, file=sys.stderr)
    return 0


def cmd_remove(args, settings: Settings) -> int:
    moved = service.delete_document(open_kb(settings), settings, args.id, user=args.user)
    if args.json:
        emit({"id": args.id, "status": "removed", "moved_to": str(moved) if moved else None})
    else:
        print(one_line(f"removed {args.id}" + (f" (file kept in {moved})" if moved else "")))
    return 0


def cmd_rebuild(args, settings: Settings) -> int:
    kb = open_kb(settings, index_corpus=False)  # a new index is built once, by the rebuild
    plan = service.rebuild_plan(kb, settings)
    said = (
        f"The index holds {plan.documents} documents; {settings.corpus_dir} holds {plan.files} "
        f"distinct files to index."
    )
    if not args.json:
        print(said, file=sys.stderr)
    if plan.shrinks and not args.yes:
        if not _agreed(args, f"{said} The rebuilt index would lose {service.lost_said(plan.lost)}."):
            return 1
        fresh = service.rebuild_plan(kb, settings)  # files may have gone while the question waited
        if not {d.id for d in fresh.lost} <= {d.id for d in plan.lost}:
            raise KBError(
                f"{settings.corpus_dir} changed while the question waited: it now holds {fresh.files} "
                f"distinct files for {fresh.documents} documents; nothing changed (run kb rebuild again)"
            )
    progress = _progress(args, [settings.corpus_dir], service.own_data(settings))

    def confirm(lost: list[service.LostDocument]) -> bool:  # what only reading the files showed
        progress.close()
        return _agreed(args, f"The rebuilt index would lose {service.lost_said(lost)}.")

    try:
        outcomes = service.rebuild(
            kb, settings, progress, user=args.user, plan=plan, confirm=None if args.yes else confirm
        )
    except service.RebuildCancelled:
        return 1
    finally:
        progress.close()
    if not args.json:
        print(
            f"rebuilt: {kb.stats().documents} documents from {settings.corpus_dir} (before: {plan.documents})"
        )
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _agreed(args, question: str) -> bool:
    """Whether the rebuild may shrink the index: asked on a terminal (no: 'nothing changed'); a usage
    error off a terminal or with --json (they need --yes)."""
    if args.json or not sys.stdin.isatty():
        raise UsageError(f"{question} Give --yes to rebuild anyway; nothing changed")
    answer = input(f"{one_line(question)} Rebuild anyway? [y/N] ").strip().lower()
    if answer not in ("y", "yes", "j", "ja"):
        print("nothing changed", file=sys.stderr)
        return False
    return True


def cmd_check(args, settings: Settings) -> int:
    kb = open_kb(settings)
    report = service.check(kb, settings)
    outcomes: list[Outcome] = []
    if args.repair and not report.ok:  # each file's outcome is said below, none logged on the way
        outcomes = service.repair(kb, settings, progress=lambda _: None)
        after = service.check(kb, settings)
    else:
        after = report
    unreadable = dict(report.unreadable)  # their documents stay indexed: said once, here
    failed = [o for o in outcomes if o.status == "failed" and o.source not in unreadable]
    said = {o.message for o in failed}  # why a difference remains, when no failure of a file says it
    unmended = [(i, why) for i, why in service.unmended(after, outcomes) if why not in said and args.repair]
    result = {
        "missing": list(report.missing),
        "stale": list(report.stale),
        "orphaned": list(report.orphaned),
        "unreadable": unreadable,
        "ok": report.ok,
        "repaired": bool(args.repair and not report.ok),
        "ok_after": after.ok,
    }
    if args.json:
        if args.repair:  # why a difference remains, and what a user should know of a file re-read
            result["failed"] = [outcome_json(o) for o in failed]
            result["unmended"] = [{"id": i, "reason": why} for i, why in unmended]
            result["warnings"] = [f"{o.source}: {line}" for o in outcomes for line in o.warnings]
        emit(result)
    else:
        for kind in ("missing", "stale", "orphaned"):
            for doc_id in result[kind]:
                print(f"{kind}: {one_line(doc_id)}")
        for path, why in unreadable.items():
            print(f"unreadable: {one_line(path)}: {one_line(why)} (its documents stay in the index)")
        print("index matches the corpus" if report.ok else ("repaired" if after.ok else "differences remain"))
        for o in failed:
            print(f"failed: {one_line(o.message)}", file=sys.stderr)
        for doc_id, why in unmended:
            print(one_line(f"not repaired: {doc_id}: {why}"), file=sys.stderr)
        for o in outcomes:
            for line in warning_lines(o):
                print(line, file=sys.stderr)
    if failed:
        return 1
    return 0 if after.ok else 1
