"""The five seed documents, their confirmed metadata removed, get the right derived metadata."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.metadata import Derived, apply_confirmed, derive
from ingest.source import Extracted
from kb.models import DOCTYPES
from kb.vocabulary import load_vocabulary

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
VOCABULARY = load_vocabulary(CORPUS)

# (seed prefix, language, doctype, date, networks, regions)
EXPECTED = [
    ("000", "de", "project-description", None, ("Kunststoffnetzwerk Ems-Achse",), ("Ems-Achse",)),
    ("001", "da", "press-release", "2015", ("Plastindustrien",), ("Danmark",)),
    # minutes: the meeting date in the heading, not the sign-off date (01.04.2020)
    ("002", "de", "minutes", "2020-03-31", ("JOBSTARTER-Kunststoffallianz",), ("Deutschland",)),
    ("003", "de", "press-release", "2021-11-18", ("Wachstumsregion Ems-Achse",), ("Ems-Achse",)),
    ("004", "da", "project-description", None, ("DIMA",), ("Trekantområdet",)),
]


def seed(prefix: str) -> tuple[Path, dict]:
    (path,) = sorted((CORPUS / "documents").glob(f"{prefix}_*.txt"))
    return path, json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))


def derived(prefix: str) -> Derived:
    path, _ = seed(prefix)
    return derive(Extracted(text=path.read_text(encoding="utf-8"), format="text"), VOCABULARY, path.name)


@pytest.mark.parametrize(("prefix", "language", "doctype", "date", "networks", "regions"), EXPECTED)
def test_seed_metadata_is_derived_from_text(prefix, language, doctype, date, networks, regions):
    result = derived(prefix)
    assert (result.language, result.doctype, result.date) == (language, doctype, date)
    assert result.year == (int(date[:4]) if date else None)
    assert (result.networks, result.regions) == (networks, regions)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_derivations_agree_with_the_sidecars(prefix):
    result = derived(prefix)
    _, meta = seed(prefix)
    assert result.title == meta["title"]
    assert result.language == meta["language"]
    assert result.doctype == meta["doctype"]
    assert result.date == meta.get("date")
    assert result.networks[0] == meta["networks"][0]
    assert set(result.networks) <= set(meta["networks"])
    assert result.regions == tuple(meta["regions"])
    assert len(set(result.topics) & set(meta["topics"])) >= 0.5 * len(meta["topics"])


def test_confirmed_sidecar_metadata_wins_over_derived():
    for prefix in ("000", "001", "002", "003", "004"):
        _, meta = seed(prefix)
        result = apply_confirmed(derived(prefix), meta, VOCABULARY)
        assert result.networks == tuple(meta["networks"])
        assert result.topics == tuple(meta["topics"])
        assert result.doctype == meta["doctype"]
        assert result.date == meta.get("date")


def test_confirmed_values_are_canonicalised_and_validated():
    import datetime as dt

    base = derived("004")
    result = apply_confirmed(
        base,
        {
            "title": "  Nye   initiativer ",
            "language": "da-DK",
            "date": dt.date(2019, 5, 3),
            "networks": ["danish international manufacturing academy"],
            "regions": "trekantomradet, Dänemark",
            "topics": ["Produktion", "leadership"],
            "doctype": "not-a-doctype",
        },
        VOCABULARY,
    )
    assert result.title == "Nye initiativer"
    assert (result.language, result.date, result.year) == ("da", "2019-05-03", 2019)
    assert result.networks == ("DIMA",)
    assert result.regions == ("Trekantområdet", "Danmark")
    assert result.topics == ("production", "leadership")
    assert result.doctype == base.doctype


def test_a_confirmed_year_only_date_sets_the_year():
    result = apply_confirmed(derived("000"), {"date": "2015"}, VOCABULARY)
    assert (result.date, result.year) == ("2015", 2015)
    result = apply_confirmed(derived("002"), {"year": 2019}, VOCABULARY)
    assert (result.date, result.year) == ("2019", 2019)


def test_a_declared_date_and_language_are_used_before_the_text():
    path, _ = seed("002")
    extracted = Extracted(
        text=path.read_text(encoding="utf-8"), format="text", date="2020-04-01", language="en"
    )
    result = derive(extracted, VOCABULARY, path.name)
    assert (result.date, result.language) == ("2020-04-01", "en")


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=600), title=st.one_of(st.none(), st.text(max_size=80)))
def test_derive_never_raises_on_arbitrary_text(text, title):
    result = derive(Extracted(text=text, format="text", title=title), VOCABULARY, "x.txt")
    assert result.title and isinstance(result.title, str)
    assert result.doctype in DOCTYPES
    assert result.year is None or result.year >= 1950
    assert all(isinstance(v, str) for v in (*result.networks, *result.regions, *result.topics))


_CONFIRMED_SUBSETS = [
    {},
    {"date": "2019-05-01"},
    {"networks": ["DIMA"], "regions": "Ems-Achse"},
    {"topics": ["recycling"], "doctype": "minutes", "language": "de"},
    {"date": "no date", "doctype": "nonsense", "networks": 7},  # invalid: derived as without them
    {"title": "T", "date": 2020, "networks": [], "regions": [], "topics": [], "doctype": "other"},
]


@pytest.mark.parametrize("prefix", [e[0] for e in EXPECTED])
@pytest.mark.parametrize("confirmed", _CONFIRMED_SUBSETS)
def test_confirmed_fields_are_not_derived_and_the_result_is_the_same(prefix, confirmed):
    """derive skips what is validly confirmed; with the confirmed values applied nothing changes."""
    path, _ = seed(prefix)
    extracted = Extracted(text=path.read_text(encoding="utf-8"), format="text")
    fast = apply_confirmed(
        derive(extracted, VOCABULARY, path.name, confirmed=confirmed), confirmed, VOCABULARY
    )
    full = apply_confirmed(derive(extracted, VOCABULARY, path.name), confirmed, VOCABULARY)
    assert fast == full
