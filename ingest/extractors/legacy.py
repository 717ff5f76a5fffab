"""Older formats: Word 97-2003 (.doc) through Debian's antiword or catdoc when installed, and RTF (striprtf).

Without antiword and catdoc a .doc fails with a line that says to save it as .docx. RTF's
\\info group gives the title, author and creation date.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING

from ingest.errors import ExtractionFailed, PasswordProtected
from ingest.extractors.fields import clean_text
from ingest.extractors.office_common import broken, property_date, property_text
from ingest.source import Extracted, Source

if TYPE_CHECKING:
    from ingest.extractors import Options

TYPES = frozenset({"doc", "rtf"})
DOC_TIMEOUT_S = 30.0
NO_DOC_READER = (
    "reading .doc (Word 97-2003) needs antiword or catdoc, and neither is installed: "
    "open the file in Word or LibreOffice, save it as .docx and add that"
)
_RTF_INFO = re.compile(r"\{\\(title|author|creatim)\b\s*((?:[^{}\\]|\\[^{}]|\\[{}])*)\}", re.S)
_RTF_TIME = re.compile(r"\\(yr|mo|dy)(\d+)")
#: \uN, a character by its number (signed 16 bits: \u-4064 is U+F020), not after an escaped backslash
_RTF_UNICODE = re.compile(r"(?<!\\)((?:\\\\)*)\\u(-?\d+)")


def read(source: Source, detected: str, options: Options) -> Extracted:
    if detected == "rtf":
        return _rtf(source.data)
    return _doc(source.data)


def doc_reader() -> list[str] | None:
    """The command that turns a .doc into UTF-8 text: antiword first, then catdoc; None when neither exists."""
    if shutil.which("antiword"):
        return ["antiword", "-m", "UTF-8.txt", "-w", "0"]
    if shutil.which("catdoc"):
        return ["catdoc", "-d", "utf-8", "-w"]
    return None


def _doc(data: bytes) -> Extracted:
    command = doc_reader()
    if command is None:
        raise ExtractionFailed(NO_DOC_READER)
    with tempfile.NamedTemporaryFile(suffix=".doc", delete=False) as handle:
        handle.write(data)
        path = handle.name
    try:
        result = subprocess.run(
            [*command, path], capture_output=True, timeout=DOC_TIMEOUT_S, check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise ExtractionFailed(f"reading the .doc file took longer than {DOC_TIMEOUT_S:g} s") from exc
    finally:
        os.unlink(path)
    message = " ".join(result.stderr.decode("utf-8", "replace").replace(path, "the file").split())
    if result.returncode != 0:
        if "encrypt" in message.lower() or "password" in message.lower():
            raise PasswordProtected("password-protected: the .doc file is encrypted and needs its password")
        raise broken("doc", message or f"{command[0]} exited with status {result.returncode}")
    return Extracted(text=clean_text(result.stdout.decode("utf-8", "replace")), format="doc")


def _rtf(data: bytes) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    raw = _RTF_UNICODE.sub(_named_character, data.decode("cp1252", "replace"))
    try:
        text = rtf_to_text(raw, errors="replace")
    except (ValueError, IndexError, LookupError, RecursionError) as exc:
        raise broken("rtf", "its RTF markup cannot be read") from exc
    info = {key: value for key, value in _RTF_INFO.findall(raw[:200_000])}
    return Extracted(
        text=clean_text(text),
        format="rtf",
        title=property_text(_rtf_plain(info.get("title"))),
        author=property_text(_rtf_plain(info.get("author"))),
        date=property_date(_rtf_date(info.get("creatim"))),
    )


def _named_character(match: re.Match[str]) -> str:
    """\\uN as it is, or as U+FFFD when N names no character (\\u99999999999 crashed the reader, and one
    \\u-99999999 refused the whole file)."""
    digits = match[2].lstrip("-")
    number = int(match[2]) if len(digits) <= 7 else None
    if number is None or not -0x10000 <= number < 0x110000:
        return f"{match[1]}\\u65533"
    return match[0]


def _rtf_plain(value: str | None) -> str | None:
    if value is None:
        return None
    from striprtf.striprtf import rtf_to_text

    return rtf_to_text("{\\rtf1 " + value + "}", errors="replace").strip() or None


def _rtf_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    parts = {key: int(number) for key, number in _RTF_TIME.findall(value)}
    try:
        return dt.date(parts["yr"], parts.get("mo", 1), parts.get("dy", 1))
    except (KeyError, ValueError):
        return None
