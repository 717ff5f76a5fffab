"""PDF: text in reading order, declared metadata, and each kind of unreadable PDF."""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.errors import ExtractionFailed, IngestError, NoTextLayer, PasswordProtected, UnsupportedFile
from ingest.extractors import extract
from ingest.source import Extracted, Source
from tests.conftest import shared_data_missing

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
SHARED_PDF = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pdf"
EMPTY_OWNER_PASSWORD = frozenset({"29_py-pdf_r6-user-password.pdf"})
PDF_TEXT = "Kunststoff-Netzwerk Nord: Größe, Übung und Straße.\nDansk: æble, øl og Århus på én gang."


def _extract(name: str, **options: object) -> Extracted:
    return extract(Source(name, (FIXTURES / name).read_bytes()), **options)


def test_pdf_text_keeps_umlauts_and_danish_letters() -> None:
    result = _extract("umlauts.pdf")
    assert result.text == PDF_TEXT
    assert result.format == "pdf"


def test_pdf_declared_metadata() -> None:
    result = _extract("umlauts.pdf")
    assert (result.title, result.author, result.date, result.language) == (
        "Netzwerktreffen Kunststoff",
        "Jörg Müller",
        "2024-03-15",
        "de",
    )


def test_owner_password_only_pdf_reads_normally() -> None:
    assert _extract("owner-password-only.pdf").text == PDF_TEXT


def test_user_password_pdf_is_reported() -> None:
    with pytest.raises(
        PasswordProtected, match=r"^password-protected PDF: cannot be read without its password$"
    ):
        _extract("user-password.pdf")


def test_truncated_pdf_fails_with_one_line_reason() -> None:
    with pytest.raises(ExtractionFailed) as info:
        _extract("truncated.pdf")
    assert type(info.value) is ExtractionFailed
    assert str(info.value).startswith("broken PDF: ")
    assert "\n" not in str(info.value)
    assert info.value.__cause__ is not None


def test_zero_byte_pdf_fails() -> None:
    with pytest.raises(ExtractionFailed, match=r"^empty file \(0 bytes\)$"):
        _extract("empty.pdf")


def test_too_many_pages_names_the_limit() -> None:
    with pytest.raises(ExtractionFailed, match=r"^PDF has 1 pages, more than the limit of 0$"):
        _extract("umlauts.pdf", max_pages=0)


def test_image_only_pdf_without_ocr_has_no_text_layer() -> None:
    with pytest.raises(
        NoTextLayer, match=r"^no text layer \(image-only scan\); install tesseract to OCR it$"
    ):
        _extract("image-only.pdf", ocr=False)


@pytest.mark.skipif(
    shutil.which("tesseract") is not None, reason="tesseract installed: OCR path runs instead"
)
def test_image_only_pdf_without_tesseract_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayer):
        _extract("image-only.pdf")


def test_executable_named_pdf_is_unsupported() -> None:
    with pytest.raises(UnsupportedFile, match=r"^unsupported file type: exe$") as info:
        extract(Source("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"))
    assert info.value.detected == "exe"


def test_html_named_pdf_is_read_as_html() -> None:
    result = extract(Source("report.pdf", b"<!DOCTYPE html><html><body><p>Hallo Welt</p></body></html>"))
    assert (result.format, result.text) == ("html", "Hallo Welt")


def _manifest() -> list[dict]:
    if not (SHARED_PDF / "manifest.json").is_file():
        return []
    return json.loads((SHARED_PDF / "manifest.json").read_text())


def _cryptography_installed() -> bool:
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("entry", _manifest(), ids=lambda e: e["file"][:20])
def test_shared_pdfs_give_text_or_the_right_failure(entry: dict) -> None:
    source = Source(entry["file"], (SHARED_PDF / entry["file"]).read_bytes())
    kind = entry["kind"]
    if kind == "broken_zero_bytes":
        with pytest.raises(ExtractionFailed, match="empty file"):
            extract(source)
    elif kind == "broken":
        with pytest.raises(ExtractionFailed, match="^broken PDF: "):
            extract(source)
    elif not _cryptography_installed() and entry["file"].startswith("29_"):
        with pytest.raises(ExtractionFailed, match="cryptography"):
            extract(source)
    elif entry["file"] in EMPTY_OWNER_PASSWORD:
        # Its user password is in the manifest, but its owner password is empty, so it opens without one.
        assert extract(source).text == "pdf encryption test\npassword: asdfzxcv"
    elif entry.get("needs_pass"):
        with pytest.raises(PasswordProtected):
            extract(source)
    else:
        result = extract(source)
        assert len(result.text) >= 0.8 * entry["text_chars"]


def test_shared_pdf_folder_present_or_skipped() -> None:
    if not _manifest():
        shared_data_missing("../shared/data/pdf")
    assert len(_manifest()) == 12


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=512).map(lambda b: (FIXTURES / "umlauts.pdf").read_bytes()[:400] + b),
        st.text(max_size=512).map(lambda t: ("---\n" + t).encode("utf-8")),
        st.text(max_size=512).map(lambda t: ("<html><body>" + t).encode("utf-8")),
    ),
    suffix=st.sampled_from([".pdf", ".html", ".htm", ".md", ".txt", "", ".docx", ".bin"]),
)
def test_extract_only_returns_extracted_or_raises_ingest_errors(data: bytes, suffix: str) -> None:
    try:
        result = extract(Source(f"file{suffix}", data))
    except IngestError:
        return
    assert isinstance(result, Extracted)
