"""Building the query plan from the user's text: a pure function, testable without an index.

The text is parsed for structure only (AND/OR/NOT, "phrases", field:value, prefix*, word~), then
each word fans out over the fields: exact title and body words, per-language stems, folded forms
with compound parts, one/two-edit variants of rare words, other-language terms of vocabulary
concepts and cognate keys, each with a boost that keeps that order in the ranking. The result is a
plan of our own nodes (`kb/plan.py`), each expansion marked with its kind; a backend compiles it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from kb import compound, wordlists
from kb import plan as P
from kb.analysis import analyze, cognate_term, exact_analyzer, stem_analyzer
from kb.errors import QuerySyntaxError
from kb.folding import fold, restored
from kb.schema import CONTENT_BOOST, TITLE_BOOST, stem_field
from kb.vocabulary import FACET_KINDS, Vocabulary
from kb.whoosh_backend.parse import DEFAULT_FIELD, read_structure

MAX_QUERY_CHARS = 1000
STEM_BOOST = 1.0
FOLD_BOOST = 0.8
COMPOUND_BOOST = 0.5  # a compound typed in the query found as its parts ("plastnetværk": plast, netværk)
FUZZY_BOOST = 0.25
EXPANSION_BOOST = 0.15
COGNATE_BOOST = 0.1  # a word spelt alike in another language (Funktion/function): below concept terms
RARE_DOC_FREQUENCY = 2  # words in at most this many documents also get fuzzy variants
#: A word in at least this many documents is a known word: it is found as it is, never also as its
#: compound parts, its cognate key or its typo variants ("Kommune" is not Kommunikation, "Haushalt"
#: not Gasthaus with a "halt" elsewhere).
KNOWN_DOCS = RARE_DOC_FREQUENCY + 1
HEAD_LETTERS = 5  # a word no document holds, of at least this many letters, finds longer words it begins
RELAXED_MINIMUM = 0.9
RELAXED_IDF_FLOOR = 0.02  # a word in most documents still counts a little (it is in the matches)
#: "Most of the words" needs one of the text's rare words, when it has one that some document holds and
#: others beside it: a word is rare in at most this share of the documents (or in one). A document
#: holding only "der", "the", "og" of a question is noise, and matching it made a question's page count
#: and scan most of the archive (issue 23).
RELAXED_RARE_SHARE = 0.1
PROXIMITY_SLOP = 4  # words at most this far apart count as near
PROXIMITY_BOOST = 1.5  # OR-group scale when no document has every word
_DEFAULT = DEFAULT_FIELD  # the field of words typed without one ("_q")
MAX_YEAR = 9999  # the largest year a query may name
MAX_TYPED_EDITS = 2  # word~N: at most this many edits, whatever N
FIELD_ALIASES: dict[str, str] = {
    "title": "title",
    "network": "network",
    "networks": "network",
    "region": "region",
    "regions": "region",
    "topic": "topic",
    "topics": "topic",
    "type": "doctype",
    "doctype": "doctype",
    "lang": "language",
    "language": "language",
    "year": "year",
}
_MINUS = re.compile(r"(^|[\s(])-(?=[\w\"(])")
# "Sicherheitsoptionen und -warnungen", "indstillinger og -advarsler": a hyphen that begins a word
# right after "and"/"or" in one of the four languages stands for the compound's shared part (a
# suspended compound); it excludes nothing.
_SUSPENDED = re.compile(r"(?i)(\b(?:und|oder|sowie|bzw\.?|og|eller|samt|en|of|and|or)\s+)-(?=\w)")
_PLUS = re.compile(r"(^|[\s(])\+(?=[\w\"(])")
# A question mark ending a word ends a question ("Wer sang die Nationalhymne?"): it is no wildcard.
_QUESTION_MARK = re.compile(r"(?:(?<=\w)|(?<=\s)|^)\?+(?=[\s)]|$)")
_DANGLING = re.compile(
    r"(?:^|(?<=\())\s*(?:AND|OR|ANDNOT|ANDMAYBE|REQUIRE)(?=\s|$|\))"
    r"|(?:^|(?<=\s))(?:AND|OR|NOT|ANDNOT|ANDMAYBE|REQUIRE)\s*(?=\)|$)"
)
_LEADING_WILDCARD = re.compile(r"(?:^|[\s(:])[*?]")
_UNENCODABLE = re.compile("[\ud800-\udfff]")  # a byte of another encoding, read as a lone surrogate
# What makes a text a query expression rather than plain words: operators, phrases, wildcards,
# fuzzy marks, -/+ before a word, and a known field name before a colon.
_OPERATORS = re.compile(r'\b(?:AND|OR|NOT)\b|["*~]|(?:^|[\s(])[-+](?=[\w"(])')
_FIELD_PREFIX = re.compile(r"(?:^|[\s(])(?:" + "|".join(FIELD_ALIASES) + r"):\S", re.IGNORECASE)
_EXACT = exact_analyzer()


@dataclass(frozen=True)
class QueryPlan:
    """The query plan with what the user should be told about it."""

    query: P.Node  # the plan's root (kb/plan.py)
    words: tuple[str, ...]  # the plain words of the text, for suggestions
    expansions: tuple[str, ...]  # "netværk (da)": other-language terms that were added
    expanded_words: tuple[str, ...] = ()  # the words those terms were added for


def suspended_hyphens(text: str) -> str:
    """The text with the hyphens of suspended compounds ("und -warnungen") dropped: they are no NOT."""
    return _SUSPENDED.sub(r"\1", text)


def check_syntax(text: str) -> None:
    """Raise QuerySyntaxError for text the parser would silently misread."""
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    if _UNENCODABLE.search(text):  # (kb search --stdin of a Latin-1 file): no engine can look it up
        raise QuerySyntaxError("the query is not UTF-8 text: it holds a byte of another encoding")
    if text.count('"') % 2:
        raise QuerySyntaxError('unbalanced quotes: every " needs a closing "')
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            raise QuerySyntaxError("unbalanced parentheses: a ) without its (")
    if depth:
        raise QuerySyntaxError("unbalanced parentheses: a ( without its )")
    if _LEADING_WILDCARD.search(text):
        raise QuerySyntaxError("a word cannot start with * or ?: put at least one letter before it")


class ConceptIndex:
    """Vocabulary concepts keyed by every folded stem of their terms, for cross-language expansion.

    Topics are broad subjects; concepts link single words, their terms aligned by position across
    languages (Kunststoff, Kunststoffe, Kunststoffindustrie ↔ plast, plastik, plastindustri).
    """

    def __init__(self, vocabulary: Vocabulary, languages: Iterable[str] = ("de", "da", "nl", "en")) -> None:
        self.languages = tuple(languages)
        self.terms: dict[str, dict[str, tuple[str, ...]]] = {}
        self.keys: dict[str, set[str]] = {}
        self.aligned = frozenset(entry.id for entry in vocabulary.concepts)
        self._other_terms: dict[tuple[str, frozenset[str]], tuple[tuple[str, str], ...]] = {}  # per word
        #: a stem of a multi-word term → (concept, all the term's stems): the word names the concept only
        #: in a query that holds the whole term ("skilled workers" yes, "new" of "new development" no)
        self.parts: dict[str, list[tuple[str, frozenset[str]]]] = {}
        for concept, terms in vocabulary.linked_terms():
            self.terms[concept] = {lang: tuple(words) for lang, words in terms.items()}
            for lang, words in terms.items():
                for word in words:
                    for key in self._keys(word, (lang,)):
                        self.keys.setdefault(key, set()).add(concept)
                    if len(analyze(_EXACT, word)) > 1 and lang in self.languages:
                        stems = frozenset(fold(s) for s in stems_of(lang, word))
                        for stem in stems:
                            self.parts.setdefault(stem, []).append((concept, stems))

    def _keys(self, word: str, languages: Iterable[str]) -> set[str]:
        keys = {fold(word)}
        whole = len(analyze(_EXACT, word)) > 1  # "new development" is a term, "new" alone is not: a phrase's
        for lang in languages:  # key is all its stems together ("skilled workers" = "skill worker")
            if lang in self.languages:
                stems = [fold(s) for s in stems_of(lang, word)]
                keys.update([" ".join(stems)] if whole else stems)
        return {k for k in keys if k}

    def _typed_keys(self, word: str) -> set[str]:
        """The keys of a word as typed, and of it with a language's letters put back where they are typed
        as two ("moede" is "møde": the concept of meetings)."""
        keys = self._keys(word, self.languages)
        for lang in self.languages:
            for spelling in restored(fold(word), lang):
                keys |= self._keys(spelling, (lang,))
        return keys

    def concepts(self, word: str, context: frozenset[str] = frozenset()) -> set[str]:
        """The entries one of whose terms the word is (any language, stemmed and folded), or a word of
        whose multi-word term when `context` (the query's folded stems) holds the whole term: concepts
        when it names one, else topics ("samenwerking" is cooperation, not all of networking)."""
        found: set[str] = set()
        for key in self._typed_keys(word):
            found |= self.keys.get(key, set())
            found |= {concept for concept, needed in self.parts.get(key, ()) if needed <= context}
        return (found & self.aligned) or found

    def context(self, text: str) -> frozenset[str]:
        """The folded stems of a query in every language, for `concepts`."""
        return frozenset(fold(s) for lang in self.languages for s in stems_of(lang, text))

    def other_terms(self, word: str, context: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """(language, term) of the concepts the word names, for the languages it did not match in:
        each language's head term and, for a concept, the term aligned with the one matched."""
        found = self._other_terms.get((word, context))
        if found is None:
            if len(self._other_terms) >= 50_000:
                self._other_terms.clear()
            found = self._other_terms[word, context] = tuple(self._find_other_terms(word, context))
        return list(found)

    def _find_other_terms(self, word: str, context: frozenset[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        word_key = self._typed_keys(word)
        for concept in sorted(self.concepts(word, context)):
            terms = self.terms[concept]
            positions = {
                (lang, i)
                for lang, words in terms.items()
                for i, t in enumerate(words)
                if self._keys(t, (lang,)) & word_key
            }
            matched = {lang for lang, _ in positions}
            aligned = {i for _, i in positions} if concept in self.aligned else set()
            for lang, words in terms.items():
                if words and lang not in matched:
                    picked = [0] + sorted(i for i in aligned if 0 < i < len(words))
                    out += [(lang, words[i]) for i in picked]
        return out


class _Builder:
    def __init__(
        self,
        languages,
        concepts,
        vocabulary,
        expand,
        fuzzy,
        doc_frequency,
        relaxed,
        cognates,
        doc_count=0,
        filtered=False,
    ) -> None:
        self.doc_count = doc_count
        self.languages = tuple(languages)
        self.relaxed = relaxed
        self.concepts = concepts
        self.vocabulary = vocabulary
        self.expand = expand and concepts is not None
        self.fuzzy = fuzzy and doc_frequency is not None
        self.cognates = cognates and self.expand
        self.filtered = filtered  # filtered to some languages: a word's near spellings may be its cognates
        self.doc_frequency = doc_frequency
        self.words: list[str] = []
        self.word_count = 0  # plain words planned (relaxed: the rare ones among them are required)
        self.rare: list[tuple[P.Node, int]] = []  # relaxed: the rare words' plans, with their counts
        self.expansions: dict[str, None] = {}
        self.expanded_words: dict[str, None] = {}
        self.context: frozenset[str] = frozenset()  # the query's stems: which multi-word terms it holds

    def transform(self, q: P.Node) -> P.Node:
        """The plan of a node of the parsed structure (a plan of raw words, kb/whoosh_backend/parse.py)."""
        if isinstance(q, P.Term):
            return self.term(q)
        if isinstance(q, P.Phrase):
            if q.field == _DEFAULT:
                return self.phrase(q.words, q.boost)
            if _field(q.field) is None:  # 'Protokoll:"Ems Achse"' is text
                return self.join((self.word(q.field), self.phrase(q.words, q.boost)))
            # network:"Wachstumsregion Ems-Achse" is the value of the field, title:"…" words in the title
            return self.term(P.Term(q.field, " ".join(q.words), boost=q.boost))
        if isinstance(q, P.Fuzzy):
            edits = min(q.maxdist, MAX_TYPED_EDITS)  # abcdefghij~9 found 153 of 445 documents
            fuzzy = P.Fuzzy("fold", fold(q.text), maxdist=edits, prefix=1, boost=q.boost, kind=P.FUZZY)
            if q.field == _DEFAULT:
                return fuzzy
            field = _field(q.field)
            if field is None:
                return self.join((self.word(q.field), fuzzy))
            if field == "title":
                return replace(fuzzy, field="title_fold")
            return self.term(P.Term(q.field, q.text, boost=q.boost))  # a value is exact: year:2020~ is 2020
        if isinstance(q, P.Range):
            if q.field == _DEFAULT or _field(q.field) != "year":  # "[a TO b]", "title:[a TO m]"
                raise QuerySyntaxError("a range [… TO …] is of years only, such as year:[2018 TO 2020]")
            return year_range(q.low, q.high, not q.include_low, not q.include_high, q.boost)
        if isinstance(q, (P.Prefix, P.Wildcard)):
            return self.pattern(q)
        if isinstance(q, P.Nothing):
            return P.NOTHING
        if isinstance(q, P.Every):
            if q.field in (None, _DEFAULT):
                return P.Every(None, boost=q.boost)
            field = _field(q.field)
            if field is None:  # "Protokoll:*" is the word
                return self.word(q.field, q.boost)
            if field == "year":  # year:[TO]: the documents of a known year
                return year_range(None, None, boost=q.boost)
            return P.Every(field, boost=q.boost)
        # The operators, as the structure gave them (a NOT loses its boost: only its documents count)
        if isinstance(q, P.And):
            return P.And(tuple(self.transform(s) for s in q.items), boost=q.boost)
        if isinstance(q, P.Or):
            return P.Or(tuple(self.transform(s) for s in q.items), boost=q.boost)
        if isinstance(q, P.Not):
            return P.Not(self.transform(q.item))
        if isinstance(q, P.AndNot):
            return P.AndNot(self.transform(q.positive), self.transform(q.negative))
        if isinstance(q, P.AndMaybe):
            return P.AndMaybe(self.transform(q.required), self.transform(q.optional))
        if isinstance(q, P.Require):
            return P.Require(self.transform(q.scored), self.transform(q.condition))
        raise QuerySyntaxError(f"cannot read the query: {type(q).__name__} is not supported")

    def join(self, items: tuple[P.Node, ...]) -> P.Node:
        """Words of the text side by side: all of them, or (relaxed) some."""
        return (P.Or if self.relaxed else P.And)(items)

    def pattern(self, q: P.Prefix | P.Wildcard) -> P.Node:
        """word*, w?rd or w*rd: in the title and text, or in the field named before it (its values)."""
        raw = q.text if isinstance(q, P.Prefix) else q.pattern
        text = raw.lower()
        field = _field(q.field) if q.field != _DEFAULT else "text"
        if field is None:  # "Protokoll:Netz*" is text
            return self.join((self.word(q.field), self.pattern(replace(q, field=_DEFAULT))))
        if field == "year":
            raise QuerySyntaxError(f"year:{raw} is not a year: a year takes no * or ? (year:[2018 TO 2020])")
        if field == "text":
            return P.Or(
                (
                    _pattern(type(q), "title", text, q.boost, P.EXACT),
                    _pattern(type(q), "content", text, q.boost, P.EXACT),
                    _pattern(type(q), "fold", fold(text), q.boost * FOLD_BOOST, P.FOLDED),
                )
            )
        if field == "title":
            return P.Or(
                (
                    _pattern(type(q), "title", text, q.boost, P.EXACT),
                    _pattern(type(q), "title_fold", fold(text), q.boost * FOLD_BOOST, P.FOLDED),
                )
            )
        return _pattern(type(q), field, text, q.boost, P.FILTER)  # network:Plast*: the values it begins

    def term(self, q: P.Term) -> P.Node:
        field = _field(q.field) if q.field != _DEFAULT else None
        text = str(q.text)
        if q.field == _DEFAULT:
            return self.word(text, q.boost)
        if field is None:  # "Protokoll:RB" is text, not a field
            return self.join((self.word(q.field, 1.0), self.word(text, q.boost)))
        if field == "title":
            tokens = analyze(_EXACT, text)
            folded = [fold(t) for t in tokens]
            return P.Or(
                (
                    _seq("title", tokens, TITLE_BOOST, P.EXACT),
                    _seq("title_fold", folded, FOLD_BOOST, P.FOLDED),
                )
            )
        if field == "year":
            return year_range(text, text, boost=q.boost)
        if field in FACET_KINDS:
            text = self.vocabulary.canonical(FACET_KINDS[field], text)
        return P.Term(field, text.lower(), kind=P.FILTER)

    def word(self, text: str, boost: float = 1.0) -> P.Node:
        tokens = analyze(_EXACT, text)
        if not tokens:
            return P.NOTHING
        self.words.append(text)
        folded = [fold(t) for t in tokens]
        alts: list[P.Node] = [
            _seq("title", tokens, TITLE_BOOST, P.EXACT),
            _seq("content", tokens, CONTENT_BOOST, P.EXACT),
            _seq("title_fold", folded, FOLD_BOOST, P.FOLDED),
            _seq("fold", folded, FOLD_BOOST, P.FOLDED),
        ]
        for lang in self.languages:
            stems = list(stems_of(lang, text))
            if stems and not _overstemmed(tokens, stems):
                alts.append(_seq(stem_field(lang), stems, STEM_BOOST, P.STEM))
            if len(tokens) == 1:  # "Aabn" is "Åbn": the forms of "åbner", "åbne" (the letters typed as two)
                for spelling in restored(folded[0], lang):
                    again = list(stems_of(lang, spelling))
                    if again and again != stems and not _overstemmed([spelling], again):
                        alts.append(_seq(stem_field(lang), again, STEM_BOOST * FOLD_BOOST, P.STEM))
        known = self.known(folded)
        if len(tokens) == 1:
            if not known:
                alts += compound_variants(folded[0]) + self.fuzzy_variants(folded[0], tokens[0])
                alts += self.head_variants(folded[0])
            alts += self.expansion_variants(text)
        if not known:
            alts += self.cognate_variants(folded)
        if self.relaxed:
            boost *= self.idf_ratio(folded)
        node = P.Or(tuple(a for a in alts if a is not P.NOTHING), boost=boost, kind=P.WORD)
        self.word_count += 1
        if self.relaxed and self.doc_count and self.doc_frequency is not None:
            df = min(self.doc_frequency(f) for f in folded)
            if df <= max(1.0, RELAXED_RARE_SHARE * self.doc_count):
                self.rare.append((node, df))
        return node

    def known(self, folded: list[str]) -> bool:
        """Whether the word is in at least KNOWN_DOCS documents (as typed, folded)."""
        if self.doc_frequency is None:
            return False
        return min(self.doc_frequency(f) for f in folded) >= KNOWN_DOCS

    def idf_ratio(self, folded: list[str]) -> float:
        """For "most of the words": BM25's own idf over whoosh's, so a word in half the documents (der,
        the, og) adds next to nothing, as in plain BM25; whoosh's idf never falls below 1."""
        if not self.doc_count or self.doc_frequency is None:
            return 1.0
        n = self.doc_count
        df = min(self.doc_frequency(f) for f in folded)
        robertson = max(0.0, math.log((n - df + 0.5) / (df + 0.5)))
        return max(RELAXED_IDF_FLOOR, robertson / (math.log(n / (df + 1)) + 1))

    def phrase(self, words: Iterable[str], boost: float = 1.0) -> P.Node:
        tokens = [t for w in words for t in analyze(_EXACT, w)]
        if not tokens:
            return P.NOTHING
        self.words.extend(tokens)
        if len(tokens) == 1:  # '"netvaerkstilbud"': the word as typed, or with its letters put back
            exact = tuple(tokens)
            return P.Or(
                (
                    P.Phrase("title", exact, boost=TITLE_BOOST, kind=P.PHRASE),
                    P.Phrase("content", exact, boost=CONTENT_BOOST, kind=P.PHRASE),
                ),
                boost=boost,
                kind=P.PHRASE,
            )
        return P.Or(
            (_seq("title", tokens, TITLE_BOOST, P.PHRASE), _seq("content", tokens, CONTENT_BOOST, P.PHRASE)),
            boost=boost,
            kind=P.PHRASE,
        )

    def fuzzy_variants(self, folded: str, typed: str = "") -> list[P.Node]:
        if not self.fuzzy or len(folded) < 5 or not folded.isalpha():
            return []
        if self.doc_frequency(folded) > RARE_DOC_FREQUENCY:
            return []
        if not self.filtered and is_common_word(typed or folded):  # under a language filter: a cognate
            return []
        maxdist = 2 if len(folded) >= 9 else 1
        return [P.Fuzzy("fold", folded, maxdist=maxdist, prefix=1, boost=FUZZY_BOOST, kind=P.FUZZY)]

    def head_variants(self, folded: str) -> list[P.Node]:
        """A word no document holds, as the head of longer words ("Medizin": Medizintechnik, a
        vocabulary word that is never split); what its cognate key found before keys needed a language
        filter, without the other words of the same first letters ("Contemporary" is not "könnten")."""
        # a tolerance like typo variants (off with fuzzy=False, so "did you mean" can still offer the word)
        if not self.fuzzy or len(folded) < HEAD_LETTERS or not folded.isalpha() or self.doc_frequency(folded):
            return []
        return [
            P.Prefix("title_fold", folded, boost=COGNATE_BOOST, kind=P.HEAD),
            P.Prefix("fold", folded, boost=COGNATE_BOOST, kind=P.HEAD),
        ]

    def expansion_variants(self, word: str) -> list[P.Node]:
        if not self.expand:
            return []
        alts: list[P.Node] = []
        for lang, term in self.concepts.other_terms(word, self.context):
            self.expanded_words[word] = None
            tokens = analyze(_EXACT, term)
            if not tokens:
                continue
            self.expansions[f"{term} ({lang})"] = None
            alts.append(_seq("fold", [fold(t) for t in tokens], EXPANSION_BOOST, P.CONCEPT))
            if lang in self.languages:
                stems = list(stems_of(lang, term))
                if stems:
                    alts.append(_seq(stem_field(lang), stems, EXPANSION_BOOST, P.CONCEPT))
        return alts

    def cognate_variants(self, folded: list[str]) -> list[P.Node]:
        """The word's cognate keys in the folded fields, when expanding across languages."""
        terms = [t for t in map(cognate_term, folded) if t]
        if not self.cognates or not terms:
            return []
        return [
            _seq("title_fold", terms, COGNATE_BOOST, P.COGNATE),
            _seq("fold", terms, COGNATE_BOOST, P.COGNATE),
        ]


def _field(typed: str) -> str | None:
    """The field a name typed before a colon stands for (type: is doctype:, Title: is title:), None when
    it names none ("Protokoll:RB" is text)."""
    return FIELD_ALIASES.get(typed.lower())


def is_common_word(word: str) -> bool:
    """Whether a word is common in German, Danish, Dutch or English (kb.wordlists.COMMON_ZIPF): such a word
    is typed as meant and gets no typo variants ("abwenden" is not "anwenden", "Trommer" not "Trommeln")."""
    return wordlists.is_common(word)


@lru_cache(maxsize=50_000)
def year_value(text: str) -> int:
    """A year typed in a query (year:2020, year:[2019 TO 2021]); QuerySyntaxError unless 1 to MAX_YEAR
    (0 is how the index holds "no date": year:0 is no year a user means)."""
    shown = text if len(text) <= 20 else f"{text[:20]}…"
    if not text.isdecimal():
        raise QuerySyntaxError(f"year:{shown} is not a year")
    if len(text.lstrip("0")) > len(str(MAX_YEAR)) or not int(text):  # int() of a long one would be slow
        raise QuerySyntaxError(f"year:{shown} is out of range: a year is 1 to {MAX_YEAR}")
    return int(text)


def year_range(
    start: str | None, end: str | None, startexcl: bool = False, endexcl: bool = False, boost: float = 1.0
) -> P.Range:
    """year:[2019 TO 2021] (either end may be left open) as a range of years. An open start leaves out
    the documents of unknown year (0)."""
    low = 1 if start in (None, "") else year_value(start)
    high = MAX_YEAR if end in (None, "") else year_value(end)
    return P.Range("year", low, high, not startexcl, not endexcl, boost=boost, kind=P.FILTER)


@lru_cache(maxsize=50_000)
def stems_of(language: str, text: str) -> tuple[str, ...]:
    """The query-mode stems of a text in a language (a question's strict and relaxed plans ask twice)."""
    return tuple(analyze(stem_analyzer(language), text))


def compound_variants(folded: str) -> list[P.Node]:
    """A compound's parts, all of them, in the folded fields (where compounds are indexed with their parts)."""
    parts = list(compound.split(folded))
    if not parts:
        return []
    return [
        _seq("title_fold", parts, COMPOUND_BOOST, P.COMPOUND),
        _seq("fold", parts, COMPOUND_BOOST, P.COMPOUND),
    ]


def _overstemmed(tokens: list[str], stems: list[str]) -> bool:
    """A stem so short it matches unrelated words (English "offers" → German/Danish "off")."""
    return len(tokens) == len(stems) and any(
        len(s) < 4 and len(s) < len(t) for t, s in zip(tokens, stems, strict=True)
    )


def _seq(field: str, tokens: list[str], boost: float, kind: str) -> P.Node:
    """One term, or all terms of a multi-token word (a phrase in positional fields)."""
    if not tokens:
        return P.NOTHING
    if len(tokens) == 1:
        return P.Term(field, tokens[0], boost=boost, kind=kind)
    if field in ("title", "content"):
        return P.Phrase(field, tuple(tokens), boost=boost, kind=kind)
    return P.And(tuple(P.Term(field, t, kind=kind) for t in tokens), boost=boost, kind=kind)


def _pattern(cls: type, field: str, text: str, boost: float, kind: str) -> P.Node:
    """A prefix (word*) or a wildcard pattern (w?rd, w*rd) of the query in one field."""
    if cls is P.Prefix:
        return P.Prefix(field, text, boost=boost, kind=kind)
    return P.Wildcard(field, text, boost=boost, kind=kind)


def parse_structure(text: str, relaxed: bool = False) -> P.Node:
    """The user's text as a plan of operators over raw words (no analysis yet): a word typed without a
    field is a Term of the field `_q`, field names stay as typed."""
    # "-word" excludes and "+word" requires, but only at the start of a word: "Ems-Achse" stays one word.
    text = _MINUS.sub(r"\1NOT ", _PLUS.sub(r"\1", text))
    text = _QUESTION_MARK.sub("", text)
    while True:  # "Netzwerk OR", "(AND Ems)": an operator with no word on one side is dropped, not searched
        dropped = _DANGLING.sub(" ", text)
        if dropped == text:
            break
        text = dropped
    return read_structure(text, relaxed, RELAXED_MINIMUM)


def build_query(
    text: str,
    *,
    vocabulary: Vocabulary,
    languages: Iterable[str] = ("de", "da", "nl", "en"),
    concepts: ConceptIndex | None = None,
    expand: bool = True,
    fuzzy: bool = True,
    doc_frequency: Callable[[str], int] | None = None,
    relaxed: bool = False,
    doc_count: int = 0,
    filtered: bool = False,
) -> QueryPlan:
    """The query plan for a user's text; raises QuerySyntaxError for malformed text."""
    text = suspended_hyphens(_QUESTION_MARK.sub("", text)).strip()
    check_syntax(text)
    # A cognate key is weak evidence: several plain words must first all match directly, and their
    # keys join the relaxed search that follows when none does (else they would keep it from running).
    # Only when the search is filtered to some languages: unfiltered, a word is found in its own
    # language, and the key of a word nobody wrote finds unrelated ones ("Contemporary": #konte, könnten).
    cognates = filtered and (relaxed or not is_multiword(text))
    builder = _Builder(
        languages, concepts, vocabulary, expand, fuzzy, doc_frequency, relaxed, cognates, doc_count, filtered
    )
    builder.context = concepts.context(text) if builder.expand else frozenset()
    structure = parse_structure(text, relaxed)
    query = builder.transform(structure)
    if relaxed and any(df for _, df in builder.rare) and len(builder.rare) < builder.word_count:
        # some of the words, one of them a rare one (scored as before: the condition only filters)
        rare = tuple(node for node, _ in builder.rare)
        query = P.Require(query, rare[0] if len(rare) == 1 else P.Or(rare))
    if is_multiword(text):  # words near each other rank higher
        tokens = tuple(analyze(_EXACT, text))
        near = P.Phrase("content", tokens, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST, kind=P.PROXIMITY)
        query = P.AndMaybe(query, near)
    return QueryPlan(query, tuple(builder.words), tuple(builder.expansions), tuple(builder.expanded_words))


def is_plain(text: str) -> bool:
    """Whether the text is plain words (no operators, phrases, wildcards or fields): what meaning can answer."""
    text = suspended_hyphens(text)
    return bool(text.strip()) and not _OPERATORS.search(text) and not _FIELD_PREFIX.search(text)


def is_multiword(text: str) -> bool:
    """Whether the text is several words and no query expression (eligible for the relaxed OR).

    Parentheses, colons and slashes are punctuation in plain text such as titles ("Entries (index
    of tables)", "Python : Programming with Python"): only operators and field names make syntax.
    """
    text = suspended_hyphens(text)
    return len(text.split()) > 1 and not (_OPERATORS.search(text) or _FIELD_PREFIX.search(text))
