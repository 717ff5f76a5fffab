"""`make screenshots`: the README's pictures of the main pages, taken in the system Chromium from the app
served on a copy of the seed corpus with networks that have a history (tests/minutes_corpus.py:
34 minutes of one network over nine years, Danish, Dutch and English minutes), scaled down to stay small
(docs/screenshots/*.png). `python docs/screenshots.py explore document-phone` retakes only those."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browserkit import NARROW, launch, require_chromium, serve, settled  # noqa: E402
from minutes_corpus import write_history_corpus  # noqa: E402

from archive.access import add_coordinator  # noqa: E402
from archive.service import open_knowledge_base, update_metadata  # noqa: E402
from kb.settings import load_settings  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
USER = ("demo", "screenshot-only-password")
SHOTS = [  # name, path, viewport, signed in
    ("search", "/?q=Ausbildung", {"width": 1400, "height": 900}, False),
    (
        "search-filtered",
        "/?q=Netzwerk&region=Ems-Achse&region=Danmark",
        {"width": 1400, "height": 900},
        False,
    ),
    (
        "document",
        "/doc?id=documents%2F002_b763ae3e545d7f37&hl=Ausbildung",
        {"width": 1400, "height": 900},
        False,
    ),
    # taller than the screen: the history reads from the top down to the people who recur
    ("explore", "/explore?net=Kunststoffnetzwerk%20Ems-Achse", {"width": 1400, "height": 2000}, False),
    ("explore-phone", "/explore?net=Kunststoffnetzwerk%20Ems-Achse", {"width": 390, "height": 1900}, False),
    ("document-phone", "/doc?id=documents%2Fhistory%2Fems_30", {"width": 390, "height": 1300}, False),
    ("search-phone", "/?q=Netzwerk&lang=de", NARROW, False),
    ("admin", "/admin", {"width": 1400, "height": 900}, True),
]
WIDTH = 900  # pixels of the stored picture (wide pages are scaled down)


def _small(path: Path) -> None:
    image = Image.open(path)
    if image.width > WIDTH:
        image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    image.convert("P", palette=Image.ADAPTIVE, colors=192).save(path, optimize=True)


def _one_correction(base: Path, secrets: Path) -> None:
    """A real metadata correction, so the audit log in the admin picture has an entry."""
    settings = load_settings(base / "index", base / "corpus")
    settings = type(settings)(**{**settings.__dict__, "secrets_file": secrets})
    kb = open_knowledge_base(settings)
    try:
        doc_id = "documents/003_52458518a7f32b1d"
        topics = [*kb.get(doc_id).topics, "digitalisation"]
        update_metadata(kb, settings, doc_id, {"topics": list(dict.fromkeys(topics))}, USER[0])
    finally:
        kb.close()


def main(names: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    unknown = set(names) - {name for name, *_ in SHOTS}
    if unknown:
        print(f"no such picture: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    require_chromium()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-shots-") as tmp:
        base = Path(tmp)
        write_history_corpus(base / "corpus")
        secrets = base / "secrets" / "coordinators.json"
        add_coordinator(secrets, *USER)
        _one_correction(base, secrets)
        with (
            serve(base / "corpus", base / "index", secrets, base / "server.log") as url,
            sync_playwright() as p,
        ):
            browser, context = launch(p, locale="en-GB")
            try:
                page = context.new_page()
                for name, path, viewport, signed_in in SHOTS:
                    if names and name not in names:
                        continue
                    page.set_viewport_size(viewport)
                    page.goto(url + path)
                    settled(page)
                    if signed_in:
                        page.get_by_label("Name", exact=True).fill(USER[0])
                        page.get_by_label("Password", exact=True).fill(USER[1])
                        page.get_by_role("button", name="Sign in").click()
                        settled(page)
                    target = OUT / f"{name}.png"
                    # the first page's hit titles can still be placeholders when the script is done
                    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')")
                    page.evaluate("() => document.fonts.ready.then(() => true)")
                    page.screenshot(path=str(target))
                    _small(target)
                    print(f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB")
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
