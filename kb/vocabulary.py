"""The vocabulary of networks, regions, topics and cross-language concepts.

A built-in vocabulary of general topics and concepts (kb/data/vocabulary.json, terms in de, da, nl
and en) is merged with a corpus' own corpus/vocabulary.json: the corpus' networks and regions, and
the topics and concepts of both, a corpus entry replacing the built-in one with the same id. So a
new corpus without a vocabulary file has topics and cross-language concepts from its first
document. A corpus file with `"builtin": false` uses its own entries only.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from kb.errors import VocabularyError
from kb.folding import fold

KINDS: tuple[str, ...] = ("networks", "regions", "topics", "concepts")
LANGUAGES: tuple[str, ...] = ("de", "da", "nl", "en")
VOCABULARY_FILE = "vocabulary.json"
BUILTIN_FILE = "data/vocabulary.json"  # inside the kb package
FILE_KEYS: tuple[str, ...] = (*KINDS, "builtin")  # the keys of a vocabulary file the archive reads
ENTRY_KEYS: tuple[str, ...] = ("id", "name", "labels", "aliases", "terms", "regions")  # of an entry
MAX_KEYS_NAMED = 5  # unknown keys of one vocabulary file named one by one; the others are counted
MAX_SHOWN_CHARS = 60

log = logging.getLogger(__name__)
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 character


#: A facet (and query field) whose values the vocabulary names → its kind there.
FACET_KINDS: dict[str, str] = {"network": "networks", "region": "regions", "topic": "topics"}


@dataclass(frozen=True)
class Entry:
    """One network, region, topic or concept with its labels, aliases and terms."""

    id: str
    kind: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    terms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    regions: tuple[str, ...] = ()  # networks: the ids of the regions they belong to
    builtin: bool = False  # from the vocabulary shipped with the package

    def label(self, language: str = "en") -> str:
        """The label in a language, falling back to English, then the canonical name."""
        return self.labels.get(language) or self.labels.get("en") or self.name

    def names(self) -> tuple[str, ...]:
        """Every surface form that refers to the entry: name, labels, aliases."""
        seen: dict[str, None] = {self.name: None}
        for value in (*self.labels.values(), *self.aliases):
            seen.setdefault(value, None)
        return tuple(seen)

    @property
    def value(self) -> str:
        """The value stored in the index and shown in JSON: topics by id, others by name."""
        return self.id if self.kind in ("topics", "concepts") else self.name


@dataclass(frozen=True)
class Vocabulary:
    networks: tuple[Entry, ...] = ()
    regions: tuple[Entry, ...] = ()
    topics: tuple[Entry, ...] = ()
    concepts: tuple[Entry, ...] = ()

    def entries(self, kind: str) -> tuple[Entry, ...]:
        return getattr(self, kind)

    def resolve(self, kind: str, value: str) -> Entry | None:
        """The entry of a kind named by id, name, label or alias (folded comparison; the first such entry)."""
        names = self._by_folded_name.get(kind)
        if names is None:
            self.entries(kind)  # no such kind: its error, as before
            return None
        return names.get(fold(value.strip()))

    @cached_property
    def _by_folded_name(self) -> dict[str, dict[str, Entry]]:
        """Per kind: each entry's folded id, name, labels and aliases → the first entry, in order, named so
        (a reader resolves a document's every network, region and topic: a scan of them all was 12 % of it)."""
        index: dict[str, dict[str, Entry]] = {}
        for kind in KINDS:
            names = index[kind] = {}
            for entry in self.entries(kind):
                for name in (entry.id, *entry.names()):
                    names.setdefault(fold(name), entry)
        return index

    def canonical(self, kind: str, value: str) -> str:
        """The stored value for a user-typed value; unknown values pass through unchanged."""
        entry = self.resolve(kind, value)
        return entry.value if entry else value.strip()

    def label(self, facet: str, value: str, language: str = "en") -> str:
        """The display label of a facet value in a language."""
        kind = FACET_KINDS.get(facet)
        if kind is None:
            return value
        entry = self.resolve(kind, value)
        return entry.label(language) if entry else value

    def compound_words(self) -> tuple[str, ...]:
        """Words the compound splitter protects: every word of a corpus entry's names and terms; of a
        built-in entry only its one-word names and terms (so "het werk" in a phrase does not make
        "Netzwerk" split into netz + werk)."""
        words: list[str] = []
        for kind in KINDS:
            for entry in self.entries(kind):
                for name in (*entry.names(), *(t for ts in entry.terms.values() for t in ts)):
                    parts = name.replace("-", " ").split()
                    if not entry.builtin or len(parts) == 1:
                        words.extend(parts)
        return tuple(words)

    def linked_terms(self) -> tuple[tuple[str, Mapping[str, tuple[str, ...]]], ...]:
        """(concept id, terms per language) for every topic and concept that has terms."""
        return tuple((e.id, e.terms) for e in (*self.topics, *self.concepts) if e.terms)


def _entry(kind: str, raw: Mapping, path: Path) -> Entry:
    """One entry of a vocabulary file; VocabularyError naming the entry and the field that is malformed.

    A list of names given as one string ("aliases": "Emsachse") is that one name (it was read letter by
    letter: "E", "m", "s" became aliases); a name that is no text is refused, as it would be no name."""
    if not isinstance(raw, Mapping):
        raise VocabularyError(f"{path}: malformed {kind} entry {_shown(raw)}: an entry is a JSON object")
    ident = raw.get("id")
    if not isinstance(ident, str | int) or isinstance(ident, bool) or not str(ident).strip():
        raise VocabularyError(f"{path}: malformed {kind} entry {_shown(raw)}: its id must be text")
    where = f"{path}: {kind} entry {_shown(ident)}"

    def names(field: str) -> tuple[str, ...]:
        value = raw.get(field, ())
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise VocabularyError(f"{where}: {field} must be a list of names, not {_shown(raw[field])}")
        return tuple(value)

    def per_language(field: str) -> Mapping:
        value = raw.get(field, {})
        if not isinstance(value, Mapping):
            raise VocabularyError(f"{where}: {field} must map a language to a name, not {_shown(value)}")
        return value

    labels = per_language("labels")
    if not all(isinstance(v, str) for v in labels.values()):
        raise VocabularyError(f"{where}: labels must map a language to a name, not {_shown(labels)}")
    terms: dict[str, tuple[str, ...]] = {}
    for lang, words in per_language("terms").items():
        words = [words] if isinstance(words, str) else words
        if not isinstance(words, list | tuple) or not all(isinstance(w, str) for w in words):
            raise VocabularyError(f"{where}: terms in {lang!r} must be a list of words, not {_shown(words)}")
        terms[lang] = tuple(words)
    name = raw.get("name") or labels.get("en") or str(ident)
    if not isinstance(name, str):
        raise VocabularyError(f"{where}: name must be text, not {_shown(name)}")
    every = [str(ident), name, *labels.values(), *names("aliases"), *(w for ws in terms.values() for w in ws)]
    half = next((found[0] for text in every if (found := _SURROGATE.search(text))), None)
    if half:  # JSON's \ud83d without its other half: no page of the app can show it
        raise VocabularyError(
            f"{where}: {_shown(next(t for t in every if half in t))} holds \\u{ord(half):04x}, half of a "
            "character (an escape without its other half): not text"
        )
    return Entry(
        id=str(ident),
        kind=kind,
        name=name,
        labels=dict(labels),
        aliases=names("aliases"),
        terms=terms,
        regions=names("regions"),
    )


def parse_vocabulary(data: Mapping, path: Path = Path("<vocabulary>")) -> Vocabulary:
    """A Vocabulary from the decoded JSON object."""
    if not isinstance(data, Mapping):
        raise VocabularyError(f"{path}: the vocabulary must be a JSON object")
    for kind in KINDS:
        if not isinstance(data.get(kind, ()), list | tuple):
            raise VocabularyError(f"{path}: {kind} must be a list of entries, not {data[kind]!r:.60}")
    return Vocabulary(
        **{kind: tuple(_entry(kind, raw, path) for raw in data.get(kind, ())) for kind in KINDS}
    )


def unknown_keys(data: object) -> list[str]:
    """One line for each key of a vocabulary file (or of one of its entries) the archive does not read,
    with the key it was probably meant to be ("netwroks": did you mean 'networks'?); the entries of a
    misspelled list are not read, so an unknown key loses what it holds. A key starting with "_" or "$"
    (a comment, a schema) is meant so. At most MAX_KEYS_NAMED lines, then a count of the others."""
    if not isinstance(data, Mapping):
        return []
    found: list[tuple[str, str, tuple[str, ...]]] = [
        ("", str(k), FILE_KEYS) for k in data if k not in FILE_KEYS
    ]
    for kind in KINDS:
        entries = data.get(kind)
        for raw in entries if isinstance(entries, list | tuple) else ():
            if isinstance(raw, Mapping):
                where = f"{kind} entry {_shown(raw.get('id'))}: "
                found += [(where, str(k), ENTRY_KEYS) for k in raw if k not in ENTRY_KEYS]
    found = [f for f in found if not f[1].startswith(("_", "$"))]
    lines = []
    for where, key, known in found[:MAX_KEYS_NAMED]:
        close = difflib.get_close_matches(key[:MAX_SHOWN_CHARS].lower(), known, n=1, cutoff=0.6)
        guess = f" (did you mean {close[0]!r}?)" if close else f"; the keys are {', '.join(known)}"
        lines.append(f"{where}unknown key {_shown(key)} ignored{guess}")
    if len(found) > MAX_KEYS_NAMED:
        lines.append(f"{len(found) - MAX_KEYS_NAMED:,} more unknown keys ignored")
    return lines


def twice(vocabulary: Vocabulary) -> list[str]:
    """One line for each id a kind holds more than once (the first entry is the one a value resolves
    to, and a rebuild's facets would count one name under two entries), at most MAX_KEYS_NAMED."""
    lines = []
    for kind in KINDS:
        seen: dict[str, int] = {}
        for entry in vocabulary.entries(kind):
            seen[entry.id] = seen.get(entry.id, 0) + 1
        lines += [
            f"{kind} entry {_shown(i)} is there {n} times; the first is used"
            for i, n in seen.items()
            if n > 1
        ]
    return lines[:MAX_KEYS_NAMED] + (
        [f"{len(lines) - MAX_KEYS_NAMED:,} more ids twice"] if len(lines) > MAX_KEYS_NAMED else []
    )


def unknown_regions(vocabulary: Vocabulary) -> list[str]:
    """One line for each region a network names that is no region's id (a network implies its regions: a
    misspelled id implied nothing), with the id it was probably meant to be; at most MAX_KEYS_NAMED."""
    ids = [entry.id for entry in vocabulary.regions]
    lines = []
    for network in vocabulary.networks:
        for region in network.regions:
            if region not in ids:
                close = difflib.get_close_matches(region[:MAX_SHOWN_CHARS], ids, n=1, cutoff=0.6)
                guess = f" (did you mean {close[0]!r}?)" if close else ""
                lines.append(
                    f"networks entry {_shown(network.id)}: region {_shown(region)} is no region's id{guess}"
                )
    more = len(lines) - MAX_KEYS_NAMED
    return lines[:MAX_KEYS_NAMED] + ([f"{more:,} more regions that are no region's id"] if more > 0 else [])


def _shown(value: object) -> str:
    text = str(value)
    return repr(
        text if len(text) <= MAX_SHOWN_CHARS else f"{text[:MAX_SHOWN_CHARS]}… ({len(text):,} characters)"
    )


@cache
def builtin_vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package: general topics and concepts, no networks or regions."""
    source = resources.files("kb").joinpath(BUILTIN_FILE)
    data = json.loads(source.read_text(encoding="utf-8"))
    parsed = parse_vocabulary(data, Path(f"kb/{BUILTIN_FILE}"))
    return Vocabulary(
        **{kind: tuple(replace(e, builtin=True) for e in parsed.entries(kind)) for kind in KINDS}
    )


def merge_vocabularies(builtin: Vocabulary, own: Vocabulary) -> Vocabulary:
    """The corpus' networks and regions; topics and concepts of both, the corpus' entry winning per id."""

    def merged(kind: str) -> tuple[Entry, ...]:
        mine = own.entries(kind)
        ids = {entry.id for entry in mine}
        return (*mine, *(entry for entry in builtin.entries(kind) if entry.id not in ids))

    return Vocabulary(
        networks=own.networks, regions=own.regions, topics=merged("topics"), concepts=merged("concepts")
    )


def load_vocabulary(corpus_dir: Path) -> Vocabulary:
    """A corpus' vocabulary merged with the built-in one; cached (the same object) until the file changes.

    A corpus without a vocabulary file gets the built-in vocabulary alone.
    """
    path = Path(corpus_dir) / VOCABULARY_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return builtin_vocabulary()
    return _load(path.resolve(), mtime)


def vocabulary_warnings(corpus_dir: Path) -> list[str]:
    """What load_vocabulary warned of the corpus's vocabulary file as it is now (a misspelled key, an id
    twice), one line each without the file's name: for the app's coordinators, who see no log."""
    load_vocabulary(corpus_dir)
    return list(_said.get((Path(corpus_dir) / VOCABULARY_FILE).resolve(), ()))


_said: dict[Path, list[str]] = {}  # a vocabulary file → the warnings of its version loaded last


@cache
def _load(path: Path, mtime_ns: int) -> Vocabulary:  # noqa: ARG001 - a cache key
    try:  # bytes: json finds UTF-8 with or without a byte-order mark (a Windows editor's), UTF-16, UTF-32
        data = json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise VocabularyError(f"{path}: cannot read the vocabulary: {exc}") from exc
    except RecursionError:
        raise VocabularyError(f"{path}: cannot read the vocabulary: nested too deeply") from None
    own = parse_vocabulary(data, path)
    said = _said[path] = [*unknown_keys(data), *twice(own), *unknown_regions(own)]
    for line in said:  # the rest is read: said once a process, as the file is read once
        log.warning("%s: %s", path, line)
    if isinstance(data, Mapping) and data.get("builtin") is False:
        return own
    return merge_vocabularies(builtin_vocabulary(), own)
