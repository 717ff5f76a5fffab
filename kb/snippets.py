"""Highlighted snippets: the spans of a text that match the query's index terms, and the best windows.

Spans are found by running the same analyzers the index used over the stored text, so a stemmed,
folded, compound or fuzzy match is highlighted where it occurs. No HTML here: callers get offsets.
"""

from __future__ import annotations

from collections.abc import Mapping

from kb.analysis import STEM_LANGUAGES, exact_analyzer, fold_analyzer, stem_analyzer
from kb.models import Fragment
from kb.schema import stem_field

FRAGMENT_CHARS = 220
FRAGMENTS = 2
MAX_ANALYZED_CHARS = 100_000
_WS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})
_EXACT = exact_analyzer()
_FOLD = fold_analyzer()

#: query field → the field whose analysis finds it in body text
_BODY_FIELD = {"title": "content", "content": "content", "title_fold": "fold", "fold": "fold"}


def query_terms(query, reader) -> dict[str, set[str]]:
    """The index terms a query matches (prefix and fuzzy terms expanded), by the body field they match in.

    Written here because whoosh 2.7's Query.existing_terms reuses its `fieldname` argument as a loop
    variable and so drops the terms of every field but the first.
    """
    terms: set[tuple[str, bytes | str]] = set()
    for leaf in query.leaves():
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field not in reader.schema:
                continue
            try:
                key = (field, reader.schema[field].to_bytes(text))
            except ValueError:
                continue
            if key in reader:
                terms.add(key)
    return group_terms(terms)


def group_terms(terms: set[tuple[str, bytes | str]]) -> dict[str, set[str]]:
    """Index terms grouped by the body field they match in."""
    grouped: dict[str, set[str]] = {}
    for field, text in terms:
        word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        target = _BODY_FIELD.get(field, field if field.startswith("stem_") else None)
        if target:
            grouped.setdefault(target, set()).add(word)
    return grouped


def match_spans(text: str, terms: Mapping[str, set[str]], language: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping character spans of the text that match any of the terms."""
    text = text[:MAX_ANALYZED_CHARS]
    analyzers = [("content", _EXACT), ("fold", _FOLD)]
    if language in STEM_LANGUAGES:
        analyzers.append((stem_field(language), stem_analyzer(language)))
    spans: set[tuple[int, int]] = set()
    for field, analyzer in analyzers:
        wanted = terms.get(field)
        if not wanted:
            continue
        for token in analyzer(text, chars=True, mode="index", removestops=False):
            if token.text in wanted:
                spans.add((token.startchar, token.endchar))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _window(text: str, spans: list[tuple[int, int]], start_span: int, size: int) -> tuple[int, int, int]:
    """(start, end, distinct words matched) of a window that begins a little before one span."""
    a = spans[start_span][0] - size // 5
    a = 0 if a < size // 5 else a  # near the start: show the start
    b = min(len(text), a + size)
    words = {text[s:e].casefold() for s, e in spans[start_span:] if s >= a and e <= b}
    return a, b, len(words)


def _snap(text: str, a: int, b: int) -> tuple[int, int]:
    """Move window edges to word boundaries."""
    if a > 0:
        space = text.find(" ", a, a + 30)
        a = space + 1 if space != -1 else a
    if b < len(text):
        space = text.rfind(" ", b - 30, b)
        b = space if space > a else b
    return a, b


def fragments(
    text: str, spans: list[tuple[int, int]], size: int = FRAGMENT_CHARS, count: int = FRAGMENTS
) -> tuple[Fragment, ...]:
    """Up to `count` windows with the most distinct matched words; the opening when nothing matched."""
    flat = text.translate(_WS)
    if not spans:
        a, b = _snap(flat, 0, min(len(flat), size))
        return (Fragment(" ".join(flat[a:b].split()) + ("…" if b < len(flat) else "")),)
    chosen: list[tuple[int, int]] = []
    candidates = sorted(
        (_window(flat, spans, i, size) for i in range(len(spans))), key=lambda w: (-w[2], w[0])
    )
    for a, b, _ in candidates:
        if len(chosen) == count:
            break
        if all(b <= c or a >= d for c, d in chosen):
            chosen.append(_snap(flat, a, b))
    out = []
    for a, b in sorted(chosen):
        inside = tuple((s - a, e - a) for s, e in spans if s >= a and e <= b)
        out.append(Fragment(flat[a:b], inside))
    return tuple(out)


def highlight(text: str, spans: list[tuple[int, int]]) -> Fragment:
    """The whole text with its matching spans."""
    return Fragment(text, tuple((a, b) for a, b in spans if b <= len(text)))
