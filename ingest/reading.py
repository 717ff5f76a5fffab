"""Opening a file to read it: regular files only, links not followed, the size checked before a byte is read.

A folder given to ingest may hold anything: a FIFO (reading it waits forever), a device, a link to a
file elsewhere (the server's password hashes), a file of gigabytes. Each is refused with one line
here, and the checks are made on the open file itself (O_NOFOLLOW, O_NONBLOCK, fstat), so nothing
swapped in between a check and the read is read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from ingest.errors import ExtractionFailed, IngestError

CHUNK_BYTES = 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class NotRegularFile(IngestError):
    """Not a plain file (a link, a FIFO, a device, a socket, a folder): never read."""


class TooLarge(ExtractionFailed):
    """The file is larger than the limit (known from its size, before it is read)."""


def too_large_message(size: int, limit: int) -> str:
    return f"the file is larger than the limit ({size:,} > {limit:,} bytes)"


def refusal(path: Path) -> str:
    """Why a path is not read as a file ("" when it is a regular file); from lstat, links not followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:
        return f"cannot read the file: {(exc.strerror or str(exc)).lower()}"
    if stat.S_ISLNK(mode):
        return "a symbolic link: links are not followed"
    if not stat.S_ISREG(mode):
        return f"not a regular file ({_kind(mode)})"
    return ""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ):
        if test(mode):
            return name
    return "unknown kind"


def _open(path: Path, max_bytes: int, follow: bool) -> tuple[int, int]:
    """An open descriptor of a regular file no larger than max_bytes, and its size."""
    try:
        fd = os.open(path, _FLAGS | (0 if follow else _NOFOLLOW))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFile("a symbolic link: links are not followed") from None
        if exc.errno == errno.ENXIO:  # a socket
            raise NotRegularFile("not a regular file (a socket)") from None
        if isinstance(exc, FileNotFoundError):
            raise
        raise IngestError(f"cannot read the file: {(exc.strerror or str(exc)).lower()}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > max_bytes:
            raise TooLarge(too_large_message(info.st_size, max_bytes))
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _chunks(fd: int, max_bytes: int):
    read = 0
    while chunk := os.read(fd, CHUNK_BYTES):
        read += len(chunk)
        if read > max_bytes:  # it grew since fstat
            raise TooLarge(too_large_message(read, max_bytes))
        yield chunk


def read_regular(path: Path, max_bytes: int, *, follow: bool = False) -> bytes:
    """The bytes of a regular file; NotRegularFile, TooLarge or IngestError when refused.

    FileNotFoundError propagates (a missing file is often no error).
    """
    fd, _ = _open(path, max_bytes, follow)
    try:
        return b"".join(_chunks(fd, max_bytes))
    except OSError as exc:
        raise IngestError(f"cannot read the file: {(exc.strerror or str(exc)).lower()}") from exc
    finally:
        os.close(fd)


def file_checksum(path: Path, max_bytes: int, *, follow: bool = False) -> tuple[str, int]:
    """content_checksum of a regular file, read a chunk at a time, and its size; refused as read_regular."""
    fd, size = _open(path, max_bytes, follow)
    digest = hashlib.sha256()
    try:
        for chunk in _chunks(fd, max_bytes):
            digest.update(chunk)
    except OSError as exc:
        raise IngestError(f"cannot read the file: {(exc.strerror or str(exc)).lower()}") from exc
    finally:
        os.close(fd)
    return digest.hexdigest()[:32], size
