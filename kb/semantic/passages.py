"""Documents as rows to embed: passages of bounded length, each with the document's title, and the
title alone as a row of its own (a pure function).

The title row lets a short query that names a document (a title in another language) meet the title
without the text diluting it; the channel counts it unless another document of the same language has
the same title (channel.SemanticIndex).
"""

from __future__ import annotations

import hashlib
import re

PASSAGE_CHARS = 1000  # about 250 tokens: well inside the model's 512
MAX_PASSAGES = 8  # a long document is embedded by its first passages (the cost grows with the text)
ROWS = "title+passages"  # what a document's rows are (stored with the vectors: a change re-embeds)
_BREAKS = re.compile(r"\n\s*\n|(?<=[.!?;:])\s+|\n")


def split(title: str, text: str, chars: int = PASSAGE_CHARS, limit: int = MAX_PASSAGES) -> list[str]:
    """The title with each piece of the text: paragraphs and sentences packed up to `chars` characters."""
    title = " ".join(title.split())
    pieces = [p.strip() for p in _BREAKS.split(text or "") if p and p.strip()]
    out: list[str] = []
    current = ""
    for piece in pieces:
        while len(piece) > chars:  # a sentence longer than a passage is cut at a space
            cut = piece.rfind(" ", 0, chars)
            cut = cut if cut > chars // 2 else chars
            pieces_head, piece = piece[:cut].strip(), piece[cut:].strip()
            if current:
                out.append(current)
                current = ""
            out.append(pieces_head)
        if current and len(current) + 1 + len(piece) > chars:
            out.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
        if len(out) >= limit:
            break
    if current and len(out) < limit:
        out.append(current)
    if not out:
        return [title] if title else []
    return [f"{title}\n{p}" if title else p for p in out[:limit]]


def rows(
    title: str, text: str, chars: int = PASSAGE_CHARS, limit: int = MAX_PASSAGES
) -> list[tuple[str, bool]]:
    """(text to embed, whether it is the title row): the title alone first, then the passages.

    A document without text has one row, its title, counted as a passage (there is nothing else).
    """
    parts = split(title, text, chars, limit)
    title = " ".join(title.split())
    if not title or parts == [title]:
        return [(p, False) for p in parts]
    return [(title, True)] + [(p, False) for p in parts]


def content_key(model_id: str, title: str, text: str, chars: int, limit: int) -> str:
    """What a document's vectors were made from: the same key needs no new embedding."""
    h = hashlib.sha1(f"{model_id}\0{ROWS}\0{chars}\0{limit}\0{title}\0{text}".encode())
    return h.hexdigest()[:16]
