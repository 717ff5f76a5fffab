"""Which documents in other languages are translations of one: meaning and structure must agree.

A pure module: `profile` reads what a translation keeps from a document (its length, paragraphs and
headings, its numbers, the names and other words it shares whatever the language: "LibreOffice",
"HTML", "Ctrl", "DPMA", "2016/679"), `agreement` compares two profiles, and `pick` chooses at most one
counterpart per language from scored candidates. A candidate counts only when its structure agrees
(`MIN_AGREEMENT`) and, with vectors, its meaning is close (`MIN_COSINE`, the cosine of the two mean
passage vectors); without vectors only a near-identical structure with shared names counts
(`MIN_AGREEMENT_ALONE`). The best of each language must also stand out from the runner-up of that
language (`MIN_MARGIN`), so a page among near-identical siblings ("Format - Cells" in Calc and in
Writer) links to none rather than to the wrong one. Thresholds were set on the tune half of the
LibreOffice help pages (docs/metadata.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Meaning: the cosine of the two documents' mean passage vectors (the model's cosines are crowded:
#: on the tune half a page and its translation score 0.85–0.95 (10th to 90th percentile), the best other
#: page of the target language 0.79–0.87).
MIN_COSINE = 0.83
#: Structure: 0..1, the mean of length, paragraph, number and shared-word agreement.
MIN_AGREEMENT = 0.6
#: Without vectors only this much structural agreement (and shared names or numbers) makes a translation.
MIN_AGREEMENT_ALONE = 0.75
#: The best of a language must beat that language's runner-up by this much (combined score).
MIN_MARGIN = 0.01
#: … and without vectors by this much (structure alone separates pages less sharply).
MIN_MARGIN_ALONE = 0.1
#: How much structure weighs against meaning in the combined score.
STRUCTURE_WEIGHT = 0.1

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,/:]\d+)*(?![\w])")
_WORD = re.compile(r"[^\W\d_][\w.+#-]*[\w+#]|[^\W\d_]")
_NAME_LIKE = re.compile(r"[A-Z].*[A-Z]|\d|[a-z][A-Z]|[.+#_]")  # ACRONYM, CamelCase, x86, C++, file.ext
MIN_SHARED_WORD = 4  # shorter words are too often the same by chance across languages


@dataclass(frozen=True)
class Profile:
    """What a translation keeps of a document."""

    language: str
    chars: int
    paragraphs: int
    headings: int
    numbers: frozenset[str]
    words: frozenset[str]  # word forms of MIN_SHARED_WORD letters or more, case folded
    names: frozenset[str]  # name-like words as written (acronyms, CamelCase, words with digits or dots)
    networks: frozenset[str]


def profile(title: str, text: str, language: str, networks: Iterable[str] = ()) -> Profile:
    """The profile of a document (a pure function of its title, text, language and networks)."""
    body = text or ""
    blocks = [b for b in re.split(r"\n\s*\n|\n", body) if b.strip()]
    headings = sum(1 for b in blocks if len(b.strip()) <= 80 and not re.search(r"[.!?:;,]\s*$", b.strip()))
    tokens = _WORD.findall(f"{title}\n{body}")
    return Profile(
        language=language,
        chars=len(body.strip()),
        paragraphs=len(blocks),
        headings=headings,
        numbers=frozenset(_NUMBER.findall(f"{title}\n{body}")),
        words=frozenset(t.casefold() for t in tokens if len(t) >= MIN_SHARED_WORD),
        names=frozenset(t for t in tokens if len(t) >= 2 and _NAME_LIKE.search(t)),
        networks=frozenset(networks),
    )


def _ratio(a: int, b: int) -> float:
    """min/max of two counts (1.0 when both are 0)."""
    return 1.0 if a == b else min(a, b) / max(a, b)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float | None:
    """Shared share of the smaller set (None when neither has any)."""
    if not a and not b:
        return None
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def agreement(a: Profile, b: Profile) -> float:
    """0..1: how well two documents' structures agree (length, paragraphs, headings, numbers, names)."""
    parts = [
        min(1.0, _ratio(a.chars, b.chars) / 0.8),  # translations differ in length by up to a fifth or so
        _ratio(a.paragraphs, b.paragraphs),
        _ratio(a.headings, b.headings),
    ]
    for shared in (_overlap(a.numbers, b.numbers), _overlap(a.names, b.names)):
        if shared is not None:
            parts.append(shared)
    score = sum(parts) / len(parts)
    if a.networks and b.networks and not a.networks & b.networks:
        score *= 0.5  # documents of different networks are rarely one document
    return score


@dataclass(frozen=True)
class Candidate:
    """A document in another language with its profile and (when known) meaning cosine."""

    key: object
    profile: Profile
    cosine: float | None = None


def combined(own: Profile, candidate: Candidate) -> float | None:
    """The candidate's score as a translation of `own`, or None when meaning or structure disagree."""
    structure = agreement(own, candidate.profile)
    if candidate.cosine is None:
        shared = bool(own.names & candidate.profile.names) or bool(own.numbers & candidate.profile.numbers)
        return structure if structure >= MIN_AGREEMENT_ALONE and shared else None
    if candidate.cosine < MIN_COSINE or structure < MIN_AGREEMENT:
        return None
    return candidate.cosine + STRUCTURE_WEIGHT * structure


def pick(own: Profile, candidates: Sequence[Candidate]) -> list[tuple[Candidate, float]]:
    """At most one counterpart per language: the best-scoring one, when it clears the margin over the
    runner-up of its language (a runner-up that fails the thresholds counts by its plain score)."""
    by_language: dict[str, list[tuple[float, bool, Candidate]]] = {}
    for c in candidates:
        if c.profile.language == own.language:
            continue
        score = combined(own, c)
        plain = score if score is not None else _plain(own, c)
        by_language.setdefault(c.profile.language, []).append((plain, score is not None, c))
    chosen = []
    for entries in by_language.values():
        entries.sort(key=lambda e: -e[0])
        best_score, ok, best = entries[0]
        if not ok:
            continue
        margin = MIN_MARGIN if best.cosine is not None else MIN_MARGIN_ALONE
        if len(entries) > 1 and best_score - entries[1][0] < margin:
            continue
        chosen.append((best, best_score))
    chosen.sort(key=lambda pair: -pair[1])
    return chosen


def _plain(own: Profile, c: Candidate) -> float:
    """The score of a candidate that failed a threshold, comparable with `combined`'s."""
    structure = agreement(own, c.profile)
    return structure if c.cosine is None else c.cosine + STRUCTURE_WEIGHT * structure
