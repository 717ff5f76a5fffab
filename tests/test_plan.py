"""The query plan (kb/plan.py): engine-neutral nodes, a JSON round trip, every node compiled for Whoosh."""

from __future__ import annotations

import ast
import json

import pytest
from whoosh import query as Q

from kb import plan as P
from kb.query import ConceptIndex, build_query
from kb.vocabulary import load_vocabulary
from kb.whoosh_backend.compile import compile_plan, to_whoosh
from tests.conftest import REPO, SEED_CORPUS

VOCABULARY = load_vocabulary(SEED_CORPUS)
CONCEPTS = ConceptIndex(VOCABULARY)

TEXTS = [
    "Netzwerk",
    "Kunststoffnetzwerk",
    "network offers",
    "Trekantomraadet",
    "Funktion Tabelle",
    '"Säulen und Balken"~3',
    "kunst* OR netw?rk",
    "Spritzgus~2",
    "year:[2019 TO 2021] lang:da",
    "network:kunststoffnetzwerk-emsachse",
    "title:Netzwerk -Kunststoff",
    "a ANDMAYBE b",
    "a ANDNOT b",
    "a REQUIRE b",
    "NOT Protokoll",
    "Protokoll:RB",
    "",
]

EVERY_NODE = [
    P.Term("content", "netzwerk", boost=2.0, kind=P.EXACT),
    P.Phrase("content", ("kunststoff", "netzwerk"), slop=4, kind=P.PROXIMITY),
    P.Prefix("fold", "kunst", kind=P.HEAD),
    P.Wildcard("title", "netw?rk"),
    P.Fuzzy("fold", "spritzgus", maxdist=2, prefix=1, boost=0.25, kind=P.FUZZY),
    P.Range("year", 2019, 2021, include_high=False, kind=P.FILTER),
    P.Range("network", "a", None),
    P.And((P.Term("fold", "netz"), P.Term("fold", "werk")), boost=0.5, kind=P.COMPOUND),
    P.Or((P.Term("title", "a"), P.Term("content", "a")), kind=P.WORD),
    P.Not(P.Term("content", "a")),
    P.AndNot(P.Term("content", "a"), P.Term("content", "b")),
    P.AndMaybe(P.Term("content", "a"), P.Term("content", "b")),
    P.Require(P.Term("content", "a"), P.Term("content", "b")),
    P.Every(),
    P.Every("title"),
    P.NOTHING,
]


def plan_of(text: str, **options) -> P.Node:
    return build_query(text, vocabulary=VOCABULARY, concepts=CONCEPTS, **options).query


def test_every_node_type_is_in_the_examples_and_compiles_for_whoosh():
    assert {type(n) for n in EVERY_NODE} == set(P.TYPES.values())
    for node in EVERY_NODE:
        assert isinstance(to_whoosh(node), Q.Query)
        assert isinstance(compile_plan(node), Q.Query)
    assert compile_plan(P.NOTHING) is Q.NullQuery
    assert compile_plan(P.Range("year", 2020, 2020)) == Q.Term("year", b"\x00\x00\x00\x07\xe4")


@pytest.mark.parametrize("node", EVERY_NODE, ids=lambda n: type(n).__name__)
def test_a_node_dumps_to_json_and_back(node):
    data = json.loads(json.dumps(P.to_dict(node)))
    assert P.from_dict(data) == node
    assert data["type"] == type(node).__name__


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("options", [{}, {"relaxed": True, "filtered": True}])
def test_a_built_plan_round_trips_through_json_and_compiles_alike(text, options):
    plan = plan_of(text, **options)
    again = P.from_dict(json.loads(json.dumps(P.to_dict(plan))))
    assert again == plan and hash(again) == hash(plan)
    assert compile_plan(again) == compile_plan(plan)


def test_a_word_fans_out_into_alternatives_marked_with_their_kind():
    plan = plan_of("Netzwerk", filtered=True)
    assert isinstance(plan, P.Or) and plan.kind == P.WORD
    kinds = {n.kind for n in plan.items}
    assert {P.EXACT, P.FOLDED, P.STEM, P.CONCEPT, P.COGNATE} <= kinds
    assert set(P.KINDS) >= {n.kind for n in P.walk(plan)}
    assert any(isinstance(n, P.Term) and n.text == "#netsv" and n.kind == P.COGNATE for n in P.walk(plan))
    parts = plan_of("plastnetværk")  # a vocabulary word is never split: one that is none
    assert {(n.field, n.text) for n in P.walk(parts) if n.kind == P.COMPOUND and isinstance(n, P.Term)} == {
        ("title_fold", "plast"),
        ("title_fold", "netvaerk"),
        ("fold", "plast"),
        ("fold", "netvaerk"),
    }


def test_a_multiword_query_gets_its_proximity_clause_and_a_typo_its_fuzzy_node():
    plan = plan_of("Kunststoff Netzwerk")
    assert isinstance(plan, P.AndMaybe)
    assert plan.optional == P.Phrase(
        "content", ("kunststoff", "netzwerk"), slop=4, boost=1.5, kind=P.PROXIMITY
    )
    typo = plan_of("Spritzgusmachine", doc_frequency=lambda _: 0)
    assert [n for n in P.walk(typo) if isinstance(n, P.Fuzzy)] == [
        P.Fuzzy("fold", "spritzgusmachine", maxdist=2, prefix=1, boost=0.25, kind=P.FUZZY)
    ]


def test_years_are_integers_and_field_values_filters():
    plan = plan_of("year:[2019 TO] type:minutes")
    assert plan == P.And(
        (P.Range("year", 2019, 9999, kind=P.FILTER), P.Term("doctype", "minutes", kind=P.FILTER))
    )


def test_leaves_and_walk():
    plan = P.AndMaybe(P.Or((P.Term("a", "x"), P.Term("b", "y"))), P.Phrase("c", ("x", "y")))
    assert [type(n).__name__ for n in P.walk(plan)] == ["AndMaybe", "Or", "Term", "Term", "Phrase"]
    assert list(P.leaves(plan)) == [P.Term("a", "x"), P.Term("b", "y"), P.Phrase("c", ("x", "y"))]


def test_from_dict_refuses_what_is_no_plan():
    with pytest.raises(ValueError, match="not a plan node"):
        P.from_dict({"type": "Bogus"})
    with pytest.raises(ValueError, match="not a plan node"):
        P.from_dict({"field": "x"})


def test_the_plan_module_imports_nothing_beyond_the_standard_library():
    tree = ast.parse((REPO / "kb" / "plan.py").read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert imported <= {"__future__", "collections", "dataclasses"}


def test_transform_replaces_what_visit_gives_and_keeps_every_untouched_node_itself():
    from kb import plan as P

    leaf = P.Term("fold", "a")
    plan = P.Require(P.Or((leaf, P.Fuzzy("fold", "abcde"))), P.Not(P.Fuzzy("fold", "xyzzy")))
    assert P.transform(plan, lambda n: None) is plan
    out = P.transform(plan, lambda n: P.Term("fold", n.text) if isinstance(n, P.Fuzzy) else None)
    assert out == P.Require(P.Or((leaf, P.Term("fold", "abcde"))), P.Not(P.Term("fold", "xyzzy")))
    assert out.scored.items[0] is leaf
