"""Confirmed metadata stored beside a corpus file (`name.ext.meta.json`), written atomically."""

from __future__ import annotations

import codecs
import errno
import json
from collections.abc import Mapping
from pathlib import Path

from ingest.errors import IngestError
from ingest.reading import read_regular
from kb.files import atomic_write  # noqa: F401  (archive/ writes through it too)

SUFFIX = ".meta.json"
MAX_SIDECAR_BYTES = 1024 * 1024  # confirmed metadata is a few hundred bytes; a larger file is no sidecar
# fields a coordinator may confirm as empty (every value removed): kept in the file as null or [], so
# that nothing derived from the text or brought by an outside metadata file fills them again
EMPTIABLE = ("date", "networks", "regions", "topics")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def sidecar_bytes(path: Path) -> bytes | None:
    """The bytes of the metadata file beside a file (None when there is none).

    Read like the file itself: a link, a FIFO or an oversized file there is refused, never read.
    """
    meta = sidecar_path(path)
    try:
        return read_regular(meta, MAX_SIDECAR_BYTES)
    except FileNotFoundError:
        return None
    except IngestError as exc:
        if isinstance(exc.__cause__, OSError) and exc.__cause__.errno == errno.ENAMETOOLONG:
            return None  # the file's own name is so long that no metadata file can lie beside it
        raise IngestError(f"{meta}: the metadata file is refused: {exc}") from exc


def read_sidecar(path: Path) -> dict[str, object]:
    """The confirmed metadata beside a file ({} when there is none)."""
    return parse_sidecar(sidecar_bytes(path), sidecar_path(path))


def parse_sidecar(raw: bytes | None, meta: Path) -> dict[str, object]:
    """The confirmed metadata in the bytes of a metadata file ({} for None); IngestError naming `meta`."""
    if raw is None:
        return {}
    try:
        text = raw.decode(_encoding(raw))  # a byte-order mark (Windows editors) is no content
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{meta}: the metadata file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at {exc.start}); "
            "save it as UTF-8"
        ) from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise IngestError(f"{meta}: the metadata file is not valid JSON: {exc}") from exc
    except RecursionError:
        raise IngestError(f"{meta}: the metadata file is not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise IngestError(f"{meta}: the metadata file must hold a JSON object")
    return data


_BOMS = (  # UTF-32's marks first: UTF-16's little-endian one begins UTF-32's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _encoding(raw: bytes) -> str:
    """UTF-8 (with or without its mark), or UTF-16 or UTF-32 when the bytes start with their mark (a
    Windows editor's "Unicode")."""
    return next((codec for bom, codec in _BOMS if raw.startswith(bom)), "utf-8-sig")


def sidecar_json(metadata: Mapping[str, object]) -> bytes:
    """The bytes of a metadata file holding `metadata` (empty values left out, but for the EMPTIABLE
    fields confirmed empty: a date of None, an empty list)."""
    clean = {k: v for k, v in metadata.items() if v not in (None, "", [], ()) or emptied(k, v)}
    return (json.dumps(clean, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def emptied(key: str, value: object) -> bool:
    """Whether `value` confirms the field `key` as empty (a date of None, an empty list of names)."""
    if key == "date":
        return value is None
    return key in EMPTIABLE and isinstance(value, list | tuple) and len(value) == 0


def write_sidecar(path: Path, metadata: Mapping[str, object]) -> None:
    """Store confirmed metadata beside a file."""
    atomic_write(sidecar_path(path), sidecar_json(metadata))
