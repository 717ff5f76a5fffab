"""Searching: the seed corpus acceptance queries, folding, compound parts, snippets, sorting, paging."""

from __future__ import annotations

import pytest

from kb.models import SearchRequest
from tests.conftest import doc

EMS_ACHSE = ["documents/000_29bb637916ff8d4d", "documents/003_52458518a7f32b1d"]
TREKANT = "documents/004_a376ae4560a2eac7"
DANISH = ["documents/001_c1da5292cc622186", "documents/004_a376ae4560a2eac7"]


def ids(page) -> list[str]:
    return sorted(h.id for h in page.hits)


def counts(page, facet: str) -> dict[str, int]:
    return {v.value: v.count for v in page.facet(facet).values}


# -- the seed corpus -----------------------------------------------------------------------------------


def test_ems_achse_finds_the_two_ems_achse_seeds_with_facet_counts_that_add_up(kb_seeded):
    page = kb_seeded.search(SearchRequest("Ems-Achse"))
    assert ids(page) == EMS_ACHSE
    assert page.total == 2
    assert counts(page, "language") == {"de": 2}
    assert counts(page, "doctype") == {"press-release": 1, "project-description": 1}
    assert counts(page, "region") == {"Ems-Achse": 2}
    assert counts(page, "year") == {"2021": 1}  # 000 is undated
    assert counts(page, "network") == {
        "Kunststoffnetzwerk Ems-Achse": 1,
        "MEMA-Netzwerk": 1,
        "Wachstumsregion Ems-Achse": 1,
    }


def test_trekantomraadet_typed_without_a_ring_finds_the_trekantomradet_document(kb_seeded):
    page = kb_seeded.search(SearchRequest("Trekantomraadet"))
    assert ids(page) == [TREKANT]


def test_danish_filter_keeps_the_two_danish_seeds_and_still_counts_the_german_ones(kb_seeded):
    page = kb_seeded.search(SearchRequest(languages=("da",)))
    assert ids(page) == DANISH
    assert counts(page, "language") == {"de": 3, "da": 2}
    assert counts(page, "year") == {"2015": 1}


def test_browsing_the_seeds_lists_all_five(kb_seeded):
    page = kb_seeded.search(SearchRequest())
    assert page.total == 5
    assert counts(page, "doctype") == {"press-release": 2, "project-description": 2, "minutes": 1}
    assert counts(page, "year") == {"2021": 1, "2020": 1, "2015": 1}


def test_a_word_in_no_document_finds_nothing(kb_seeded):
    page = kb_seeded.search(SearchRequest("Xylophonquartett", fuzzy=False, expand=False))
    assert page.total == 0
    assert page.hits == ()


# -- folding, compounds, snippets on small documents ------------------------------------------------------

SMALL = [
    doc("lab", "Das Schülerlabor öffnet im Mai.", language="de"),
    doc("net", "Das Kunststoffnetzwerk trifft sich.", language="de"),
    doc("tilbud", "Plastindustrien lancerer nye netværkstilbud i år.", language="da"),
    doc("trekant", "Møde i Trekantområdet om fremtiden.", language="da"),
    doc("plain", "Schulerlabor ohne Umlaut geschrieben.", language="de"),
]


@pytest.fixture(scope="module")
def kb_small(tmp_path_factory):
    from tests.conftest import empty_kb

    kb = empty_kb(tmp_path_factory.mktemp("small"))
    kb.write(SMALL)
    yield kb
    kb.close()


def search_ids(kb, text: str) -> list[str]:
    return ids(kb.search(SearchRequest(text, fuzzy=False, expand=False)))


@pytest.mark.parametrize("text", ["Schülerlabor", "Schulerlabor", "SCHÜLERLABOR"])
def test_umlauts_fold_both_ways(kb_small, text):
    assert search_ids(kb_small, text) == ["lab", "plain"]


def test_ue_typed_for_u_umlaut_is_the_umlaut_first_and_finds_what_it_finds(kb_small):
    # "Schuelerlabor" is "Schülerlabor" typed without the letter: its forms too (the German stem of
    # both spellings is "schulerlabor"), the document spelt as typed first
    assert search_ids(kb_small, "Schuelerlabor") == search_ids(kb_small, "Schülerlabor") == ["lab", "plain"]


@pytest.mark.parametrize("text", ["Trekantområdet", "Trekantomraadet", "Trekantomradet", "trekantOMRÅDET"])
def test_danish_a_ring_folds_both_ways(kb_small, text):
    assert search_ids(kb_small, text) == ["trekant"]


def test_a_compound_is_found_by_its_last_part_netzwerk(kb_small):
    assert search_ids(kb_small, "Netzwerk") == ["net"]


def test_a_compound_is_found_by_its_first_part_kunststoff(kb_small):
    assert search_ids(kb_small, "Kunststoff") == ["net"]


def test_a_danish_compound_is_found_by_its_part_tilbud(kb_small):
    assert search_ids(kb_small, "tilbud") == ["tilbud"]


def test_snippet_marks_matches_with_guillemets(kb_small):
    (hit,) = kb_small.search(SearchRequest("Trekantomraadet")).hits
    assert hit.snippet == "Møde i «Trekantområdet» om fremtiden."


def test_snippet_marks_the_whole_word_found_by_a_folded_query(kb_small):
    page = kb_small.search(SearchRequest("Schuelerlabor", fuzzy=False, expand=False))
    assert [h.snippet for h in page.hits] == [
        "Das «Schülerlabor» öffnet im Mai.",
        "«Schulerlabor» ohne Umlaut geschrieben.",
    ]


def test_snippets_of_the_seed_corpus_hold_no_html(kb_seeded):
    page = kb_seeded.search(SearchRequest("Netzwerk", page_size=10))
    assert page.total >= 3
    for hit in page.hits:
        assert "«" in hit.snippet and "»" in hit.snippet
        assert "<" not in hit.snippet and "&lt;" not in hit.snippet and "&amp;" not in hit.snippet


def test_snippet_without_a_query_is_the_opening_unmarked(kb_small):
    page = kb_small.search(SearchRequest(languages=("da",), sort="oldest"))
    assert [h.snippet for h in page.hits] == [
        "Plastindustrien lancerer nye netværkstilbud i år.",
        "Møde i Trekantområdet om fremtiden.",
    ]


def test_a_title_match_ranks_above_a_body_match(kb_empty):
    kb_empty.write(
        [
            doc("body", "Wir sprechen über Extrusion im Werk.", title="Bericht", language="de"),
            doc("title", "Ein Bericht aus dem Werk.", title="Extrusion", language="de"),
        ]
    )
    page = kb_empty.search(SearchRequest("Extrusion", expand=False, fuzzy=False))
    assert [h.id for h in page.hits] == ["title", "body"]
    assert page.hits[0].score > page.hits[1].score > 0


# -- sorting and paging ----------------------------------------------------------------------------------

NEWEST = ["s04", "s11", "s08", "s07", "s03", "s10", "s06", "s12", "s01", "s02", "s05", "s09"]
OLDEST = ["s02", "s01", "s12", "s06", "s10", "s03", "s07", "s08", "s11", "s04", "s05", "s09"]


def test_newest_first_puts_undated_documents_last(kb_synthetic):
    page = kb_synthetic.search(SearchRequest(sort="newest", page_size=12))
    assert [h.id for h in page.hits] == NEWEST


def test_oldest_first_puts_undated_documents_last(kb_synthetic):
    page = kb_synthetic.search(SearchRequest(sort="oldest", page_size=12))
    assert [h.id for h in page.hits] == OLDEST


def test_browsing_without_a_query_sorts_newest_first(kb_synthetic):
    page = kb_synthetic.search(SearchRequest(sort="relevance", page_size=12))
    assert [h.id for h in page.hits] == NEWEST


def test_a_query_sorted_by_date_keeps_only_its_matches_in_date_order(kb_synthetic):
    newest = kb_synthetic.search(SearchRequest("Spritzguss", sort="newest"))
    oldest = kb_synthetic.search(SearchRequest("Spritzguss", sort="oldest"))
    assert [h.id for h in newest.hits] == ["s07", "s03", "s01"]
    assert [h.id for h in oldest.hits] == ["s01", "s03", "s07"]
    assert [h.score for h in newest.hits] == [0.0, 0.0, 0.0]


def test_an_unknown_sort_falls_back_to_relevance(kb_synthetic):
    page = kb_synthetic.search(SearchRequest("Spritzguss", sort="random"))
    assert ids(page) == ["s01", "s03", "s07"]
    assert all(h.score > 0 for h in page.hits)


@pytest.mark.parametrize(("number", "expected"), [(1, NEWEST[:5]), (2, NEWEST[5:10]), (3, NEWEST[10:])])
def test_pages_split_the_results_in_order(kb_synthetic, number, expected):
    page = kb_synthetic.search(SearchRequest(sort="newest", page=number, page_size=5))
    assert [h.id for h in page.hits] == expected
    assert page.total == 12
    assert page.pages == 3


def test_a_page_beyond_the_end_is_empty_but_keeps_total_and_facets(kb_synthetic):
    page = kb_synthetic.search(SearchRequest(sort="newest", page=4, page_size=5))
    assert page.hits == ()
    assert page.total == 12
    assert counts(page, "language") == {"de": 5, "da": 4, "nl": 3}


def test_page_two_of_a_relevance_search_continues_page_one(kb_synthetic):
    first = kb_synthetic.search(SearchRequest("Kunststoff", page=1, page_size=7, expand=False))
    second = kb_synthetic.search(SearchRequest("Kunststoff", page=2, page_size=7, expand=False))
    assert first.total == second.total == 12
    assert len(first.hits) == 7 and len(second.hits) == 5
    assert sorted(h.id for h in (*first.hits, *second.hits)) == sorted(NEWEST)


def test_page_size_is_capped_at_one_hundred(kb_empty):
    kb_empty.write([doc(f"d{n:03d}", "Gleicher Text.", language="de") for n in range(105)])
    page = kb_empty.search(SearchRequest(page_size=500))
    assert page.total == 105
    assert len(page.hits) == 100
