"""Typo-tolerant words on Solr: the few closest terms a misspelled word stands for, found once a search.

A plan's `Fuzzy` node asks for the terms of the folded field within one or two edits of a word that
share its first letter, at most MAX_FUZZY_TERMS, the closest first (kb/plan.py). Solr's fuzzy query
can say that ({!fuzzy}), but it walks the term dictionary of every segment each time it is rewritten,
and a search rewrote it up to five times: the page, the "most of the words" plan and its condition,
the highlighter, the counts of "did you mean" (15-60 ms each at 10k documents on these 2 cores).

Here the configset's spellchecker `fold` (solrconfig.xml's `near` component: Lucene's
DirectSpellChecker over text_fold, two edits, the first letter kept) answers for the search's rare
words in the same request as their document frequencies (`params`), and each Fuzzy node becomes the
OR of the terms it stands for (`expanded`), chosen as the Whoosh backend chooses them
(kb/whoosh_backend/collect.py's Lexicon.near: optimal string alignment distance, then the most
documents). The spellchecker skips a word in more than RARE_DOC_FREQUENCY documents of a shard, so
a word in more documents of the collection (`word~2` typed by the user) keeps Solr's fuzzy query.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rapidfuzz.distance import OSA

from kb import plan as P
from kb.query import RARE_DOC_FREQUENCY

#: Candidates asked of the spellchecker for each word (the closest MAX_FUZZY_TERMS are kept).
ASKED = 2 * P.MAX_FUZZY_TERMS
#: Shortest word the plan gives typo variants (kb/query.py's fuzzy_variants), the spellchecker's minQueryLength.
SHORTEST = 5
#: Words whose answers a backend remembers (per generation of the collection).
MAX_MEMO = 10_000


def asked(words: Iterable[str], frequencies: Mapping[str, int] | None = None) -> list[str]:
    """The folded words a search asks variants for: those a plan may make typo-tolerant (letters only,
    at least SHORTEST of them, in at most RARE_DOC_FREQUENCY documents when that is known)."""
    out = []
    for word in dict.fromkeys(words):
        if len(word) < SHORTEST or not word.isalpha():
            continue
        if frequencies is not None and frequencies.get(word, 0) > RARE_DOC_FREQUENCY:
            continue
        out.append(word)
    return out


def params(words: Iterable[str]) -> list[tuple[str, object]]:
    """The spellchecker's parameters of a /select for `words` (none for no words)."""
    words = list(words)
    if not words:
        return []
    return [
        ("spellcheck", "true"),
        ("spellcheck.dictionary", "fold"),
        ("spellcheck.q", " ".join(words)),
        ("spellcheck.count", ASKED),
        ("spellcheck.alternativeTermCount", ASKED),  # rare words in the index are asked too
        ("spellcheck.extendedResults", "true"),
    ]


def answers(answer: Mapping, words: Iterable[str]) -> dict[str, dict[str, int]]:
    """{word: {term: documents}} from a /select's spellcheck part; every asked word has an entry."""
    out: dict[str, dict[str, int]] = {w: {} for w in words}
    flat = (answer.get("spellcheck") or {}).get("suggestions") or []
    for i in range(0, len(flat) - 1, 2):
        word, found = str(flat[i]), flat[i + 1]
        if word in out and isinstance(found, Mapping):
            for s in found.get("suggestion") or []:
                if isinstance(s, Mapping) and s.get("word"):
                    out[word][str(s["word"])] = int(s.get("freq", 0))
    return out


def closest(word: str, maxdist: int, prefix: int, found: Mapping[str, int], own: int) -> list[str]:
    """The terms a Fuzzy node stands for: the word itself when documents hold it, and the found terms
    within `maxdist` edits sharing its first `prefix` letters, the closest first, then the most
    documents, at most MAX_FUZZY_TERMS."""
    ranked = [(0, -own, word)] if own > 0 else []
    for term, documents in found.items():
        if term == word or term[:prefix] != word[:prefix]:
            continue
        distance = OSA.distance(word, term, score_cutoff=maxdist)
        if distance <= maxdist:
            ranked.append((distance, -documents, term))
    ranked.sort()
    return [term for _, _, term in ranked[: P.MAX_FUZZY_TERMS]]


def expanded(node: P.Node, near: Mapping[str, Mapping[str, int]], frequencies: Mapping[str, int]) -> P.Node:
    """The plan with each Fuzzy node of the folded field whose word has an answer in `near` replaced by
    the OR of the terms it stands for (P.Nothing for none); other Fuzzy nodes stay as they are."""

    def visit(n: P.Node) -> P.Node | None:
        if isinstance(n, P.Fuzzy) and n.field == "fold" and n.text in near:
            terms = closest(n.text, n.maxdist, n.prefix, near[n.text], frequencies.get(n.text, 0))
            if not terms:
                return P.Nothing(kind=n.kind)
            if len(terms) == 1:
                return P.Term("fold", terms[0], boost=n.boost, kind=n.kind)
            return P.Or(tuple(P.Term("fold", t, kind=n.kind) for t in terms), boost=n.boost, kind=n.kind)
        return None

    return P.transform(node, visit)
