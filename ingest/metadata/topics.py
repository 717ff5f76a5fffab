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


def _strength(text: str, terms: dict[str, float]) -> float:
    """Weighted hits of a topic's terms in normalized text; overlapping hits count once."""
    spans: dict[int, tuple[int, float]] = {}
    for term, weight in terms.items():
        pattern = _term_pattern(term)
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            end, best = spans.get(match.start(), (match.end(), 0.0))
            spans[match.start()] = (max(end, match.end()), max(best, weight))
    total, covered = 0.0, -1
    for start in sorted(spans):
        end, weight = spans[start]
        if start >= covered:
            total += weight
            covered = end
    return total


def score_topics(text: str, title: str | None, vocabulary: Vocabulary, language: str) -> dict[str, float]:
    """The strength of every topic found in the title or text, by id."""
    body, head = normalize(text), normalize(title or "")
    scores: dict[str, float] = {}
    for entry in vocabulary.topics:
        terms = _weighted_terms(entry, language)
        strength = _strength(body, terms) + TITLE_FACTOR * _strength(head, terms)
        if strength > 0:
            scores[entry.id] = strength
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
