"""'Did you mean', for every engine: unknown words replaced by their closest known word, in place, so
operators, phrases and the user's capitals stay as typed; offered only when the corrected text finds
more than the words as typed (without typo tolerance).

A backend answers four questions (`Words`): how many documents hold a folded word in the folded body
field, how many hold a stem in a language's field, the known words of the body field that begin with
two letters (with their document counts), and how many documents each of some texts finds within the
request's filters (asked together: one request on Solr). The choice is made here, the same for Whoosh and Solr.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from rapidfuzz import process
from rapidfuzz.distance import OSA

from kb.analysis import analyze, exact_analyzer
from kb.folding import fold
from kb.models import SearchRequest
from kb.query import is_common_word, stems_of
from kb.schema import stem_field

MIN_LENGTH = 4  # shorter words are not corrected
MAX_EDITS = 2  # a suggestion is at most this many edits away (a swap of neighbouring letters is one)
PREFIX = 2  # and begins with the same letters
#: a word this long one edit from a word the index holds counts as held (`present`) unless it is a
#: common word of a language: letter salad is rarely that near one of its words, a typo of a long word is
TYPO_LETTERS = 8
#: a common word of a language the index does not hold is corrected by one edit at most (a doubled or
#: missing letter: "Stele" → "Stelle"): such a word is mostly typed as meant (the plan gives it no typo
#: variants), and two edits reach a word of another language from many of them ("Lingen" → "lige",
#: "final" → "finde", "external" → "externe")
COMMON_EDITS = 1
_EXACT = exact_analyzer()


class Words(Protocol):
    """What 'did you mean' asks of a backend's index."""

    languages: tuple[str, ...]  # the stemming languages of the documents

    def doc_frequency(self, field: str, word: str) -> int:
        """Documents holding a term of a plan field ("fold", "stem_de" …)."""
        ...

    def known_words(self, prefix: str) -> Mapping[str, int]:
        """The words as typed (the plan's `content` field) beginning with `prefix`, with their document
        counts."""
        ...

    def counts(self, texts: Sequence[tuple[str, SearchRequest]]) -> list[int]:
        """How many documents (within the request's filters) each text finds, as its request asks."""
        ...


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


def closest(word: str, known: Mapping[str, int], maxdist: int = MAX_EDITS, limit: int = 1) -> list[str]:
    """The known words within `maxdist` edits of a word (optimal string alignment: a swap of two
    neighbouring letters is one edit), the closest first and, among equals, the most frequent."""
    block = sorted(known)
    found = process.extract(word, block, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
    if len(found) > limit:
        found.sort(key=lambda m: (m[1], -known[m[0]]))
    return [m[0] for m in found[:limit]]


def known_stem(words: Words, word: str) -> bool:
    """Whether the word's stem, in any indexed language, is in the index."""
    for lang in words.languages:
        stems = stems_of(lang, word)
        if len(stems) == 1 and words.doc_frequency(stem_field(lang), stems[0]) > 0:
            return True
    return False


def present(words: Words, word: str) -> bool:
    """Whether a query word is in the index as typed or folded, or as a stem in an indexed language, or
    is a long word one edit from a word the index holds (not only through looser typo variants,
    compound parts or cognates): issue 22's "nothing found" rule asks."""
    folded = [fold(t) for t in analyze(_EXACT, word)]
    if folded and all(words.doc_frequency("fold", f) > 0 for f in folded):
        return True
    for lang in words.languages:
        stems = stems_of(lang, word)
        if stems and all(words.doc_frequency(stem_field(lang), t) > 0 for t in stems):
            return True
    lower = word.lower()
    # "Ausbildungsmese": a typo, not a guess; a word of a language ("verwerven", one letter from
    # "verwerfen") is no typo, as a plan gives it no typo variants either (kb/query.py)
    if len(lower) >= TYPO_LETTERS and lower.isalpha() and not is_common_word(lower):
        return bool(closest(lower, words.known_words(lower[:PREFIX]), maxdist=1))
    return False


def suggest(words: Words, text: str, typed: Iterable[str], request: SearchRequest) -> str | None:
    """The text with its unknown words (`typed`: the plan's words) corrected, when that finds more."""
    literal = replace(request, fuzzy=False, page=1)
    replacements: dict[str, str] = {}
    for word in dict.fromkeys(typed):
        lower = word.lower()
        if not lower.isalpha() or len(lower) < MIN_LENGTH or words.doc_frequency("fold", fold(lower)) > 0:
            continue
        if known_stem(words, word):  # an inflected form of a word in the index
            continue
        edits = COMMON_EDITS if is_common_word(lower) else MAX_EDITS
        # a word is corrected to a word: not to a token with a dot or digit inside ("Nyheden" → "Ny.den")
        known = {w: n for w, n in words.known_words(lower[:PREFIX]).items() if w.isalpha()}
        found = closest(lower, known, maxdist=edits)
        if found and found[0] != lower:
            replacements[word] = cased_like(found[0], word)
    suggestion = replace_words(text, replacements)
    if suggestion == text:
        return None
    corrected, typed_count = words.counts([(suggestion, request), (text, literal)])
    return suggestion if corrected > typed_count else None
