"""'Did you mean': unknown words replaced by their closest known word, in place, so operators, phrases
and the user's capitals stay as typed; offered only when the corrected text finds more than the words
as typed (without typo tolerance)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from kb.folding import fold
from kb.models import SearchRequest
from kb.query import QueryPlan
from kb.schema import stem_field
from kb.whoosh_backend.analysis import analyze, stem_analyzer

if TYPE_CHECKING:
    from kb.whoosh_backend.search import SearchSession

MIN_LENGTH = 4


def cased_like(word: str, original: str) -> str:
    """`word` with the capitals of `original` (UPPER, Capitalised or as found)."""
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def replace_words(text: str, replacements: dict[str, str]) -> str:
    """The text with whole words replaced (everything else, operators included, kept as typed)."""
    if not replacements:
        return text
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in replacements) + r")(?!\w)")
    return pattern.sub(lambda m: replacements[m.group(1)], text)


def known_stem(session: SearchSession, word: str) -> bool:
    """Whether the word's stem, in any indexed language, is in the index."""
    for lang in session.languages:
        stems = analyze(stem_analyzer(lang), word)
        if len(stems) == 1 and session.doc_frequency(stem_field(lang), stems[0]) > 0:
            return True
    return False


def count(session: SearchSession, text: str, request: SearchRequest, allowed: np.ndarray | None) -> int:
    """How many documents (within the filters) a text finds."""
    matched, _ = session.run(session.plan(text, request).query, allowed, 1)
    return int((matched & allowed).sum()) if allowed is not None else int(matched.sum())


def suggest(
    session: SearchSession, text: str, plan: QueryPlan, request: SearchRequest, allowed: np.ndarray | None
) -> str | None:
    literal = replace(request, fuzzy=False, page=1)
    replacements: dict[str, str] = {}
    for word in dict.fromkeys(plan.words):
        lower = word.lower()
        if not lower.isalpha() or len(lower) < MIN_LENGTH or session.doc_frequency("fold", fold(lower)) > 0:
            continue
        if known_stem(session, word):  # an inflected form of a word in the index
            continue
        found = session.lexicon.near("content", lower, maxdist=2, prefixlength=2, limit=1)
        if found and found[0] != lower:
            replacements[word] = cased_like(found[0], word)
    suggestion = replace_words(text, replacements)
    if suggestion == text or count(session, suggestion, request, allowed) <= count(
        session, text, literal, allowed
    ):
        return None
    return suggestion
