"""A coordinator's sign-in that survives a reload: a signed, expiring session value kept by the browser in
an HttpOnly cookie. The signing key is made on first start and kept beside the secrets file (var/, never
in the repository); a sign-out revokes the session on the server as well as clearing the cookie.

Nothing here imports streamlit: the cookie routes (webapp/routes.py) and the pages share it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import os
import secrets
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from archive.access import load_coordinators
from kb.files import atomic_write

log = logging.getLogger(__name__)

COOKIE = "kb_session"
MAX_AGE_S = 8 * 3600  # a working day
TICKET_TTL_S = 120
_lock = threading.Lock()
_tickets: dict[str, tuple[str, float]] = {}  # one-time ticket → (cookie value, expiry)


def key_file(secrets_file: Path) -> Path:
    return secrets_file.parent / "session.key"


def signing_key(secrets_file: Path) -> bytes:
    """The signing key, made (0600, whole or not at all) on first use.

    A key file that holds no key (empty after a crash, or damaged) is replaced by a new key: the
    sessions signed before end, and no session is ever signed with an empty or broken key."""
    path = key_file(secrets_file)
    key = _key_in(path)
    if key is not None:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    fresh = secrets.token_hex(32)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(fresh + "\n")
            f.flush()
            os.fsync(f.fileno())
        if path.exists() or path.is_symlink():  # damaged: replaced
            log.warning("%s held no signing key: a new one signs the sessions from now on", path)
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # FileExistsError when another process made it first
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return _key_in(path) or bytes.fromhex(fresh)


def _key_in(path: Path) -> bytes | None:
    """The 32-byte key the file holds (None when there is no file, or it holds no such key)."""
    try:
        key = bytes.fromhex(path.read_bytes().decode("ascii").strip())
    except FileNotFoundError:
        return None
    except ValueError:  # not ASCII (UnicodeDecodeError), not hex
        return None
    return key if len(key) == 32 else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, payload.encode("utf-8"), hashlib.sha256).digest())


def issue(key: bytes, name: str, stamp: str = "", now: float | None = None) -> str:
    """A session value for `name`, valid for MAX_AGE_S: name.expiry.nonce.signature.

    The signature also covers `stamp` (the coordinator's stored password hash), so a changed password or
    a removed coordinator ends every session issued before."""
    expires = int((now if now is not None else time.time()) + MAX_AGE_S)
    payload = f"{_b64(name.encode('utf-8'))}.{expires}.{secrets.token_hex(8)}"
    return payload + "." + _sign(key, payload + "\n" + stamp)


def read(
    key: bytes, value: str, now: float | None = None, stamps: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """(name, nonce) of a valid, unexpired, correctly signed session value; None otherwise.

    With `stamps` (name → stored hash), the name must still be among them with the hash it was issued
    under."""
    parts = (value or "").split(".")
    if len(parts) != 4:
        return None
    payload, signature = ".".join(parts[:3]), parts[3]
    try:
        name, expires = _unb64(parts[0]).decode("utf-8"), int(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    stamp = "" if stamps is None else stamps.get(name)
    if stamp is None or not hmac.compare_digest(_sign(key, payload + "\n" + stamp), signature):
        return None
    if expires < (now if now is not None else time.time()):
        return None
    return name, parts[2]


def current(secrets_file: Path, value: str) -> tuple[str, str] | None:
    """(name, nonce) of a session value that still holds: signed, unexpired, not revoked, and issued
    under the coordinator's present password."""
    found = read(signing_key(secrets_file), value, stamps=load_coordinators(secrets_file)) if value else None
    if found is None or revoked(secrets_file, found[1]):
        return None
    return found


def nonce_of(value: str) -> str:
    parts = (value or "").split(".")
    return parts[2] if len(parts) == 4 else ""


def _revoked_file(secrets_file: Path) -> Path:
    return secrets_file.parent / "revoked-sessions"


def revoke(secrets_file: Path, nonce: str) -> None:
    """End a session everywhere (kept until the session would have expired anyway)."""
    if not nonce:
        return
    path = _revoked_file(secrets_file)
    now = time.time()
    with _lock:
        kept = [line for line in _lines(path) if float(line.split()[1]) > now]
        kept.append(f"{nonce} {now + MAX_AGE_S:.0f}")
        atomic_write(path, ("\n".join(kept) + "\n").encode("ascii"))


def _lines(path: Path) -> list[str]:
    """The "nonce expiry" lines of the revocation list (a damaged line is left out, never a failure)."""
    try:
        text = path.read_bytes().decode("ascii", errors="replace")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if _revocation(line)]


def _revocation(line: str) -> bool:
    parts = line.split()
    try:
        return len(parts) == 2 and math.isfinite(float(parts[1]))
    except ValueError:
        return False


def revoked(secrets_file: Path, nonce: str) -> bool:
    return any(line.split()[0] == nonce for line in _lines(_revoked_file(secrets_file)))


def new_ticket(value: str) -> str:
    """A one-time ticket the browser exchanges for the cookie (the value itself never reaches the page)."""
    ticket = secrets.token_urlsafe(24)
    now = time.time()
    with _lock:
        for old in [t for t, (_, exp) in _tickets.items() if exp < now]:
            del _tickets[old]
        _tickets[ticket] = (value, now + TICKET_TTL_S)
    return ticket


def redeem(ticket: str) -> str | None:
    with _lock:
        value, expires = _tickets.pop(ticket, ("", 0.0))
    return value if value and expires >= time.time() else None
