"""The SQLite FTS5 baseline: the same results page (top 10 by bm25 with snippets, six facet counts).

Texts and metadata are the benchmark records (the same title, text and facet values that the files
on disk carry). Single-valued facets live in `docs`, multi-valued ones in a side table
`doc_facet(facet, value, doc)`. A page puts the matching rowids in a temporary table once, then
counts every facet with GROUP BY over it; like the knowledge base, each facet is counted over the
matches with the *other* facets' filters applied (so a selected facet still shows its siblings).
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from bench.corpus import Record

SINGLE = {"year": "year", "doctype": "doctype", "language": "language"}
MULTI = {"region": "regions", "network": "networks", "topic": "topics"}
FACETS = ("region", "network", "year", "topic", "doctype", "language")
_WORD = re.compile(r"\w+", re.U)


def build(db_path: Path, records: Iterable[Record]) -> dict[str, float]:
    """Write the database; returns build seconds and size in MB."""
    db_path = Path(db_path)
    db_path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = sqlite3.connect(db_path)
    con.executescript(
        """
        PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, title TEXT, language TEXT,
                          doctype TEXT, year INTEGER, date TEXT);
        CREATE TABLE doc_facet(facet TEXT, value TEXT, doc INTEGER);
        CREATE VIRTUAL TABLE fts USING fts5(title, text, tokenize='unicode61 remove_diacritics 2');
        """
    )
    n = 0
    with con:
        for n, r in enumerate(records, 1):
            con.execute(
                "INSERT INTO docs VALUES (?,?,?,?,?,?,?)",
                (n, r.path, r.title, r.language, r.doctype, r.year, r.date),
            )
            con.execute("INSERT INTO fts(rowid, title, text) VALUES (?,?,?)", (n, r.title, r.text))
            con.executemany(
                "INSERT INTO doc_facet VALUES (?,?,?)",
                [(f, v, n) for f, attr in MULTI.items() for v in getattr(r, attr)],
            )
    con.executescript(
        """
        CREATE INDEX doc_facet_value ON doc_facet(facet, value, doc);
        CREATE INDEX doc_facet_doc ON doc_facet(doc, facet, value);
        CREATE INDEX docs_date ON docs(date);
        INSERT INTO fts(fts) VALUES('optimize');
        ANALYZE;
        """
    )
    con.close()
    return {
        "docs": n,
        "seconds": round(time.perf_counter() - start, 2),
        "size_mb": round(db_path.stat().st_size / 1024 / 1024, 1),
    }


def match_expression(text: str, any_word: bool = False) -> str:
    """FTS5 syntax for the benchmark's query text: words, "phrases" and prefix* (ORed with any_word)."""
    out = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
        if phrase:
            words = _WORD.findall(phrase)
            out.append('"' + " ".join(words) + '"')
        elif word.endswith("*"):
            out.append('"' + "".join(_WORD.findall(word)) + '"*')
        else:
            out.extend(f'"{w}"' for w in _WORD.findall(word))
    return (" OR " if any_word else " ").join(out)


class Fts5:
    """An opened baseline database answering result pages."""

    def __init__(self, db_path: Path) -> None:
        self.con = sqlite3.connect(db_path, check_same_thread=False)
        self.con.execute("CREATE TEMP TABLE m(doc INTEGER PRIMARY KEY)")

    def close(self) -> None:
        self.con.close()

    def _filter_sql(self, facet: str, values: tuple) -> tuple[str, list]:
        marks = ",".join("?" * len(values))
        if facet in SINGLE:
            return f"doc IN (SELECT rowid FROM docs WHERE {SINGLE[facet]} IN ({marks}))", list(values)
        return (
            f"doc IN (SELECT doc FROM doc_facet WHERE facet=? AND value IN ({marks}))",
            [facet, *values],
        )

    def search(
        self, text: str, filters: dict[str, tuple] | None = None, size: int = 10, any_word: bool = False
    ) -> dict:
        """The page: total, top hits with a snippet, and every facet's counts."""
        filters = {f: tuple(v) for f, v in (filters or {}).items() if v}
        con = self.con
        con.execute("DELETE FROM m")
        expr = match_expression(text, any_word) if text.strip() else ""
        if expr:
            con.execute("INSERT INTO m SELECT rowid FROM fts WHERE fts MATCH ?", (expr,))
        else:
            con.execute("INSERT INTO m SELECT rowid FROM docs")
        clauses = {f: self._filter_sql(f, v) for f, v in filters.items()}

        def where(skip: str | None) -> tuple[str, list]:
            parts = [c for f, c in clauses.items() if f != skip]
            if not parts:
                return "", []
            return " WHERE " + " AND ".join(p[0] for p in parts), [a for p in parts for a in p[1]]

        facets = {}
        for facet in FACETS:
            sql, args = where(facet)
            if facet in SINGLE:
                col = SINGLE[facet]
                rows = con.execute(
                    f"SELECT d.{col}, count(*) FROM (SELECT doc FROM m{sql}) s "
                    f"JOIN docs d ON d.rowid = s.doc GROUP BY d.{col} ORDER BY 2 DESC",
                    args,
                ).fetchall()
            else:
                rows = con.execute(
                    f"SELECT f.value, count(*) FROM (SELECT doc FROM m{sql}) s "
                    "JOIN doc_facet f ON f.doc = s.doc AND f.facet = ? GROUP BY f.value ORDER BY 2 DESC",
                    [*args, facet],
                ).fetchall()
            facets[facet] = rows
        sql, args = where(None)
        total = con.execute(f"SELECT count(*) FROM m{sql}", args).fetchone()[0]
        in_filters = sql.replace(" WHERE ", " AND ", 1).replace("doc IN", "rowid IN")
        if expr:
            # The top rows by bm25 first, then snippet() for those alone: in one statement with a
            # filter SQLite computes the snippet of every match before it sorts (seconds at 100k).
            top = con.execute(
                f"SELECT rowid, bm25(fts, 4.0, 1.0) FROM fts WHERE fts MATCH ?{in_filters} "
                "ORDER BY bm25(fts, 4.0, 1.0) LIMIT ?",
                [expr, *args, size],
            ).fetchall()
            marks = ",".join("?" * len(top))
            shown = {
                row[0]: row
                for row in con.execute(
                    f"SELECT rowid, title, snippet(fts, 1, '«', '»', '…', 16) FROM fts "
                    f"WHERE fts MATCH ? AND rowid IN ({marks})",
                    [expr, *(r for r, _ in top)],
                )
            }
            hits = [(*shown[r], score) for r, score in top if r in shown]
        else:
            hits = con.execute(
                "SELECT d.rowid, d.title, substr(f.text, 1, 200), 0 FROM docs d JOIN fts f ON f.rowid = d.rowid "
                f"WHERE 1{in_filters.replace('rowid IN', 'd.rowid IN')} ORDER BY d.date DESC LIMIT ?",
                [*args, size],
            ).fetchall()
        return {"total": total, "hits": hits, "facets": facets}
