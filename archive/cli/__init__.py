"""The `kb` command: everything the app does, with --json for scripts.

Exit codes: 0 success, 1 a file or document failed (or the disk is full), 2 a usage error (a
refused index folder too; always one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Sequence

from archive.cli.admin import cmd_audit, cmd_coordinator, cmd_embed, cmd_serve
from archive.cli.changing import cmd_add, cmd_check, cmd_edit, cmd_ingest, cmd_rebuild, cmd_remove
from archive.cli.opening import FIRST_FAILED
from archive.cli.output import document_json, emit, page_json
from archive.cli.parser import UsageError, build_parser
from archive.cli.reading import cmd_history, cmd_search, cmd_show, cmd_stats
from ingest.errors import IngestError
from kb.errors import IndexFolderError, KBError, QuerySyntaxError, SettingError
from kb.settings import env, load_settings

__all__ = ["COMMANDS", "UsageError", "build_parser", "document_json", "main", "page_json"]

COMMANDS = {
    "ingest": cmd_ingest,
    "search": cmd_search,
    "show": cmd_show,
    "history": cmd_history,
    "remove": cmd_remove,
    "stats": cmd_stats,
    "rebuild": cmd_rebuild,
    "add": cmd_add,
    "edit": cmd_edit,
    "serve": cmd_serve,
    "coordinator": cmd_coordinator,
    "audit": cmd_audit,
    "check": cmd_check,
    "embed": cmd_embed,
}


def _error(message: object, code: int, as_json: bool) -> int:
    """One line on stderr, whatever the message holds (a typed value may carry line breaks); with
    --json also `{"error", "exit"}` on stdout, so a script reading JSON gets JSON for a refusal too.
    The exit code, given back."""
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(message)
    )
    if as_json:
        try:
            emit({"error": text, "exit": code})
        except OSError:  # the reader went away: stderr still says it
            pass
    print(f"kb: error: {text}", file=sys.stderr)
    return code


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether --json was typed (before a `--`), even in a command line that cannot be parsed."""
    words = list(argv)
    words = words[: words.index("--")] if "--" in words else words
    return "--json" in words


def _dashed_file(parser: argparse.ArgumentParser, argv: Sequence[str], said: str) -> str:
    """Why a command line naming a file that starts with '-' could not be parsed ("" when it names
    none): argparse takes `-Bericht.pdf` for an option, and said only that FILE was missing."""
    words = list(argv)
    words = words[: words.index("--")] if "--" in words else words
    commands = next(a for a in parser._actions if a.dest == "command").choices
    command = next((w for w in words if w in commands), None)
    if command is None:
        return ""
    options = {o for a in commands[command]._actions for o in a.option_strings}
    dashed = [w for w in words if w.startswith("-") and w != "-" and w not in options]
    for word in dashed:
        if os.path.lexists(word):
            return (
                f"{word}: a file name that starts with '-' is taken for an option; give it as "
                f"./{word} or after -- (kb {command} -- {word})"
            )
    if dashed and said.startswith("the following arguments are required"):
        return (
            f"{dashed[0]}: no such option of kb {command}; a file that starts with '-' goes after "
            f"-- (kb {command} -- {dashed[0]})"
        )
    return ""


#: the options that name files or folders: their bytes may be anything the file system holds
_PATH_OPTIONS = frozenset({"index", "corpus", "paths", "files"})


def _text_only(parser, args) -> None:
    """Refuse a typed value that is not UTF-8 text (bytes from a terminal set to another encoding): an
    id, a query, a title or a name is stored and shown as text."""
    command = next(a for a in parser._actions if a.dest == "command").choices[args.command]
    names = {a.dest: (a.option_strings or [a.dest])[0] for a in command._actions}
    for dest, value in vars(args).items():
        if dest in _PATH_OPTIONS:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    shown = item.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
                    name = names.get(dest, dest)
                    raise UsageError(
                        f"{name} '{shown}' is not UTF-8 text (is the terminal set to UTF-8?)"
                    ) from None


def _log_level() -> str:
    level = (env("KB_LOG_LEVEL") or "WARNING").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise SettingError(f"KB_LOG_LEVEL={level!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")
    return level


_SHARED_WITH_VALUE = ("--index", "--corpus")


def _shared_options_after_command(argv: Sequence[str]) -> list[str]:
    """`kb --json stats` as `kb stats --json`: the options every command takes, typed before the
    command, are moved after it (argparse reads them only there)."""
    words, leading = list(argv), []
    while words:
        word = words[0]
        if word == "--json" or word.startswith(tuple(f"{o}=" for o in _SHARED_WITH_VALUE)):
            leading.append(words.pop(0))
        elif word in _SHARED_WITH_VALUE and len(words) > 1:
            leading += [words.pop(0), words.pop(0)]
        else:
            break
    if not leading or not words or words[0].startswith("-"):
        return list(argv)
    return [words[0], *leading, *words[1:]]


def main(argv: Sequence[str] | None = None) -> int:
    argv = _shared_options_after_command(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(argv)
    try:
        logging.basicConfig(level=_log_level(), format="%(levelname)s %(name)s: %(message)s")
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except UsageError as exc:
            raise UsageError(_dashed_file(parser, argv, str(exc)) or str(exc)) from None
        _text_only(parser, args)
        settings = load_settings(args.index, args.corpus)
        FIRST_FAILED.clear()
        code = COMMANDS[args.command](args, settings)
        code = code or (1 if FIRST_FAILED else 0)  # a file the new index could not take: as kb ingest
        sys.stdout.flush()  # inside the try: a closed pipe shows here for short outputs
        return code
    except UsageError as exc:
        return _error(exc, 2, as_json)
    except QuerySyntaxError as exc:
        return _error(f"invalid query: {exc}", 2, as_json)
    except (
        IndexFolderError,
        SettingError,
    ) as exc:  # --index names a folder of documents; a setting that is no number
        return _error(exc, 2, as_json)
    except (KBError, IngestError) as exc:  # an unknown document id, a busy index, an unreadable file …
        return _error(exc, 1, as_json)
    except BrokenPipeError:  # the reader went away (`kb search … | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # the disk filled while writing the corpus (the index says so itself)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS):
            where = f" {exc.filename}" if exc.filename else ""
            return _error(f"cannot write{where}: {exc.strerror}", 1, as_json)
        if exc.filename is None:
            raise
        # a name too long, a folder denied …
        code = 2 if exc.errno == errno.ENAMETOOLONG else 1
        return _error(f"{exc.filename}: {(exc.strerror or str(exc)).lower()}", code, as_json)
    except KeyboardInterrupt:
        if as_json:
            try:
                emit({"error": "interrupted", "exit": 130})
            except OSError:  # the reader went away too
                pass
        print("kb: interrupted", file=sys.stderr)
        return 130
