"""OCR for image-only PDFs: render pages with pdftoppm and read them with tesseract, when both are installed."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.errors import ExtractionFailed, NoTextLayer

log = logging.getLogger(__name__)

OCR_LANGUAGES = ("deu", "dan", "nld", "eng")
OCR_RESOLUTION_DPI = 300
OCR_PAGE_TIMEOUT_S = 120


def available() -> bool:
    """True when tesseract is on PATH (checked at run time, so installing it later works)."""
    return shutil.which("tesseract") is not None


def ocr_pdf(data: bytes, page_count: int) -> list[str]:
    """Return the OCR text of each page of a PDF."""
    tesseract = shutil.which("tesseract")
    pdftoppm = shutil.which("pdftoppm")
    if tesseract is None:
        raise NoTextLayer("no text layer (image-only scan); install tesseract to OCR it")
    if pdftoppm is None:
        raise NoTextLayer("no text layer (image-only scan); install pdftoppm (poppler-utils) to OCR it")
    languages = _languages(tesseract)
    pages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kb-ocr-") as tmp:
        pdf_path = Path(tmp) / "in.pdf"
        pdf_path.write_bytes(data)
        for number in range(1, page_count + 1):
            image = _render(pdftoppm, pdf_path, number, Path(tmp))
            pages.append(_recognise(tesseract, image, languages) if image else "")
    return pages


def _languages(tesseract: str) -> list[str]:
    """Return the wanted OCR languages that this tesseract has installed."""
    try:
        done = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return []
    installed = set(done.stdout.split()) | set(done.stderr.split())
    return [lang for lang in OCR_LANGUAGES if lang in installed]


def _render(pdftoppm: str, pdf_path: Path, number: int, out_dir: Path) -> Path | None:
    """Render one page to a PNG; return its path, or None if the page could not be rendered."""
    prefix = out_dir / f"page-{number}"
    command = [pdftoppm, "-r", str(OCR_RESOLUTION_DPI), "-png", "-singlefile", "-f", str(number)]
    command += ["-l", str(number), str(pdf_path), str(prefix)]
    try:
        subprocess.run(command, capture_output=True, timeout=OCR_PAGE_TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired as exc:
        raise ExtractionFailed(
            f"OCR rendering of page {number} took longer than {OCR_PAGE_TIMEOUT_S} s"
        ) from exc
    except (OSError, subprocess.CalledProcessError) as exc:
        log.warning("pdftoppm could not render page %d: %s", number, exc)
        return None
    image = prefix.with_suffix(".png")
    return image if image.exists() else None


def _recognise(tesseract: str, image: Path, languages: list[str]) -> str:
    """Run tesseract on one page image and return its text."""
    command = [tesseract, str(image), "stdout"]
    if languages:
        command += ["-l", "+".join(languages)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=OCR_PAGE_TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired as exc:
        raise ExtractionFailed(f"OCR of a page took longer than {OCR_PAGE_TIMEOUT_S} s") from exc
    except (OSError, subprocess.CalledProcessError) as exc:
        log.warning("tesseract failed on %s: %s", image.name, exc)
        return ""
    return done.stdout.decode("utf-8", errors="replace")
