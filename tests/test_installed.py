"""kb installed from a wheel, outside the checkout: its data follows the working directory, and the app
is served from the package (no app.py, asgi.py or .streamlit/ of a checkout needed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browserkit import _free_port, _wait_healthy, launch, require_chromium, settled

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The project's wheel, built and installed (without its dependencies) into a folder of its own."""
    root = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((root / "dist").glob("network_kb-*.whl"))
    site = root / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    return site


def _env(site: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    return env | {"PYTHONPATH": str(site), "KB_SEMANTIC": "off"}


def test_the_installed_kb_keeps_its_data_where_the_user_works(installed, tmp_path):
    work = tmp_path / "archive"
    shutil.copytree(ROOT / "corpus", work / "corpus")
    env = _env(installed)
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import archive.cli, webapp; print(archive.cli.__file__); print(webapp.__file__)",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert all(Path(line).is_relative_to(installed) for line in where.stdout.split()), where.stdout
    ingest = subprocess.run(
        [sys.executable, "-m", "archive.cli", "ingest"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ingest.returncode == 0, ingest.stderr
    stats = subprocess.run(
        [sys.executable, "-m", "archive.cli", "stats", "--json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(stats.stdout)
    assert data["documents"] == 5
    assert data["folders"]["corpus"] == {"path": str(work / "corpus"), "from": "the working directory"}
    assert (work / "var" / "index" / ".network-kb-index").is_file()
    assert not (installed / "corpus").exists() and not (installed / "var").exists()


def test_the_installed_app_is_served_from_the_package(installed, tmp_path):
    require_chromium()
    from playwright.sync_api import expect, sync_playwright

    work = tmp_path / "archive"
    shutil.copytree(ROOT / "corpus", work / "corpus")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archive.cli", "serve", "--port", str(port)],
            cwd=work,
            env=_env(installed),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, proc, 120)
            with sync_playwright() as p:
                browser, context = launch(p)
                page = context.new_page()
                page.goto(f"{url}/?q=Kunststoff")
                settled(page)
                expect(page.get_by_role("heading", name="Search")).to_be_visible()
                expect(page.get_by_text("Kunststoffnetzwerk Ems-Achse").first).to_be_visible()
                assert page.locator("[data-testid=stException]").count() == 0
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert "Traceback" not in log.read_text()
    assert (installed / "webapp" / ".streamlit" / "config.toml").is_file()  # read beside the served script
