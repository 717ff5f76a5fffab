"""ASGI middleware in front of the served app (asgi.py): only the app's own pages may talk to it.

A page from another origin, even another port of the same host (which is the same *site*, so the
SameSite cookie goes with it), must not drive a coordinator's session. Streamlit itself accepts any
localhost origin on its websocket, so the checks are ours:

- every websocket whose Origin is not the app's own is refused (403, before the handshake); a missing
  Origin is let through, since browsers always send one and other clients carry no one's cookie;
- the cookie routes (/api/kb/...) need the app's own Origin;
- Streamlit's file uploads (/_stcore/upload_file) need the app's own Origin and a valid coordinator
  session cookie, so anonymous clients cannot park files in the server's memory.

The app's own origin is the scheme and Host of the request, or KB_PUBLIC_URL (behind a reverse proxy).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from kb.settings import load_settings
from webapp import session

COOKIE_ROUTES = "/api/kb/"
UPLOADS = "/_stcore/upload_file"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
log = logging.getLogger(__name__)


def origin_of(url: str) -> str | None:
    """scheme://host[:port] in lower case without a default port; None for anything but an http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    shown = f":{port}" if port is not None and port != _DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host.lower()}{shown}"


def own_origins(conn: HTTPConnection) -> set[str]:
    """The origins the app is served at: this request's scheme and Host, and KB_PUBLIC_URL."""
    scheme = _SCHEMES.get(conn.url.scheme, "http")
    host = conn.headers.get("host", "")
    found = {origin_of(f"{scheme}://{host}") if host else None, origin_of(load_settings().public_url)}
    return {o for o in found if o}


def from_own_origin(conn: HTTPConnection, *, required: bool) -> bool:
    """Whether the request's Origin is the app's own (or absent, unless required)."""
    origin = conn.headers.get("origin")
    if origin is None:
        return not required
    return origin_of(origin) in own_origins(conn)


def signed_in(conn: HTTPConnection) -> bool:
    """Whether the request carries a coordinator's session cookie that still holds."""
    value = conn.cookies.get(session.COOKIE, "")
    return bool(value) and session.current(load_settings().secrets_file, value) is not None


class Guard:
    """The checks above, before the request reaches Streamlit or our routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            conn = HTTPConnection(scope)
            refusal = _refusal(conn, scope)
            if refusal:
                log.warning(
                    "refused %s %s (Origin %s): %s",
                    scope["type"],
                    conn.url.path,
                    conn.headers.get("origin"),
                    refusal,
                )
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1008})  # before accept: HTTP 403
                else:
                    await PlainTextResponse(refusal + "\n", status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(conn: HTTPConnection, scope: Scope) -> str:
    """Why the request is refused ("" when it may go on)."""
    path = conn.url.path
    if scope["type"] == "websocket":
        return "" if from_own_origin(conn, required=False) else "another origin"
    if COOKIE_ROUTES in path:
        return "" if from_own_origin(conn, required=True) else "another origin"
    if UPLOADS in path and scope.get("method") != "OPTIONS":
        if not from_own_origin(conn, required=True):
            return "another origin"
        if not signed_in(conn):
            return "uploads need a signed-in coordinator"
    return ""
