"""Facet columns read once per searcher into arrays; masks and counts in one vectorised pass.

Single-valued facets (language, doctype, year) are an ordinal per document; multi-valued ones
(network, region, topic) are (document, value) pairs. Counting a facet over a set of matches is
one bincount over the pairs whose document matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kb.models import FACETS
from kb.whoosh_backend.index import column_rows

SINGLE = ("language", "doctype", "year")
MULTI = ("network", "region", "topic")
_ROW_INDEX = {"language": 0, "doctype": 1, "year": 2, "network": 4, "region": 5, "topic": 6}


@dataclass
class _Column:
    values: list[str]
    ordinal: dict[str, int]
    docs: np.ndarray  # single: ordinal per doc (-1 = none); multi: doc number of each pair
    pairs: np.ndarray | None = None  # multi: value ordinal of each pair

    def codes(self, selected: Iterable[str]) -> np.ndarray:
        return np.array([self.ordinal[v] for v in selected if v in self.ordinal], dtype=np.int32)


class FacetTable:
    """Every document's facet values as arrays, indexed by document number."""

    def __init__(self, rows: list[bytes | None], live: np.ndarray) -> None:
        self.size = len(rows)
        self.live = live
        decoded = _decoded(rows)
        self.date_key = np.zeros(self.size, dtype=np.int64)
        keys: dict[str, int] = {}  # dates repeat: each distinct one is parsed once
        for i, row in enumerate(decoded):
            if row and row[3]:
                key = keys.get(row[3])
                if key is None:
                    key = keys[row[3]] = _date_key(row[3])
                self.date_key[i] = key
            elif row and row[2]:
                self.date_key[i] = int(row[2]) * 10000
        self.columns: dict[str, _Column] = {}
        for name in SINGLE:
            self.columns[name] = self._single(decoded, _ROW_INDEX[name])
        for name in MULTI:
            self.columns[name] = self._multi(decoded, _ROW_INDEX[name])
        self.year = np.array([int(r[2]) if r else 0 for r in decoded], dtype=np.int32)

    def _single(self, rows: list, index: int) -> _Column:
        values: list[str] = []
        ordinal: dict[str, int] = {}
        docs = np.full(self.size, -1, dtype=np.int32)
        for i, row in enumerate(rows):
            if not row or row[index] in ("", 0, None):
                continue
            value = str(row[index])
            code = ordinal.get(value)
            if code is None:
                code = ordinal[value] = len(values)
                values.append(value)
            docs[i] = code
        return _Column(values, ordinal, docs)

    def _multi(self, rows: list, index: int) -> _Column:
        values: list[str] = []
        ordinal: dict[str, int] = {}
        docs: list[int] = []
        pairs: list[int] = []
        for i, row in enumerate(rows):
            if not row:
                continue
            for value in row[index]:
                code = ordinal.get(value)
                if code is None:
                    code = ordinal[value] = len(values)
                    values.append(value)
                docs.append(i)
                pairs.append(code)
        return _Column(values, ordinal, np.array(docs, dtype=np.int32), np.array(pairs, dtype=np.int32))

    def mask(self, facet: str, selected: Iterable[str]) -> np.ndarray:
        """Documents that have any of the selected values (OR within a facet)."""
        col = self.columns[facet]
        codes = col.codes(selected)
        if col.pairs is None:
            return np.isin(col.docs, codes)
        out = np.zeros(self.size, dtype=bool)
        out[col.docs[np.isin(col.pairs, codes)]] = True
        return out

    def year_range(self, start: int | None, end: int | None) -> np.ndarray:
        """Documents whose year lies in a range (unknown years fall outside any range)."""
        out = self.year > 0
        if start is not None:
            out &= self.year >= start
        if end is not None:
            out &= self.year <= end
        return out

    def counts(self, facet: str, matches: np.ndarray) -> list[tuple[str, int]]:
        """(value, count) for every value of a facet among matching documents, most frequent first."""
        col = self.columns[facet]
        if col.pairs is None:
            codes = col.docs[matches & (col.docs >= 0)]
        else:
            codes = col.pairs[matches[col.docs]] if col.docs.size else col.docs
        counted = (
            np.bincount(codes, minlength=len(col.values)) if codes.size else np.zeros(len(col.values), int)
        )
        return self.ordered(facet, [(col.values[i], int(c)) for i, c in enumerate(counted) if c])

    @staticmethod
    def ordered(facet: str, counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Years newest first, other values most frequent first."""
        if facet == "year":
            return sorted(counts, key=lambda vc: vc[0], reverse=True)
        return sorted(counts, key=lambda vc: (-vc[1], vc[0]))


def _decoded(rows: list[bytes | None]) -> list:
    """The rows' JSON values (None for a missing row), in one parse: a hundred thousand calls of
    json.loads took most of the first page at 100,000 documents."""
    try:
        return json.loads(b"[" + b",".join(r or b"null" for r in rows) + b"]")
    except ValueError:  # a damaged row: each on its own, the damaged one as missing
        return [_loaded(r) for r in rows]


def _loaded(row: bytes | None):
    try:
        return json.loads(row) if row else None
    except ValueError:
        return None


def _date_key(date: str) -> int:
    """20200331 for 2020-03-31, 20200300 for 2020-03, 20200000 for 2020."""
    parts = [int(p) for p in date.split("-")[:3] if p.isdigit()]
    parts += [0] * (3 - len(parts))
    return parts[0] * 10000 + parts[1] * 100 + parts[2]


def read_table(searcher) -> FacetTable:
    """The facet table of a searcher's documents (deleted documents are not live)."""
    reader = searcher.reader()
    size = reader.doc_count_all()
    rows = column_rows(reader, "facetrow")
    live = np.ones(size, dtype=bool)
    for segment, base in reader.leaf_readers() if size else ():
        if segment.has_deletions():
            deleted = np.fromiter(segment.deleted_docs_set, dtype=np.int64)  # a cached property
            live[deleted + base] = False
    return FacetTable(rows, live)


__all__ = ["FACETS", "FacetTable", "read_table"]
