"""Names a file is stored under in the corpus: safe on every file system the corpus may live on."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ingest.sidecar import sidecar_path

MAX_NAME_CHARS = 120
#: of a stored name in UTF-8: 120 letters of ä or あ are 240 or 360 bytes, and the name's metadata file
#: is written through `.NAME.meta.json.XXXXXXXX.tmp` (24 bytes more), perhaps with -2 or an import's hash
MAX_NAME_BYTES = 200
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)
#: the names Windows keeps for devices, whatever follows their first dot (COM¹ too)
_WINDOWS_DEVICES = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"}
)


def safe_filename(name: str) -> str:
    """A file name that is safe to store: no folders, no control characters, NFC, bounded length (in
    letters and in bytes)."""
    name = unicodedata.normalize("NFC", name.replace("\x00", ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"))
    name = _UNSAFE_NAME.sub("_", name).rstrip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10].strip(" ")  # cut ends are trimmed again, so a stored name stays as it is
    # no leading dot (a hidden file no walk reads); a name that is all suffix (" .pdf") keeps it
    stem = stem.lstrip(" .")[: MAX_NAME_CHARS - len(suffix) - 1]
    stem = stem.encode()[: MAX_NAME_BYTES - len(suffix.encode()) - 1].decode("utf-8", "ignore")
    stem = unicodedata.normalize("NFC", stem).rstrip(" .") or "upload"
    device, dot, rest = stem.partition(".")
    if device.rstrip(" ").upper() in _WINDOWS_DEVICES:  # CON.txt, aux.pdf: Windows (and a share it
        stem = f"{device.rstrip(' ')}_{dot}{rest}"  # serves) takes no file of a device's name
    return f"{stem}.{suffix}" if suffix else stem


def free_path(path: Path) -> Path:
    """The path itself, or with -2, -3 … when a file (or its metadata) already has the name."""
    candidate, n = path, 1
    while candidate.exists() or sidecar_path(candidate).exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def name_max(folder: Path) -> int:
    """The longest file name (bytes) the folder's file system takes."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255
