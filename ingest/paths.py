"""Which files a batch holds and what each is called: the walk over the paths given (links never
followed, reserved names left out) and the document id of each file, unique by construction."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.reading import refusal
from ingest.sidecar import SUFFIX as SIDECAR_SUFFIX
from kb.schema import INDEX_MARKER
from kb.vocabulary import VOCABULARY_FILE

INDEX_REASON = "a network-kb index (its own files, not documents)"
#: What an archive keeps beside its index (sign-ins, audit log, session key): in a folder that holds a
#: network-kb index (another archive's too), these are never documents.
ARCHIVE_FILES = frozenset(
    {"coordinators.json", "audit.jsonl", "signin-failures.json", "session.key", "revoked-sessions"}
)

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._/-]+")


@dataclass(frozen=True)
class Found:
    """A path met while walking what was given: a file to read, or one refused (`refused` says why)."""

    path: Path
    refused: str = ""


def reserved_reason(name: str) -> str:
    """Why a file of this name is never a document ("" when it may be one)."""
    if name.startswith("."):
        return "a hidden file"
    if name.endswith(SIDECAR_SUFFIX):
        return "a metadata file: it is read with the file it describes, not as a document"
    if name == VOCABULARY_FILE:
        return "a vocabulary file, not a document"
    if name.startswith("~$"):  # Word, Excel and PowerPoint beside a file someone has open: who has it
        return "an Office lock file (the file beside it is open somewhere), not a document"
    if name.lower() in _SYSTEM_FILES:
        return "a file the system keeps for the folder (its icons or view), not a document"
    return ""


# Windows' thumbnails and folder settings; a Mac's "Icon\r" (empty: a folder's icon is in its resource fork)
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "ehthumbs_vista.db", "icon\r"})


def scan(paths: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[Found]:
    """Every file below the paths, sorted, with why it is refused; links are never followed.

    Hidden files and folders, metadata files, vocabularies and the `skip` paths (the archive's own
    files and folders) below a folder are left out without a word; a path named itself that is one of
    them is refused with why. A link (to a file or a folder)
    and anything that is not a regular file (a FIFO, a device, a socket) is refused, never opened.
    """
    skipped = {Path(p).resolve() for p in skip}
    skipped_names = {p.as_posix() for p in skipped}
    for root in paths:
        root = Path(root)
        if root.resolve() in skipped:
            yield Found(root, "the archive's own data (its index, sign-ins or audit log), not a document")
            continue
        if root.is_dir() and _index_folder(root):
            yield Found(root, INDEX_REASON)
            continue
        if not root.is_dir():
            reason = reserved_reason(root.name) or refusal(root)
            yield Found(root, reason)
            continue
        stack = [root]
        while stack:
            here = stack.pop()
            try:
                with os.scandir(here) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                yield Found(here, f"cannot read the folder: {(exc.strerror or str(exc)).lower()}")
                continue
            folders = []
            # each entry where it is (no entry below is a link that is followed): one resolve a folder
            inside = here.resolve().as_posix().rstrip("/") + "/"
            indexes = {
                e.name for e in entries if e.is_dir(follow_symlinks=False) and _index_folder(here / e.name)
            }
            for entry in entries:
                path = here / entry.name
                if entry.name.startswith(".") or (indexes and entry.name in ARCHIVE_FILES):
                    continue
                if entry.is_symlink():
                    yield Found(path, refusal(path))
                elif entry.is_dir(follow_symlinks=False):
                    if inside + entry.name not in skipped_names and entry.name not in indexes:
                        folders.append(path)
                elif not reserved_reason(entry.name) and inside + entry.name not in skipped_names:
                    yield Found(path, "" if entry.is_file(follow_symlinks=False) else refusal(path))
            stack.extend(reversed(folders))


def _index_folder(folder: Path) -> bool:
    """Whether a folder is a network-kb index (another archive's too) or a folder a rebuild or the
    meaning layer keeps beside one (INDEX.semantic, INDEX.building-123): never documents.

    A folder that cannot be looked into (its path longer than the system takes) is none: reading it
    says why, in one line of its own."""
    base, dot, _ = folder.name.partition(".")
    try:
        if (folder / INDEX_MARKER).exists():
            return True
        return bool(dot and base) and (folder.with_name(base) / INDEX_MARKER).exists()
    except OSError:
        return False


def discover(paths: Iterable[Path], skip: Iterable[Path] = ()) -> Iterator[Path]:
    """The files below the paths that may be documents, sorted (what `scan` does not refuse)."""
    return (found.path for found in scan(paths, skip) if not found.refused)


def source_label(path: Path, corpus_dir: Path) -> str:
    """The path as shown and stored: relative to the corpus when inside it, else absolute."""
    return label_in(path.resolve(), corpus_dir.resolve())


def label_in(resolved: Path, corpus_resolved: Path) -> str:
    """source_label of a path and a corpus folder both resolved already (a resolve looks at every
    folder on the path: ~0.1 ms, most of what a batch spent on a file before reading it)."""
    path, corpus = resolved.as_posix(), corpus_resolved.as_posix()
    if path == corpus:
        return "."
    inside = corpus if corpus.endswith("/") else f"{corpus}/"
    return path[len(inside) :] if path.startswith(inside) else path


_PLAIN_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
_PLAIN_SUFFIX = re.compile(r"[A-Za-z0-9]+")
BARE_SUFFIX = "txt"  # a plain NAME.txt has the id NAME, as it always had


def document_id(label: str) -> str:
    """The id of a source label: unique for each label, whatever other files exist.

    A plain ASCII path keeps its readable form: `notes/memo.txt` is `notes/memo` (as ever), any other
    suffix stays in the id (`notes/memo.pdf`). Any other path (umlauts, spaces, NFD, no suffix) is
    its path made safe, `~` and a short hash of the whole label: `Müller.txt` and `Möller.txt` are
    `Muller~…` and `Moller~…`, and NFC and NFD spellings of one name differ in the hash. A plain id
    never holds a `~`, so no two labels share an id (barring a 32-bit hash collision among names
    that are made safe alike).
    """
    parts = label.split("/")
    stem, dot, suffix = parts[-1].rpartition(".")
    if dot and stem and all(_PLAIN_PART.fullmatch(p) for p in parts):
        if suffix == BARE_SUFFIX and "." not in stem:
            return "/".join([*parts[:-1], stem])
        if _PLAIN_SUFFIX.fullmatch(suffix):
            return label
    digest = hashlib.sha1(label.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    name = stem if dot and stem else parts[-1]
    if label.startswith("/"):  # a file indexed where it is, outside the corpus
        return f"ext-{digest}/{_readable(name)}"
    return "/".join([*(_readable(p) for p in parts[:-1]), f"{_readable(name)}~{digest}"])


def _readable(part: str) -> str:
    """A path part in the characters ids keep (Müller → Muller; the hash beside it tells names apart)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", part) if not unicodedata.combining(c))
    return _UNSAFE_ID.sub("-", bare.replace("/", "-")).strip("-.") or "_"


def file_id(label: str) -> str:
    """The document id of a file: its label's (the same whichever other files exist beside it)."""
    return document_id(label)
