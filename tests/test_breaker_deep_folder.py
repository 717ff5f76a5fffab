"""A folder nested so deep that its path is longer than the system takes (4,096 bytes: a tree copied from a
Windows share, a loop of folders unpacked): it is skipped in one line saying so, and the other files of
the batch are indexed, where checking whether it was an index stopped the whole `kb ingest` (exit 2,
nothing indexed, 'file name too long' naming the index marker)."""

from __future__ import annotations

import os
from pathlib import Path

TEXT = "Protokoll der Sitzung des Netzwerks über Kunststoff, {}."


def deep_tree(top: Path, levels: int = 40) -> None:
    """Folders of 100 letters each, `levels` deep (made one at a time: the whole path is too long)."""
    here = os.open(top, os.O_RDONLY)
    try:
        for level in range(levels):
            name = f"ordner{level:02d}" + "x" * 100
            os.mkdir(name, dir_fd=here)
            below = os.open(name, os.O_RDONLY, dir_fd=here)
            os.close(here)
            here = below
        fd = os.open("tief.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=here)
        os.write(fd, TEXT.format("tief").encode())
        os.close(fd)
    finally:
        os.close(here)


def test_a_folder_too_deep_to_read_is_one_line_and_the_batch_goes_on(run_cli, small, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "flach.txt").write_text(TEXT.format("flach"), encoding="utf-8")
    deep_tree(folder)
    result = run_cli("ingest", "--json", "--no-embed", folder, settings=small)
    assert result.code == 0, result.err
    by_status = {line["status"]: line for line in result.lines}
    assert sorted(by_status) == ["indexed", "skipped"]
    assert by_status["indexed"]["source"] == "imports/src/flach.txt"
    assert by_status["skipped"]["message"].endswith(": cannot read the folder: file name too long")
