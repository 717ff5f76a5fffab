"""A query plan (kb/plan.py) as a Solr query in the standard (lucene) syntax over the configset's fields.

The plan's terms are already analysed by kb/query.py (lower-cased, stemmed or folded as its field
is); each plan field maps to the configset fields that hold the same analysis
(solr/configset/network-kb/schema.xml):

| plan field            | Solr fields                                | what they hold                         |
|-----------------------|--------------------------------------------|----------------------------------------|
| title, content        | title, text                                | the words as typed (positions)         |
| title_fold, fold      | title_fold, text_fold                      | kb/forms.py's terms, as the Whoosh fields |
| stem_LL               | title_LL, text_LL                          | Snowball stems, compound parts         |
| network, region, topic, doctype, language, year | the same (docValues)  | metadata                               |

Terms are quoted (`text_fold:"netzwerk"`), so Solr's query analysis of the field runs over a word
that is already in its form (idempotent for lower-casing and folding; a stem stemmed again stays
itself in almost every case). Prefix, wildcard and fuzzy nodes stay Solr's own multi-term queries.
A metadata value in a string field is matched as the index holds it (the plan lower-cases it):
`canonical(field, text)` gives the stored spelling.

The folded fields hold the terms the backend computed with kb/forms.py (folded both ways, compound
parts, cognate keys such as `#funkt`), the same terms as the Whoosh backend's, so every expansion of
the plan finds there what it finds in Whoosh. Every node's boost is
kept (`(…)^b`); AND is `+a +b`, OR is `a b`, NOT `*:* -a`, REQUIRE scores its condition with
`filter(…)`. A plan that can match nothing compiles to None.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from kb import plan as P

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "content": ("text",),
    "title_fold": ("title_fold",),
    "fold": ("text_fold",),
}
METADATA = ("network", "region", "topic", "doctype", "language", "year", "id", "source", "checksum", "date")
_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/\s])')
_SPECIAL_KEEP_WILDCARDS = re.compile(r'([+\-&|!(){}\[\]^"~:\\/\s])')


def solr_fields(field: str) -> tuple[str, ...]:
    """The configset fields a plan field maps to."""
    if field in TEXT_FIELDS:
        return TEXT_FIELDS[field]
    if field.startswith("stem_"):
        language = field.removeprefix("stem_")
        return (f"title_{language}", f"text_{language}")
    return (field,)


#: The fields the unified highlighter marks (stored, with offsets): the words as typed and each language's.
HIGHLIGHTED = ("text", "text_de", "text_da", "text_nl", "text_en")


def highlight_fields(field: str) -> tuple[str, ...]:
    """For the highlighter's query (`hl.q`): a plan field on the stored fields that can show its matches.
    Folded and fuzzy words also go to the language fields, whose analysis finds some of them (German
    normalisation reads ue as ü: Mueller marks Müller; a typo is near the stem: Ausbildungsmese marks
    Ausbildungsmesse); metadata is not marked."""
    if field in ("title", "content"):
        return ("text",)
    if field in ("title_fold", "fold"):
        return HIGHLIGHTED
    if field.startswith("stem_"):
        return (f"text_{field.removeprefix('stem_')}",)
    return ()


def quoted(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


#: String fields holding a metadata value as it is spelt ("Plastindustrien"): a pattern of the plan
#: (lower-cased, as the Whoosh backend's lower-cased keywords take it) matches them in any case.
CASED = ("network", "region", "topic")


def any_case(pattern: str) -> str:
    """A wildcard pattern (* any letters, ? one) as a regular expression matching its letters in either
    case: plast* is /[pP][lL][aA][sS][tT].*/."""
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        elif ch.lower() != ch.upper():
            parts.append(f"[{ch.lower()}{ch.upper()}]" if len(ch.upper()) == 1 else f"({ch}|{ch.upper()})")
        elif ch.isalnum():
            parts.append(ch)
        else:
            parts.append("\\" + ch)
    return "/" + "".join(parts) + "/"


def escaped(text: str, wildcards: bool = False) -> str:
    return (_SPECIAL_KEEP_WILDCARDS if wildcards else _SPECIAL).sub(r"\\\1", str(text))


class Compiler:
    """Compiles plans; `canonical(field, value)` spells a metadata value as the index stores it."""

    def __init__(
        self,
        canonical: Callable[[str, str], str] | None = None,
        fields: Callable[[str], tuple[str, ...]] = solr_fields,
    ) -> None:
        self.canonical = canonical or (lambda _field, value: value)
        self.fields = fields

    def __call__(self, node: P.Node) -> str | None:
        return self.compile(node)

    def compile(self, node: P.Node) -> str | None:
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            raise TypeError(f"not a plan node: {type(node).__name__}")
        out = method(node)
        if out is None:
            return None
        return _boosted(out, node.boost)

    # -- leaves -------------------------------------------------------------------------------------

    def _term(self, n: P.Term) -> str | None:
        if not self.fields(n.field):
            return None
        if n.field == "year":
            return f"year:{int(n.text)}" if str(n.text).isdecimal() else None
        if n.field in ("network", "region", "topic") and self.fields(n.field):
            values = dict.fromkeys([self.canonical(n.field, n.text), n.text])
            return _any(f"{n.field}:{quoted(v)}" for v in values)
        return _any(f"{f}:{quoted(n.text)}" for f in self.fields(n.field))

    def _phrase(self, n: P.Phrase) -> str | None:
        if not n.words:
            return None
        words = " ".join(n.words).replace("\\", "\\\\").replace('"', '\\"')
        slop = f"~{n.slop}" if n.slop else ""
        return _any(f'{f}:"{words}"{slop}' for f in self.fields(n.field))

    def _prefix(self, n: P.Prefix) -> str | None:
        if not n.text:
            return self._every(P.Every(n.field))
        if n.field in CASED:
            return _any(f"{f}:{any_case(n.text + '*')}" for f in self.fields(n.field))
        return _any(f"{f}:{escaped(n.text)}*" for f in self.fields(n.field))

    def _wildcard(self, n: P.Wildcard) -> str | None:
        if n.field in CASED:
            return _any(f"{f}:{any_case(n.pattern)}" for f in self.fields(n.field))
        return _any(f"{f}:{escaped(n.pattern, wildcards=True)}" for f in self.fields(n.field))

    def _fuzzy(self, n: P.Fuzzy) -> str | None:
        """Solr's fuzzy parser (9.9+), which takes what the plan asks: the shared first letters and at
        most MAX_FUZZY_TERMS closest terms, as the Whoosh backend expands a typo. The standard syntax
        (`word~2`) can say neither: with no shared letter it walked every term of the field, 20-70 ms
        of a misspelled word's page at 10k documents against 5-15 ms."""
        distance = max(0, min(2, n.maxdist))
        return _any(
            f"{{!fuzzy f={f} maxEdits={distance} prefixLength={max(0, n.prefix)} "
            f"maxExpansions={P.MAX_FUZZY_TERMS} v={quoted(n.text)}}}"
            for f in self.fields(n.field)
        )

    def _range(self, n: P.Range) -> str | None:
        def end(value, star: str) -> str:
            if value is None:
                return star
            return str(int(value)) if n.field == "year" else quoted(value)

        low, high = end(n.low, "*"), end(n.high, "*")
        opening, closing = "[" if n.include_low else "{", "]" if n.include_high else "}"
        return _any(f"{f}:{opening}{low} TO {high}{closing}" for f in self.fields(n.field))

    def _every(self, n: P.Every) -> str | None:
        if n.field is None:
            return "*:*"
        return _any(f"{f}:[* TO *]" for f in self.fields(n.field))

    def _nothing(self, _: P.Nothing) -> str | None:
        return None

    # -- operators ----------------------------------------------------------------------------------

    def _and(self, n: P.And) -> str | None:
        parts = [self.compile(c) for c in n.items]
        if not parts or any(p is None for p in parts):
            return None
        return parts[0] if len(parts) == 1 else "(" + " ".join(f"+{p}" for p in parts) + ")"

    def _or(self, n: P.Or) -> str | None:
        return _any(p for p in (self.compile(c) for c in n.items) if p is not None)

    def _not(self, n: P.Not) -> str | None:
        inner = self.compile(n.item)
        return "*:*" if inner is None else f"(*:* -{inner})"

    def _andnot(self, n: P.AndNot) -> str | None:
        positive = self.compile(n.positive)
        if positive is None:
            return None
        negative = self.compile(n.negative)
        return positive if negative is None else f"(+{positive} -{negative})"

    def _andmaybe(self, n: P.AndMaybe) -> str | None:
        required = self.compile(n.required)
        if required is None:
            return None
        optional = self.compile(n.optional)
        return required if optional is None else f"(+{required} {optional})"

    def _require(self, n: P.Require) -> str | None:
        scored, condition = self.compile(n.scored), self.compile(n.condition)
        if scored is None or condition is None:
            return None
        return f"(+{scored} +filter({condition}))"


def _any(parts) -> str | None:
    """The OR of query parts (None for none, the part itself for one)."""
    parts = list(dict.fromkeys(parts))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " ".join(parts) + ")"


def _boosted(query: str, boost: float) -> str:
    if boost == 1.0:
        return query
    if not query.startswith("("):
        query = f"({query})"
    return f"{query}^{max(0.0, float(boost)):g}"


def compile_plan(node: P.Node, canonical: Callable[[str, str], str] | None = None) -> str | None:
    """The Solr query (lucene syntax) of a plan, or None when it can match nothing."""
    return Compiler(canonical).compile(node)


#: Plan leaves the highlighter expands against a field's terms itself (Lucene's multi-term queries).
MULTI_TERM = (P.Fuzzy, P.Prefix, P.Wildcard)


def compile_highlight(node: P.Node) -> str | None:
    """The highlighter's query of a plan: its words on the stored fields (HIGHLIGHTED), without the
    operators that only decide what matches (a NOT's words are not marked) and without cognate keys
    (no stored field holds them). A typo, prefix or wildcard word is marked in the exact words' field
    alone: for a multi-term query the unified highlighter cannot read offsets from the postings and
    analyses the shown documents' text again, and the language fields' analysis (stemming,
    decompounding) made that 70-150 ms of a question's page at 10k documents, against 10-20 ms."""
    negated = _negated_leaves(node)
    words = [
        replace(leaf, field="content") if isinstance(leaf, MULTI_TERM) else leaf
        for leaf in P.leaves(node)
        if leaf.kind != P.COGNATE and id(leaf) not in negated
    ]
    return Compiler(fields=highlight_fields).compile(P.Or(tuple(words))) if words else None


def _negated_leaves(root: P.Node) -> set[int]:
    """The ids of the leaves that lie under a NOT (or the negative side of an AND NOT), in one walk."""
    found: set[int] = set()

    def walk(node: P.Node, negative: bool) -> None:
        if isinstance(node, P.Not):
            walk(node.item, True)
        elif isinstance(node, P.AndNot):
            walk(node.positive, negative)
            walk(node.negative, True)
        else:
            children = node.children()
            if not children and negative:
                found.add(id(node))
            for child in children:
                walk(child, negative)

    walk(root, False)
    return found


#: Phrases a phrase with words typed without their umlauts becomes, at most (as the Whoosh backend).
MAX_PHRASE_SPELLINGS = 8


def respell(node: P.Node, known: Callable[[dict[str, set[str]]], dict[str, set[str]]]) -> P.Node:
    """The plan with each phrase whose words are not in its field as typed also spelt with the umlauts,
    æ/ø/å or ß of the spellings of them that are (kb/folding.py's `spellings`): "Saeulen und Balken"
    finds "Säulen und Balken", and the proximity bonus of "Indsaet kolonner" meets "Indsæt kolonner"
    (the folded fields keep no positions). An OR of at most MAX_PHRASE_SPELLINGS phrases, as the Whoosh
    backend's session does it (kb/whoosh_backend/collect.py). `known({field: words})` answers, asked
    once for every field with the words as typed and their other spellings, which of them each plan
    field (title, content) holds."""
    from kb.folding import spellings

    phrases = [n for n in P.walk(node) if isinstance(n, P.Phrase) and n.field in ("title", "content")]
    if not phrases:
        return node
    typed: dict[str, set[str]] = {}
    for phrase in phrases:
        typed.setdefault(phrase.field, set()).update(phrase.words)
    asked = {field: words | {s for w in words for s in spellings(w)[1:]} for field, words in typed.items()}
    held = known(asked)

    def options(field: str, word: str) -> list[str]:
        if word in held[field]:
            return [word]
        return [s for s in spellings(word)[1:] if s in held[field]] or [word]

    def spelt(n: P.Node) -> P.Node | None:
        if not (isinstance(n, P.Phrase) and n.field in held):
            return None
        combos: list[tuple[str, ...]] = [()]
        for word in n.words:
            combos = [c + (w,) for c in combos for w in options(n.field, word)][:MAX_PHRASE_SPELLINGS]
        if combos == [n.words]:
            return n
        phrases = tuple(replace(n, words=words) for words in combos)
        return phrases[0] if len(phrases) == 1 else P.Or(phrases, kind=n.kind)

    return P.transform(node, spelt)
