"""Sign-in throttling shared by every session and process: recent failures per coordinator name and per
client address, kept in a small file beside the secrets file and changed under an exclusive lock.

A try is counted before its password is checked (and taken back when it succeeds), so parallel tries
cannot pass the limit between the check and the count.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path

WINDOW_S = 15 * 60
MAX_FAILURES_PER_NAME = 5  # per WINDOW_S: an attacker gets 5 guesses a quarter hour at one account
MAX_FAILURES_PER_CLIENT = 20  # per WINDOW_S, over all names tried from one address
_KEY_CHARS = 80


def record_file(secrets_file: Path) -> Path:
    return Path(secrets_file).parent / "signin-failures.json"


def name_key(name: str) -> str:
    return "name:" + name.strip()[:_KEY_CHARS]


def client_key(client: str) -> str:
    return "client:" + (client or "local")[:_KEY_CHARS]


def _limit(key: str) -> int:
    return MAX_FAILURES_PER_NAME if key.startswith("name:") else MAX_FAILURES_PER_CLIENT


def _change(secrets_file: Path, change) -> object:
    """Run `change(records)` on the record under an exclusive lock; write back what it leaves."""
    path = record_file(secrets_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            records = json.loads(fh.read() or "{}")
        except ValueError:  # a damaged record forgets old failures rather than locking everyone out
            records = {}
        if not isinstance(records, dict):
            records = {}
        now = time.time()
        records = {
            k: kept
            for k, times in records.items()
            if isinstance(times, list)
            and (kept := [t for t in times if isinstance(t, int | float) and now - WINDOW_S < t <= now + 1])
        }
        result = change(records, now)
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(records))
        fh.flush()
        return result


def reserve(secrets_file: Path, keys: list[str]) -> tuple[float, str]:
    """Count a try for every key and return (0, ""); or, when a key has reached its limit, count nothing
    and return (seconds until it may try again, that key)."""

    def change(records: dict[str, list[float]], now: float) -> tuple[float, str]:
        for key in keys:
            times = sorted(records.get(key, []))
            limit = _limit(key)
            if len(times) >= limit:
                return times[-limit] + WINDOW_S - now, key
        for key in keys:
            records.setdefault(key, []).append(now)
        return 0.0, ""

    return _change(secrets_file, change)


def succeeded(secrets_file: Path, name: str, client: str) -> None:
    """A right password: the name's failures are forgotten, and this try no longer counts for the client."""

    def change(records: dict[str, list[float]], _now: float) -> None:
        records.pop(name_key(name), None)
        times = records.get(client_key(client), [])
        if times:
            times.remove(max(times))

    _change(secrets_file, change)


def forget(secrets_file: Path, name: str) -> None:
    """Lift the lock on a name (its password was just set by whoever runs the archive)."""
    _change(secrets_file, lambda records, _now: records.pop(name_key(name), None))
