"""The query plan: what a search asks for, in nodes of our own that any engine can evaluate.

`kb/query.py` builds a plan from the user's text (structure, then each word fanned out over the
fields); a backend compiles it into its engine's query (`kb/whoosh_backend/compile.py` for Whoosh).
Frozen dataclasses without third-party imports: a plan compares by value, hashes, and dumps to a
JSON-able dict (`to_dict`, `from_dict`) for `--json` and debugging.

Field names are the archive's own (`kb/schema.py`): `title` and `content` hold the words as typed
(with positions), `title_fold` and `fold` the folded forms, compound parts and cognate keys,
`stem_<language>` the stems, and `network`, `region`, `topic`, `doctype`, `language`, `year` the
metadata. Every node has a `boost` (multiplied down the tree, as Lucene and Whoosh do) and a `kind`
saying which expansion of a word it is, so that a backend whose engine analyses text itself can map
each part to its own analysis (or leave out what its engine already does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import MISSING, dataclass, fields, replace

# -- kinds: what a node stands for ------------------------------------------------------------------

EXACT = "exact"  # a word as typed (title, content)
STEM = "stem"  # its stems in one language (stem_<language>)
FOLDED = "folded"  # folded spellings: case, accents, ä/ae, ø/oe, å/aa, ß/ss (title_fold, fold)
COMPOUND = "compound"  # the parts of a compound typed in the query (title_fold, fold)
FUZZY = "fuzzy"  # the near spellings of a rare word (fold)
HEAD = "head"  # a word no document holds, as the head of longer words (prefix in title_fold, fold)
CONCEPT = "concept"  # another language's term of the vocabulary concept the word names (fold, stem_*)
COGNATE = "cognate"  # the word's cognate key, `#funkt` (title_fold, fold)
WORD = "word"  # one word of the text: the OR of its alternatives above
PHRASE = "phrase"  # a quoted phrase (title, content)
PROXIMITY = "proximity"  # the bonus for the words of a multi-word query near each other (content)
FILTER = "filter"  # field:value on a metadata field (network, topic, language, doctype, year)
KINDS = (EXACT, STEM, FOLDED, COMPOUND, FUZZY, HEAD, CONCEPT, COGNATE, WORD, PHRASE, PROXIMITY, FILTER)


@dataclass(frozen=True, kw_only=True)
class Node:
    """A part of a plan. `boost` scales its score; `kind` (one of KINDS, or "") says what it is for."""

    boost: float = 1.0
    kind: str = ""

    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(frozen=True)
class Term(Node):
    """One index term of a field (already analysed: lower-cased, stemmed or folded as the field is)."""

    field: str
    text: str


@dataclass(frozen=True)
class Phrase(Node):
    """Words in order in a positional field (title, content), each at most `slop` positions after the last."""

    field: str
    words: tuple[str, ...]
    slop: int = 1


@dataclass(frozen=True)
class Prefix(Node):
    """The terms of a field that begin with `text` (expanded by the backend to the terms that exist)."""

    field: str
    text: str


@dataclass(frozen=True)
class Wildcard(Node):
    """The terms of a field matching a pattern with `*` (any letters) and `?` (one letter)."""

    field: str
    pattern: str


#: Closest existing terms a typo-tolerant word expands to, in every backend.
MAX_FUZZY_TERMS = 20


@dataclass(frozen=True)
class Fuzzy(Node):
    """The terms of a field within `maxdist` edits of `text` that share its first `prefix` letters
    (a swap of two neighbouring letters is one edit); the backend picks at most MAX_FUZZY_TERMS, the
    closest first."""

    field: str
    text: str
    maxdist: int = 1
    prefix: int = 1


@dataclass(frozen=True)
class Range(Node):
    """The terms of a field between `low` and `high` (None: open). `year` ranges are integers."""

    field: str
    low: int | str | None
    high: int | str | None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class And(Node):
    """Every child matches; the scores add up."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Or(Node):
    """At least one child matches; the scores of those that do add up."""

    items: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.items


@dataclass(frozen=True)
class Not(Node):
    """Every document the child does not match (each scores `boost`)."""

    item: Node

    def children(self) -> tuple[Node, ...]:
        return (self.item,)


@dataclass(frozen=True)
class AndNot(Node):
    """What `positive` matches and `negative` does not, scored by `positive`."""

    positive: Node
    negative: Node

    def children(self) -> tuple[Node, ...]:
        return (self.positive, self.negative)


@dataclass(frozen=True)
class AndMaybe(Node):
    """What `required` matches; `optional` adds its score where it matches too (a bonus clause)."""

    required: Node
    optional: Node

    def children(self) -> tuple[Node, ...]:
        return (self.required, self.optional)


@dataclass(frozen=True)
class Require(Node):
    """What both match, scored by `scored` alone (REQUIRE in the query syntax)."""

    scored: Node
    condition: Node

    def children(self) -> tuple[Node, ...]:
        return (self.scored, self.condition)


@dataclass(frozen=True)
class Every(Node):
    """Every document (with `field`: every document with a term in that field)."""

    field: str | None = None


@dataclass(frozen=True)
class Nothing(Node):
    """No document (an empty query, a word of punctuation only)."""


NOTHING = Nothing()
TYPES: dict[str, type[Node]] = {
    t.__name__: t
    for t in (
        Term,
        Phrase,
        Prefix,
        Wildcard,
        Fuzzy,
        Range,
        And,
        Or,
        Not,
        AndNot,
        AndMaybe,
        Require,
        Every,
        Nothing,
    )
}


def walk(node: Node) -> Iterator[Node]:
    """The node and every node below it, depth first."""
    yield node
    for child in node.children():
        yield from walk(child)


#: The fields of the nodes that hold one child (And and Or hold theirs in `items`).
_CHILD_FIELDS = ("item", "positive", "negative", "required", "optional", "scored", "condition")


def transform(node: Node, visit: Callable[[Node], Node | None]) -> Node:
    """The plan with every node for which `visit` gives a node replaced by that node (not visited
    further); the others are rebuilt over their children's results, and a node whose children are all
    unchanged is kept itself (a plan with nothing replaced is the same object)."""
    new = visit(node)
    if new is not None:
        return new
    changes: dict = {}
    if isinstance(node, (And, Or)):
        items = tuple(transform(c, visit) for c in node.items)
        if any(a is not b for a, b in zip(items, node.items, strict=True)):
            changes["items"] = items
    for name in _CHILD_FIELDS:
        child = getattr(node, name, None)
        if isinstance(child, Node):
            changed = transform(child, visit)
            if changed is not child:
                changes[name] = changed
    return replace(node, **changes) if changes else node


def leaves(node: Node) -> Iterator[Node]:
    """The nodes without children (terms, phrases, prefixes …) below a node."""
    return (n for n in walk(node) if not n.children() and not isinstance(n, (And, Or)))


def to_dict(node: Node) -> dict:
    """A JSON-able dict of a plan: {"type": "Term", "field": …, "text": …}; defaults are left out."""
    out: dict = {"type": type(node).__name__}
    for f in fields(node):
        value = getattr(node, f.name)
        if f.default is not MISSING and value == f.default:
            continue
        if isinstance(value, Node):
            value = to_dict(value)
        elif f.name == "items":
            value = [to_dict(v) for v in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def from_dict(data: dict) -> Node:
    """The plan `to_dict` made; ValueError for a dict that is none."""
    try:
        cls = TYPES[data["type"]]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a plan node: {data!r:.100}") from exc
    values = {}
    for f in fields(cls):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name == "items":
            value = tuple(from_dict(v) for v in value)
        elif f.name in ("item", "positive", "negative", "required", "optional", "scored", "condition"):
            value = from_dict(value)
        elif f.name == "words":
            value = tuple(value)
        values[f.name] = value
    return cls(**values)
