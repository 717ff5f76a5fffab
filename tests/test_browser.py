"""The main flow in a real headless Chromium against `kb serve`: search, a facet, a document, sign in,
upload (and the same file again: the existing document is offered), find it by search, delete it."""

from __future__ import annotations

import re

import pytest
from apphelpers import COORDINATOR, ROOT, build_corpus
from browserkit import check, launch, require_chromium, serve, settled, sign_in

from archive.access import add_coordinator

pytestmark = [pytest.mark.browser]


@pytest.fixture
def server(tmp_path):
    require_chromium()
    build_corpus(tmp_path / "corpus")
    secrets = tmp_path / "secrets" / "coordinators.json"
    add_coordinator(secrets, *COORDINATOR)
    with serve(tmp_path / "corpus", tmp_path / "index", secrets, tmp_path / "server.log") as url:
        yield url, tmp_path


def test_search_open_sign_in_upload_find(server, request):
    from playwright.sync_api import expect, sync_playwright

    url, tmp_path = server
    shots = ROOT / "test-output" / request.node.name
    with sync_playwright() as p:
        browser, context = launch(p, viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.goto(f"{url}/?q=Ausbildung")
            settled(page)
            expect(page.get_by_text(re.compile(r"^\d+ documents$"))).to_be_visible()
            check(page, shots / "01-search.png")

            # a facet value: the type "Minutes", shown as a removable chip
            page.locator("[data-testid=stSidebar]").get_by_text(re.compile(r"^Minutes \(")).click()
            settled(page)
            expect(page).to_have_url(re.compile(r"type=minutes"))
            expect(page.get_by_role("button", name=re.compile("Type: Minutes"))).to_be_visible()
            check(page, shots / "02-facet.png")

            # open a document
            page.get_by_role("link", name=re.compile("Netzwerktreffen Nummer")).first.click()
            settled(page)
            expect(page.get_by_role("heading", name="Full text")).to_be_visible()
            expect(page.locator("mark").first).to_be_visible()
            check(page, shots / "03-document.png")

            # sign in and upload
            page.get_by_role("link", name="Upload").click()
            settled(page)
            sign_in(page, COORDINATOR)
            settled(page)
            expect(page.get_by_text(f"Signed in as {COORDINATOR[0]}")).to_be_visible()
            upload = tmp_path / "kunststoff_recycling.md"
            upload.write_text(
                "# Recyclingtag im Kunststoffnetzwerk\n\nDas Kunststoffnetzwerk Ems-Achse lud zum "
                "Recyclingtag ein. Themen: Rezyklat, Ausbildung und Qualitätsmanagement.\n",
                encoding="utf-8",
            )
            page.locator("input[type=file]").set_input_files(str(upload))
            settled(page)
            check(page, shots / "04-upload-preview.png")
            expect(page.get_by_role("button", name="Store and index")).to_be_visible(timeout=30_000)
            page.get_by_role("button", name="Store and index").click()
            settled(page)
            expect(page.get_by_text(re.compile("Stored and indexed"))).to_be_visible(timeout=30_000)
            check(page, shots / "05-stored.png")

            # the same file again: the stored document is offered, nothing to store twice
            page.goto(f"{url}/upload")
            settled(page)
            page.locator("input[type=file]").set_input_files(str(upload))
            settled(page)
            expect(page.get_by_text("This file is already in the archive")).to_be_visible(timeout=30_000)
            expect(page.get_by_role("link", name=re.compile("Recyclingtag"))).to_be_visible()
            expect(page.get_by_role("button", name="Store and index")).to_have_count(0)
            check(page, shots / "06-duplicate.png")
            expect(page.get_by_text(re.compile("keeps each file once"))).to_be_visible()

            # find it by search, open it, delete it: back on the search, saying so
            page.goto(f"{url}/?q=Recyclingtag")
            settled(page)
            page.get_by_role("link", name=re.compile("Recyclingtag")).first.click()
            settled(page)
            page.get_by_text("Delete this document").click()
            page.get_by_text(re.compile("^Yes, remove it")).click()
            settled(page)
            page.get_by_role("button", name="Delete", exact=True).click()
            settled(page)
            expect(page.get_by_text(re.compile("^Deleted: Recyclingtag"))).to_be_visible()
            expect(page.get_by_text("There is no document with this id")).to_have_count(0)
            expect(page.get_by_role("heading", name="Search")).to_be_visible()
            check(page, shots / "07-deleted.png")
        finally:
            browser.close()
