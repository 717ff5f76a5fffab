"""Every page of the app in a real Chromium at 1400×900 and 390×844, on the seed corpus and (slow) on a few
thousand real documents: a full-page screenshot of each under test-output/, and no program internals."""

from __future__ import annotations

import time
import urllib.parse
from pathlib import Path

import pytest
import realcorpus
from apphelpers import COORDINATOR, build_corpus
from browserkit import NARROW, ROOT, WIDE, check, launch, require_chromium, serve, settled, sign_in

from archive.access import add_coordinator
from archive.service import open_knowledge_base
from kb.settings import load_settings
from tests.conftest import shared_data_missing

pytestmark = [pytest.mark.browser]
SEED_DOCS = (
    "documents/000_29bb637916ff8d4d",
    "documents/001_c1da5292cc622186",
    "documents/002_b763ae3e545d7f37",
    "documents/003_52458518a7f32b1d",
    "documents/004_a376ae4560a2eac7",
)


def _networks(index: Path, corpus: Path) -> list[tuple[str, bool]]:
    """Every network of the archive, and whether it has minutes."""
    kb = open_knowledge_base(load_settings(index, corpus))
    try:
        from kb.models import SearchRequest

        nets = next(f for f in kb.stats("en").facets if f.name == "network").values
        minutes = {
            v.value
            for v in kb.search(SearchRequest(doctypes=("minutes",))).facet("network").values
            if v.count
        }
        return [(v.value, v.value in minutes) for v in nets]
    finally:
        kb.close()


def _sign_in(page) -> None:
    sign_in(page, COORDINATOR)
    settled(page)


def _tour(
    url: str, out: Path, viewport: dict, searches: list[str], docs: list[str], networks: list[str]
) -> int:
    """Open every page at one size; returns the number of pages checked."""
    from playwright.sync_api import sync_playwright

    q = urllib.parse.quote
    pages = [(f"search-{i:02d}", f"{url}/?{s}") for i, s in enumerate(searches)]
    pages += [(f"doc-{i:02d}", f"{url}/doc?id={q(d)}") for i, d in enumerate(docs)]
    pages += [(f"explore-{i:02d}", f"{url}/explore?net={q(n)}") for i, n in enumerate(networks)]
    pages += [("upload-signed-out", f"{url}/upload"), ("admin-signed-out", f"{url}/admin")]
    with sync_playwright() as p:
        browser, context = launch(p, viewport=viewport)
        try:
            page = context.new_page()
            for name, address in pages:
                page.goto(address)
                check(page, out / f"{name}.png")
            _sign_in(page)
            check(page, out / "admin-signed-in.png")
            page.goto(f"{url}/upload")
            check(page, out / "upload-signed-in.png")
            page.goto(f"{url}/doc?id={q(docs[0])}")
            check(page, out / "doc-signed-in.png")
        finally:
            browser.close()
    return len(pages) + 3


def _searches(extra: list[str]) -> list[str]:
    return [
        "q=Ausbildung",
        "q=Ausbildung&type=minutes&region=Ems-Achse",
        "q=xyzzyqqq",
        "q=genanvendelse&lang=nl",
        "",
        "q=Netzwerk&page=2&size=10",
        *extra,
    ]


def _output(request) -> Path:
    return ROOT / "test-output" / request.node.name


@pytest.fixture
def seeded(tmp_path):
    require_chromium()
    build_corpus(tmp_path / "corpus")
    secrets = tmp_path / "secrets" / "coordinators.json"
    add_coordinator(secrets, *COORDINATOR)
    return tmp_path / "corpus", tmp_path / "index", secrets


def test_every_page_on_the_seed_corpus(seeded, tmp_path, request):
    corpus, index, secrets = seeded
    out = _output(request)
    with serve(corpus, index, secrets, tmp_path / "server.log") as url:
        nets = _networks(index, corpus)
        assert any(m for _, m in nets) and any(not m for _, m in nets), "networks with and without minutes"
        networks = [n for n, _ in nets]
        for label, viewport in (("wide", WIDE), ("narrow", NARROW)):
            _tour(url, out / label, viewport, _searches([]), list(SEED_DOCS), networks)


#: help pages (each in four languages) and council agenda items of the real-documents tour, and the
#: networks whose Explore page it opens at each size (the largest, and those without minutes first)
REAL_HELP_PAGES, REAL_AGENDA_ITEMS, REAL_NETWORKS = 100, 600, 4


@pytest.mark.slow
def test_every_page_on_real_documents(seeded, tmp_path, request):
    if not realcorpus.available():
        shared_data_missing("../shared/data")
    corpus, index, secrets = seeded
    folder = corpus / "documents"
    written = realcorpus.write_libreoffice(folder, REAL_HELP_PAGES) + realcorpus.write_nordstemmen(
        folder, REAL_AGENDA_ITEMS
    )
    started = time.perf_counter()
    open_knowledge_base(load_settings(index, corpus)).close()
    took = time.perf_counter() - started
    print(f"ingested {written} real documents (and the seeds) in {took:.0f} s")
    nets = _networks(index, corpus)
    assert any(m for _, m in nets) and any(not m for _, m in nets)
    out = _output(request)
    searches = _searches(
        [
            "q=Bebauungsplan",
            "q=Tabelle%20einf%C3%BCgen&lang=de",
            "q=insert%20table&lang=en",
            "q=Haushalt&network=Rat&sort=newest",
            "q=Stra%C3%9Fenbeleuchtung&region=Barnten&region=Rössing",
        ]
    )
    with serve(corpus, index, secrets, tmp_path / "server.log", timeout_s=300) as url:
        for label, viewport in (("wide", WIDE), ("narrow", NARROW)):
            chosen = [n for n, m in nets if not m][:2] + [n for n, m in nets if m]
            _tour(url, out / label, viewport, searches, list(SEED_DOCS), chosen[:REAL_NETWORKS])
