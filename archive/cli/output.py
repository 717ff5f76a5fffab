"""What the `kb` command prints: the JSON contracts, readable text, and progress while it works."""

from __future__ import annotations

import json
import shutil
import sys
from typing import TextIO

from ingest.pipeline import NOT_INDEXED, Outcome
from kb.models import FACETS, Document, Hit, IndexStats, SearchPage

PROBLEMS = NOT_INDEXED
# what a terminal would act on (ESC, BEL, CSI …) or what breaks or reorders a line: shown escaped
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL |= {c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_CONTROL |= {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
_IN_TEXT = {c: e for c, e in _CONTROL.items() if c not in (ord("\n"), ord("\t"))}


def one_line(text: object) -> str:
    """A file name, title or message from outside as one line of inert text: control characters escaped."""
    return str(text).translate(_CONTROL)


def inert(text: str) -> str:
    """A document's text with its line breaks and tabs, every other control character escaped."""
    return text.translate(_IN_TEXT)


def hit_json(h: Hit) -> dict:
    """One hit as `kb search --json` gives it (and `kb show --json` its neighbours)."""
    return {
        "id": h.id,
        "title": h.title,
        "source": h.source,
        "score": h.score,
        "snippet": h.snippet,
        "language": h.language,
        "date": h.date,
        "year": h.year,
        "doctype": h.doctype,
        "networks": list(h.networks),
        "regions": list(h.regions),
        "topics": list(h.topics),
        "via": h.via,  # found by "words", "meaning" or "both"
    }


def page_json(page: SearchPage) -> dict:
    """The JSON contract of `kb search --json` (keep it stable)."""
    return {
        "query": page.request.text,
        "total": page.total,
        "took_ms": page.took_ms,
        "hits": [hit_json(h) for h in page.hits],
        "facets": {f.name: [{"value": v.value, "count": v.count} for v in f.values] for f in page.facets},
        "suggestion": page.suggestion,
        "expansions": list(page.expansions),
        "relaxed": page.relaxed,  # no document had every word: these have most of them
        "meaning": page.meaning,  # the meaning channel took part
        "page": page.request.page,
        "pages": page.pages,
    }


def document_json(doc: Document) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "source": doc.source,
        "language": doc.language,
        "date": doc.date,
        "year": doc.year,
        "doctype": doc.doctype,
        "networks": list(doc.networks),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "checksum": doc.checksum,
        "added_by": doc.added_by,
        "added_at": doc.added_at,
        "text": doc.text,
    }


def stats_json(stats: IndexStats) -> dict:
    facets = {f.name: [{"value": v.value, "count": v.count} for v in f.values] for f in stats.facets}
    out = {"documents": stats.documents, "schema_version": stats.schema_version, "facets": facets}
    if stats.embedded is not None:
        out |= {
            "embedded": stats.embedded,
            "embedding_pending": stats.embedding_pending,
            "embedding_now": stats.embedding_now,
        }
    return out


def outcome_json(o: Outcome) -> dict:
    return {
        "source": o.source,
        "status": o.status,
        "id": o.id,
        "message": o.message,
        "warnings": list(o.warnings),  # of a file still indexed: a misspelled metadata key, pages not read
    }


def warning_lines(o: Outcome) -> list[str]:
    """One line for each warning of a file still indexed: 'warning: note.md: front matter: unknown key …'."""
    return [f"warning: {one_line(o.source)}: {one_line(line)}" for line in o.warnings]


def emit(obj) -> None:
    """One JSON object a line, always UTF-8: a file name's bytes that are not (caf\xe9.txt) are written
    as JSON's \\udcXX escapes of the surrogates Python reads them as (json.loads gives them back)."""
    line = json.dumps(obj, ensure_ascii=False)
    sys.stdout.write(line.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")
    sys.stdout.flush()


_FOUND = {"meaning": "found by meaning", "both": "by words and meaning"}


def print_page(page: SearchPage) -> None:
    if not page.total:  # one line: nothing, and what to try
        hint = f" Did you mean: {page.suggestion}" if page.suggestion else broader(page)
        print(f"Nothing found ({page.took_ms:.0f} ms).{hint}")
        return
    first = (page.request.page - 1) * page.request.page_size
    noun = "document" if page.total == 1 else "documents"
    print(f"{page.total} {noun} ({page.took_ms:.0f} ms), page {page.request.page} of {page.pages}")
    if page.relaxed:
        print("No document has every word: showing those with most of them.")
    if page.suggestion:
        print(f"Did you mean: {one_line(page.suggestion)}")
    for n, hit in enumerate(page.hits, first + 1):
        found = _FOUND.get(hit.via, "") if page.meaning else ""
        meta = " · ".join(
            x for x in (hit.doctype, hit.language, hit.date or "", ", ".join(hit.networks), found) if x
        )
        print(
            f"\n{n}. {one_line(hit.title)}  [{one_line(hit.id)}]\n   {one_line(meta)}\n   {one_line(hit.snippet)}"
        )
    for facet in page.facets:
        values = one_line(", ".join(f"{v.value} ({v.count})" for v in facet.values[:8]))
        if values:
            print(f"\n{facet.name}: {values}", end="")
    print()


def broader(page: SearchPage) -> str:
    """What might find something: fewer filters, or fewer and more general words."""
    request = page.request
    filtered = any(request.selected(f) for f in FACETS) or request.year_from or request.year_to
    if filtered:
        return " Try without the filters."
    if request.text.strip():
        return " Try fewer or more general words."
    return ""


def meaning_progress(stats: IndexStats) -> str:
    """How far the meaning layer is, after the count of documents searchable by meaning."""
    total = stats.embedded + stats.embedding_pending
    line = f"of {total:,} documents"
    if stats.embedding_now:
        return f"{line} ({stats.embedding_pending:,} waiting; embedding now)"
    if stats.embedding_pending:
        return f"{line} ({stats.embedding_pending:,} waiting; nothing is embedding them: run `kb embed`)"
    return line


def print_stats(stats: IndexStats, out: TextIO | None = None) -> None:
    """A readable table: documents, then each facet's values with their counts."""
    out = out or sys.stdout
    out.write(f"{'documents':<16}{stats.documents:>8,}\n{'schema version':<16}{stats.schema_version:>8}\n")
    if stats.embedded is not None:
        out.write(f"{'by meaning':<16}{stats.embedded:>8,}  {meaning_progress(stats)}\n")
    for facet in stats.facets:
        out.write(f"\n{facet.name}\n")
        if not facet.values:
            out.write("  (none)\n")
        width = max((len(v.value) for v in facet.values), default=0)
        for v in facet.values:
            out.write(f"  {v.value:<{width}}  {v.count:>7,}\n")


class Progress:
    """Progress of a batch of files on stderr.

    On a terminal: one tqdm bar (count, rate, time left) with problems printed above it. Not on a
    terminal: a plain line for each problem. With --json: nothing (the JSON lines say it all).
    """

    def __init__(self, total: int | None, *, json_mode: bool, what: str = "files") -> None:
        self.json_mode = json_mode
        self.held: dict[str | None, list[Outcome]] = {}  # --json: files read, until their write is done
        self.bar = None
        if not json_mode and sys.stderr.isatty():
            self.bar = _bar(total, "file", what)

    def __call__(self, outcome: Outcome) -> None:
        if self.json_mode:  # one line per file: a read file waits, as the index may still refuse it
            if outcome.status in ("indexed", "updated") and outcome.id is not None:
                self.held.setdefault(outcome.id, []).append(outcome)
                return
            if outcome.revises and self.held.get(outcome.id):
                self.held[outcome.id].pop()
            emit(outcome_json(outcome))
            return
        lines = warning_lines(outcome)
        if outcome.status in PROBLEMS:
            lines.insert(0, f"{outcome.status}: {one_line(outcome.message or outcome.source)}")
        for line in lines:
            if self.bar is not None:
                self.bar.write(line, file=sys.stderr)
            else:
                print(line, file=sys.stderr, flush=True)
        if self.bar is not None and not outcome.revises:  # a revised file was counted once already
            self.bar.update(1)

    def close(self) -> None:
        for outcomes in self.held.values():
            for outcome in outcomes:
                emit(outcome_json(outcome))
        self.held = {}
        if self.bar is not None:
            self.bar.close()


def summary(outcomes: list[Outcome]) -> str:
    """'6 files: 1 failed, 5 indexed' (one outcome per file), then the documents pruned, if any."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.status != "removed":  # a document whose file is gone, not a file given
            counts[o.status] = counts.get(o.status, 0) + 1
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no files"
    removed = sum(1 for o in outcomes if o.status == "removed")
    pruned = f"; {plural(removed, 'document')} removed" if removed else ""
    return f"{plural(sum(counts.values()), 'file')}: {parts}{pruned}"


def plural(n: int, thing: str) -> str:
    """'1 file', '2 files'."""
    return f"{n} {thing}{'' if n == 1 else 's'}"


class EmbeddingProgress:
    """Documents embedded after an ingest: one tqdm bar on a terminal (stderr), else nothing."""

    def __init__(self, total: int, *, json_mode: bool) -> None:
        self.bar = _bar(total, "doc", "meaning") if not json_mode and sys.stderr.isatty() else None

    def __call__(self, documents: int) -> None:
        if self.bar is not None:
            self.bar.update(documents)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _bar(total: int | None, unit: str, what: str):
    from tqdm import tqdm

    sized = min(shutil.get_terminal_size((0, 0))) > 0  # a terminal of unknown size: 80 × 24
    return tqdm(
        total=total,
        unit=unit,
        desc=what,
        file=sys.stderr,
        dynamic_ncols=sized,
        ncols=None if sized else 80,
        nrows=None if sized else 24,
    )
