"""The commands around the archive: serve the app, coordinators, the audit log."""

from __future__ import annotations

import getpass
import importlib.util
import json
import os
import socket
import sys
from pathlib import Path

from archive.cli.output import emit, one_line
from archive.cli.parser import UsageError
from archive.cli.reading import open_kb
from kb.errors import KBError
from kb.settings import Settings, env


def _served_app() -> Path:
    """webapp/asgi.py of the installed package (found without importing the app into the CLI)."""
    spec = importlib.util.find_spec("webapp")
    if spec is None or spec.origin is None:
        raise UsageError("the app is not installed (the webapp package is missing)")
    return Path(spec.origin).resolve().with_name("asgi.py")


def _can_listen(address: str, port: int) -> None:
    """Refuse in one line an address or port the app could not listen on (Streamlit's own failure is a
    traceback once the app starts): bound for a moment here, then released."""
    if not 1 <= port <= 65535:  # $PORT, read without the option's check
        raise UsageError(f"port {port}: a port is 1 to 65535")
    try:
        family, kind, proto, _, where = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(where)
    except (OSError, UnicodeError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise UsageError(f"cannot serve on {address!r} port {port}: {reason.lower()}") from None


def cmd_serve(args, settings: Settings) -> int:
    _can_listen(args.address, args.port)
    open_kb(settings)  # index the corpus before the first page is served
    env = {**os.environ, "KB_INDEX_DIR": str(settings.index_dir), "KB_CORPUS_DIR": str(settings.corpus_dir)}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(_served_app()),
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
        str(max(1, -(-settings.max_upload_bytes // (1024 * 1024)))),  # MB, rounded up
    ]
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):
        return False


def cmd_coordinator(args, settings: Settings) -> int:
    from archive.access import (
        AuthError,
        _stored,
        add_coordinator,
        coordinator_name,
        load_coordinators,
        remove_coordinator,
    )

    given = env("KB_COORDINATORS")
    if given is not None and args.action != "list":  # the sign-ins are read from it: the file would not count
        raise UsageError(
            f"KB_COORDINATORS is set, and sign-ins are read from it alone: coordinator {args.action} "
            f"would change {settings.secrets_file}, which no sign-in reads; change KB_COORDINATORS, or "
            "unset it to use the file"
        )
    if args.action == "list":
        if given is None:  # a damaged secrets file is said, not listed as empty
            try:
                _stored(settings.secrets_file)
            except AuthError as exc:
                raise KBError(str(exc)) from exc
        elif not _json_object(given):  # nor a damaged variable: no one can sign in with it
            raise KBError(
                "KB_COORDINATORS is not a JSON object of names and password hashes; no one can sign in"
            )
        names = sorted(load_coordinators(settings.secrets_file))
        emit(names) if args.json else print("\n".join(map(one_line, names)) or "no coordinators")
        return 0
    if not args.name:
        raise UsageError(f"coordinator {args.action} needs a NAME")
    name = coordinator_name(args.name)  # as stored: " bob " is bob
    if args.action == "remove":
        try:
            removed = remove_coordinator(settings.secrets_file, args.name)
        except AuthError as exc:
            raise KBError(str(exc)) from exc
        if not removed:
            raise KBError(f"no coordinator named {name!r}")
        emit({"name": name, "status": "removed"}) if args.json else print("removed (their sessions end)")
        return 0
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {name}: ")
        if password != getpass.getpass("Again: "):
            raise UsageError("the passwords differ")
    try:
        add_coordinator(settings.secrets_file, args.name, password)
    except AuthError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        emit({"name": name, "status": "added", "secrets_file": str(settings.secrets_file)})
    else:
        print(one_line(f"coordinator {name} can now sign in (hash stored in {settings.secrets_file})"))
    return 0


def cmd_embed(args, settings: Settings) -> int:
    """Embed what waits for the meaning layer, in the foreground; says how far it got."""
    kb = open_kb(settings)
    if kb.embedding_progress() is None:
        raise UsageError("the meaning layer is off (KB_SEMANTIC=off)")
    import time

    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    done = 0
    while True:  # embed here; while another thread or process holds the store, wait for it
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        done += kb.embed_pending(left)
        embedded, total = kb.embedding_progress()
        if embedded >= total or (deadline is not None and time.monotonic() >= deadline):
            break
        time.sleep(0.5)
    if args.json:
        emit({"embedded_now": done, "embedded": embedded, "documents": total})
    else:
        print(f"embedded {done} documents now; {embedded} of {total} searchable by meaning")
    return 0


def cmd_audit(args, settings: Settings) -> int:
    from archive.service import read_audit

    for entry in read_audit(settings, limit=None):  # the whole log: `kb audit | head` for the newest
        if args.json:
            emit(entry)
        else:
            at, user, action = (str(entry.get(k, "")) for k in ("at", "user", "action"))
            print(one_line(f"{at}  {user:<16} {action:<7} {str(entry.get('id') or '') or _details(entry)}"))
    return 0


def _details(entry: dict) -> str:
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    return ", ".join(f"{k} {v}" for k, v in details.items() if v is not None)
