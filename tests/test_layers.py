"""The layers import only downwards: kb/ (the core) imports nothing above it, ingest/ nothing of
the archive's operations or the app. Read from the source with ast, so a lazy import inside a
function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import
FORBIDDEN = {
    "kb": {"ingest", "archive", "webapp", "streamlit", "app"},
    "ingest": {"archive", "webapp", "streamlit", "app"},
    "archive": {"webapp", "streamlit", "app"},
}


def imported_roots(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add((alias.name.split(".")[0], node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_nothing_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no modules found in {package}/"
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {root}"
        for path in files
        for root, line in sorted(imported_roots(path))
        if root in FORBIDDEN[package]
    ]
    assert offending == []


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from ingest.pipeline import x\n    import streamlit as st\n")
    assert {root for root, _ in imported_roots(module)} == {"ingest", "streamlit"}
