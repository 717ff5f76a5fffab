"""Highlighted snippets: the spans of a text that match the query's index terms, and the best windows.

Spans are found by running the same analyzers the index used over the stored text, so a stemmed,
folded, compound or fuzzy match is highlighted where it occurs. No HTML here: callers get offsets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from kb import compound
from kb.analysis import (
    COGNATE_MARK,
    STEM_LANGUAGES,
    STOPLISTS,
    WORD_PATTERN,
    cognate_term,
    exact_analyzer,
    fold_analyzer,
    stem_analyzer,
)
from kb.folding import fold, transliterate
from kb.models import Fragment
from kb.schema import stem_field

FRAGMENT_CHARS = 220
FRAGMENTS = 2
MAX_ANALYZED_CHARS = 100_000  # of a document shown whole
SNIPPET_CHARS = 20_000  # of a search hit: its snippets come from its beginning
_WS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})
_EXACT = exact_analyzer()
_FOLD = fold_analyzer()


def match_spans(
    text: str, terms: Mapping[str, set[str]], language: str, limit: int = MAX_ANALYZED_CHARS
) -> list[tuple[int, int]]:
    """Sorted, non-overlapping character spans of the text that match any of the terms."""
    return SpanFinder(terms).spans(text, language, limit)


class SpanFinder:
    """Finds the spans of one query's terms in any number of texts (the hits of one results page).

    Each text is tokenized once; each distinct word is judged once per query (and its analysis is
    cached across queries), so the analyzer chains never run over whole texts and no regular
    expression is compiled per text.
    """

    def __init__(self, terms: Mapping[str, set[str]]) -> None:
        self.terms = terms
        self.exact = terms.get("content", set())
        folded = terms.get("fold", set())
        self.plain = {t for t in folded if _PLAIN.match(t)}
        self.keys = {t for t in folded if t.startswith(COGNATE_MARK)}
        self.other = folded - self.plain - self.keys
        # A word containing a term contains the term's beginning: a prefix's thousand completions
        # make a needle of their few beginnings (the exact check follows).
        # A compound part has at least MIN_PART letters: a shorter term can only be the word itself
        # (folded or transliterated), which needs no compound splitting to see.
        self.short = {t for t in self.plain if len(t) < compound.MIN_PART}
        self.long = self.plain - self.short
        heads = self.long if len(self.long) <= _NEEDLE_TERMS else {t[:_NEEDLE_HEAD] for t in self.long}
        self.needle = _alternation(heads) if heads else None
        # A cognate key begins with its word's first folded letter or the sound it spells (ph → f …):
        # only words beginning with one of these letters are given a key.
        self.key_heads = set("".join(_KEY_HEAD_SOURCES.get(k[1:2], k[1:2]) for k in self.keys))
        self._judged: dict[str, bool] = {}
        self._stems: dict[tuple[str, str], bool] = {}
        self._by_language: dict[str | None, _Verdicts] = {}
        # A query of stop words alone ("to be or not to be") has them highlighted; any other query
        # does not, in a text of a language that has them as stop words ("der" in German).
        words = self.exact | self.plain
        self.stops_too = bool(words) and all(w in _ANY_STOP for w in words)

    def spans(self, text: str, language: str, limit: int = MAX_ANALYZED_CHARS) -> list[tuple[int, int]]:
        text = text[:limit]
        lower = text.lower()
        if len(lower) != len(text):  # a few characters change length when lower-cased: keep offsets exact
            spans = _spans_by_tokens(text, self.terms, language)
            return spans if self.stops_too else content_spans(text, spans, language)
        stem = stem_field(language) if language in STEM_LANGUAGES else None
        wanted_stem = self.terms.get(stem, set()) if stem else set()
        folded = bool(self.exact or self.plain or self.keys or self.other)
        spans: list[tuple[int, int]] = []
        # The stemming analyzers split words at apostrophes; without any, their tokens are these.
        together = wanted_stem and "'" not in lower and "’" not in lower
        if folded or together:
            verdicts = self._verdicts(language if together else None, folded, wanted_stem)
            spans = [m.span() for m in _WORD.finditer(lower) if verdicts[m.group()]]
        if wanted_stem and not together:
            stemmed = self._stemmed(language, wanted_stem)
            spans += [m.span() for m in _STEM_WORD.finditer(lower) if stemmed(m.group())]
        spans = _merged(spans)
        return spans if self.stops_too else content_spans(text, spans, language)

    def _verdicts(self, language: str | None, folded: bool, wanted_stem: set[str]) -> _Verdicts:
        """Whether each word is wanted (folded forms, and its stem in the language when given), judged
        once per word and query: a dict that judges the words it does not know yet."""
        found = self._by_language.get(language)
        if found is None:
            judged, wanted = self._judged, self._wanted
            stemmed = self._stemmed(language, wanted_stem) if language is not None else None

            def judge(word: str) -> bool:
                hit = False
                if folded:
                    hit = judged.get(word)
                    if hit is None:
                        hit = judged[word] = wanted(word)
                if not hit and stemmed is not None:
                    hit = stemmed(word)
                return hit

            found = self._by_language[language] = _Verdicts(judge)
        return found

    def _wanted(self, word: str) -> bool:
        """Whether a word is an exact term or has a wanted form in the folded field.

        A folded word form is the folded or transliterated word or a part of it (a substring of one of
        those), so only words containing such a term are analyzed (compound splitting is costly); a
        cognate key is compared with the word's key. Other kinds of term need every word analyzed.
        """
        if word in self.exact:
            return True
        if self.keys and fold(word)[:1] in self.key_heads and cognate_term(word) in self.keys:
            return True
        if self.other and not self.other.isdisjoint(_fold_forms(word)):
            return True
        if self.short and (fold(word) in self.short or transliterate(word) in self.short):
            return True
        needle = self.needle
        if needle is None:
            return False
        if word.isascii():  # folded and transliterated, a lower-case ASCII word is itself
            if not needle.search(word):
                return False
        elif not (needle.search(fold(word)) or needle.search(transliterate(word))):
            return False
        return not self.long.isdisjoint(_fold_forms(word))

    def _stemmed(self, language: str, wanted: set[str]):
        """A test whether a word's stem is wanted, judged once per word and query."""
        # A stem begins as its word begins (folded, a doubled letter once: Dutch "boom" stems to "bom"):
        # only words sharing a stem's first letters are stemmed.
        heads = {_stem_head(t) for t in wanted}
        any_head = any(len(h) < _STEM_HEAD for h in heads)
        judged = self._stems

        def stemmed(word: str) -> bool:
            key = (language, word)
            hit = judged.get(key)
            if hit is None:
                hit = judged[key] = (any_head or _stem_head(word) in heads) and _stem_form(
                    language, word
                ) in wanted
            return hit

        return stemmed


_WORD = re.compile(WORD_PATTERN)
_STOPS = {language: STOPLISTS[language] for language in ("de", "da", "nl", "en")}
_ANY_STOP = frozenset().union(*_STOPS.values())
_PLAIN = re.compile(rf"{WORD_PATTERN}$")
_STEM_HEAD = 3
_DOUBLED = re.compile(r"(.)\1+")


def _stem_head(word: str) -> str:
    """The first letters a word and its stem share: folded, each doubled letter once."""
    return _DOUBLED.sub(r"\1", fold(word))[:_STEM_HEAD]


_NEEDLE_TERMS = 32  # more folded terms than this: the needle searches for their beginnings
_NEEDLE_HEAD = 4
#: A cognate key's first letter → the first letters of the folded words whose key begins so
#: (kb.folding: soft c and z → s; c, ch, ck, qu and x → k…; ph → f; w → v; y → i).
_KEY_HEAD_SOURCES = {"s": "szc", "k": "kcqx", "f": "fp", "v": "vw", "i": "iy"}


_STEM_WORD = re.compile(r"\w+(?:\.?\w+)*")  # whoosh's default tokenizer, which LanguageAnalyzer uses


class _Verdicts(dict):
    """word → whether it is wanted, judged by `judge` the first time a word is looked up."""

    def __init__(self, judge) -> None:
        super().__init__()
        self.judge = judge

    def __missing__(self, word: str) -> bool:
        hit = self[word] = self.judge(word)
        return hit


def _alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _merged(spans) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _fold_forms(word: str) -> frozenset[str]:
    """Every form the folded field indexes a word under (folded variants and compound parts)."""
    return _fold_forms_memo(word, compound.current_protection())


@lru_cache(maxsize=200_000)
def _fold_forms_memo(word: str, protected: frozenset[str]) -> frozenset[str]:  # noqa: ARG001 - a memo key
    return frozenset(t.text for t in _FOLD(word, mode="index"))


@lru_cache(maxsize=200_000)
def _stem_form(language: str, word: str) -> str | None:
    tokens = [t.text for t in stem_analyzer(language)(word, mode="index", removestops=False)]
    return tokens[0] if len(tokens) == 1 else None


def content_spans(text: str, spans: list[tuple[int, int]], language: str) -> list[tuple[int, int]]:
    """The spans that are not stop words of the text's language (an acronym in capitals, "IT", is none)."""
    stops = _STOPS.get(language)
    if not stops:
        return spans
    kept = []
    for a, b in spans:
        word = text[a:b]
        if word.lower() not in stops or (len(word) > 1 and word.isupper()):
            kept.append((a, b))
    return kept


def _spans_by_tokens(text: str, terms: Mapping[str, set[str]], language: str) -> list[tuple[int, int]]:
    """match_spans by running each analyzer over the text (for texts whose length changes when lower-cased)."""
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
    return _merged(spans)


def _window(
    text: str, spans: list[tuple[int, int]], start_span: int, size: int, n: int
) -> tuple[int, int, int]:
    """(start, end, distinct words matched) of a window that begins a little before one span.

    `n` is the length of the text considered; spans are sorted and do not overlap, so the spans
    inside the window are those from `start_span` up to the first that ends beyond it.
    """
    a = spans[start_span][0] - size // 5
    a = 0 if a < size // 5 else a  # near the start: show the start
    b = min(n, a + size)
    words = set()
    for s, e in spans[start_span:]:
        if e > b:
            break
        words.add(text[s:e].casefold())
    return a, b, len(words)


def _snap(text: str, a: int, b: int, n: int) -> tuple[int, int]:
    """Move window edges to word boundaries (a space or any other white space, within the first n characters)."""
    if a > 0:
        space = text[a : min(a + 30, n)].translate(_WS).find(" ")
        a = a + space + 1 if space != -1 else a
    if b < n:
        lo = b - 30 if b >= 30 else max(0, n + b - 30)  # as str.rfind reads a negative start
        space = text[lo:b].translate(_WS).rfind(" ") if lo < b else -1
        space = lo + space if space != -1 else -1
        b = space if space > a else b
    return a, b


def _outside_links(text: str, a: int, b: int, n: int) -> tuple[int, int]:
    """Window edges moved out of the Markdown links they cut, to take the whole link in: a window that
    began inside a link's target showed a piece of its URL as text, and lost its label."""
    for edge in (a, b):
        if 0 < edge < n and "](" in text[max(0, edge - _LINK_REACH) : edge + _LINK_REACH]:
            for m in _LINK.finditer(text, max(0, edge - _LINK_REACH), min(n, edge + _LINK_REACH)):
                if m.start() < edge < m.end():
                    a, b = (m.start(), b) if edge == a else (a, m.end())
                    break
                if m.start() >= edge:
                    break
    return a, b


def fragments(
    text: str, spans: list[tuple[int, int]], size: int = FRAGMENT_CHARS, count: int = FRAGMENTS
) -> tuple[Fragment, ...]:
    """Up to `count` windows with the most distinct matched words; the opening when nothing matched."""
    # Only the text up to the last span and a window beyond counts (texts can be megabytes), and
    # only the shown windows are flattened (line breaks and tabs become spaces).
    n = min(len(text), max((e for _, e in spans), default=0) + size + 64)
    if not spans:
        a, b = _outside_links(text, *_snap(text, 0, min(n, size), n), n)
        opening = " ".join(text[a:b].translate(_WS).split()) + ("…" if b < len(text) else "")
        return (plain(Fragment(opening)),)
    chosen: list[tuple[int, int]] = []
    candidates = sorted(
        (_window(text, spans, i, size, n) for i in range(len(spans))), key=lambda w: (-w[2], w[0])
    )
    for a, b, _ in candidates:
        if len(chosen) == count:
            break
        if all(b <= c or a >= d for c, d in chosen):
            chosen.append(_outside_links(text, *_snap(text, a, b, n), n))
    out = []
    for a, b in sorted(chosen):
        inside = tuple((s - a, e - a) for s, e in spans if s >= a and e <= b)
        out.append(plain(Fragment(text[a:b].translate(_WS), inside)))
    return tuple(out)


# A link's target in parentheses, which may hold parentheses itself, one level deep (Wikipedia's
# "Extrusion_(Verfahrenstechnik)"): "[^)]" stopped at the first and left ")" and the rest as text.
_URL = r"\((?:[^()\n]|\([^()\n]{0,200}\)){0,500}\)"
_BARE_URL = r"\((?:[^()\s]|\([^()\s]{0,200}\)){0,500}\)"  # without white space
_LINK = re.compile(r"!?\[[^\]\n]{0,200}\]" + _URL)
_LINK_REACH = 1500  # characters around a window's edge looked at for a link it cuts


# Markdown syntax that reads as noise in a snippet: links and images (their label is kept), heading
# markers, runs of #, emphasis markers, code ticks, quote markers (also a link cut by the window's
# edge); and the letter "o" that a word processor's second-level bullet leaves after a list marker
# when saved as text ("- o Peter").
_MARKUP = re.compile(
    r"(?<!\S)(?P<bullet>[-*][ \t]+)o[ \t]+(?=\w)"
    r"|(?<!\S)[-*](?:[ \t]+o)?[ \t]*\Z"  # a list marker the window's end cut from its item
    r"|\A[ \t]*o[ \t]+(?=[A-ZÄÖÜÆØÅ])"  # that letter, its list marker cut off by the window's start
    r"|\\(?P<esc>[\\`*_{}\[\]()#+\-.!])"
    r"|!?\[(?P<label>[^\]\n]{0,200})\]"
    + _URL
    + r"|(?<=\w)\]"
    + _BARE_URL  # the end of a link whose label began before the window
    + r"|!?\[(?=[^\[\]\n]{1,200}\Z)"  # the start of a link whose label ends after it
    r"|(?m:^[ \t]*#{1,6}[ \t]*)"
    r"|#{2,}[ \t]*"
    r"|\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|`+"
    r"|(?m:^[ \t]*>[ \t]?)"
)


def plain(fragment: Fragment) -> Fragment:
    """The fragment without Markdown syntax, its match spans moved along with the text."""
    keep = [True] * len(fragment.text)
    for m in _MARKUP.finditer(fragment.text):
        kept = next((g for g in ("esc", "label", "bullet") if m.group(g) is not None), "")
        label = m.span(kept) if kept else (m.end(), m.end())
        for i in (*range(m.start(), label[0]), *range(label[1], m.end())):
            keep[i] = False
    if all(keep):
        return fragment
    position, new = [], 0
    for flag in keep:
        position.append(new)
        new += flag
    position.append(new)
    text = "".join(ch for ch, flag in zip(fragment.text, keep, strict=True) if flag)
    matches = tuple((position[a], position[b]) for a, b in fragment.matches if position[a] < position[b])
    return Fragment(text, matches)


def highlight(text: str, spans: list[tuple[int, int]]) -> Fragment:
    """The whole text with its matching spans."""
    return Fragment(text, tuple((a, b) for a, b in spans if b <= len(text)))
