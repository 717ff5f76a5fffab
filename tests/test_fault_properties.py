"""Properties (hypothesis): the query builder never fails except with QuerySyntaxError, check_syntax
agrees with balanced quotes and parentheses, and safe_filename always yields a safe, normalised name.
"""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.service import MAX_NAME_CHARS, safe_filename
from kb.errors import QuerySyntaxError
from kb.query import MAX_QUERY_CHARS, QueryPlan, build_query, check_syntax
from kb.vocabulary import load_vocabulary
from tests.conftest import SEED_CORPUS

VOCABULARY = load_vocabulary(SEED_CORPUS)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Query text made mostly of the characters and words the parser gives meaning to.
SYNTAX = st.lists(
    st.one_of(
        st.sampled_from(
            ['"', "(", ")", "*", "?", "~", ":", "^", "+", "-", "\\", "/", "[", "]", "{", "}", " ", "  "]
        ),
        st.sampled_from(["AND", "OR", "NOT", "TO", "title", "year", "lang", "network", "2020", "2020-2021"]),
        st.sampled_from(["Netzwerk", "netværk", "Kunststoff", "Ems-Achse", "ø", "ß", "İ", "ﬁ", "e\u0301"]),
        st.text(max_size=4),
    ),
    max_size=30,
).map("".join)
QUERY_TEXT = st.one_of(SYNTAX, st.text(max_size=200))


def balanced(text: str) -> bool:
    if text.count('"') % 2:
        return False
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


@PROPERTY
@given(QUERY_TEXT)
@example("a" * 10_000)
@example('"')
@example("title:")
@example("year:[2020 TO")
@example("NOT")
@example("~2")
@example("\x00")
def test_build_query_returns_a_plan_or_raises_query_syntax_error(text):
    for expand, fuzzy in ((True, True), (False, False)):
        try:
            plan = build_query(
                text, vocabulary=VOCABULARY, expand=expand, fuzzy=fuzzy, doc_frequency=lambda w: 1
            )
        except QuerySyntaxError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert isinstance(plan, QueryPlan)


@PROPERTY
@given(QUERY_TEXT)
def test_check_syntax_agrees_with_balanced_quotes_and_parentheses(text):
    try:
        check_syntax(text)
    except QuerySyntaxError:
        accepted = False
    else:
        accepted = True
    if accepted:
        assert balanced(text) and len(text) <= MAX_QUERY_CHARS
    if not balanced(text) or len(text) > MAX_QUERY_CHARS:
        assert not accepted


@PROPERTY
@given(st.text(max_size=300).filter(lambda t: len(t) <= MAX_QUERY_CHARS))
def test_balanced_text_without_leading_wildcards_passes_check_syntax(text):
    text = text.replace('"', "").replace("(", "").replace(")", "").replace("*", "").replace("?", "")
    check_syntax(text)


NAMES = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(
            st.sampled_from(["..", ".", "/", "\\", "\x00", "\n", "\u202e", "\u200b", "\u0301", "C:", "~"]),
            st.sampled_from(["\u1100", "\u1161", "e", "A\u030a", "ﬁ", "ß", ".pdf", ".txt", " "]),
            st.text(max_size=8),
        ),
        max_size=40,
    ).map("".join),
)


@PROPERTY
@given(NAMES)
@example("e\u200b\u0301.txt")
@example("\u1100\u200b\u1161.txt")  # Hangul jamo that compose once the invisible character is gone
@example("." * 300)
@example("0.000000000 0")
@example("a" * 1000 + "." + "b" * 1000)
def test_safe_filename_is_always_safe(name):
    safe = safe_filename(name)
    assert safe not in ("", ".", "..")
    assert not any(ch in safe for ch in "/\\\x00")
    assert not any(unicodedata.category(ch).startswith("C") for ch in safe)
    assert unicodedata.is_normalized("NFC", safe)
    assert len(safe) <= MAX_NAME_CHARS + 1
    assert safe_filename(safe) == safe  # stable: storing a stored name again keeps it
