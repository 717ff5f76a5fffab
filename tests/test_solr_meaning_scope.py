"""The Solr backend's rule for when the words' matches among the store's best documents hold the best of
all their matches by meaning (`SolrBackend._best_known`): no Solr needed, the rule is arithmetic."""

from __future__ import annotations

import numpy as np

from kb.models import SearchRequest
from kb.semantic.channel import BRIDGE_POOL, MEANING_DEPTH, MEANING_LIFT
from kb.solr_backend.backend import SolrBackend

#: A store of 1,000 documents whose cosines fall evenly from 0.9 to 0.7 (document 0 the nearest).
SCORES = np.linspace(0.9, 0.7, 1000).astype(np.float32)
PLAIN = SearchRequest("Netzwerk")


def known(members: int, matching: int, first: list[int], request=PLAIN, strict="q") -> bool:
    asked = np.arange(members)
    return SolrBackend._best_known(
        SCORES,
        asked,
        len(SCORES),
        {f"d{n}" for n in range(matching)},
        np.array(first, dtype=np.int64),
        request,
        strict,
    )


def test_every_document_asked_is_all_there_is_to_know():
    assert SolrBackend._best_known(SCORES, np.arange(1000), 1000, set(), np.array([5]), PLAIN, "q")


def test_enough_matches_among_the_asked_hold_the_candidates():
    assert known(100, MEANING_DEPTH, [999])
    assert not known(100, MEANING_DEPTH - 1, [999])  # the last asked lies above the floor: unknown


def test_a_language_filters_bridge_needs_its_whole_pool():
    bridged = SearchRequest("Netzwerk", languages=("de",))
    assert not known(200, MEANING_DEPTH, [999], bridged)
    assert known(200, BRIDGE_POOL, [999], bridged)
    assert known(200, MEANING_DEPTH, [999], bridged, strict=None)  # no bridge without a strict plan


def test_below_the_floor_nothing_more_can_be_a_candidate():
    # the words' first match (document 500) scores about 0.8: a candidate must reach it + MEANING_LIFT,
    # which document 350 does and 351 does not
    floor = float(SCORES[500]) + MEANING_LIFT
    assert float(SCORES[350]) >= floor > float(SCORES[351])
    assert known(352, 0, [500])  # the last asked (351) lies below the floor
    assert not known(351, 0, [500])  # the last asked (350) reaches it: one not asked might too
    assert not known(352, 0, [])  # no first match with a vector: no floor to go by
