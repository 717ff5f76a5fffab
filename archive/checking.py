"""`kb check` and `kb check --repair`: how the index differs from corpus/, and making it match."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive.corpus_folder import corpus_available, refuse_emptying
from archive.replacing import finish_replacements
from archive.uploads import index_twins, limits_from
from ingest.errors import IngestError
from ingest.pipeline import Outcome, file_id, file_state, run, scan, source_label
from kb.api import KnowledgeBase
from kb.settings import Settings


@dataclass(frozen=True)
class CheckReport:
    """How the index differs from corpus/: ids missing from the index, stale (changed since), orphaned;
    and the corpus files and folders that exist but cannot be read (path, why): their documents stay."""

    missing: tuple[str, ...]
    stale: tuple[str, ...]
    orphaned: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned or self.unreadable)


def check(kb: KnowledgeBase, settings: Settings) -> CheckReport:
    """Compare the index with corpus/ without changing either. A document whose file exists but cannot
    be read (permission denied, a folder that cannot be listed) is unreadable, never orphaned."""
    corpus_available(settings)
    known = kb.checksums()
    indexed = {c.split("-")[0] for c, _ in known.values() if c}
    max_bytes = limits_from(settings).max_bytes
    missing, stale, seen, content = [], [], set(), {}
    unreadable: dict[str, str] = {}  # corpus path → why it cannot be read
    folders = []  # the folders among them: what lies below is not known
    # the files ingest reads (the same walk, the same refusals): a file ingest refuses is no document
    for found in scan([settings.corpus_dir], skip=[kb.index_dir]):
        label = source_label(found.path, settings.corpus_dir)
        if found.refused:
            if found.path.is_dir() and not found.path.is_symlink():  # a folder that cannot be listed
                unreadable[label] = found.refused
                folders.append(label)
            continue
        doc_id = file_id(label)
        if doc_id in seen:  # a second file with this id (a hash collision): ingest refuses it too
            continue
        try:
            checksum = file_state(found.path, max_bytes)
        except FileNotFoundError:  # gone since the walk
            continue
        except (OSError, IngestError) as exc:
            if isinstance(exc, OSError) or isinstance(exc.__cause__, OSError):  # there, but not readable
                unreadable[label] = _why(exc)
                seen.add(doc_id)
            continue  # else refused (a link, too large): no document
        seen.add(doc_id)
        if doc_id in known:
            if known[doc_id][0] != checksum:
                stale.append(doc_id)
            continue
        bytes_sum = checksum.split("-")[0]
        if content.setdefault(bytes_sum, doc_id) == doc_id and bytes_sum not in indexed:
            missing.append(doc_id)
    orphaned = []
    for doc_id, (_, source) in known.items():
        if doc_id in seen or any(source.startswith(f"{folder}/") for folder in folders):
            continue
        path = Path(source) if Path(source).is_absolute() else settings.corpus_dir / source
        there = _looked_up(path)
        if there is None or (there == "" and not Path(source).is_absolute()):  # gone, or no document
            orphaned.append(doc_id)
        elif there:
            unreadable[source] = there
    return CheckReport(
        tuple(missing), tuple(stale), tuple(sorted(orphaned)), tuple(sorted(unreadable.items()))
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return f"cannot read the file: {(exc.strerror or str(exc)).lower()}"
    return str(exc)


def _looked_up(path: Path) -> str | None:
    """None when nothing is at `path`, "" when something is, or why that cannot be told."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return _why(exc)
    return ""


def repair(
    kb: KnowledgeBase, settings: Settings, progress: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Make the index match corpus/: index what is missing or stale, remove what is orphaned.

    With `progress`, each file's outcome goes to it as it comes, and nothing of a file is logged."""
    corpus_available(settings)
    finish_replacements(settings)  # a re-import a kill cut short: its old pair or its new one
    report = check(kb, settings)
    if report.orphaned:
        refuse_emptying(kb, settings, "nothing changed")  # every file gone: a share not mounted?
        kb.remove(report.orphaned)
    outcomes = [Outcome(i, "removed", i, "no file in the corpus") for i in report.orphaned]
    before = kb.checksums()
    outcomes += run(kb, [settings.corpus_dir], limits=limits_from(settings), progress=progress)
    return outcomes + index_twins(kb, settings, replaced_contents(before, outcomes))


def replaced_contents(before: dict[str, tuple[str, str]], outcomes: list[Outcome]) -> set[str]:
    """The contents that documents held before an update changed them."""
    return {before[o.id][0].split("-")[0] for o in outcomes if o.status == "updated" and o.id in before}
