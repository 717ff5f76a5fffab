"""Driving the app in the system Chromium: start the server, wait for a settled page, take a full-page
screenshot, and check what a page shows for program internals (source, reprs, tracebacks, raw keys)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 390, "height": 844}

#: what a page must never show, with the reason given when it does
INTERNALS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"DeltaGenerator"), "a DeltaGenerator"),
    (re.compile(r"Traceback|StreamlitAPIException|\w+Error:|\w+Exception\b"), "a traceback or exception"),
    (re.compile(r"\(\w+(Error|Exception)\)"), "an error no page caught (the app's one-line box)"),
    (re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>|\b[A-Z]\w+\(\w+="), "an object repr"),
    (re.compile(r"\bst\.\w+\(|\bdef \w+\(|\blambda\b|\bimport \w+|\) if \w+"), "Python source"),
    (re.compile(r"(?<![\w.])(None|True|False)(?![\w.])"), "a bare None/True/False"),
    (re.compile(r"[\[{]\s*\"\w+\"\s*[:,]"), "raw JSON"),
    (
        re.compile(
            r"\b(doctype|added_by|added_at|schema_version|page_size|year_from|year_to|ui_language|took_ms|max_upload_bytes)\b"
        ),
        "a raw field name",
    ),
    (
        re.compile(
            r"\b(app|nav|ui|search|sort|facet|doc|edit|delete|meta|signin|upload|explore|col|admin|error)"
            r"\.[a-z_]+(\.one)?\b"
        ),
        "an untranslated text key",
    ),
]

# the app's own text, without document text (titles, snippets, full text) that may say anything
_APP_TEXT_JS = """() => {
  const hide = document.createElement('style');
  hide.textContent = '.kb-check-hidden{display:none!important}';
  document.head.appendChild(hide);
  const skipped = [...document.querySelectorAll(
    '.kb-text,.kb-snippet,.kb-doc-title,[data-testid=stPageLink],[data-testid=stSidebarNav],' +
    '[data-testid=stIconMaterial],[data-testid=stFileUploaderFileName]')];
  skipped.forEach(e => e.classList.add('kb-check-hidden'));
  const text = document.querySelector('[data-testid=stApp]').innerText;
  skipped.forEach(e => e.classList.remove('kb-check-hidden'));
  hide.remove();
  return text;
}"""


def problems(text: str) -> list[str]:
    """What on a page's text looks like program internals (empty when nothing does)."""
    found = []
    for pattern, what in INTERNALS:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - 40)
            found.append(f"{what}: …{text[start : match.end() + 40]!r}…")
    return found


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing (CI is set)")
        pytest.skip("/usr/bin/chromium is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the server did not become healthy")


@contextmanager
def serve(corpus: Path, index: Path, secrets: Path, log: Path, timeout_s: float = 120) -> Iterator[str]:
    """`kb serve` (it indexes the corpus first) on a free port; yields the base URL."""
    env = {
        **os.environ,
        "KB_CORPUS_DIR": str(corpus),
        "KB_INDEX_DIR": str(index),
        "KB_SECRETS_FILE": str(secrets),
    }
    env.pop("KB_COORDINATORS", None)
    port = _free_port()
    cmd = [sys.executable, "-m", "archive.cli", "serve", "--port", str(port), "--address", "127.0.0.1"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, timeout_s)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def settled(page) -> None:
    """Connected, and the script has finished (checked again a moment later: a click's rerun starts late)."""
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=60_000)
    page.wait_for_selector(
        "[data-testid=stMainBlockContainer] [data-testid=stElementContainer]", timeout=60_000
    )
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=60_000)
    page.wait_for_timeout(250)
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=60_000)


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the viewport grows to its height."""
    size = page.viewport_size
    height = page.evaluate(
        """() => {
          const bottoms = [0];
          const main = document.querySelector('[data-testid=stMain]');
          const block = document.querySelector('[data-testid=stMainBlockContainer]');
          if (main && block) bottoms.push(block.getBoundingClientRect().bottom + main.scrollTop);
          const side = document.querySelector('[data-testid=stSidebar][aria-expanded=true] [data-testid=stSidebarContent]');
          if (side) bottoms.push(side.scrollHeight);
          return Math.ceil(Math.max(...bottoms)) + 16;
        }"""
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height), 12_000)})
    page.wait_for_timeout(300)  # a resize can start a rerun: take the picture once it is done
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=10_000)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def check(page, path: Path) -> None:
    """Settle, save the full-page screenshot, and fail on program internals or an exception box."""
    settled(page)
    screenshot(page, path)
    text = page.evaluate(_APP_TEXT_JS)
    found = problems(text)
    assert not found, f"{path.stem} ({page.url}): " + "; ".join(found)
    assert page.locator("[data-testid=stException]").count() == 0, f"{path.stem}: an exception box"


def sign_in(page, coordinator: tuple[str, str]) -> None:
    """Fill the coordinator sign-in form on the page, press Sign in, and wait until it has taken: the
    sidebar's sign-out button is there (under load the click's rerun can start after `settled` looked)."""
    page.get_by_label("Name", exact=True).fill(coordinator[0])
    page.get_by_label("Password", exact=True).fill(coordinator[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".st-key-sidebar_sign_out", state="attached", timeout=60_000)


def launch(p, **context):
    """The system Chromium (never a downloaded one) and a context with the given options."""
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    return browser, browser.new_context(**context)
