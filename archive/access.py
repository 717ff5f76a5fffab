"""Coordinator sign-in: salted, slow password hashes in a secrets file or the environment.

The secrets file (KB_SECRETS_FILE, default var/coordinators.json, never in the repository) maps a
name to "scrypt$n$r$p$salt$hash". KB_COORDINATORS may hold the same JSON object instead, for
deployments that keep secrets in the environment. Comparison is constant-time, and every failed
attempt costs a delay that grows with the failures for that name. Sign-ins from the app go through
`sign_in`, which also limits the tries per name and per client address across sessions and processes
(archive/throttle.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import secrets
import threading
import time
import unicodedata
from pathlib import Path

from archive import throttle
from kb.files import atomic_write
from kb.settings import env

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_CHARS = 8
FAILURE_DELAY_S = 0.5
MAX_FAILURE_DELAY_S = 5.0
_NAME_CHARS = 64

_failures: dict[str, int] = {}
_failures_lock = threading.Lock()


class AuthError(Exception):
    """A coordinator account cannot be created or changed, or cannot sign in now."""


class TooManyFailures(AuthError):
    """Sign-ins for a name (or, when `name` is "", from a client) are refused for `minutes`."""

    def __init__(self, name: str, minutes: int) -> None:
        who = f"for {name}" if name else "from this address"
        super().__init__(f"too many failed sign-ins {who}; try again in {minutes} minutes")
        self.name, self.minutes = name, minutes


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash in the stored format."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    enc = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${enc(salt).decode()}${enc(digest).decode()}"


def _matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def coordinator_name(name: str) -> str:
    """A name as it is stored and compared: trimmed, in NFC (a Mac terminal types "Jörg" decomposed,
    a browser composed: the same name, and never two coordinators that look alike)."""
    return unicodedata.normalize("NFC", name.strip())


def load_coordinators(secrets_file: Path) -> dict[str, str]:
    """name → stored hash, from KB_COORDINATORS (JSON) or the secrets file; {} when they cannot be read
    (no one signs in with a damaged file)."""
    raw = env("KB_COORDINATORS")
    if raw is None:
        try:
            data = _stored(Path(secrets_file))
        except AuthError:
            return {}
    else:
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return {}
    return {coordinator_name(str(k)): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _stored(path: Path) -> dict[str, str]:
    """The secrets file's coordinators ({} when there is no file); AuthError when it cannot be read, so
    that a change never writes over coordinators it could not read."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        raise AuthError(f"{path}: the sign-ins cannot be read ({reason}); fix or move the file") from None
    if not isinstance(data, dict):
        raise AuthError(f"{path}: the sign-ins cannot be read (not a JSON object); fix or move the file")
    return {str(k): str(v) for k, v in data.items()}


_DUMMY_HASH = hash_password("not-a-real-password", salt=b"0" * 16)


def verify(secrets_file: Path, name: str, password: str) -> bool:
    """Whether the name and password belong to a coordinator (slowed down after failures)."""
    name = coordinator_name(name)
    stored = load_coordinators(secrets_file).get(name)
    ok = _matches(password, stored if stored else _DUMMY_HASH) and stored is not None
    with _failures_lock:
        failures = 0 if ok else _failures.get(name, 0) + 1
        _failures[name] = failures
    if not ok:
        time.sleep(min(MAX_FAILURE_DELAY_S, FAILURE_DELAY_S * failures))
    return ok


def sign_in(secrets_file: Path, name: str, password: str, client: str = "") -> bool:
    """`verify`, within the limits on failed tries per name and per client address (TooManyFailures
    beyond them); a try counts before the password is checked."""
    name = coordinator_name(name)
    wait_s, key = throttle.reserve(secrets_file, [throttle.name_key(name), throttle.client_key(client)])
    if wait_s > 0:
        raise TooManyFailures(name if key.startswith("name:") else "", max(1, math.ceil(wait_s / 60)))
    ok = verify(secrets_file, name, password)
    if ok:
        throttle.succeeded(secrets_file, name, client)
    return ok


def _name_problem(name: str) -> str:
    """Why a coordinator name cannot be stored ("" when it can)."""
    if not name:
        return "a name needs a letter or digit, not only spaces"
    if len(name) > _NAME_CHARS:
        return f"at most {_NAME_CHARS} characters ({len(name)} given)"
    if "$" in name:
        return "no $ in a name"
    if not name.isprintable():  # no ESC, no line break, no direction mark
        return "no line break or control character in a name"
    return ""


def add_coordinator(secrets_file: Path, name: str, password: str) -> None:
    """Create or replace a coordinator in the secrets file (written atomically, readable by the owner only)."""
    name = coordinator_name(name)
    why = _name_problem(name)
    if why:
        shown = name if len(name) <= _NAME_CHARS else f"{name[:_NAME_CHARS]}…"
        raise AuthError(f"invalid coordinator name {shown!r}: {why}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    path = Path(secrets_file)
    data = {k: v for k, v in _stored(path).items() if coordinator_name(k) != name}  # a twin spelling too
    data[name] = hash_password(password)  # a new hash: the sessions signed under the old one end
    _store(path, data)
    throttle.forget(path, name)  # whoever set the password lifts a lock on the name


def remove_coordinator(secrets_file: Path, name: str) -> bool:
    """Remove a coordinator; whether one was removed."""
    path = Path(secrets_file)
    stored = _stored(path)
    data = {k: v for k, v in stored.items() if coordinator_name(k) != coordinator_name(name)}
    if len(data) == len(stored):
        return False
    _store(path, data)
    return True


def _store(path: Path, data: dict[str, str]) -> None:
    """Write the secrets file atomically (kb.files.atomic_write makes it readable by its owner only)."""
    atomic_write(path, json.dumps(data, indent=2).encode("utf-8"))
