"""Properties (hypothesis): the query builder never fails except with QuerySyntaxError, check_syntax
agrees with balanced quotes and parentheses, a year or year range in a query finds exactly its
documents or is a one-line QuerySyntaxError, and safe_filename always yields a safe, normalised name.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.service import MAX_NAME_CHARS, safe_filename
from kb.errors import QuerySyntaxError
from kb.models import SearchRequest
from kb.query import MAX_QUERY_CHARS, MAX_YEAR, QueryPlan, build_query, check_syntax
from kb.vocabulary import load_vocabulary
from tests.conftest import SEED_CORPUS, doc, empty_kb

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


#: The years of the documents of `kb_years` (None: unknown, indexed as 0).
YEARS = {"y0": None, "y1": 1, "y1999": 1999, "y2015": 2015, "y2020": 2020, "y2021": 2021, "y9999": 9999}
#: What a user may type as a year: numbers of any size and sign, and digits of other scripts.
YEAR_TEXT = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.integers(min_value=0, max_value=MAX_YEAR).map(str),
    st.sampled_from(["2020", "02020", "0", "9999", "10000", "4294967296", "²", "٢٠٢٠", "1e3", "0x10", "+5"]),
)


@pytest.fixture(scope="module")
def kb_years(tmp_path_factory):
    kb = empty_kb(tmp_path_factory.mktemp("years"))
    kb.write([doc(doc_id, f"Dokument {doc_id}", year=year) for doc_id, year in YEARS.items()])
    yield kb
    kb.close()


def _found(kb, text: str) -> set[str]:
    return {h.id for h in kb.search(SearchRequest(text=text, page_size=50)).hits}


def _year(text: str) -> int | None:
    """The year a text names, None when it is none (what the query must refuse: 0 is how the index holds
    "no date", no year a user means)."""
    if not text.isdecimal():
        return None
    value = int(text)
    return value if 1 <= value <= MAX_YEAR else None


@PROPERTY
@given(YEAR_TEXT)
def test_a_year_in_a_query_finds_its_documents_or_is_a_one_line_syntax_error(kb_years, text):
    try:
        found = _found(kb_years, f"year:{text}")
    except QuerySyntaxError as exc:
        assert _year(text) is None
        assert str(exc).startswith("year:") and "\n" not in str(exc)
        return
    assert _year(text) is not None
    assert found == {i for i, y in YEARS.items() if (y or 0) == _year(text)}


@PROPERTY
@given(
    st.one_of(st.none(), YEAR_TEXT),
    st.one_of(st.none(), YEAR_TEXT),
    st.sampled_from("[{"),
    st.sampled_from("]}"),
)
def test_a_year_range_finds_the_documents_within_or_is_a_one_line_syntax_error(
    kb_years, start, end, left, right
):
    text = f"year:{left}{start or ''} TO {end or ''}{right}"
    if end and end.startswith("+"):  # "+" after a space marks a word that must match: it is dropped
        end = end[1:]
    invalid = any(v is not None and _year(v) is None for v in (start, end))
    try:
        found = _found(kb_years, text)
    except QuerySyntaxError as exc:
        both_open = start is None and end is None  # "year:[ TO ]" names no year
        assert both_open or invalid
        assert str(exc).startswith("year:") and "\n" not in str(exc)
        return
    if (start or "") == (end or "") and (left == "{" or right == "}"):
        assert found == set()  # an empty range: the parser makes it match nothing, whatever its ends
        return
    low = 1 if start is None else _year(start)  # an open start leaves out the unknown years
    high = MAX_YEAR if end is None else _year(end)
    assert low is not None and high is not None

    def within(year: int) -> bool:
        above = year > low if left == "{" else year >= low
        below = year < high if right == "}" else year <= high
        return above and below

    assert found == {i for i, y in YEARS.items() if within(y or 0)}
