"""Type detection by content first, suffix second."""

from pathlib import Path

import pytest

from ingest.sniff import detect_type

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.pdf", "empty"),
        (b"%PDF-1.7\n%...", "report.bin", "pdf"),
        (b"<!DOCTYPE html><html><body>Hi</body></html>", "report.pdf", "html"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "invoice.pdf", "exe"),
        (b"\x7fELF\x02\x01\x01\x00", "notes.txt", "exe"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.pdf", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "photo.jpg", "jpeg"),
        (b"GIF89a\x01\x00\x01\x00", "anim.gif", "gif"),
        (b"PK\x03\x04garbage", "archive.zip", "zip"),
        (b"\x00\x01\x02\x03\x04\x05binary", "data.txt", "binary"),
        (b"# Title\n\nBody", "notes.md", "markdown"),
        (b"# Title\n\nBody", "notes.markdown", "markdown"),
        (b"Plain words", "notes.txt", "text"),
        (b"Plain words", "no-suffix", "text"),
        (b"<p>Fragment</p>", "page.htm", "html"),
        (b"  \n<html lang='de'><p>x</p></html>", "page.txt", "html"),
        (b"\xef\xbb\xbf<!doctype html><title>x</title>", "page", "html"),
        ("Grüße aus Köln".encode("cp1252"), "latin.txt", "text"),
        ("Grüße".encode("utf-16"), "wide.txt", "text"),
        ("Grüße aus Köln".encode("utf-16-le"), "wide.txt", "text"),
        ("Grüße aus Köln".encode("utf-32-be"), "wide", "text"),
        ("<html><p>Grüße</p></html>".encode("utf-16-be"), "page", "html"),
        (b"\x01\x00" * 100, "counts.txt", "binary"),
        (b"\x00\x01\x02\x00" * 100, "words.txt", "binary"),
        (b'<?xml version="1.0"?><feed></feed>', "feed.xml", "xml"),
    ],
)
def test_detect_type(data: bytes, name: str, expected: str) -> None:
    assert detect_type(data, name) == expected


def test_docx_is_recognised_inside_the_zip(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert detect_type(path.read_bytes(), "letter.pdf") == "docx"


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("umlauts.pdf", "pdf"),
        ("user-password.pdf", "pdf"),
        ("truncated.pdf", "pdf"),
        ("empty.pdf", "empty"),
        ("article.html", "html"),
        ("latin1.txt", "text"),
        ("utf8-bom.txt", "text"),
        ("utf16-bom.txt", "text"),
        ("front-matter.md", "markdown"),
    ],
)
def test_fixture_types(fixture: str, expected: str) -> None:
    assert detect_type((FIXTURES / fixture).read_bytes(), fixture) == expected
