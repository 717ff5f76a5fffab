"""The main flows in a real headless Chromium against `streamlit run app.py` (screenshots kept)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from apphelpers import COORDINATOR, ROOT, build_corpus

from archive.access import add_coordinator

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
SHOTS = ROOT / "test-output" / "browser"
TRACEBACK = re.compile(r"Traceback|Exception:|Error:|StreamlitAPIException|KeyError", re.I)

pytestmark = [pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
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


@pytest.fixture
def server(tmp_path):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing (CI is set)")
        pytest.skip("/usr/bin/chromium is not installed")
    build_corpus(tmp_path / "corpus")
    secrets = tmp_path / "secrets" / "coordinators.json"
    add_coordinator(secrets, *COORDINATOR)
    env = {
        **os.environ,
        "KB_CORPUS_DIR": str(tmp_path / "corpus"),
        "KB_INDEX_DIR": str(tmp_path / "index"),
        "KB_SECRETS_FILE": str(secrets),
    }
    env.pop("KB_COORDINATORS", None)
    port = _free_port()
    # `kb serve` indexes the corpus first, then execs streamlit with the same flags
    cmd = [sys.executable, "-m", "archive.cli", "serve", "--port", str(port), "--address", "127.0.0.1"]
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, proc)
        yield url, tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _settled(page) -> None:
    page.wait_for_selector("[data-testid=stApp][data-test-connection-state=CONNECTED]", timeout=30_000)
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=30_000)
    page.wait_for_timeout(400)
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=30_000)


def _check(page, name: str) -> None:
    _settled(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    text = page.inner_text("[data-testid=stApp]")
    assert not TRACEBACK.search(text), f"{name}: {TRACEBACK.search(text).group(0)} on the page"
    assert page.locator("[data-testid=stException]").count() == 0


def test_search_open_sign_in_upload_find(server):
    from playwright.sync_api import expect, sync_playwright

    url, tmp_path = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/?q=Ausbildung")
            _settled(page)
            expect(page.get_by_text(re.compile(r"^\d+ documents$"))).to_be_visible()
            _check(page, "01-search")

            # a facet: the type "Minutes"
            page.get_by_label("Type").first.click()
            page.get_by_role("option", name=re.compile(r"^Minutes")).click()
            page.keyboard.press("Escape")
            _settled(page)
            expect(page).to_have_url(re.compile(r"type=minutes"))
            _check(page, "02-facet")

            # open a document
            page.get_by_role("link", name=re.compile("Netzwerktreffen Nummer")).first.click()
            _settled(page)
            expect(page.get_by_role("heading", name="Full text")).to_be_visible()
            expect(page.locator("mark").first).to_be_visible()
            _check(page, "03-document")

            # sign in and upload
            page.get_by_role("link", name="Upload").click()
            _settled(page)
            page.get_by_label("Name", exact=True).fill(COORDINATOR[0])
            page.get_by_label("Password", exact=True).fill(COORDINATOR[1])
            page.get_by_role("button", name="Sign in").click()
            _settled(page)
            expect(page.get_by_text(f"Signed in as {COORDINATOR[0]}")).to_be_visible()
            upload = tmp_path / "kunststoff_recycling.md"
            upload.write_text(
                "# Recyclingtag im Kunststoffnetzwerk\n\nDas Kunststoffnetzwerk Ems-Achse lud zum "
                "Recyclingtag ein. Themen: Rezyklat, Ausbildung und Qualitätsmanagement.\n",
                encoding="utf-8",
            )
            page.locator("input[type=file]").set_input_files(str(upload))
            _settled(page)
            _check(page, "04-upload-preview")
            expect(page.get_by_role("button", name="Store and index")).to_be_visible(timeout=30_000)
            page.get_by_role("button", name="Store and index").click()
            _settled(page)
            expect(page.get_by_text(re.compile("Stored and indexed"))).to_be_visible(timeout=30_000)
            _check(page, "05-stored")

            # find it by search
            page.goto(f"{url}/?q=Recyclingtag")
            _settled(page)
            expect(page.get_by_role("link", name=re.compile("Recyclingtag"))).to_be_visible()
            _check(page, "06-found")

            page.goto(f"{url}/explore")
            _settled(page)
            _check(page, "07-explore")
        finally:
            browser.close()
