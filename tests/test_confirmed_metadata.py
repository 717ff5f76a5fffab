"""Confirmed metadata is validated the same way at every door (ingest/metadata/confirmed.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.metadata.confirmed import InvalidMetadata, parse_date, validate
from kb.vocabulary import load_vocabulary
from tests.conftest import SEED_CORPUS

VOCABULARY = load_vocabulary(SEED_CORPUS)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("31.12.2020", "2020-12-31"),
        ("1.2.2021", "2021-02-01"),
        ("31. Dezember 2020", "2020-12-31"),
        ("3. marts 2015", "2015-03-03"),
        ("31 december 2020", "2020-12-31"),
        ("December 31, 2020", "2020-12-31"),
        ("1 mei 2021", "2021-05-01"),
        ("18. Mär. 2019", "2019-03-18"),
        ("Dezember 2020", "2020-12"),
        ("2020-12-31", "2020-12-31"),
        ("2020-12", "2020-12"),
        ("  2020 ", "2020"),
        (dt.date(2020, 12, 31), "2020-12-31"),
        (dt.datetime(2020, 12, 31, 10, 5), "2020-12-31"),
        (2019, "2019"),
        ("20201231", "2020-12-31"),
        (20200101, "2020-01-01"),
    ],
)
def test_dates_as_people_type_them_become_iso_dates(typed, iso):
    assert parse_date(typed) == iso


@pytest.mark.parametrize(
    "typed",
    [
        "2020-13-45",
        "31.02.2020",
        "31.12.20",
        "gestern",
        "Smarch 3, 2020",
        "1066",
        "3000",
        "",
        True,
        3.5,
        "20201331",
        20200230,
        "2020123",
    ],
)
def test_anything_else_is_refused_with_one_line_naming_the_forms(typed):
    with pytest.raises(InvalidMetadata) as exc:
        parse_date(typed)
    message = str(exc.value)
    assert message.startswith("date ") and "\n" not in message
    assert "31.12.2020" in message or "the year must be" in message


def test_validate_canonicalises_every_field_and_keeps_other_keys():
    clean = validate(
        {
            "title": "  Ein   Titel ",
            "date": "3. marts 2015",
            "language": "German",
            "doctype": "Press release",
            "networks": "Plastindustrien; MEMA-Netzwerk",
            "regions": ["Trekantomraadet"],
            "topics": ["recycling"],
            "added_by": "anna",
            "notes": [],
        },
        VOCABULARY,
    )
    assert clean == {
        "title": "Ein Titel",
        "date": "2015-03-03",
        "language": "de",
        "doctype": "press-release",
        "networks": ["Plastindustrien", "MEMA-Netzwerk"],
        "regions": ["Trekantområdet"],
        "topics": ["recycling"],
        "added_by": "anna",
    }


@pytest.mark.parametrize(
    ("meta", "start"),
    [
        (
            {"networks": ["Plastic Pirates"]},
            "network 'Plastic Pirates' is not in the vocabulary; known values: ",
        ),
        ({"regions": "Atlantis"}, "region 'Atlantis' is not in the vocabulary; known values: "),
        ({"language": "klingon"}, "language 'klingon' is not a language"),
        ({"doctype": "memo"}, "type 'memo' is not a document type; accepted: press-release, minutes"),
        ({"year": "2020-05"}, "year '2020-05' is not a year"),
        ({"networks": 7}, "networks '7' must be a list of names"),
    ],
)
def test_bad_values_name_the_field_and_what_is_accepted(meta, start):
    with pytest.raises(InvalidMetadata) as exc:
        validate(meta, VOCABULARY)
    assert str(exc.value).startswith(start)
