"""A query plan (kb/plan.py) as a whoosh query tree, for the Whoosh backend's engine (kb/engine.py).

One whoosh node per plan node, then the AND/OR groups of terms merged and whoosh's `normalize`
applied: the tree the engine evaluates is the one the query builder made before the plan existed, so
rankings are unchanged. Prefix, wildcard and fuzzy nodes stay whoosh's own; a search session expands
them into the terms that exist (kb/collect.py).
"""

from __future__ import annotations

from functools import lru_cache

from whoosh import query as Q

from kb import plan as P
from kb.whoosh_backend.collect import merge_term_groups
from kb.whoosh_backend.schema import build_schema


def compile_plan(node: P.Node) -> Q.Query:
    """The whoosh query of a plan, normalized (what kb/engine.py and kb/snippets.py take)."""
    return merge_term_groups(to_whoosh(node)).normalize()


def to_whoosh(node: P.Node) -> Q.Query:
    """The whoosh node of a plan node, one for one (not normalized)."""
    kind = type(node)
    compile_node = _COMPILERS.get(kind)
    if compile_node is None:
        raise TypeError(f"not a plan node: {kind.__name__}")
    return compile_node(node)


def _term(n: P.Term) -> Q.Query:
    return Q.Term(n.field, n.text, boost=n.boost)


class OneWord(Q.Phrase):
    """A quoted word: a phrase of one word, kept until its spellings are looked up (kb.collect's
    `_respelt`: '"netvaerkstilbud"' finds "netværkstilbud"), where whoosh made it a plain term."""

    def normalize(self):
        return self


def _phrase(n: P.Phrase) -> Q.Query:
    if len(n.words) == 1:
        return OneWord(n.field, list(n.words), boost=n.boost)
    return Q.Phrase(n.field, list(n.words), slop=n.slop, boost=n.boost)


def _prefix(n: P.Prefix) -> Q.Query:
    return Q.Prefix(n.field, n.text, boost=n.boost)


def _wildcard(n: P.Wildcard) -> Q.Query:
    return Q.Wildcard(n.field, n.pattern, boost=n.boost)


def _fuzzy(n: P.Fuzzy) -> Q.Query:
    return Q.FuzzyTerm(n.field, n.text, boost=n.boost, maxdist=n.maxdist, prefixlength=n.prefix)


def _range(n: P.Range) -> Q.Query:
    low, high = n.low, n.high
    if n.field == "year":
        # Over the full-precision terms only: whoosh's NumericRange finds wrong documents on an
        # unsigned field (0 to 2019 found 2020; 0 to 0 found every year).
        field = _year_field()
        low, high = field.to_bytes(low), field.to_bytes(high)
    return Q.TermRange(n.field, low, high, not n.include_low, not n.include_high, boost=n.boost)


@lru_cache(maxsize=1)
def _year_field():
    return build_schema()["year"]


def _and(n: P.And) -> Q.Query:
    return Q.And([to_whoosh(c) for c in n.items], boost=n.boost)


def _or(n: P.Or) -> Q.Query:
    return Q.Or([to_whoosh(c) for c in n.items], boost=n.boost)


def _not(n: P.Not) -> Q.Query:
    return Q.Not(to_whoosh(n.item), boost=n.boost)


def _and_not(n: P.AndNot) -> Q.Query:
    return _boosted(Q.AndNot(to_whoosh(n.positive), to_whoosh(n.negative)), n.boost)


def _and_maybe(n: P.AndMaybe) -> Q.Query:
    return _boosted(Q.AndMaybe(to_whoosh(n.required), to_whoosh(n.optional)), n.boost)


def _require(n: P.Require) -> Q.Query:
    return _boosted(Q.Require(to_whoosh(n.scored), to_whoosh(n.condition)), n.boost)


def _boosted(q: Q.Query, boost: float) -> Q.Query:
    """A binary whoosh node carries no boost of its own (the builder gives them none): a group of one."""
    return q if boost == 1.0 else Q.And([q], boost=boost)


def _every(n: P.Every) -> Q.Query:
    return Q.Every(n.field, boost=n.boost)


def _nothing(_: P.Nothing) -> Q.Query:
    return Q.NullQuery


_COMPILERS = {
    P.Term: _term,
    P.Phrase: _phrase,
    P.Prefix: _prefix,
    P.Wildcard: _wildcard,
    P.Fuzzy: _fuzzy,
    P.Range: _range,
    P.And: _and,
    P.Or: _or,
    P.Not: _not,
    P.AndNot: _and_not,
    P.AndMaybe: _and_maybe,
    P.Require: _require,
    P.Every: _every,
    P.Nothing: _nothing,
}
