"""The cookie routes as a hostile client uses them: a request body of any size is read only as far as
a ticket can reach (a forged Origin gets past the guard; a gigabyte must not reach the server's memory)."""

from __future__ import annotations

import asyncio

from starlette.applications import Starlette

from webapp.routes import MAX_TICKET_BYTES, ROUTES, SESSION_PATH
from webapp.session import new_ticket

CHUNK = b"x" * 65536


def _post(body_chunks: int, first: bytes = b"", sent: list[dict] | None = None) -> tuple[int, int]:
    """POST to the session route over ASGI; (status, body chunks the route asked for)."""
    app = Starlette(routes=ROUTES)
    asked = 0
    sent = [] if sent is None else sent

    async def receive() -> dict:
        nonlocal asked
        asked += 1
        if asked == 1 and first:
            return {"type": "http.request", "body": first, "more_body": False}
        return {"type": "http.request", "body": CHUNK, "more_body": asked < body_chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": SESSION_PATH,
        "raw_path": SESSION_PATH.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "scheme": "http",
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 1234),
        "root_path": "",
        "http_version": "1.1",
    }
    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), asked


def test_a_body_larger_than_a_ticket_is_refused_without_reading_it_all():
    status, asked = _post(body_chunks=16_000)  # a gigabyte
    assert status == 403
    read, most = asked * 65536, MAX_TICKET_BYTES + 65536
    assert read <= most  # one chunk past the limit, no more


def test_a_ticket_still_sets_the_cookie():
    status, _ = _post(body_chunks=1, first=new_ticket("a-session-value").encode())
    assert status == 204


def _cookie(sent: list[dict]) -> str:
    start = next(m for m in sent if m["type"] == "http.response.start")
    return next(v.decode() for k, v in start["headers"] if k == b"set-cookie")


def test_behind_a_proxy_that_ends_https_the_cookie_is_sent_over_https_only(monkeypatch):
    """The proxy forwards plain HTTP: the cookie lacked Secure, so a visit to http:// sent it in the clear."""
    monkeypatch.setenv("KB_PUBLIC_URL", "https://kb.example.org")
    sent: list[dict] = []
    assert _post(body_chunks=1, first=new_ticket("a-session-value").encode(), sent=sent)[0] == 204
    assert "; secure" in _cookie(sent).lower() and "httponly" in _cookie(sent).lower()
    monkeypatch.setenv("KB_PUBLIC_URL", "http://kb.example.org")
    plain: list[dict] = []
    assert _post(body_chunks=1, first=new_ticket("a-session-value").encode(), sent=plain)[0] == 204
    assert "secure" not in _cookie(plain).lower()
