"""What a visitor does in a real Chromium: Back and Forward through searches, a reload that keeps the
search, the interface language and a coordinator's sign-in, sign-out, a German and a Dutch browser, OR within a facet."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from apphelpers import COORDINATOR, build_corpus
from browserkit import NARROW, ROOT, WIDE, check, launch, require_chromium, serve, settled, sign_in

from archive.access import add_coordinator

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_chromium()
    root = tmp_path_factory.mktemp("flows")
    build_corpus(root / "corpus")
    secrets = root / "secrets" / "coordinators.json"
    add_coordinator(secrets, *COORDINATOR)
    with serve(root / "corpus", root / "index", secrets, root / "server.log") as url:
        yield url, root


@pytest.fixture
def out(request):
    return ROOT / "test-output" / request.node.name


def _count(page) -> str:
    return page.get_by_text(re.compile(r"^\d+ documents?$")).first.inner_text()


def _query(page):
    return page.get_by_label("Search the archive", exact=True)


def _search(page, text: str) -> None:
    box = _query(page)
    box.fill(text)
    box.press("Enter")
    settled(page)


def _state(page) -> tuple[str, str, str]:
    return page.url.split("/", 3)[3], _query(page).input_value(), _count(page)


def test_back_and_forward_go_through_the_searches(site, out):
    from playwright.sync_api import sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE)
        try:
            page = context.new_page()
            page.goto(f"{url}/")
            settled(page)
            seen = []
            for text in ("Ausbildung", "Recycling", "Netzwerk"):
                _search(page, text)
                seen.append(_state(page))
            page.locator("[data-testid=stSidebar]").get_by_text(re.compile(r"^Minutes \(")).click()
            settled(page)
            seen.append(_state(page))
            assert "type=minutes" in seen[-1][0] and "q=Netzwerk" in seen[-1][0]
            assert len({s[2] for s in seen}) > 1, "the searches should not all find the same"
            for expected in (seen[2], seen[1], seen[0]):
                page.go_back()
                settled(page)
                assert _state(page) == expected
            page.go_forward()
            settled(page)
            assert _state(page) == seen[1]
            check(page, out / "after-forward.png")
        finally:
            browser.close()


def test_a_new_query_starts_on_page_one(site):
    from playwright.sync_api import sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE)
        try:
            page = context.new_page()
            page.goto(f"{url}/?q=Netzwerk")
            settled(page)
            page.get_by_role("button", name="Page 2", exact=True).click()
            settled(page)
            assert "page=2" in page.url
            _search(page, "Ausbildung")
            assert "page=" not in page.url
            page.go_back()
            settled(page)
            assert "page=2" in page.url and _query(page).input_value() == "Netzwerk"
        finally:
            browser.close()


def test_the_next_page_of_results_starts_at_its_top(site):
    from playwright.sync_api import sync_playwright

    url, _ = site
    scroll = "() => document.querySelector('[data-testid=stMain]').scrollTop"
    with sync_playwright() as p:
        browser, context = launch(p, viewport=NARROW)
        try:
            page = context.new_page()
            page.goto(f"{url}/?q=Netzwerk")
            settled(page)
            pager = page.get_by_role("button", name="Page 2", exact=True)
            pager.scroll_into_view_if_needed()
            assert page.evaluate(scroll) > 500
            pager.click()
            settled(page)
            assert "page=2" in page.url
            page.wait_for_timeout(300)
            assert page.evaluate(scroll) < 50
        finally:
            browser.close()


def test_reload_keeps_search_language_and_sign_in_until_sign_out(site, out):
    from playwright.sync_api import expect, sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE, locale="en-GB")
        try:
            page = context.new_page()
            page.goto(f"{url}/admin")
            settled(page)
            sign_in(page, COORDINATOR)
            settled(page)
            expect(page.get_by_text(f"Signed in as {COORDINATOR[0]}")).to_be_visible()
            cookie = next(c for c in context.cookies() if c["name"] == "kb_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            # the interface language: German, kept
            page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").first.click()
            page.get_by_role("option", name="Deutsch").click()
            settled(page)
            page.goto(f"{url}/?q=Ausbildung")
            settled(page)
            page.reload()
            settled(page)
            expect(page.get_by_role("heading", name="Suche")).to_be_visible()
            expect(page.get_by_label("Archiv durchsuchen", exact=True)).to_have_value("Ausbildung")
            expect(page.get_by_text(f"Angemeldet als {COORDINATOR[0]}")).to_be_visible()
            check(page, out / "reloaded.png")
            # a new tab of the same browser: still signed in
            other = context.new_page()
            other.goto(f"{url}/upload")
            settled(other)
            expect(other.get_by_text(f"Angemeldet als {COORDINATOR[0]}")).to_be_visible()
            other.close()
            # sign out: ended in this tab, after a reload, and the cookie is gone
            page.get_by_role("button", name="Abmelden").click()
            settled(page)
            page.wait_for_timeout(500)
            assert not any(c["name"] == "kb_session" for c in context.cookies())
            page.goto(f"{url}/admin")
            settled(page)
            expect(page.get_by_role("button", name="Anmelden")).to_be_visible()
            expect(page.get_by_text(re.compile("Angemeldet als"))).to_have_count(0)
        finally:
            browser.close()


def test_a_signed_out_cookie_stays_signed_out(site):
    """A copy of the cookie taken before sign-out does not sign anybody in afterwards (revoked)."""
    from playwright.sync_api import expect, sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE)
        try:
            page = context.new_page()
            page.goto(f"{url}/admin")
            settled(page)
            sign_in(page, COORDINATOR)
            settled(page)
            page.wait_for_timeout(500)
            copied = [c for c in context.cookies() if c["name"] == "kb_session"]
            assert copied
            page.get_by_role("button", name="Sign out").click()
            settled(page)
            thief = browser.new_context(viewport=WIDE)
            thief.add_cookies(copied)
            stolen = thief.new_page()
            stolen.goto(f"{url}/admin")
            settled(stolen)
            expect(stolen.get_by_role("button", name="Sign in")).to_be_visible()
        finally:
            browser.close()


def test_a_german_browser_gets_german(site, out):
    from playwright.sync_api import expect, sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE, locale="de-DE")
        try:
            page = context.new_page()
            page.goto(f"{url}/?q=Ausbildung")
            settled(page)
            expect(page.get_by_role("heading", name="Suche")).to_be_visible()
            expect(page.get_by_text(re.compile(r"^\d+ Dokumente$"))).to_be_visible()
            check(page, out / "german.png")
        finally:
            browser.close()


def test_a_dutch_browser_gets_dutch(site, out):
    from playwright.sync_api import expect, sync_playwright

    url, _ = site
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE, locale="nl-NL")
        try:
            page = context.new_page()
            page.goto(f"{url}/?q=Ausbildung")
            settled(page)
            expect(page.get_by_role("heading", name="Zoeken")).to_be_visible()
            expect(page.get_by_text(re.compile(r"^\d+ documenten$"))).to_be_visible()
            expect(page.get_by_label("Zoeken in het archief", exact=True)).to_be_visible()
            check(page, out / "dutch.png")
        finally:
            browser.close()


def _cli_search(root, *args: str) -> dict:
    env = {
        **os.environ,
        "KB_CORPUS_DIR": str(root / "corpus"),
        "KB_INDEX_DIR": str(root / "index"),
        "KB_SECRETS_FILE": str(root / "secrets" / "coordinators.json"),
    }
    cmd = [sys.executable, "-m", "archive.cli", "search", "--json", *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_two_regions_give_their_union_with_the_cli_counts(site, out):
    from playwright.sync_api import sync_playwright

    url, root = site
    expected = _cli_search(root, "--region", "Deutschland", "--region", "Trekantområdet", "")
    regions = {v["value"]: v["count"] for v in expected["facets"]["region"]}
    with sync_playwright() as p:
        browser, context = launch(p, viewport=WIDE)
        try:
            page = context.new_page()
            page.goto(f"{url}/")
            settled(page)
            sidebar = page.locator("[data-testid=stSidebar]")
            sidebar.get_by_text(re.compile(r"^Germany \(")).click()
            settled(page)
            sidebar.get_by_text(re.compile(r"^Triangle Region")).click()
            settled(page)
            assert "region=Deutschland" in page.url and "region=Trekantomr" in page.url
            total = expected["total"]
            assert total >= 2
            assert _count(page) == (f"{total} documents" if total != 1 else "1 document")
            for label, value in (
                ("Germany", "Deutschland"),
                ("Triangle Region (Trekantområdet)", "Trekantområdet"),
            ):
                box = sidebar.get_by_text(f"{label} ({regions[value]})", exact=True)
                assert box.count() == 1, f"{label} should show the CLI's count {regions[value]}"
            check(page, out / "two-regions.png")
        finally:
            browser.close()


def test_the_audit_log_fits_a_phone_screen(site, out):
    """Its table ran past the right edge of a 390 px screen, the document and change columns cut off."""
    from playwright.sync_api import sync_playwright

    url, root = site
    entry = {"at": "2026-12-06T16:24:00+00:00", "user": "anna", "action": "delete", "id": "imports/" + "x" * 120,
             "details": {"source": "imports/" + "y" * 120 + ".txt", "title": "Protokoll_" + "z" * 90}}  # fmt: skip
    with (root / "secrets" / "audit.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    with sync_playwright() as p:
        browser, context = launch(p, viewport=NARROW)
        try:
            page = context.new_page()
            page.goto(f"{url}/admin")
            settled(page)
            sign_in(page, COORDINATOR)
            check(page, out / "admin-narrow.png")
            right = page.evaluate(
                "() => Math.max(...[...document.querySelectorAll('.kb-audit th, .kb-audit td')]"
                ".map(c => c.getBoundingClientRect().right))"
            )
            assert 0 < right <= NARROW["width"]
        finally:
            browser.close()


def test_a_title_of_one_long_word_wraps_on_a_phone(tmp_path, out):
    """A title made from a file name without spaces ran past the right edge of the document page."""
    from playwright.sync_api import sync_playwright

    from ingest.pipeline import file_id

    require_chromium()
    build_corpus(tmp_path / "corpus")
    name = "Lang_" + "x" * 150 + ".txt"
    (tmp_path / "corpus" / "documents" / name).write_text(
        "Das Netzwerk trifft sich in Lübeck zum Thema Kunststoff.\n", encoding="utf-8"
    )
    secrets = tmp_path / "secrets" / "coordinators.json"
    log = tmp_path / "server.log"
    with serve(tmp_path / "corpus", tmp_path / "index", secrets, log) as url, sync_playwright() as p:
        browser, context = launch(p, viewport=NARROW)
        try:
            page = context.new_page()
            page.goto(f"{url}/doc?id={file_id('documents/' + name)}")
            check(page, out / "doc-narrow.png")
            title = page.locator(".kb-doc-title").first
            assert "xxxxxxxx" in title.inner_text()
            box = page.evaluate("() => document.querySelector('.kb-doc-title').scrollWidth")
            assert 0 < box <= NARROW["width"] and title.bounding_box()["width"] <= NARROW["width"]
        finally:
            browser.close()
