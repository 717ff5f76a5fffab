"""The baseline: plain BM25 in SQLite FTS5 over the same titles and texts.

Exactly this, nothing tuned:

* one in-memory FTS5 table ``docs(id UNINDEXED, lang UNINDEXED, title, body)`` with the default
  tokenizer, ``unicode61`` with its defaults: case folded, diacritics removed from Latin letters
  (ü→u, å→a, é→e; but not ß, æ, ø, which are letters of their own), every character that is not a
  letter, digit or private-use character separates tokens; no stemming, no stop words;
* a query is split on white space; each piece that holds a letter or digit is quoted as an FTS5
  string (so ``Ems-Achse`` becomes the phrase ``"ems" "achse"``) and the pieces are joined with
  AND; when nothing matches and there are several pieces, they are joined with OR instead;
* ranked by FTS5's ``bm25()`` with the default weight 1.0 for every column (k1 = 1.2, b = 0.75),
  ties by insertion order; a language filter is a plain ``lang IN (...)`` condition.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence

_WORDISH = re.compile(r"\w")


def fts5_available() -> bool:
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def match_expression(text: str, operator: str = "AND") -> str | None:
    """The FTS5 MATCH expression for a user's text, or None when it has no word."""
    pieces = [p for p in text.split() if _WORDISH.search(p)]
    if not pieces:
        return None
    quoted = ['"' + p.replace('"', '""') + '"' for p in pieces]
    return f" {operator} ".join(quoted)


class Bm25Baseline:
    """An FTS5 index of (id, language, title, text) rows."""

    name = "bm25 (FTS5)"

    def __init__(self, docs: Iterable[tuple[str, str, str, str]]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, lang UNINDEXED, title, body)")
        self.db.executemany("INSERT INTO docs (id, lang, title, body) VALUES (?, ?, ?, ?)", docs)
        self.db.commit()

    def _run(self, expr: str, languages: Sequence[str], limit: int) -> list[str]:
        sql = "SELECT id FROM docs WHERE docs MATCH ?"
        args: list = [expr]
        if languages:
            sql += f" AND lang IN ({','.join('?' * len(languages))})"
            args += list(languages)
        sql += " ORDER BY bm25(docs), rowid LIMIT ?"
        args.append(limit)
        return [row[0] for row in self.db.execute(sql, args)]

    def search(self, text: str, languages: Sequence[str] = (), limit: int = 10) -> list[str]:
        """The ids of the best documents, best first."""
        expr = match_expression(text, "AND")
        if expr is None:
            return []
        ids = self._run(expr, languages, limit)
        if not ids and len(text.split()) > 1:
            ids = self._run(match_expression(text, "OR") or expr, languages, limit)
        return ids

    def close(self) -> None:
        self.db.close()
