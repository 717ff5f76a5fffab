"""The arguments of the `kb` command, with help for every option (the query syntax: syntax.py)."""

from __future__ import annotations

import argparse
import getpass

from archive.cli.syntax import QUERY_SYNTAX
from archive.cli.values import Once, path_arg, port_arg, seconds_arg, value_arg, workers_arg, year_arg
from kb.models import DOCTYPES, SORTS
from kb.settings import env_int

CLEARABLE = {"date": "date", "network": "networks", "region": "regions", "topic": "topics"}  # --clear FIELD


class UsageError(Exception):
    """Bad arguments: exit 2."""


class Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # no abbreviations: a typo `--ye` must never be `--yes`
        super().__init__(*args, **{"allow_abbrev": False, **kwargs})

    def error(self, message: str):  # one line, exit 2
        raise UsageError(message)


def common() -> Parser:
    parser = Parser(add_help=False)
    # an empty DIR (an unset shell variable) is refused, never the folder of the working directory taken
    for flag, folder in (
        ("--index", "index folder (default: $KB_INDEX_DIR or var/index)"),
        ("--corpus", "corpus folder (default: $KB_CORPUS_DIR or corpus/)"),
    ):
        parser.add_argument(flag, action=Once, type=path_arg, metavar="DIR", help=folder)
    parser.add_argument(
        "--json", action="store_true", help="machine-readable output: JSON, one object a line"
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    shared = common()
    parser = Parser(
        prog="kb",
        description="network-kb: search and manage the network archive. "
        "Exit codes: 0 success, 1 a file or document failed, 2 a usage error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")

    p = sub.add_parser(
        "ingest",
        parents=[shared],
        help="index files and folders (default: the corpus)",
        description="Index files and folders recursively. Files outside the corpus are first imported "
        "into corpus/imports/FOLDER/ (once read without error), so the index can always be rebuilt "
        "from the corpus alone. Then the documents are embedded for search by meaning (a progress bar "
        "on a terminal; --no-embed leaves it to kb embed or the app).",
    )
    p.add_argument(
        "paths", nargs="*", type=path_arg, metavar="PATH", help="files or folders (default: the corpus)"
    )
    p.add_argument("--prune", action="store_true", help="also remove documents whose file is gone")
    p.add_argument(
        "--workers", type=workers_arg, default=None, metavar="N", help="reader processes (default: CPU cores)"
    )
    p.add_argument(
        "--no-embed",
        action="store_true",
        help="do not embed the documents for search by meaning now (later: kb embed, or the app)",
    )
    p.add_argument(
        "--user", default=_user(), type=value_arg, help="name recorded in the audit log for an import"
    )

    p = sub.add_parser(
        "search",
        parents=[shared],
        help="search the index",
        description="Search the archive.",
        epilog=QUERY_SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "query",
        nargs="*",
        default=[],
        help="the query; its words may be typed unquoted (none: every document)",
    )
    for flag, dest, what in (
        ("--region", "regions", "only documents about this region"),
        ("--network", "networks", "only documents of this network"),
        ("--topic", "topics", "only documents on this topic (id, or a label in any language)"),
    ):
        p.add_argument(
            flag, dest=dest, action="append", type=value_arg, default=[], metavar="NAME",
            help=f"{what}; repeatable",
        )  # fmt: skip
    p.add_argument(
        "--type",
        dest="doctypes",
        action="append",
        default=[],
        choices=DOCTYPES,
        metavar="TYPE",
        help=f"only documents of this type ({', '.join(DOCTYPES)}); repeatable",
    )
    p.add_argument(
        "--lang", dest="languages", action="append", type=value_arg, default=[], metavar="CODE",
        help="only documents in this language (de, da, nl, en, ...); repeatable",
    )  # fmt: skip
    p.add_argument(
        "--year",
        dest="years",
        action="append",
        type=year_arg,
        default=[],
        metavar="Y",
        help="only this year; repeatable",
    )
    p.add_argument(
        "--from", dest="year_from", type=year_arg, metavar="Y", help="only documents from this year on"
    )
    p.add_argument("--to", dest="year_to", type=year_arg, metavar="Y", help="only documents up to this year")
    p.add_argument(
        "--sort", choices=SORTS, default="relevance", help="order of the results (default: relevance)"
    )
    p.add_argument("--limit", type=int, default=10, metavar="N", help="results per page (default: 10)")
    p.add_argument("--page", type=int, default=1, metavar="N", help="which page of results (default: 1)")
    p.add_argument("--stdin", action="store_true", help="answer one query per line from standard input")
    p.add_argument("--no-expand", action="store_true", help="no other-language terms from the vocabulary")
    p.add_argument("--no-fuzzy", action="store_true", help="no typo-tolerant matches")
    p.add_argument(
        "--ui-lang", default="en", choices=("en", "de", "da", "nl"), help="language of facet labels"
    )

    p = sub.add_parser("show", parents=[shared], help="one whole document: metadata and text")
    p.add_argument("id", help="the document id (as `kb search` shows it)")
    p = sub.add_parser(
        "history",
        parents=[shared],
        help="a network's history: documents per year, topics, who recurs, its timeline",
        description="A network's history, as the app's Explore page shows it: documents per year, the topics "
        "that stood out, the people and organisations that recur, the first and latest document, and a page "
        "of its timeline (newest first) with one line of what each document is about.",
    )
    p.add_argument("network", nargs="+", help="the network: its name, label or alias (may be typed unquoted)")
    p.add_argument(
        "--search", dest="query", action="append", default=[], metavar="WORDS",
        help="only timeline documents that hold these words (the query syntax of kb search)",
    )  # fmt: skip
    p.add_argument(
        "--year", dest="years", action="append", type=year_arg, default=[], metavar="Y",
        help="only timeline documents of this year; repeatable",
    )  # fmt: skip
    p.add_argument(
        "--type", dest="doctypes", action="append", default=[], choices=DOCTYPES, metavar="TYPE",
        help=f"only timeline documents of this type ({', '.join(DOCTYPES)}); repeatable",
    )  # fmt: skip
    p.add_argument("--sort", choices=SORTS, default="newest", help="order of the timeline (default: newest)")
    p.add_argument(
        "--limit", type=int, default=10, metavar="N", help="timeline documents a page (default: 10)"
    )
    p.add_argument("--page", type=int, default=1, metavar="N", help="which page of the timeline (default: 1)")
    p = sub.add_parser(
        "remove", parents=[shared], help="delete a document (its file moves to corpus/.deleted)"
    )
    p.add_argument("id", help="the document id")
    p.add_argument("--user", default=_user(), type=value_arg, help="name recorded in the audit log")
    sub.add_parser("stats", parents=[shared], help="documents and facet counts (a table; JSON with --json)")
    p = sub.add_parser(
        "rebuild",
        parents=[shared],
        help="recreate the index from the corpus",
        description="Recreate the index from corpus/ alone. It first says how many documents the index "
        "holds and how many files corpus/ holds; when the index would shrink it asks (or needs --yes).",
    )
    p.add_argument(
        "--yes", action="store_true", help="rebuild even when the index would hold fewer documents"
    )
    p.add_argument("--user", default=_user(), type=value_arg, help="name recorded in the audit log")

    p = sub.add_parser("add", parents=[shared], help="store files in the corpus and index them")
    p.add_argument("files", nargs="+", type=path_arg, metavar="FILE", help="files to store")
    _metadata_options(p)
    p = sub.add_parser("edit", parents=[shared], help="correct a document's metadata")
    p.add_argument("id", help="the document id")
    _metadata_options(p)
    p.add_argument(
        "--clear",
        action="append",
        choices=CLEARABLE,
        metavar="FIELD",
        help=f"remove every value of a field ({', '.join(CLEARABLE)}); it stays empty, whatever the "
        "text or a re-imported file's metadata says; repeatable",
    )

    p = sub.add_parser("serve", parents=[shared], help="index the corpus if needed and serve the app")
    p.add_argument(
        "--port", type=port_arg, default=env_int("PORT", 8501), help="port (default: $PORT or 8501)"
    )
    p.add_argument("--address", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")

    p = sub.add_parser("coordinator", parents=[shared], help="manage coordinator sign-ins")
    p.add_argument("action", choices=("add", "remove", "list"), help="what to do")
    p.add_argument("name", nargs="?", help="the coordinator's name (add, remove)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    sub.add_parser("audit", parents=[shared], help="the audit log, newest first")
    p = sub.add_parser(
        "embed",
        parents=[shared],
        help="make waiting documents searchable by meaning now",
        description="Embed the passages of documents not yet searchable by meaning, in this process "
        "(the app does it in the background). Off with KB_SEMANTIC=off.",
    )
    p.add_argument("--seconds", type=seconds_arg, help="stop after about this many seconds (default: all)")
    p = sub.add_parser("check", parents=[shared], help="compare the index with the corpus")
    p.add_argument(
        "--repair", action="store_true", help="index what is missing or stale, drop what is orphaned"
    )
    return parser


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:?"


def _metadata_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", action=Once, type=value_arg, help="the title")
    p.add_argument(
        "--date",
        action=Once,
        type=value_arg,
        help="the document's date: 2020-12-31, 2020-12, 2020, 31.12.2020, 31. Dezember 2020, "
        "3. marts 2015, 31 december 2020 or December 31, 2020 (stored as an ISO date)",
    )
    p.add_argument(
        "--language",
        action=Once,
        type=value_arg,
        metavar="CODE",
        help="the language: de, da, nl, en, ... (und: unknown)",
    )
    p.add_argument(
        "--network",
        dest="networks",
        action="append",
        type=value_arg,
        metavar="NAME",
        help="a network from the vocabulary; repeatable",
    )
    p.add_argument(
        "--region",
        dest="regions",
        action="append",
        type=value_arg,
        metavar="NAME",
        help="a region from the vocabulary; repeatable",
    )
    p.add_argument(
        "--topic",
        dest="topics",
        action="append",
        type=value_arg,
        metavar="NAME",
        help="a topic from the vocabulary; repeatable",
    )
    p.add_argument(
        "--type",
        dest="doctype",
        action=Once,
        choices=DOCTYPES,
        metavar="TYPE",
        help=f"the type: {', '.join(DOCTYPES)}",
    )
    p.add_argument("--user", default=_user(), type=value_arg, help="name recorded in the audit log")


def metadata(args) -> dict:
    """The metadata options given (unvalidated)."""
    keys = ("title", "date", "language", "networks", "regions", "topics", "doctype")
    return {k: getattr(args, k) for k in keys if getattr(args, k, None) not in (None, [])}
