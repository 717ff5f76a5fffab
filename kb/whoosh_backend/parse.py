"""The structure of a query text, read by whoosh's query parser, as a plan of raw words.

Operators (AND, OR, NOT, ANDNOT, ANDMAYBE, REQUIRE), groups, "phrases"~slop, field:value, ranges,
prefix*, w?ldcards, word~2/1 and boosts^2; nothing is analysed yet: a word typed without a field is a
`Term` of the field `DEFAULT_FIELD`, a field name stays as typed. kb/query.py fans each word out.
"""

from __future__ import annotations

from whoosh import qparser
from whoosh import query as Q

from kb import plan as P
from kb.errors import QuerySyntaxError

DEFAULT_FIELD = "_q"  # the field of words typed without one


class _Quoted(Q.Phrase):
    """A quoted text, also of one word: '"netværkstilbud"' is that word as typed, not its stems,
    compound parts and other-language terms (whoosh's phrase made one word a plain term)."""

    def normalize(self):
        if len(self.words) == 1:
            return self
        return super().normalize()


def read_structure(text: str, relaxed: bool = False, minimum: float = 0.9) -> P.Node:
    """The text as a plan of raw words (relaxed: words joined by OR, else by AND)."""
    group = qparser.OrGroup.factory(minimum) if relaxed else qparser.AndGroup
    parser = qparser.QueryParser(DEFAULT_FIELD, schema=None, group=group)
    parser.phraseclass = _Quoted
    parser.add_plugin(qparser.FuzzyTermPlugin())
    try:
        parsed = parser.parse(text)
    except Exception as exc:  # the parser raises assorted errors on odd input (NOT NOT, REQUIRE REQUIRE)
        raise QuerySyntaxError(
            "cannot read the query: each AND, OR, NOT, ANDNOT, ANDMAYBE or REQUIRE needs a word after it"
        ) from exc
    return _raw(parsed)


def _raw(q: Q.Query) -> P.Node:
    if isinstance(q, Q.Term):
        return P.Term(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, Q.Phrase):
        return P.Phrase(q.fieldname, tuple(q.words), slop=q.slop, boost=q.boost)
    if isinstance(q, Q.FuzzyTerm):
        return P.Fuzzy(q.fieldname, q.text, maxdist=q.maxdist, prefix=q.prefixlength, boost=q.boost)
    if isinstance(q, Q.TermRange):
        return P.Range(q.fieldname, q.start, q.end, not q.startexcl, not q.endexcl, boost=q.boost)
    if isinstance(q, Q.Prefix):
        return P.Prefix(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, Q.Wildcard):
        return P.Wildcard(q.fieldname, q.text, boost=q.boost)
    if q is Q.NullQuery:
        return P.NOTHING
    if isinstance(q, Q.Every):
        return P.Every(q.fieldname, boost=q.boost)
    kind = type(q)
    if kind is Q.And:
        return P.And(tuple(_raw(s) for s in q.subqueries), boost=q.boost)
    if kind is Q.Or:
        return P.Or(tuple(_raw(s) for s in q.subqueries), boost=q.boost)
    if kind is Q.Not:
        return P.Not(_raw(q.query), boost=q.boost)
    if kind is Q.AndNot:
        return P.AndNot(_raw(q.a), _raw(q.b))
    if kind is Q.AndMaybe:
        return P.AndMaybe(_raw(q.a), _raw(q.b))
    if kind is Q.Require:
        return P.Require(_raw(q.a), _raw(q.b))
    raise QuerySyntaxError(f"cannot read the query: {kind.__name__} is not supported")
