"""Benchmark HTML main-text extraction on ../shared/data/html: word recall and boilerplate share per case."""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path

from bs4 import BeautifulSoup

from ingest.extractors import extract
from ingest.source import Source

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "html"
_WORD = re.compile(r"\w+", re.U)


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


def main() -> int:
    """Print recall and boilerplate per case and their means."""
    found = cases()
    if not found:
        print(f"skipped: {DATA_DIR} not found")
        return 0
    print(f"{'case':<14} {'recall':>7} {'boiler':>7} {'ms':>6}")
    recalls, boilers = [], []
    for case in found:
        start = time.perf_counter()
        result = extract(Source(name=f"{case.name}.html", data=(case / "source.html").read_bytes()))
        elapsed_ms = (time.perf_counter() - start) * 1000
        recall, boilerplate = score(result.text, expected_text(case))
        recalls.append(recall)
        boilers.append(boilerplate)
        print(f"{case.name:<14} {recall:7.1%} {boilerplate:7.1%} {elapsed_ms:6.0f}")
    print(f"{'mean':<14} {sum(recalls) / len(recalls):7.1%} {sum(boilers) / len(boilers):7.1%}")
    print(f"{'min recall':<14} {min(recalls):7.1%}   max boilerplate {max(boilers):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
