"""An Office or OpenDocument file one of whose parts has damaged packed bytes (a bad sector, a cut-off
download patched by a tool): one line naming the format and the part, as a part of a wrong checksum is
named, instead of 'the reader crashed (error); file skipped' (zlib's error escaped the zip check)."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from ingest.errors import ExtractionFailed
from ingest.extractors import extract
from ingest.source import Source
from tests import office_files as make


def with_damaged_deflate(data: bytes, part: str) -> bytes:
    """The zip with the first byte of `part`'s packed bytes made a deflate block of the reserved type."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    return data[:start] + b"\x07" + data[start + 1 :]  # BFINAL=1, BTYPE=11: "invalid block type"


@pytest.mark.parametrize(
    ("name", "data", "part", "said"),
    [
        ("a.docx", make.docx_bytes(), "word/document.xml", ".docx (Word)"),
        ("a.xlsx", make.xlsx_bytes(), "xl/worksheets/sheet1.xml", ".xlsx (Excel)"),
        ("a.pptx", make.pptx_bytes(), "ppt/slides/slide1.xml", ".pptx (PowerPoint)"),
        ("a.odt", make.odt_bytes(), "content.xml", ".odt (OpenDocument text)"),
    ],
)
def test_a_part_whose_packed_bytes_are_damaged_is_named_in_one_line(name, data, part, said):
    with pytest.raises(ExtractionFailed) as refused:
        extract(Source(name, with_damaged_deflate(data, part)))
    assert str(refused.value) == f"broken {said} file: the part {part} is damaged"


def test_kb_ingest_names_the_damaged_part_and_reads_the_other_files(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kaputt.docx").write_bytes(with_damaged_deflate(make.docx_bytes(), "word/document.xml"))
    (folder / "gut.txt").write_text("Protokoll der Sitzung des Netzwerks über Kunststoff.", encoding="utf-8")
    result = run_cli("ingest", "--json", "--no-embed", folder)
    assert result.code == 1
    lines = {line["source"].rpartition("/")[2]: line for line in result.lines}
    assert lines["gut.txt"]["status"] == "indexed"
    assert (lines["kaputt.docx"]["status"], lines["kaputt.docx"]["message"]) == (
        "failed",
        f"{folder / 'kaputt.docx'}: broken .docx (Word) file: the part word/document.xml is damaged "
        "(not imported)",
    )
