"""The README and docs/ checked against the code, so they cannot drift from it."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from archive.cli.parser import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
CODE = [*(ROOT / d for d in ("kb", "ingest", "archive", "webapp")), ROOT / "app.py", ROOT / "asgi.py"]
README_MAX_LINES = 180
SETTINGS_PAGE = ROOT / "docs" / "settings.md"
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_SETTING = re.compile(r"\bKB_[A-Z][A-Z0-9_]*\b")


def _python_files() -> list[Path]:
    files: list[Path] = []
    for place in CODE:
        files += sorted(place.rglob("*.py")) if place.is_dir() else [place]
    return files


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_\[\]()]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    return {
        _slug(line.lstrip("#"))
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def _table_rows(text: str, heading: str) -> list[str]:
    """The first cell of every row of the first table under a heading."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.split("\n## ", 1)[0].splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append(line.split("|")[1].strip())
    return rows[1:]  # the header row


def test_the_readme_is_a_page_a_newcomer_reads() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move details to docs/"
    text = "\n".join(lines)
    for must in (
        "## Prerequisites",
        "make run",
        "make test",
        "kb search",
        ".meta.json",
        "vocabulary.json",
        "---",
    ):
        assert must in text, must


def test_every_relative_link_in_the_docs_resolves() -> None:
    broken = []
    for page in [README, *DOCS]:
        for target in _LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []


def test_every_doc_page_is_listed_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    unlisted = [p.name for p in DOCS if f"(docs/{p.name})" not in text]
    assert unlisted == []


def test_the_settings_table_is_the_registry_and_the_code_reads_no_other_setting() -> None:
    from kb.settings import REGISTRY

    text = SETTINGS_PAGE.read_text(encoding="utf-8")
    rows = [
        line
        for line in text.split("## Settings", 1)[1].split("\n## ", 1)[0].splitlines()
        if line.startswith("| `")
    ]
    assert rows == [f"| `{s.name}` | {s.default} | {s.meaning} |" for s in REGISTRY]
    named = set()
    for path in _python_files():
        named |= set(_SETTING.findall(path.read_text(encoding="utf-8")))
    assert named - {s.name for s in REGISTRY} == set(), "KB_ names in the code that are not registered"


def test_only_the_registry_reads_the_environment() -> None:
    readers = []
    for path in _python_files():
        if path == ROOT / "kb" / "settings.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"os\.environ\.get|os\.getenv|os\.environ\[", line):
                readers.append(f"{path.relative_to(ROOT)}:{number}")
    assert readers == [], "read settings through kb.settings.env"


def test_every_command_has_a_row_in_the_cli_page() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = set(sub.choices)
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `kb (\w+)", page, re.M))
    assert commands - documented == set(), "commands without a row in docs/cli.md"
    assert documented - commands == set(), "rows in docs/cli.md for commands that do not exist"
    for name, command in sub.choices.items():
        assert command.format_help().strip(), name


def test_benchmark_figures_live_only_between_the_markers_make_bench_writes() -> None:
    from bench.report import BEGIN, END, ENGINES_BEGIN, ENGINES_END

    page = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert page.count(BEGIN) == 1 and page.count(END) == 1
    assert page.count(ENGINES_BEGIN) == 1 and page.count(ENGINES_END) == 1  # the engines side by side
    assert page.index(ENGINES_BEGIN) > page.index(END)
    assert BEGIN not in README.read_text(encoding="utf-8")
    assert "docs/benchmarks.md" in (ROOT / "Makefile").read_text(encoding="utf-8")


def _reliability_page():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reliability_page", ROOT / "docs" / "reliability_page.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_reliability_page_is_written_from_the_tests_parameters() -> None:
    page = _reliability_page()
    assert page.missing_tests(page.rows()) == [], "docs/reliability_page.py names tests that do not exist"
    written = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert written == page.render(), "docs/reliability.md is stale: run `make docs`"
