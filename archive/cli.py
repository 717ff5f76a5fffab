"""The `kb` command: everything the app does, with --json for scripts.

This module is the edge where kb/ meets ingest/: it wires the pipeline to the index and turns
errors into one-line messages. Exit codes: 0 success, 1 a file or document failed, 2 usage error.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from kb.errors import KBError, QuerySyntaxError
from kb.models import DOCTYPES, SORTS, Document, SearchPage, SearchRequest
from kb.settings import PROJECT_ROOT, Settings, load_settings


class UsageError(Exception):
    """Bad arguments: exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2
        raise UsageError(message)


def _common() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--index", metavar="DIR", help="index folder (default: $KB_INDEX_DIR or var/index)")
    common.add_argument("--corpus", metavar="DIR", help="corpus folder (default: $KB_CORPUS_DIR or corpus/)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(prog="kb", description="network-kb: search and manage the network archive")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("ingest", parents=[common], help="index files and folders (default: the corpus)")
    p.add_argument("paths", nargs="*", type=Path)
    p.add_argument("--prune", action="store_true", help="also remove documents whose file is gone")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: CPU cores)")

    p = sub.add_parser("search", parents=[common], help="search the index")
    p.add_argument("query", nargs="?", default="")
    for flag, dest in (
        ("--region", "regions"),
        ("--network", "networks"),
        ("--topic", "topics"),
        ("--type", "doctypes"),
        ("--lang", "languages"),
    ):
        p.add_argument(flag, dest=dest, action="append", default=[], metavar="V")
    p.add_argument("--year", dest="years", action="append", type=int, default=[], metavar="Y")
    p.add_argument("--from", dest="year_from", type=int, metavar="Y")
    p.add_argument("--to", dest="year_to", type=int, metavar="Y")
    p.add_argument("--sort", choices=SORTS, default="relevance")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--page", type=int, default=1, metavar="N")
    p.add_argument("--stdin", action="store_true", help="one query per line from standard input")
    p.add_argument("--no-expand", action="store_true", help="no other-language terms")
    p.add_argument("--no-fuzzy", action="store_true", help="no typo-tolerant matches")
    p.add_argument("--ui-lang", default="en", choices=("en", "de", "da"), help="language of facet labels")

    p = sub.add_parser("show", parents=[common], help="one whole document")
    p.add_argument("id")
    p = sub.add_parser(
        "remove", parents=[common], help="delete a document (its file moves to corpus/.deleted)"
    )
    p.add_argument("id")
    sub.add_parser("stats", parents=[common], help="documents and facet counts")
    sub.add_parser("rebuild", parents=[common], help="recreate the index from the corpus")

    p = sub.add_parser("add", parents=[common], help="store files in the corpus and index them")
    p.add_argument("files", nargs="+", type=Path)
    _metadata_options(p)
    p = sub.add_parser("edit", parents=[common], help="correct a document's metadata")
    p.add_argument("id")
    _metadata_options(p)

    p = sub.add_parser("serve", parents=[common], help="serve the app")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8501)))
    p.add_argument("--address", default="127.0.0.1")

    p = sub.add_parser("coordinator", parents=[common], help="manage coordinator sign-ins")
    p.add_argument("action", choices=("add", "remove", "list"))
    p.add_argument("name", nargs="?")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    sub.add_parser("audit", parents=[common], help="the audit log, newest first")
    p = sub.add_parser("check", parents=[common], help="compare the index with the corpus")
    p.add_argument(
        "--repair", action="store_true", help="index what is missing or stale, drop what is orphaned"
    )
    return parser


def _metadata_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title")
    p.add_argument("--date", help="YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--language")
    p.add_argument("--network", dest="networks", action="append")
    p.add_argument("--region", dest="regions", action="append")
    p.add_argument("--topic", dest="topics", action="append")
    p.add_argument("--type", dest="doctype", choices=DOCTYPES)
    p.add_argument("--user", default=f"cli:{getpass.getuser()}", help="name recorded in the audit log")


def _metadata(args) -> dict:
    keys = ("title", "date", "language", "networks", "regions", "topics", "doctype")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) not in (None, [])}


# -- output ----------------------------------------------------------------------------------------


def page_json(page: SearchPage) -> dict:
    """The JSON contract of `kb search --json` (keep it stable)."""
    return {
        "query": page.request.text,
        "total": page.total,
        "took_ms": page.took_ms,
        "hits": [
            {
                "id": h.id,
                "title": h.title,
                "source": h.source,
                "score": h.score,
                "snippet": h.snippet,
                "language": h.language,
                "date": h.date,
                "year": h.year,
                "doctype": h.doctype,
                "networks": list(h.networks),
                "regions": list(h.regions),
                "topics": list(h.topics),
            }
            for h in page.hits
        ],
        "facets": {f.name: [{"value": v.value, "count": v.count} for v in f.values] for f in page.facets},
        "suggestion": page.suggestion,
        "expansions": list(page.expansions),
        "page": page.request.page,
        "pages": page.pages,
    }


def document_json(doc: Document) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "language": doc.language,
        "date": doc.date,
        "year": doc.year,
        "doctype": doc.doctype,
        "networks": list(doc.networks),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "checksum": doc.checksum,
        "added_by": doc.added_by,
        "added_at": doc.added_at,
        "text": doc.text,
    }


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _print_page(page: SearchPage) -> None:
    first = (page.request.page - 1) * page.request.page_size
    print(f"{page.total} documents ({page.took_ms:.0f} ms), page {page.request.page} of {page.pages}")
    if page.suggestion:
        print(f"Did you mean: {page.suggestion}")
    for n, hit in enumerate(page.hits, first + 1):
        meta = " · ".join(
            x for x in (hit.doctype, hit.language, hit.date or "", ", ".join(hit.networks)) if x
        )
        print(f"\n{n}. {hit.title}  [{hit.id}]\n   {meta}\n   {hit.snippet}")
    for facet in page.facets:
        values = ", ".join(f"{v.value} ({v.count})" for v in facet.values[:8])
        if values:
            print(f"\n{facet.name}: {values}", end="")
    print()


class _Progress:
    """A one-line progress display on a terminal; silent otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.count = 0
        self.started = time.monotonic()

    def __call__(self, outcome) -> None:
        self.count += 1
        if self.enabled:
            rate = self.count / max(1e-6, time.monotonic() - self.started)
            sys.stderr.write(
                f"\r{self.count} files ({rate:.0f}/s) {outcome.status:<11} {outcome.source[-50:]:<50}"
            )
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\n")


# -- commands --------------------------------------------------------------------------------------


def _open(settings: Settings, index_corpus: bool = True):
    from archive.service import open_knowledge_base

    return open_knowledge_base(settings, index_corpus=index_corpus)


def cmd_ingest(args, settings: Settings) -> int:
    from archive.service import ingest

    kb = _open(settings, index_corpus=False)  # this command reports what it indexes
    paths = args.paths or [settings.corpus_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {missing[0]}")
    progress = _Progress(sys.stderr.isatty() and not args.json)

    def each(outcome) -> None:
        progress(outcome)
        if args.json:
            _emit(
                {
                    "source": outcome.source,
                    "status": outcome.status,
                    "id": outcome.id,
                    "message": outcome.message,
                }
            )

    outcomes = ingest(kb, settings, paths, prune=args.prune, progress=each)
    progress.done()
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    failed = [o for o in outcomes if o.status == "failed"]
    if not args.json:
        for o in outcomes:
            if o.status in ("failed", "unsupported", "duplicate"):
                print(f"{o.status}: {o.message or o.source}", file=sys.stderr)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no files"
        print(f"{len(outcomes)} files: {summary}")
    return 1 if failed else 0


def _request(args, text: str) -> SearchRequest:
    if args.limit < 1 or args.page < 1:
        raise UsageError("--limit and --page must be at least 1")
    return SearchRequest(
        text=text,
        regions=tuple(args.regions),
        networks=tuple(args.networks),
        years=tuple(args.years),
        topics=tuple(args.topics),
        doctypes=tuple(args.doctypes),
        languages=tuple(args.languages),
        year_from=args.year_from,
        year_to=args.year_to,
        sort=args.sort,
        page=args.page,
        page_size=args.limit,
        expand=not args.no_expand,
        fuzzy=not args.no_fuzzy,
    )


def _canonical_filters(kb, request: SearchRequest) -> SearchRequest:
    from dataclasses import replace

    v = kb.vocabulary
    return replace(
        request,
        regions=tuple(v.canonical("regions", x) for x in request.regions),
        networks=tuple(v.canonical("networks", x) for x in request.networks),
        topics=tuple(v.canonical("topics", x) for x in request.topics),
    )


def cmd_search(args, settings: Settings) -> int:
    kb = _open(settings)
    texts = (line.rstrip("\n") for line in sys.stdin) if args.stdin else [args.query]
    status = 0
    for text in texts:
        try:
            page = kb.search(_canonical_filters(kb, _request(args, text)), language=args.ui_lang)
        except QuerySyntaxError as exc:
            if not args.stdin:
                raise
            _emit({"query": text, "error": str(exc)})
            status = 2
            continue
        if args.json:
            _emit(page_json(page))
        else:
            _print_page(page)
    return status


def cmd_show(args, settings: Settings) -> int:
    doc = _open(settings).get(args.id)
    if args.json:
        _emit(document_json(doc))
    else:
        print(f"{doc.title}\n[{doc.id}] {doc.source}")
        print(
            " · ".join(
                x
                for x in (
                    doc.doctype,
                    doc.language,
                    doc.date or "",
                    ", ".join(doc.networks),
                    ", ".join(doc.regions),
                    ", ".join(doc.topics),
                )
                if x
            )
        )
        print(f"\n{doc.text}")
    return 0


def cmd_remove(args, settings: Settings) -> int:
    from archive.service import delete_document

    moved = delete_document(_open(settings), settings, args.id, user=f"cli:{getpass.getuser()}")
    result = {"id": args.id, "status": "removed", "moved_to": str(moved) if moved else None}
    _emit(result) if args.json else print(
        f"removed {args.id}" + (f" (file kept in {moved})" if moved else "")
    )
    return 0


def cmd_stats(args, settings: Settings) -> int:
    stats = _open(settings).stats()
    if args.json:
        facets = {f.name: [{"value": v.value, "count": v.count} for v in f.values] for f in stats.facets}
        meaning = {"embedded": stats.embedded, "embedding_pending": stats.embedding_pending}
        _emit(
            {"documents": stats.documents, "schema_version": stats.schema_version, "facets": facets}
            | (meaning if stats.embedded is not None else {})
        )
    else:
        print(f"{stats.documents} documents")
        if stats.embedded is not None:
            print(
                f"searchable by meaning: {stats.embedded} ({stats.embedding_pending} waiting to be embedded)"
            )
        for f in stats.facets:
            print(f"{f.name}: " + ", ".join(f"{v.value} ({v.count})" for v in f.values))
    return 0


def cmd_rebuild(args, settings: Settings) -> int:
    from archive.service import rebuild

    kb = _open(settings)
    outcomes = rebuild(kb, settings)
    failed = [o for o in outcomes if o.status == "failed"]
    if args.json:
        for o in outcomes:
            _emit({"source": o.source, "status": o.status, "id": o.id, "message": o.message})
    else:
        for o in failed:
            print(f"failed: {o.message}", file=sys.stderr)
        print(f"rebuilt: {kb.stats().documents} documents from {settings.corpus_dir}")
    return 1 if failed else 0


def cmd_add(args, settings: Settings) -> int:
    from archive.service import find_duplicate, store_upload
    from ingest.errors import IngestError

    kb = _open(settings)
    status = 0
    for path in args.files:
        try:
            data = path.read_bytes()
            twin = find_duplicate(kb, data)
            if twin:
                result = {
                    "source": str(path),
                    "status": "duplicate",
                    "id": twin,
                    "message": f"already archived as {twin}",
                }
            else:
                o = store_upload(kb, settings, path.name, data, _metadata(args), args.user)
                result = {"source": o.source, "status": o.status, "id": o.id, "message": o.message}
        except (OSError, IngestError) as exc:
            result = {"source": str(path), "status": "failed", "id": None, "message": f"{path}: {exc}"}
            status = 1
        _emit(result) if args.json else print(
            f"{result['status']}: {result['source']} {result['message']}".rstrip()
        )
    return status


def cmd_edit(args, settings: Settings) -> int:
    from archive.service import update_metadata

    changes = _metadata(args)
    if not changes:
        raise UsageError("nothing to change: give --title, --date, --network, ...")
    o = update_metadata(_open(settings), settings, args.id, changes, args.user)
    _emit({"id": o.id, "status": o.status}) if args.json else print(f"{o.status}: {o.id}")
    return 0


def cmd_serve(args, settings: Settings) -> int:
    _open(settings)  # index the corpus before the first page is served
    env = {**os.environ, "KB_INDEX_DIR": str(settings.index_dir), "KB_CORPUS_DIR": str(settings.corpus_dir)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        str(max(1, settings.max_upload_bytes // (1024 * 1024))),
    ]
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover


def cmd_coordinator(args, settings: Settings) -> int:
    from archive.access import AuthError, add_coordinator, load_coordinators, remove_coordinator

    if args.action == "list":
        names = sorted(load_coordinators(settings.secrets_file))
        _emit(names) if args.json else print("\n".join(names) or "no coordinators")
        return 0
    if not args.name:
        raise UsageError(f"coordinator {args.action} needs a NAME")
    if args.action == "remove":
        removed = remove_coordinator(settings.secrets_file, args.name)
        print("removed" if removed else f"no coordinator named {args.name}")
        return 0 if removed else 1
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if password != getpass.getpass("Again: "):
            raise UsageError("the passwords differ")
    try:
        add_coordinator(settings.secrets_file, args.name, password)
    except AuthError as exc:
        raise UsageError(str(exc)) from exc
    print(f"coordinator {args.name} can now sign in (hash stored in {settings.secrets_file})")
    return 0


def cmd_audit(args, settings: Settings) -> int:
    from archive.service import read_audit

    for entry in read_audit(settings):
        _emit(entry) if args.json else print(
            f"{entry['at']}  {entry['user']:<16} {entry['action']:<7} {entry['id']}"
        )
    return 0


def cmd_check(args, settings: Settings) -> int:
    from archive.service import check, repair

    kb = _open(settings)
    report = check(kb, settings)
    if args.repair and not report.ok:
        outcomes = repair(kb, settings)
        failed = [o for o in outcomes if o.status == "failed"]
        after = check(kb, settings)
    else:
        failed, after = [], report
    result = {
        "missing": list(report.missing),
        "stale": list(report.stale),
        "orphaned": list(report.orphaned),
        "ok": report.ok,
        "repaired": bool(args.repair and not report.ok),
        "ok_after": after.ok,
    }
    if args.json:
        _emit(result)
    else:
        for kind in ("missing", "stale", "orphaned"):
            for doc_id in result[kind]:
                print(f"{kind}: {doc_id}")
        print("index matches the corpus" if report.ok else ("repaired" if after.ok else "differences remain"))
        for o in failed:
            print(f"failed: {o.message}", file=sys.stderr)
    if failed:
        return 1
    return 0 if after.ok else 1


COMMANDS = {
    "ingest": cmd_ingest,
    "search": cmd_search,
    "show": cmd_show,
    "remove": cmd_remove,
    "stats": cmd_stats,
    "rebuild": cmd_rebuild,
    "add": cmd_add,
    "edit": cmd_edit,
    "serve": cmd_serve,
    "coordinator": cmd_coordinator,
    "audit": cmd_audit,
    "check": cmd_check,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("KB_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        args = build_parser().parse_args(argv)
        settings = load_settings(args.index, args.corpus)
        return COMMANDS[args.command](args, settings)
    except UsageError as exc:
        print(f"kb: error: {exc}", file=sys.stderr)
        return 2
    except QuerySyntaxError as exc:
        print(f"kb: error: invalid query: {exc}", file=sys.stderr)
        return 2
    except KBError as exc:  # an unknown document id, a busy index, …
        print(f"kb: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
