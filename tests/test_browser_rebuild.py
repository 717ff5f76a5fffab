"""Admin's rebuild in a real Chromium: "Rebuild now" clicked twice while the index is rebuilt rebuilds once
and says so (the second click started a second run at once, which rebuilt again and showed "being rebuilt
by another process" while the success line of the first was lost)."""

from __future__ import annotations

import json
import re

import pytest
from apphelpers import COORDINATOR, ROOT, build_corpus
from browserkit import WIDE, check, launch, require_chromium, serve, settled, sign_in

from archive.access import add_coordinator

pytestmark = [pytest.mark.browser]

BULK_DOCUMENTS = 150  # so that a rebuild takes a few seconds on the shared machine


@pytest.fixture
def server(tmp_path):
    require_chromium()
    build_corpus(tmp_path / "corpus")
    bulk = tmp_path / "corpus" / "documents" / "bulk"
    bulk.mkdir()
    for i in range(BULK_DOCUMENTS):
        (bulk / f"notiz_{i:03}.txt").write_text(
            f"Notiz {i} des Kunststoffnetzwerks über Ausbildung, Recycling und Fachkräfte {i * 7919}.\n",
            encoding="utf-8",
        )
    secrets = tmp_path / "secrets" / "coordinators.json"
    add_coordinator(secrets, *COORDINATOR)
    with serve(tmp_path / "corpus", tmp_path / "index", secrets, tmp_path / "server.log") as url:
        yield url, tmp_path


def test_rebuild_now_clicked_twice_rebuilds_once_and_says_so(server, request):
    from playwright.sync_api import expect, sync_playwright

    url, tmp_path = server
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE)
        try:
            page = context.new_page()
            page.goto(f"{url}/admin")
            settled(page)
            sign_in(page, COORDINATOR)
            settled(page)
            page.get_by_role("button", name="Rebuild the index from corpus/").click()
            settled(page)
            now = page.get_by_role("button", name="Rebuild now")
            now.click()
            page.wait_for_timeout(300)
            if now.count():  # still on the page while the first click's run rebuilds
                now.click(timeout=5_000)
            expect(page.get_by_text(re.compile(r"^Index rebuilt: \d+ documents"))).to_be_visible(
                timeout=60_000
            )
            settled(page)
            alerts = [a.inner_text() for a in page.locator("[data-testid=stAlert]").all()]
            assert not [a for a in alerts if "rebuilt by another" in a or "cannot answer" in a], alerts
            assert page.get_by_role("button", name="Rebuild now").count() == 0  # the plan is done with
            check(page, ROOT / "test-output" / request.node.name / "rebuilt.png")
        finally:
            browser.close()
    audit = (tmp_path / "secrets" / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in audit].count("rebuild") == 1
