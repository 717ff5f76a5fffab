"""Snippet windows: the fast fragments() picks exactly the windows of the plain definition."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.models import Fragment
from kb.snippets import SpanFinder, fragments, match_spans

_WS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\x0b": " ", "\x0c": " "})


def reference_fragments(text: str, spans, size: int = 220, count: int = 2) -> tuple[Fragment, ...]:
    """The plain definition: flatten the text, count each window's distinct words over all spans."""
    flat = text[: max((e for _, e in spans), default=0) + size + 64].translate(_WS)

    def snap(a: int, b: int) -> tuple[int, int]:
        if a > 0:
            space = flat.find(" ", a, a + 30)
            a = space + 1 if space != -1 else a
        if b < len(flat):
            space = flat.rfind(" ", b - 30, b)
            b = space if space > a else b
        return a, b

    if not spans:
        a, b = snap(0, min(len(flat), size))
        return (Fragment(" ".join(flat[a:b].split()) + ("…" if b < len(text) else "")),)
    windows = []
    for i in range(len(spans)):
        a = spans[i][0] - size // 5
        a = 0 if a < size // 5 else a
        b = min(len(flat), a + size)
        windows.append((a, b, len({flat[s:e].casefold() for s, e in spans[i:] if s >= a and e <= b})))
    chosen: list[tuple[int, int]] = []
    for a, b, _ in sorted(windows, key=lambda w: (-w[2], w[0])):
        if len(chosen) == count:
            break
        if all(b <= c or a >= d for c, d in chosen):
            chosen.append(snap(a, b))
    return tuple(
        Fragment(flat[a:b], tuple((s - a, e - a) for s, e in spans if s >= a and e <= b))
        for a, b in sorted(chosen)
    )


_WORDS = [
    "Haus",
    "der",
    "Verwaltung",
    "und\n",
    "zum\t",
    "a",
    "Bundesverwaltung,",
    "x" * 40,
    "\n\n",
    "Gesetz.",
    "über",
]


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.sampled_from(_WORDS), max_size=120),
    picks=st.lists(st.integers(0, 10_000), max_size=40),
    size=st.sampled_from([220, 60, 31, 12]),
)
def test_fragments_equal_the_plain_definition(words, picks, size):
    text = " ".join(words)
    tokens = [m.span() for m in re.finditer(r"\w+", text)]
    spans = sorted({tokens[p % len(tokens)] for p in picks}) if tokens else []
    assert fragments(text, spans, size) == reference_fragments(text, spans, size)


def test_one_finder_gives_each_text_the_spans_a_new_finder_gives():
    """Judgements are kept per word and language across a page's texts, never mixed up."""
    terms = {"content": {"haus"}, "fold": {"verwaltung", "uber", "a"}, "stem_de": {"gesetz"}}
    texts = [
        ("de", "Das Haus der Verwaltung über Gesetze, Gesetz und Bundesverwaltung."),
        ("da", "Haus Gesetze Verwaltung a b"),
        ("de", "It's Gesetze' Haus"),  # an apostrophe: stems are found with the stemmer's own tokens
        ("de", "Gesetze Haus über ueber"),
    ]
    finder = SpanFinder(terms)
    for language, text in texts:
        assert finder.spans(text, language) == match_spans(text, terms, language)
    assert finder.spans(texts[0][1], "de") != finder.spans(texts[0][1], "da")  # stems count in German only
