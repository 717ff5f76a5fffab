"""Topics a document is about, recognised from each topic's labels and terms in all four languages.

Matching is folded and compound-tolerant: a word of six letters or more also matches as the
start of a longer word ("Ausbildungsberufe" counts for "Ausbildung", "netværkstilbud" for
"netværk"); shorter words only take a short inflection ("unge", not "ungefähr"). A term in the
document's language weighs 1, a label or a term of another language 0.5; a hit in the title
counts three times. A topic is kept when its strength reaches max(2, 1 per 250 words of text),
so a passing word does not tag a long document; at most six, strongest first (ties by id).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.metadata.entities import normalize
from kb.vocabulary import Entry, Vocabulary

OWN_LANGUAGE_WEIGHT = 1.0
OTHER_LANGUAGE_WEIGHT = 0.5
TITLE_FACTOR = 3.0
MIN_STRENGTH = 2.0
WORDS_PER_POINT = 250
MAX_TOPICS = 6
COMPOUND_MIN_LETTERS = 6

_SHORT_SUFFIX = r"(?:s|es|e|en|er|n|ne|ene|et|ets|ens|r)?"
_WORD = re.compile(r"\w+")


@cache
def _term_pattern(term: str) -> re.Pattern[str] | None:
    """A pattern for one normalized term, each word compound- or inflection-tolerant."""
    words = term.split()
    if not words:
        return None
    parts = [re.escape(w) + (r"\w*" if len(w) >= COMPOUND_MIN_LETTERS else _SHORT_SUFFIX) for w in words]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def _weighted_terms(entry: Entry, language: str) -> dict[str, float]:
    """Every normalized label and term of a topic with its weight for a document language."""
    weights: dict[str, float] = {}
    for lang, label in entry.labels.items():
        for part in re.split(r"\s+(?:und|og|en|and)\s+", label):
            key = normalize(part).strip()
            weights[key] = max(weights.get(key, 0.0), OTHER_LANGUAGE_WEIGHT if lang != language else 1.0)
    for lang, terms in entry.terms.items():
        weight = OWN_LANGUAGE_WEIGHT if lang == language else OTHER_LANGUAGE_WEIGHT
        for term in terms:
            key = normalize(term).strip()
            weights[key] = max(weights.get(key, 0.0), weight)
    return {k: w for k, w in weights.items() if k}


def _covered(spans: dict[int, tuple[int, float]]) -> float:
    """The summed weight of the spans, left to right, a span starting inside an earlier one skipped."""
    total, covered = 0.0, -1
    for start in sorted(spans):
        end, weight = spans[start]
        if start >= covered:
            total += weight
            covered = end
    return total


@dataclass(frozen=True)
class _Matcher:
    """Every topic term of a vocabulary for one document language, indexed for a single scan.

    `by_first` maps a term's first word to (term number, pattern); `lengths` are the lengths of
    those first words; `weights` holds, per term number, the (topic number, weight) pairs.
    """

    ids: tuple[str, ...]
    by_first: dict[str, tuple[tuple[int, re.Pattern[str]], ...]]
    lengths: tuple[int, ...]
    weights: tuple[tuple[tuple[int, float], ...], ...]


_matchers: dict[tuple[int, str], tuple[Vocabulary, _Matcher]] = {}


def _matcher(vocabulary: Vocabulary, language: str) -> _Matcher:
    """The matcher of a vocabulary (by identity, kept while it is cached) for a document language."""
    key = (id(vocabulary), language)
    cached = _matchers.get(key)
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    terms: dict[str, int] = {}
    weights: list[list[tuple[int, float]]] = []
    by_first: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
    for number, entry in enumerate(vocabulary.topics):
        for term, weight in _weighted_terms(entry, language).items():
            pattern = _term_pattern(term)
            if pattern is None:
                continue
            if term not in terms:
                terms[term] = len(weights)
                weights.append([])
                by_first.setdefault(term.split()[0], []).append((terms[term], pattern))
            weights[terms[term]].append((number, weight))
    matcher = _Matcher(
        ids=tuple(e.id for e in vocabulary.topics),
        by_first={k: tuple(v) for k, v in by_first.items()},
        lengths=tuple(sorted({len(k) for k in by_first})),
        weights=tuple(tuple(w) for w in weights),
    )
    if len(_matchers) >= 16:
        _matchers.clear()
    _matchers[key] = (vocabulary, matcher)
    return matcher


def _all_spans(text: str, matcher: _Matcher) -> list[dict[int, tuple[int, float]]]:
    """Per topic, start → (end, weight) of its hits: the weighted hits of its terms (overlapping hits count once), in one pass over the words.

    Each term's pattern starts with its first word at a word start, so it is only tried where a
    word of the text begins with that first word; like finditer, a term's next hit starts at or
    after the end of its previous one.
    """
    spans: list[dict[int, tuple[int, float]]] = [{} for _ in matcher.ids]
    resume: dict[int, int] = {}
    by_first, lengths = matcher.by_first, matcher.lengths
    for word in _WORD.finditer(text):
        token, start = word.group(), word.start()
        size = len(token)
        for length in lengths:
            if length > size:
                break
            candidates = by_first.get(token[:length])
            if candidates is None:
                continue
            for number, pattern in candidates:
                if start < resume.get(number, 0):
                    continue
                match = pattern.match(text, start)
                if match is None:
                    continue
                end = match.end()
                resume[number] = end
                for topic, weight in matcher.weights[number]:
                    topic_spans = spans[topic]
                    old_end, best = topic_spans.get(start, (end, 0.0))
                    topic_spans[start] = (max(old_end, end), max(best, weight))
    return spans


def score_topics(text: str, title: str | None, vocabulary: Vocabulary, language: str) -> dict[str, float]:
    """The strength of every topic found in the title or text, by id."""
    body, head = normalize(text), normalize(title or "")
    matcher = _matcher(vocabulary, language)
    body_spans, head_spans = _all_spans(body, matcher), _all_spans(head, matcher)
    scores: dict[str, float] = {}
    for number, topic in enumerate(matcher.ids):
        strength = _covered(body_spans[number]) + TITLE_FACTOR * _covered(head_spans[number])
        if strength > 0:
            scores[topic] = strength
    return scores


def find_topics(text: str, title: str | None, vocabulary: Vocabulary, language: str) -> tuple[str, ...]:
    """Topic ids a document is about, strongest first, at most six."""
    scores = score_topics(text, title, vocabulary, language)
    if not scores:
        return ()
    words = len(_WORD.findall(text))
    floor = max(MIN_STRENGTH, words / WORDS_PER_POINT)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return tuple(topic for topic, strength in ranked if strength >= floor)[:MAX_TOPICS]
