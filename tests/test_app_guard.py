"""webapp/guard.py on its own (the served app is tested in test_fault_origin.py): which origins count as
the app's own, behind a reverse proxy too."""

from __future__ import annotations

import asyncio

import pytest

from webapp.guard import Guard, origin_of


def test_origins_are_compared_by_scheme_host_and_port():
    assert origin_of("http://127.0.0.1:8501") == "http://127.0.0.1:8501"
    assert origin_of("HTTPS://KB.Example.org:443/path?q") == "https://kb.example.org"
    assert origin_of("http://kb.example.org:80") == "http://kb.example.org"
    assert origin_of("http://[::1]:8501") == "http://[::1]:8501"
    for bad in ("null", "", "file:///etc", "http://", "http://host:99999", "javascript:alert(1)"):
        assert origin_of(bad) is None, bad


def _answer(kind: str, path: str, headers: dict[str, str], scheme: str = "http") -> object:
    """What the guard does with one request: "passed" (the app got it), or the status / close it sent."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        sent.append({"type": "passed"})

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {
        "type": kind,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "method": "POST" if kind == "http" else "GET",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "server": ("127.0.0.1", 8501),
    }
    asyncio.run(Guard(app)(scope, receive, send))
    first = sent[0]
    return {"passed": "passed", "websocket.close": "closed", "http.response.start": first.get("status")}[
        first["type"]
    ]


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://127.0.0.1:8501", "passed"),
        (None, "passed"),  # not a browser
        ("http://127.0.0.1:9999", "closed"),
        ("http://localhost:8501", "closed"),
        ("https://kb.example.org", "closed"),
        ("null", "closed"),
    ],
)
def test_the_websocket_answers_its_own_origin(origin, expected, monkeypatch):
    monkeypatch.delenv("KB_PUBLIC_URL", raising=False)
    headers = {"Host": "127.0.0.1:8501"} | ({"Origin": origin} if origin else {})
    assert _answer("websocket", "/_stcore/stream", headers, "ws") == expected


def test_behind_a_reverse_proxy_the_public_url_is_the_apps_origin(monkeypatch):
    proxied = {"Host": "127.0.0.1:8501", "Origin": "https://kb.example.org"}
    monkeypatch.delenv("KB_PUBLIC_URL", raising=False)
    assert _answer("websocket", "/_stcore/stream", proxied, "ws") == "closed"
    assert _answer("http", "/api/kb/signout", proxied) == 403
    monkeypatch.setenv("KB_PUBLIC_URL", "https://kb.example.org/")
    assert _answer("websocket", "/_stcore/stream", proxied, "ws") == "passed"
    assert _answer("http", "/api/kb/signout", proxied) == "passed"
    assert (
        _answer("websocket", "/_stcore/stream", proxied | {"Origin": "https://evil.example.org"}, "ws")
        == "closed"
    )


def test_pages_and_health_checks_pass_without_origin(monkeypatch):
    monkeypatch.delenv("KB_PUBLIC_URL", raising=False)
    for path in ("/", "/_stcore/health", "/doc"):
        assert _answer("http", path, {"Host": "127.0.0.1:8501"}) == "passed"
    assert _answer("http", "/api/kb/session", {"Host": "127.0.0.1:8501"}) == 403
    anonymous = {"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}
    assert _answer("http", "/_stcore/upload_file/s/f", anonymous) == 403


def test_the_streamlit_config_hides_error_details_and_keeps_the_protections(monkeypatch):
    import tomllib
    from pathlib import Path

    from kb.settings import load_settings

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    server = config["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["enableAgentApi"] is False
    monkeypatch.delenv("KB_MAX_UPLOAD_BYTES", raising=False)
    assert server["maxUploadSize"] * 1024 * 1024 == load_settings().max_upload_bytes
