"""Records that cross package boundaries: frozen, plain, no third-party imports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: The six facets, in the order the app and the CLI show them.
FACETS: tuple[str, ...] = ("region", "network", "year", "topic", "doctype", "language")

DOCTYPES: tuple[str, ...] = ("press-release", "minutes", "project-description", "other")

SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class Document:
    """One original file with its text and metadata (confirmed or derived)."""

    id: str
    source: str
    title: str
    text: str
    language: str = "und"
    date: str | None = None  # ISO 8601: YYYY-MM-DD, YYYY-MM or YYYY; None when unknown
    year: int | None = None
    networks: tuple[str, ...] = ()  # canonical network names from the vocabulary
    regions: tuple[str, ...] = ()  # canonical region names from the vocabulary
    topics: tuple[str, ...] = ()  # stable topic ids from the vocabulary
    doctype: str = "other"
    checksum: str = ""
    added_by: str | None = None
    added_at: str | None = None


@dataclass(frozen=True)
class SearchRequest:
    """What a user asked for: query text (empty = browse all), facet filters, sort, page."""

    text: str = ""
    regions: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    topics: tuple[str, ...] = ()
    doctypes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 10
    expand: bool = True  # add other-language terms for vocabulary concepts
    fuzzy: bool = True  # add one/two-edit matches for rare or unknown words
    semantic: bool = True  # the meaning channel (when the layer is on): off = words only

    def selected(self, facet: str) -> tuple[str, ...]:
        """The selected values of one facet, as strings."""
        values = {
            "region": self.regions,
            "network": self.networks,
            "year": self.years,
            "topic": self.topics,
            "doctype": self.doctypes,
            "language": self.languages,
        }[facet]
        return tuple(str(v) for v in values)


@dataclass(frozen=True)
class Fragment:
    """A piece of document text with the character spans that matched the query."""

    text: str
    matches: tuple[tuple[int, int], ...] = ()

    def marked(self, start: str = "«", end: str = "»") -> str:
        """The fragment with each match wrapped in the given markers (no escaping)."""
        out, pos = [], 0
        for a, b in self.matches:
            out += [self.text[pos:a], start, self.text[a:b], end]
            pos = b
        out.append(self.text[pos:])
        return "".join(out)


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    source: str
    score: float
    fragments: tuple[Fragment, ...]
    language: str
    date: str | None
    year: int | None
    doctype: str
    networks: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    via: str = "words"  # how the hit was found: "words", "meaning" or "both"

    @property
    def snippet(self) -> str:
        return " … ".join(f.marked() for f in self.fragments)

    @classmethod
    def of(cls, doc: Document, score: float, fragments: tuple[Fragment, ...], via: str = "words") -> Hit:
        """A document as a hit (every engine lists its documents this way)."""
        return cls(
            id=doc.id,
            title=doc.title,
            source=doc.source,
            score=round(float(score), 4),
            fragments=fragments,
            language=doc.language,
            date=doc.date,
            year=doc.year,
            doctype=doc.doctype,
            networks=doc.networks,
            regions=doc.regions,
            topics=doc.topics,
            via=via,
        )


def document_from_stored(fields: Mapping, listed: Callable[[object], tuple[str, ...]] = tuple) -> Document:
    """A Document from an engine's stored fields; `listed` reads a multi-valued field as the engine keeps it."""
    return Document(
        id=fields["id"],
        source=fields.get("source", ""),
        title=fields.get("title", ""),
        text=fields.get("text", ""),
        language=fields.get("language", "und"),
        date=fields.get("date") or None,
        year=fields.get("year") or None,
        networks=listed(fields.get("network") or ()),
        regions=listed(fields.get("region") or ()),
        topics=listed(fields.get("topic") or ()),
        doctype=fields.get("doctype", "other"),
        checksum=fields.get("checksum") or "",
        added_by=fields.get("added_by"),
        added_at=fields.get("added_at"),
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]


@dataclass(frozen=True)
class SearchPage:
    request: SearchRequest
    total: int
    hits: tuple[Hit, ...]
    facets: tuple[Facet, ...]
    suggestion: str | None = None
    expansions: tuple[str, ...] = ()  # other-language terms added to the query
    relaxed: bool = False  # no document had all words: showing those with most of them
    meaning: bool = False  # the meaning channel took part (its hits say via="meaning" or "both")
    took_ms: float = 0.0

    def facet(self, name: str) -> Facet:
        return next(f for f in self.facets if f.name == name)

    @property
    def pages(self) -> int:
        size = max(1, self.request.page_size)
        return max(1, -(-self.total // size))


@dataclass(frozen=True)
class IndexStats:
    documents: int
    facets: tuple[Facet, ...] = field(default=())
    schema_version: int = 0
    embedded: int | None = None  # documents searchable by meaning (None: the semantic layer is off)
    embedding_pending: int = 0  # documents still waiting for their vectors
    embedding_now: bool = False  # an embedder (of this process or another) is at work
