"""Facets and filters over twelve synthetic documents: OR within a facet, AND across, counts, year ranges."""

from __future__ import annotations

import pytest

from kb.models import SearchRequest

ALL = [f"s{n:02d}" for n in range(1, 13)]


def browse(kb, page_size: int = 100, **filters):
    return kb.search(SearchRequest(page_size=page_size, sort="oldest", **filters))


def ids(page) -> list[str]:
    return sorted(h.id for h in page.hits)


def counts(page, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in page.facet(facet).values}


def test_browsing_everything_counts_every_facet(kb_synthetic):
    page = browse(kb_synthetic)
    assert page.total == 12
    assert ids(page) == ALL
    assert counts(page, "language") == {"de": 5, "da": 4, "nl": 3}
    assert counts(page, "year") == {"2019": 4, "2020": 3, "2021": 3}
    assert counts(page, "network") == {"N-A": 5, "N-B": 4, "N-C": 5}
    assert counts(page, "region") == {"R-Nord": 4, "R-Sud": 3, "R-Dk": 4, "R-Nl": 3}
    assert counts(page, "topic") == {"t-rec": 5, "t-train": 5, "t-dig": 4}
    assert counts(page, "doctype") == {"press-release": 4, "minutes": 4, "project-description": 2, "other": 2}


def test_facet_values_are_ordered_by_count_then_value_and_years_newest_first(kb_synthetic):
    page = browse(kb_synthetic)
    assert [v.value for v in page.facet("region").values] == ["R-Dk", "R-Nord", "R-Nl", "R-Sud"]
    assert [v.value for v in page.facet("year").values] == ["2021", "2020", "2019"]
    assert [f.name for f in page.facets] == ["region", "network", "year", "topic", "doctype", "language"]


def test_unselected_facets_mark_no_value_selected(kb_synthetic):
    page = browse(kb_synthetic)
    assert [v for f in page.facets for v in f.values if v.selected] == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"regions": ("R-Sud",)}, ["s03", "s04", "s05"]),
        ({"networks": ("N-B",)}, ["s02", "s03", "s06", "s07"]),
        ({"years": (2020,)}, ["s03", "s07", "s10"]),
        ({"topics": ("t-dig",)}, ["s04", "s07", "s08", "s11"]),
        ({"doctypes": ("other",)}, ["s05", "s10"]),
        ({"languages": ("nl",)}, ["s10", "s11", "s12"]),
    ],
    ids=["region", "network", "year", "topic", "doctype", "language"],
)
def test_one_value_of_each_facet_filters_to_its_documents(kb_synthetic, filters, expected):
    page = browse(kb_synthetic, **filters)
    assert ids(page) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"regions": ("R-Sud", "R-Nl")}, ["s03", "s04", "s05", "s10", "s11", "s12"]),
        ({"networks": ("N-A", "N-B")}, ["s01", "s02", "s03", "s04", "s06", "s07", "s09", "s11"]),
        ({"years": (2019, 2021)}, ["s01", "s02", "s04", "s06", "s08", "s11", "s12"]),
        ({"topics": ("t-rec", "t-dig")}, ["s01", "s02", "s04", "s05", "s07", "s08", "s10", "s11"]),
        ({"doctypes": ("minutes", "other")}, ["s02", "s03", "s05", "s07", "s10", "s11"]),
        ({"languages": ("da", "nl")}, ["s06", "s07", "s08", "s09", "s10", "s11", "s12"]),
    ],
    ids=["region", "network", "year", "topic", "doctype", "language"],
)
def test_several_values_of_one_facet_are_or_ed(kb_synthetic, filters, expected):
    assert ids(browse(kb_synthetic, **filters)) == expected


def test_filters_of_different_facets_are_and_ed(kb_synthetic):
    page = browse(kb_synthetic, networks=("N-A",), languages=("de",))
    assert ids(page) == ["s01", "s02", "s04"]


def test_each_facet_counts_ignore_its_own_selection_but_respect_the_others(kb_synthetic):
    page = browse(kb_synthetic, networks=("N-A",), languages=("de",))
    # language counted among N-A documents, network among German ones, the rest among both
    assert counts(page, "language") == {"de": 3, "da": 1, "nl": 1}
    assert counts(page, "network") == {"N-A": 3, "N-B": 2, "N-C": 1}
    assert counts(page, "topic") == {"t-rec": 2, "t-train": 1, "t-dig": 1}
    assert counts(page, "year") == {"2019": 2, "2021": 1}
    assert counts(page, "region") == {"R-Nord": 3, "R-Sud": 1}
    assert counts(page, "doctype") == {"press-release": 1, "minutes": 1, "project-description": 1}


def test_selected_values_are_flagged_and_listed_first(kb_synthetic):
    page = browse(kb_synthetic, networks=("N-B",))
    assert [(v.value, v.count, v.selected) for v in page.facet("network").values] == [
        ("N-B", 4, True),
        ("N-A", 5, False),
        ("N-C", 5, False),
    ]


def test_a_selected_value_without_matches_is_shown_with_count_zero(kb_synthetic):
    page = browse(kb_synthetic, languages=("da",), doctypes=("other",))
    assert page.total == 0
    assert page.hits == ()
    assert [(v.value, v.count, v.selected) for v in page.facet("doctype").values] == [
        ("other", 0, True),
        ("press-release", 2, False),
        ("minutes", 1, False),
        ("project-description", 1, False),
    ]


def test_an_unknown_filter_value_matches_nothing(kb_synthetic):
    page = browse(kb_synthetic, networks=("N-Z",))
    assert page.total == 0
    assert counts(page, "network") == {"N-Z": 0, "N-A": 5, "N-B": 4, "N-C": 5}
    assert counts(page, "language") == {}


def test_multi_valued_facet_counts_each_document_once_per_value(kb_synthetic):
    page = browse(kb_synthetic, languages=("da",))
    assert counts(page, "network") == {"N-B": 2, "N-C": 2, "N-A": 1}
    assert counts(page, "region") == {"R-Dk": 4, "R-Nord": 1}
    assert counts(page, "topic") == {"t-train": 2, "t-dig": 2, "t-rec": 1}


@pytest.mark.parametrize(
    ("year_from", "year_to", "expected"),
    [
        (2020, None, ["s03", "s04", "s07", "s08", "s10", "s11"]),
        (None, 2019, ["s01", "s02", "s06", "s12"]),
        (2020, 2020, ["s03", "s07", "s10"]),
        (2019, 2021, ["s01", "s02", "s03", "s04", "s06", "s07", "s08", "s10", "s11", "s12"]),
        (2022, None, []),
        (2021, 2019, []),
    ],
)
def test_year_range_keeps_dated_documents_in_range_and_never_undated_ones(
    kb_synthetic, year_from, year_to, expected
):
    page = browse(kb_synthetic, year_from=year_from, year_to=year_to)
    assert ids(page) == expected
    assert "s05" not in ids(page) and "s09" not in ids(page)


def test_year_range_does_not_narrow_the_year_counts(kb_synthetic):
    page = browse(kb_synthetic, year_from=2020, year_to=2020)
    assert counts(page, "year") == {"2019": 4, "2020": 3, "2021": 3}
    assert counts(page, "language") == {"de": 1, "da": 1, "nl": 1}


def test_year_values_and_range_must_both_hold(kb_synthetic):
    page = browse(kb_synthetic, years=(2019, 2020), year_from=2020)
    assert ids(page) == ["s03", "s07", "s10"]


def test_query_text_and_filters_combine(kb_synthetic):
    page = kb_synthetic.search(SearchRequest("Spritzguss", languages=("de",)))
    assert ids(page) == ["s01", "s03"]
    assert counts(page, "language") == {"de": 2, "da": 1}
    assert counts(page, "network") == {"N-A": 1, "N-B": 1}


def test_facet_counts_add_up_to_the_total_for_single_valued_facets(kb_synthetic):
    page = browse(kb_synthetic, topics=("t-train",))
    assert page.total == 5
    assert sum(counts(page, "language").values()) == 5
    assert sum(counts(page, "doctype").values()) == 5
    # two t-train documents are undated
    assert counts(page, "year") == {"2019": 2, "2020": 1, "2021": 1}


def test_after_a_relaxed_search_a_value_counts_what_selecting_it_shows(kb_seeded):
    """Filtered to Danish, no document has every word, so the search relaxes; under German one does.
    The German count is what selecting German shows (every word), not the "most of the words" matches."""
    text = "Kunststoffnetzwerk Ems-Achse"
    page = kb_seeded.search(SearchRequest(text=text, languages=("da",)))
    assert (page.total, page.relaxed) == (0, False)  # relaxed, and no Danish document has some words
    german = counts(page, "language")["de"]
    chosen = kb_seeded.search(SearchRequest(text=text, languages=("da", "de")))
    assert not chosen.relaxed and chosen.total == german == 1
    for facet in ("network", "year"):  # every facet: its values count the search selecting them shows
        for value, n in counts(page, facet).items():
            field = {"network": "networks", "year": "years"}[facet]
            picked = kb_seeded.search(SearchRequest(text=text, languages=("da",), **{field: (value,)}))
            assert picked.total == n, (facet, value)


def test_a_damaged_facet_row_leaves_that_document_without_facets_and_the_others_whole():
    import numpy as np

    from kb.whoosh_backend.facets import FacetTable

    rows = [
        b'["de","minutes",2020,"2020-03-31",["N-A"],["R"],["t1"]]',
        b'["da","other",2019,"",["N-B"],[],[]]',
        b'["nl", broken',
        None,
    ]
    table = FacetTable(rows, np.ones(4, dtype=bool))
    everything = np.ones(4, dtype=bool)
    assert table.counts("language", everything) == [("da", 1), ("de", 1)]
    assert table.counts("network", everything) == [("N-A", 1), ("N-B", 1)]
    assert table.date_key.tolist() == [20200331, 20190000, 0, 0]


def test_deleted_documents_are_not_live_and_not_counted(kb_empty):
    from tests.conftest import doc

    kb_empty.write([doc(f"d{n}", f"Text {n}", language="de", year=2020 + n % 2) for n in range(6)])
    kb_empty.write([], delete=["d1", "d4"])
    table = kb_empty.session().table
    assert int(table.live.sum()) == 4 and table.size == 6
    page = browse(kb_empty)
    assert ids(page) == ["d0", "d2", "d3", "d5"]
    assert counts(page, "year") == {"2020": 2, "2021": 2}
