"""Benchmark HTML main-text extraction: our reader, trafilatura's defaults and the combination we ship.

Two sets from ../shared/data:

* `html-de-dev/` (120 German pages, `with`/`without` snippets): split by a stable hash of each
  page's id into a "tune" half (used to choose the combination's settings) and a "report" half
  (never used for tuning); the score is the share of `with` snippets found and of `without`
  snippets left out (a page without text counts as keeping its boilerplate).
* `html/` (22 mostly English news pages with an expected text): word recall against the expected
  text and the share of extracted words that are not in it.

`python -m bench.html_extraction [--all]` prints both; `--all` adds the tune half and the whole set.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from ingest.extractors.article import trafilatura_text
from ingest.extractors.html import parse_html
from ingest.extractors.main_text import main_text

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DATA_DIR = SHARED / "html"
DEV_DIR = SHARED / "html-de-dev"
_WORD = re.compile(r"\w+", re.U)
_SPACES = re.compile(r"\s+")


def ours(data: bytes) -> str:
    return main_text(parse_html(data))


def trafilatura_defaults(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def shipped(data: bytes) -> str:
    from ingest.extractors import extract
    from ingest.source import Source

    return extract(Source("page.html", data)).text


READERS: dict[str, Callable[[bytes], str]] = {
    "ours": ours,
    "trafilatura": trafilatura_defaults,
    "shipped": shipped,
}
__all__ = ["READERS", "trafilatura_text"]


def half(page_id: str) -> str:
    """The stable half of a page: "tune" or "report" (first byte of the SHA-256 of its id)."""
    return "tune" if hashlib.sha256(page_id.encode("utf-8")).digest()[0] % 2 == 0 else "report"


def norm(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip().lower()


@dataclass
class SnippetScore:
    kept: int = 0
    wanted: int = 0
    dropped: int = 0
    avoided: int = 0

    def add(self, text: str, with_: list[str], without: list[str]) -> None:
        found = norm(text)
        self.wanted += len(with_)
        self.kept += sum(norm(w) in found for w in with_)
        self.avoided += len(without)
        self.dropped += sum(bool(found) and norm(w) not in found for w in without)

    def __str__(self) -> str:
        return (
            f"with {self.kept}/{self.wanted} ({self.kept / max(1, self.wanted):.1%}), "
            f"without {self.dropped}/{self.avoided} ({self.dropped / max(1, self.avoided):.1%})"
        )


def dev_scores(data_dir: Path = DEV_DIR) -> dict[tuple[str, str], SnippetScore]:
    """(reader, half) -> snippet score on html-de-dev; half is "tune", "report" or "all"."""
    scores: dict[tuple[str, str], SnippetScore] = {}
    for entry in json.loads((data_dir / "index.json").read_text(encoding="utf-8")):
        data = (data_dir / entry["file"]).read_bytes()
        for name, reader in READERS.items():
            text = reader(data)
            for part in (half(entry["url"]), "all"):
                scores.setdefault((name, part), SnippetScore()).add(text, entry["with"], entry["without"])
    return scores


def words(text: str) -> Counter[str]:
    """Lower-cased word counts of a text."""
    return Counter(w.lower() for w in _WORD.findall(text))


def expected_text(case: Path) -> str:
    """The reference main text of one case (text of expected.html)."""
    soup = BeautifulSoup((case / "expected.html").read_bytes(), "html.parser")
    return soup.get_text(" ")


def score(extracted: str, expected: str) -> tuple[float, float]:
    """Word recall against the reference, and the share of extracted words not in the reference."""
    got, want = words(extracted), words(expected)
    overlap = sum((got & want).values())
    recall = overlap / max(1, sum(want.values()))
    boilerplate = 1 - overlap / max(1, sum(got.values()))
    return recall, boilerplate


def cases(data_dir: Path = DATA_DIR) -> list[Path]:
    """The case folders that have both a source and an expected page."""
    if not data_dir.is_dir():
        return []
    return sorted(
        p for p in data_dir.iterdir() if (p / "source.html").is_file() and (p / "expected.html").is_file()
    )


def news_scores(found: list[Path]) -> dict[str, tuple[float, float]]:
    """Reader -> (mean word recall, mean share of extra words) on html/."""
    result = {}
    for name, reader in READERS.items():
        pairs = [score(reader((c / "source.html").read_bytes()), expected_text(c)) for c in found]
        result[name] = (sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs))
    return result


def main(argv: list[str] | None = None) -> int:
    show_all = "--all" in (argv if argv is not None else sys.argv[1:])
    if (DEV_DIR / "index.json").is_file():
        scores = dev_scores()
        parts = ("report", "tune", "all") if show_all else ("report",)
        print("html-de-dev (snippets; 'report' = the half never used for tuning)")
        for part in parts:
            for name in READERS:
                print(f"  {part:<7} {name:<12} {scores[(name, part)]}")
    else:
        print(f"skipped: {DEV_DIR} not found")
    found = cases()
    if found:
        print(f"html/ ({len(found)} pages; mean word recall, mean share of words not in the expected text)")
        for name, (recall, extra) in news_scores(found).items():
            print(f"  {name:<12} recall {recall:6.1%}  extra {extra:6.1%}")
    else:
        print(f"skipped: {DATA_DIR} not found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
