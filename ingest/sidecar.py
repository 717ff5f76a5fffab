"""Confirmed metadata stored beside a corpus file (`name.ext.meta.json`), written atomically."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from ingest.errors import IngestError
from kb.files import atomic_write  # noqa: F401  (archive/ writes through it too)

SUFFIX = ".meta.json"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def read_sidecar(path: Path) -> dict[str, object]:
    """The confirmed metadata beside a file ({} when there is none)."""
    meta = sidecar_path(path)
    try:
        raw = meta.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise IngestError(f"{meta}: cannot read the metadata file: {exc.strerror}") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IngestError(f"{meta}: the metadata file is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise IngestError(f"{meta}: the metadata file must hold a JSON object")
    return data


def write_sidecar(path: Path, metadata: Mapping[str, object]) -> None:
    """Store confirmed metadata beside a file."""
    clean = {k: v for k, v in metadata.items() if v not in (None, "", [], ())}
    atomic_write(sidecar_path(path), (json.dumps(clean, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
