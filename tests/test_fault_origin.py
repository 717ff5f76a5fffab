"""The served app (`kb serve`) against a page from another origin and against anonymous clients, with a real
websocket client and real HTTP: only the app's own origin opens the websocket or reaches the cookie routes;
uploads need a coordinator's cookie; a changed password or a removed coordinator ends an open session; a
forged widget value gets one line, no traceback.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import websockets
from browserkit import ROOT, _free_port, _wait_healthy
from conftest import copy_corpus
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from archive.access import add_coordinator, load_coordinators
from webapp import session

pytestmark = [pytest.mark.slow]
PASSWORD = "correct-horse-battery"
FOREIGN = "http://127.0.0.1:9999"  # a local dev server on another port of the same host
MAX_UPLOAD_MB = 2


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    secrets: Path
    env: dict[str, str]
    pid: int

    @property
    def origin(self) -> str:
        return self.url

    def cookie(self, name: str) -> str:
        """A session value as the sign-in would make it (same key, same stored hash)."""
        stamp = load_coordinators(self.secrets)[name]
        return session.issue(session.signing_key(self.secrets), name, stamp)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("served")
    secrets = root / "secrets" / "coordinators.json"
    for name in ("anna", "bert"):
        add_coordinator(secrets, name, PASSWORD)
    env = {
        **os.environ,
        "KB_CORPUS_DIR": str(copy_corpus(root / "corpus")),
        "KB_INDEX_DIR": str(root / "index"),
        "KB_SECRETS_FILE": str(secrets),
        "KB_MAX_UPLOAD_BYTES": str(MAX_UPLOAD_MB * 1024 * 1024),
        "KB_SEMANTIC": "off",
    }
    env.pop("KB_COORDINATORS", None)
    env.pop("KB_PUBLIC_URL", None)
    port = _free_port()
    cmd = [sys.executable, "-m", "archive.cli", "serve", "--port", str(port), "--address", "127.0.0.1"]
    with (root / "server.log").open("w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, 120)
            yield Served(url, port, secrets, env, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


# -- a small Streamlit client --------------------------------------------------------------------------


def _headers(origin: str | None, cookie: str | None) -> dict[str, str]:
    headers = {"Origin": origin} if origin else {}
    if cookie:
        headers["Cookie"] = f"{session.COOKIE}={cookie}"
    return headers


async def _run(ws, page: str = "", widgets: dict[str, int] | None = None) -> list[ForwardMsg]:
    """One script run: the messages the server sends until it finishes."""
    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_name = page
    for widget_id, value in (widgets or {}).items():
        state = msg.rerun_script.widget_states.widgets.add()
        state.id, state.int_value = widget_id, value
    await ws.send(msg.SerializeToString())
    out = []
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await asyncio.wait_for(ws.recv(), 60))
        out.append(fm)
        if fm.WhichOneof("type") == "script_finished":
            return out


def _open(served: Served, origin: str | None, cookie: str | None = None):
    return websockets.connect(
        f"ws://127.0.0.1:{served.port}/_stcore/stream",
        additional_headers=_headers(origin, cookie),
        subprotocols=["streamlit"],
        open_timeout=30,
    )


def _elements(msgs: list[ForwardMsg]) -> list:
    return [
        m.delta.new_element
        for m in msgs
        if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
    ]


def _widget_ids(msgs: list[ForwardMsg]) -> list[str]:
    ids = []
    for element in _elements(msgs):
        inner = getattr(element, element.WhichOneof("type"))
        if getattr(inner, "id", ""):
            ids.append(inner.id)
    return ids


def _signed_in(msgs: list[ForwardMsg]) -> bool:
    """The sidebar's sign-out button is there (the admin page's sign-in form is not)."""
    ids = _widget_ids(msgs)
    assert any(i.endswith("-sidebar_sign_out") for i in ids) != any(i.endswith("-signin_name") for i in ids)
    return any(i.endswith("-sidebar_sign_out") for i in ids)


def _admin(served: Served, origin: str | None, cookie: str | None) -> bool:
    async def go():
        async with _open(served, origin, cookie) as ws:
            return _signed_in(await _run(ws, "admin"))

    return asyncio.run(go())


def _post(served: Served, path: str, origin: str | None, cookie: str | None = None, body: bytes = b"") -> int:
    request = urllib.request.Request(
        served.url + path, data=body, method="POST", headers=_headers(origin, cookie)
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# -- the websocket --------------------------------------------------------------------------------------


def test_a_page_from_another_origin_cannot_open_the_websocket(served):
    cookie = served.cookie("anna")
    for origin in (FOREIGN, f"http://localhost:{served.port}", f"https://127.0.0.1:{served.port}", "null"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            _admin(served, origin, cookie)
        assert refused.value.response.status_code == 403, origin
    assert _admin(served, served.origin, cookie)  # the app's own page
    assert not _admin(served, None, None)  # a client that sends no Origin carries no one's cookie


def test_the_cookie_routes_answer_only_the_apps_own_origin(served):
    cookie = served.cookie("anna")
    assert _post(served, "/api/kb/signout", FOREIGN, cookie) == 403
    assert _post(served, "/api/kb/signout", None, cookie) == 403  # browsers always send Origin on a POST
    assert session.current(served.secrets, cookie)  # not signed out by the foreign page
    assert _post(served, "/api/kb/session", FOREIGN, None, session.new_ticket(cookie).encode()) == 403
    assert _post(served, "/api/kb/signout", served.origin, cookie) == 204
    assert session.current(served.secrets, cookie) is None


# -- sessions end with the password ---------------------------------------------------------------------


def _kb(served: Served, *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-m", "archive.cli", *args],
        cwd=ROOT,
        env=served.env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_a_changed_password_or_a_removed_coordinator_ends_open_sessions(served):
    async def go():
        async with _open(served, served.origin, served.cookie("bert")) as tab:
            assert _signed_in(await _run(tab, "admin"))
            _kb(served, "coordinator", "add", "bert", "--password-stdin", stdin="another-password\n")
            assert not _signed_in(await _run(tab, "admin"))  # the open tab, on its next run
        async with _open(served, served.origin, served.cookie("bert")) as tab:
            assert _signed_in(await _run(tab, "admin"))
            assert "removed" in _kb(served, "coordinator", "remove", "bert")
            assert not _signed_in(await _run(tab, "admin"))

    old = served.cookie("anna")
    asyncio.run(go())
    assert _admin(served, served.origin, old)  # other coordinators keep their sessions


# -- uploads ---------------------------------------------------------------------------------------------


def _xsrf(served: Served) -> str:
    with urllib.request.urlopen(f"{served.url}/_stcore/health", timeout=10) as response:
        for header in response.headers.get_all("Set-Cookie"):
            if header.startswith("_streamlit_xsrf="):
                return header.split(";")[0].split("=", 1)[1]
    raise AssertionError("no XSRF cookie")


def _put(
    served: Served, session_id: str, data: bytes, xsrf: str, cookie: str | None, origin: str | None
) -> int:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = _headers(origin, None)
    headers["Cookie"] = "; ".join(
        [f"_streamlit_xsrf={xsrf}"] + ([f"{session.COOKIE}={cookie}"] if cookie else [])
    )
    if xsrf:
        headers["X-Xsrftoken"] = xsrf
    headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    try:
        connection.putrequest("PUT", f"/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}")
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            connection.send(body)
        except (BrokenPipeError, ConnectionResetError):  # refused before the body was read: the answer waits
            pass
        return connection.getresponse().status
    finally:
        connection.close()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_only_a_signed_in_coordinator_can_upload_files(served):
    xsrf = _xsrf(served)

    async def go():
        async with _open(served, served.origin) as ws:
            msgs = await _run(ws)
            session_id = next(
                m.new_session.initialize.session_id for m in msgs if m.WhichOneof("type") == "new_session"
            )
            before = _rss_mb(served.pid)
            anonymous = [
                _put(served, session_id, os.urandom(1024 * 1024), xsrf, None, served.origin) for _ in range(6)
            ]
            grown = _rss_mb(served.pid) - before
            cookie = served.cookie("anna")
            return (
                anonymous,
                grown,
                _put(served, session_id, b"a small memo", xsrf, cookie, served.origin),
                _put(served, session_id, b"a small memo", xsrf, cookie, FOREIGN),
                _put(served, session_id, b"a small memo", "", cookie, served.origin),  # no XSRF token
                _put(
                    served, session_id, b"x" * (MAX_UPLOAD_MB * 1024 * 1024 + 1), xsrf, cookie, served.origin
                ),
            )

    anonymous, grown, coordinator, foreign, no_token, oversized = asyncio.run(go())
    print(f"server memory grew by {grown:.1f} MB over 6 refused 1 MB anonymous uploads")
    assert anonymous == [403] * 6
    assert coordinator == 204
    assert foreign == 403
    assert no_token == 403  # Streamlit's XSRF check (server.enableXsrfProtection) stays on
    assert oversized == 413  # server.maxUploadSize follows KB_MAX_UPLOAD_BYTES


# -- hostile widget values -------------------------------------------------------------------------------


def test_a_forged_widget_value_gets_one_line_and_no_traceback(served):
    async def go():
        async with _open(served, served.origin) as ws:
            ids = _widget_ids(await _run(ws))
            language = next(i for i in ids if i.endswith("-ui_language_select"))
            return await _run(ws, widgets={language: 10**12})  # a select box's index far out of range

    msgs = asyncio.run(go())
    elements = _elements(msgs)
    assert not [e for e in elements if e.WhichOneof("type") == "exception"]
    errors = [e.alert.body for e in elements if e.WhichOneof("type") == "alert" and e.alert.format == 1]
    assert errors == ["This page could not be shown (TypeError); please try again."]  # the type, nothing more
    sent = b"".join(m.SerializeToString() for m in msgs)
    for leak in (b"Traceback", b'File "', b"site-packages", b"session_state", b"cannot be interpreted"):
        assert leak not in sent, leak
