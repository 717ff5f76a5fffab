"""The terms of the folded fields, one implementation for every engine.

A word is indexed in the folded fields (the plan's `title_fold` and `fold`) under its folded forms
(marks dropped and transliterated: Müller → muller, mueller), the forms of its compound parts
(kb/compound.py: Kunststoffnetzwerk → kunststoff, netzwerk) and the forms of its cognate key
(`#funkt` for Funktion, function, functie). The Whoosh backend applies this in its analyzer
(kb/whoosh_backend/analysis.py, FoldFormsFilter); the Solr backend sends the same terms to fields
that only split them on spaces, so both engines hold the same terms with the same counts and lengths.
"""

from __future__ import annotations

import re

from kb import compound
from kb.folding import cognate_key, variants

WORD_PATTERN = r"\w+(?:[.'’]\w+)*"
#: Longer words are cut to their first MAX_WORD_CHARS characters, indexed and searched alike (see
#: kb/whoosh_backend/analysis.py).
MAX_WORD_CHARS = 100
#: Marks a cognate key in the folded fields; words never contain it, so keys never meet words.
COGNATE_MARK = "#"
_WORD = re.compile(WORD_PATTERN)


def cognate_term(word: str) -> str | None:
    """The term a word's cognate key is indexed under in the folded fields (None for short words)."""
    key = cognate_key(word)
    return COGNATE_MARK + key if key else None


def _index_forms(word: str) -> tuple[str, ...]:
    """The terms the folded fields index a lower-cased word under: its folded forms, then those of its
    compound parts, then those of its cognate key."""
    key = cognate_term(word)
    forms: list[str] = []
    for w in (word, key) if key else (word,):
        for x in (w, *compound.spelled_parts(w)):
            forms.extend(variants(x))
    return tuple(forms)


#: Words remembered per set of protected words; a memo that reaches this many starts again (words
#: repeat by Zipf's law: the common ones are back at once).
MEMO_WORDS = 500_000
#: per set of protected words (kb/compound.py's context): word → its forms, and word as typed → its
#: forms joined by spaces (a Solr folded field's text)
_memos: dict[frozenset[str], dict[str, tuple[str, ...]]] = {}
_joined: dict[frozenset[str], dict[str, str]] = {}


def _memo_of(memos: dict, protected: frozenset[str]) -> dict:
    memo = memos.get(protected)
    if memo is None:
        if len(memos) >= 8:  # contexts come and go (tests, archives): keep the memory bounded
            memos.clear()
        memo = memos[protected] = {}
    return memo


def _remember(memo: dict, key: str, value):
    """memo[key] = value, the memo started again when it holds MEMO_WORDS; returns value."""
    if len(memo) >= MEMO_WORDS:
        memo.clear()
    memo[key] = value
    return value


def _index_forms_memo(word: str, protected: frozenset[str]) -> tuple[str, ...]:
    """_index_forms remembered per word and set of protected words (the splits depend on them)."""
    memo = _memo_of(_memos, protected)
    forms = memo.get(word)
    return forms if forms is not None else _remember(memo, word, _index_forms(word))


def index_forms(word: str) -> tuple[str, ...]:
    """_index_forms, remembered per word and the protected words of the current context."""
    return _index_forms_memo(word, compound.current_protection())


def word_forms(word: str) -> tuple[str, ...]:
    """The folded fields' terms of one lower-cased word (remembered unless longer than any compound:
    a file of many distinct long words would fill the memo)."""
    return index_forms(word) if len(word) <= compound.MAX_WORD else _index_forms(word)


def words(text: str) -> list[str]:
    """The words of a text as the index takes them: lower-cased, cut to MAX_WORD_CHARS."""
    return [w.lower()[:MAX_WORD_CHARS] for w in _WORD.findall(text)]


def folded_terms(text: str) -> list[str]:
    """Every term a text is indexed under in a folded field, in order (a word's forms together)."""
    return [form for word in words(text) for form in word_forms(word)]


def folded_text(text: str) -> str:
    """ " ".join(folded_terms(text)), each word as typed remembered with its forms joined (what the
    Solr backend sends to a folded field: most of a text's words were met before)."""
    memo = _memo_of(_joined, compound.current_protection())
    out = []
    for typed in _WORD.findall(text):
        joined = memo.get(typed)
        if joined is None:
            word = typed.lower()[:MAX_WORD_CHARS]
            joined = " ".join(_index_forms(word))
            if len(typed) <= compound.MAX_WORD:  # as word_forms: long words are not remembered
                _remember(memo, typed, joined)
        out.append(joined)
    return " ".join(out)
