"""The audit log: one JSON line per change to the archive (who, when, what), appended and never rewritten."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from kb.settings import Settings

AUDIT_FILE = "audit.jsonl"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit_path(settings: Settings) -> Path:
    return settings.secrets_file.parent / AUDIT_FILE


def audit(settings: Settings, user: str, action: str, doc_id: str, details: Mapping[str, object]) -> None:
    """Append one line to the audit log (who, when, what); the log is never rewritten."""
    entry = {"at": now(), "user": user, "action": action, "id": doc_id, "details": dict(details)}
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = audit_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read_audit(settings: Settings, limit: int | None = 200) -> list[dict]:
    """The newest audit entries (all with limit=None), newest first."""
    path = audit_path(settings)
    if not path.exists():
        return []
    entries = []
    text = path.read_bytes().decode("utf-8", errors="replace")  # a damaged byte spoils its line only
    for line in text.splitlines()[-limit:] if limit is not None else text.splitlines():
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(entry, dict):  # a line that is no entry ([1, 2], null) is left out like a broken one
            entries.append(entry)
    return entries[::-1]


def deleted_sources(settings: Settings) -> dict[str, dict]:
    """The corpus paths whose document was deleted and not brought back since: source → the deletion's
    entry (the whole log is read; a damaged line is left out as in read_audit)."""
    path = audit_path(settings)
    if not path.exists():
        return {}
    deleted: dict[str, dict] = {}
    for line in path.read_bytes().decode("utf-8", errors="replace").splitlines():
        if '"delete"' not in line and '"restore"' not in line:
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        details = entry.get("details") if isinstance(entry, dict) else None
        source = details.get("source") if isinstance(details, dict) else None
        if not isinstance(source, str):
            continue
        if entry.get("action") == "delete":
            deleted[source] = entry
        elif entry.get("action") == "restore":
            deleted.pop(source, None)
    return deleted
