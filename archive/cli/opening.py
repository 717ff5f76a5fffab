"""Opening the index for a command: a new one is indexed from the corpus first, and says so."""

from __future__ import annotations

import sys

from archive.cli.output import PROBLEMS, one_line, summary, warning_lines
from archive.service import open_knowledge_base
from ingest.pipeline import Outcome
from kb.api import KnowledgeBase
from kb.settings import Settings

#: the files this command's first indexing of the corpus could not index (a new or damaged index):
#: the command exits 1 for them, as `kb ingest` does (main empties it before each command)
FIRST_FAILED: list[Outcome] = []


def open_kb(settings: Settings, index_corpus: bool = True) -> KnowledgeBase:
    """The opened index; a new one is indexed from the corpus first, each problem of a file said in one
    line on stderr as `kb ingest` says it, then one line naming the new index (after such lines, or on
    a terminal: a mistyped --index is not made silently there)."""
    outcomes: list[Outcome] = []

    def said(outcome: Outcome) -> None:
        outcomes.append(outcome)
        lines = warning_lines(outcome)
        if outcome.status in PROBLEMS:
            lines.insert(0, f"{outcome.status}: {one_line(outcome.message or outcome.source)}")
        for line in lines:
            print(line, file=sys.stderr, flush=True)

    kb = open_knowledge_base(settings, progress=said, index_corpus=index_corpus)
    FIRST_FAILED.extend(o for o in outcomes if o.status == "failed")
    if any(o.status in PROBLEMS or o.warnings for o in outcomes) or (outcomes and sys.stderr.isatty()):
        where = one_line(f"new index at {settings.index_dir} built from {settings.corpus_dir}")
        print(f"{where}: {summary(outcomes)}", file=sys.stderr)
    return kb
