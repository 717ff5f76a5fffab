"""Two small HTTP routes beside the Streamlit app (served by asgi.py): they set and clear the HttpOnly
session cookie, which a Streamlit script cannot do itself. Requests from another origin never reach them
(webapp/guard.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kb.settings import load_settings
from webapp import session

SESSION_PATH = "/api/kb/session"
SIGNOUT_PATH = "/api/kb/signout"


MAX_TICKET_BYTES = 256  # a ticket is 32 characters; a larger body is no ticket, and is not read on


async def _ticket(request: Request) -> str:
    """The ticket a request carries ("" for a body larger than any ticket: never read into memory)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_TICKET_BYTES:
            return ""
    return body.decode("ascii", "replace").strip()


async def _session(request: Request) -> Response:
    """Exchange a one-time ticket (made by the sign-in form) for the session cookie."""
    ticket = await _ticket(request)
    value = session.redeem(ticket)
    if value is None:
        return Response("unknown or expired ticket\n", status_code=403, media_type="text/plain")
    response = Response(status_code=204)
    response.set_cookie(
        session.COOKIE,
        value,
        max_age=session.MAX_AGE_S,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


def _secure(request: Request) -> bool:
    """Whether the cookie goes over HTTPS only: the request came by HTTPS, or the app's public address
    is https (a reverse proxy ends TLS and forwards plain HTTP: the cookie must still never travel in
    the clear)."""
    public = load_settings().public_url or ""
    return request.url.scheme == "https" or public.lower().startswith("https://")


async def _signout(request: Request) -> Response:
    """Revoke the session on the server and clear the cookie."""
    value = request.cookies.get(session.COOKIE, "")
    settings = load_settings()
    if session.current(settings.secrets_file, value):
        session.revoke(settings.secrets_file, session.nonce_of(value))
    response = Response(status_code=204)
    response.delete_cookie(session.COOKIE, path="/", httponly=True, samesite="strict")
    return response


ROUTES = [Route(SESSION_PATH, _session, methods=["POST"]), Route(SIGNOUT_PATH, _signout, methods=["POST"])]
