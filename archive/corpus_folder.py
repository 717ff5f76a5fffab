"""Whether corpus/ can be seen at all before anything is removed for files that seem gone.

A share not mounted reads as a missing folder, or as an empty mount point: every indexed document would
seem gone, and `kb check --repair`, a rebuild or `kb ingest --prune` would remove them all from the index.
"""

from __future__ import annotations

import os

from ingest.pipeline import discover
from kb.api import KnowledgeBase
from kb.errors import CorpusUnavailableError
from kb.settings import Settings


def corpus_available(settings: Settings) -> None:
    """Raise CorpusUnavailableError when corpus/ is missing or cannot be listed (a folder denied)."""
    folder = settings.corpus_dir
    try:
        with os.scandir(folder):
            pass
    except FileNotFoundError:
        raise CorpusUnavailableError(
            f"the corpus folder {folder} does not exist (a share not mounted?); nothing changed"
        ) from None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise CorpusUnavailableError(
            f"the corpus folder {folder} cannot be read: {reason}; nothing changed"
        ) from exc


def refuse_emptying(kb: KnowledgeBase, settings: Settings, what: str) -> None:
    """Raise CorpusUnavailableError when corpus/ is missing or holds no file at all while the index holds
    documents: emptying the index is done on purpose, by a rebuild (`what`: what was not done)."""
    corpus_available(settings)
    documents = len(kb.checksums())
    if documents and next(iter(discover([settings.corpus_dir], skip=[kb.index_dir])), None) is None:
        raise CorpusUnavailableError(
            f"the corpus folder {settings.corpus_dir} holds no documents while the index holds {documents} "
            f"(a share not mounted?); {what} (`kb rebuild --yes` empties the index on purpose)"
        )
