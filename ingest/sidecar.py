"""Confirmed metadata stored beside a corpus file (`name.ext.meta.json`), written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ingest.errors import IngestError

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


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the new, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def write_sidecar(path: Path, metadata: Mapping[str, object]) -> None:
    """Store confirmed metadata beside a file."""
    clean = {k: v for k, v in metadata.items() if v not in (None, "", [], ())}
    atomic_write(sidecar_path(path), (json.dumps(clean, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
