"""Running a SearchRequest against one opened searcher: matches, filters, facets, order, snippets."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import reduce

import numpy as np
from whoosh import query as Q

from kb import plan as P
from kb.analysis import exact_analyzer
from kb.backend import MAX_PAGE_SIZE
from kb.models import FACETS, Facet, FacetValue, Hit, SearchPage, SearchRequest
from kb.query import ConceptIndex, QueryPlan, build_query, is_multiword, is_plain
from kb.semantic.channel import (
    BRIDGES,
    LEXICAL_DEPTH,
    SessionMeaning,
    beside_words,
    bridged_candidates,
    confident,
    coverage,
    fuse,
    meaning_candidates,
)
from kb.snippets import SNIPPET_CHARS, SpanFinder, fragments
from kb.suggest import present as word_present
from kb.vocabulary import Vocabulary
from kb.whoosh_backend.analysis import STEM_LANGUAGES
from kb.whoosh_backend.collect import Lexicon, expand_terms
from kb.whoosh_backend.compile import compile_plan
from kb.whoosh_backend.engine import Engine
from kb.whoosh_backend.facets import FacetTable, read_table
from kb.whoosh_backend.index import document_from_fields, ledger
from kb.whoosh_backend.suggest import SessionWords, suggest
from kb.whoosh_backend.terms import query_terms

_EXACT = exact_analyzer()


@dataclass(frozen=True)
class PreparedQuery:
    """A plan made ready for one searcher: compiled to whoosh, its fuzzy and prefix words expanded."""

    plan: QueryPlan
    query: Q.Query

    @property
    def words(self) -> tuple[str, ...]:
        return self.plan.words

    @property
    def expansions(self) -> tuple[str, ...]:
        return self.plan.expansions


class SearchSession:
    """One searcher with its facet table and concept index, reused until the index changes."""

    def __init__(self, ix, vocabulary: Vocabulary, semantic=None) -> None:
        self.searcher = ix.searcher()
        self.vocabulary = vocabulary
        self.table: FacetTable = read_table(self.searcher)
        present = set(self.table.columns["language"].values)
        self.languages = tuple(sorted(present & set(STEM_LANGUAGES))) or ("de", "da", "nl", "en")
        self.concepts = ConceptIndex(vocabulary)
        self.lexicon = Lexicon(self.searcher.reader())
        self.engine = Engine(self.searcher, self.table.live)
        self._frequencies: dict[tuple[str, str], int] = {}
        languages = self.table.columns["language"].docs  # a title row counts when unique in its language
        self.meaning = SessionMeaning(semantic, self.doc_ids, languages) if semantic is not None else None

    def doc_ids(self) -> list[str | None]:
        """The id of every document number (None for deleted ones), from the ledger column."""
        reader, live = self.searcher.reader(), self.table.live
        ids: list[str | None] = [None] * len(live)
        for docnum, doc_id, _, _ in ledger(reader, live):
            ids[docnum] = doc_id
        return ids

    def close(self) -> None:
        self.searcher.close()

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def doc_frequency(self, field: str, word: str) -> int:
        key = (field, word)  # remembered: a question's strict and relaxed plans ask for the same words
        found = self._frequencies.get(key)
        if found is None:
            if len(self._frequencies) >= 100_000:
                self._frequencies.clear()
            found = self._frequencies[key] = self.searcher.doc_frequency(field, word)
        return found

    def plan(self, text: str, request: SearchRequest, relaxed: bool = False) -> PreparedQuery:
        plan = self._build(text, request, relaxed)
        return PreparedQuery(plan, self.prepare(plan.query))

    def prepare(self, plan: P.Node) -> Q.Query:
        """A plan as the whoosh query this searcher evaluates: compiled, fuzzy and prefix words expanded."""
        compiled = compile_plan(plan)
        expanded = expand_terms(compiled, self.searcher.reader(), self.lexicon, self.engine.preload)
        return expanded.normalize()

    def _build(self, text: str, request: SearchRequest, relaxed: bool) -> QueryPlan:
        return build_query(
            text,
            vocabulary=self.vocabulary,
            languages=self.languages,
            concepts=self.concepts,
            expand=request.expand,
            fuzzy=request.fuzzy,
            doc_frequency=lambda w: self.doc_frequency("fold", w),
            relaxed=relaxed,
            doc_count=self.searcher.doc_count(),
            filtered=bool(request.languages),
        )

    def filter_masks(self, request: SearchRequest) -> dict[str, np.ndarray]:
        """One mask per facet with a selection (the year range belongs to the year facet)."""
        masks: dict[str, np.ndarray] = {}
        for facet in FACETS:
            selected = request.selected(facet)
            if selected:
                masks[facet] = self.table.mask(facet, selected)
        if request.year_from is not None or request.year_to is not None:
            ranged = self.table.year_range(request.year_from, request.year_to)
            masks["year"] = masks["year"] & ranged if "year" in masks else ranged
        return masks

    def search(self, request: SearchRequest, language: str = "en") -> SearchPage:
        """The page of results, facets and suggestion for a request."""
        started = time.perf_counter()
        text = request.text.strip()
        page = max(1, request.page)
        size = min(max(1, request.page_size), MAX_PAGE_SIZE)
        masks = self.filter_masks(request)
        allowed = reduce(np.logical_and, masks.values()) if masks else None
        plan, relaxed, ranked = None, False, None
        matched = self.table.live
        pending = None  # the meaning channel runs in a worker thread while the words are searched
        if text and self.meaning is not None and request.semantic and is_plain(text):
            pending = self.meaning.submit(text, allowed)
        depth = max(page * size, LEXICAL_DEPTH) if pending is not None else page * size
        if text:
            plan = self.plan(text, request)
            matched, ranked = self.run(plan.query, allowed, depth)
            strict_plan, strict_matched = plan, matched
            passed = matched & allowed if allowed is not None else matched
            if not passed.any() and is_multiword(text):  # decided within the filters
                plan, relaxed = self.plan(text, request, relaxed=True), True
                matched, ranked = self.run(plan.query, allowed, depth)
            if pending is None and self._unfound_phrase(text, matched, allowed, request):
                # A question with a "quoted phrase" the words do not find (XQuAD: 'the "Millennial
                # Northern Hemisphere temperature reconstruction" graph'): its meaning, held to the
                # same confidence as any query's, rather than nothing found at once.
                pending = self.meaning.submit(text.replace('"', " "), allowed)
        meaning_scores = pending.result() if pending is not None else None
        if (
            relaxed
            and meaning_scores is not None
            and not self._confident(meaning_scores, allowed, request)
            and not plan.plan.expanded_words
            and not any(self.present(w) for w in plan.words)
        ):
            # No document has every word, no word is here as typed, folded or stemmed (what matched are
            # guesses: typo variants, compound parts, cognates of words the archive does not hold), none
            # is a term of the vocabulary (its concept's terms in other languages are no guess:
            # "municipalities cooperation" finds "samarbejde"), and meaning finds nothing that stands
            # out: nothing found (with did-you-mean), not noise.
            matched, ranked = np.zeros_like(matched), []
        lexical, meant = matched, None
        if meaning_scores is not None and ranked is not None:
            bridges = self._bridges(strict_plan, strict_matched, masks, request)
            covered = self._coverage(plan, ranked, allowed) if relaxed else None
            matched, ranked, meant = self._with_meaning(
                meaning_scores, matched, allowed, ranked, request, relaxed, bridges, covered
            )
            ranked = ranked[: page * size]
        final = matched & allowed if allowed is not None else matched
        # A relaxed search: a facet value under which some document has every word counts those (and
        # the meaning hits there), as selecting it runs the search with every word. The relaxing is
        # decided on the words alone, so a value with none keeps the count of the results shown.
        strict = (strict_matched, meant) if relaxed else None
        facets = tuple(self._facet(f, matched, masks, request, language, strict) for f in FACETS)
        total = int(final.sum())
        # "No document has every word: these have some of them" only when the words found some
        relaxed = relaxed and bool((lexical & allowed if allowed is not None else lexical).any())
        if ranked is None or request.sort in ("newest", "oldest"):  # an unknown sort ranks by relevance
            ranked = self._by_date(request.sort, final, page * size)
        window = ranked[(page - 1) * size : page * size]
        terms = query_terms(plan.query, self.searcher.reader(), self.engine.has) if plan else {}
        finder = SpanFinder(terms) if terms else None  # one per page: words met in several hits judged once
        hits = tuple(
            self.hit(docnum, score, finder, _via(docnum, lexical, meant), text) for docnum, score in window
        )
        suggestion = self.suggest(text, plan, request, allowed) if plan else None
        return SearchPage(
            request=request,
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            expansions=plan.expansions if plan else (),
            relaxed=relaxed,
            meaning=meant is not None,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def _bridges(
        self, plan: PreparedQuery, matched: np.ndarray, masks: dict[str, np.ndarray], request: SearchRequest
    ) -> list[int]:
        """The documents that bridge a language filter: the best with every word of the query in a
        language outside the filter (and within the other filters). Their counterparts in the chosen
        languages are near them in meaning (see SessionMeaning.bridged)."""
        language = masks.get("language")
        if language is None or not request.expand:
            return []
        outside = reduce(np.logical_and, [m for f, m in masks.items() if f != "language"], ~language)
        if not (matched & outside).any():
            return []
        return [d for d, _ in self.engine.run(plan.query, outside, BRIDGES)[1]]

    def _coverage(
        self, plan: PreparedQuery, ranked: list[tuple[int, float]], allowed: np.ndarray | None
    ) -> dict[int, float]:
        """Of the words' first LEXICAL_DEPTH documents of a relaxed search, the share of the query's word
        weight each holds (kb.semantic.channel.coverage), a word weighing its idf within the filters:
        each word of the "most of the words" OR is evaluated alone (its postings are cached by the
        search just run)."""
        q = plan.plan.query
        if isinstance(q, P.AndMaybe):  # the words, and the whole text as a phrase bonus
            q = q.required
        if isinstance(q, P.Require):  # "most of the words", one of them a rare one (kb/query.py)
            q = q.scored
        words = q.items if isinstance(q, P.Or) else ()
        if len(words) < 2 or any(w.kind != P.WORD for w in words):
            return {}
        scope = self.table.live & allowed if allowed is not None else self.table.live
        words = [self.engine.evaluate(self.prepare(w)).mask & scope for w in words]
        return coverage(words, [d for d, _ in ranked[:LEXICAL_DEPTH]], int(scope.sum()))

    def _with_meaning(
        self,
        scores,
        matched,
        allowed,
        ranked,
        request: SearchRequest,
        relaxed: bool,
        bridges: list[int],
        covered: dict[int, float] | None = None,
    ):
        """(matches with the meaning candidates, the fused ranking, the mask of meaning candidates).

        Without cross-language expansion, meaning only reorders what the words found.
        """
        live = self.table.live
        adds = self._confident(scores, allowed, request)
        scope = live if adds else matched & live
        within = scope & allowed if allowed is not None else scope
        chosen = meaning_candidates(scores, within)
        if bridges:
            chosen = bridged_candidates(chosen, self.meaning.bridged(scores, bridges, within), within)
        languages = self.table.columns["language"].docs
        if not relaxed:  # every word matched: meaning adds only what is as near as the words' first hit
            chosen = beside_words(chosen, scores, matched, ranked, languages)
        meant = np.zeros(len(live), dtype=bool)
        meant[chosen] = True
        if allowed is not None:  # the facets count meaning candidates outside the filters too
            outside = meaning_candidates(scores, scope)
            meant[beside_words(outside, scores, matched, ranked, languages) if not relaxed else outside] = (
                True
            )
        fused = fuse(ranked, chosen, strict=not relaxed, limit=len(ranked) + len(chosen), covered=covered)
        return matched | meant, fused, meant

    def _confident(self, scores: np.ndarray, allowed: np.ndarray | None, request: SearchRequest) -> bool:
        """Whether meaning may add documents: the query means something here, its best document stands
        out within the filters or in the whole collection (a German question filtered to English stands
        out most among the German documents). Otherwise, and without cross-language expansion, meaning
        only reorders what the words found."""
        live = self.table.live
        within = live & allowed if allowed is not None else live
        return request.expand and any(
            confident(scores, np.flatnonzero(m & np.isfinite(scores))) for m in (within, live)
        )

    def _unfound_phrase(
        self, text: str, matched: np.ndarray, allowed: np.ndarray | None, request: SearchRequest
    ) -> bool:
        """Whether the words of a text that is plain but for its quotes found nothing within the filters
        (meaning then answers it, when it stands out; other syntax stays the words' alone)."""
        if self.meaning is None or not (request.semantic and request.expand) or '"' not in text:
            return False
        if not is_plain(text.replace('"', " ")):
            return False
        return not (matched & allowed if allowed is not None else matched).any()

    def present(self, word: str) -> bool:
        """Whether a query word is in the index as typed or folded, or as a stem in an indexed language
        (not only through its typo variants, compound parts or cognates): kb.suggest's one answer."""
        return word_present(SessionWords(self, None), word)

    def run(
        self, q: Q.Query, allowed: np.ndarray | None, limit: int
    ) -> tuple[np.ndarray, list[tuple[int, float]]]:
        """(every matching document as a mask, the top `limit` allowed ones with scores) in one pass."""
        return self.engine.run(q, allowed, limit)

    def _facet(self, facet, matched, masks, request, language, strict=None) -> Facet:
        """A facet's values and counts within the other facets' filters. After a relaxed search, a
        value under which some document has every word counts those: selecting it runs the search
        with every word there (the relaxing is decided within the filters)."""
        others = [m for f, m in masks.items() if f != facet]
        counts = dict(self.table.counts(facet, reduce(np.logical_and, others, matched)))
        if strict is not None:
            words, meant = strict  # values with every word count those and the meaning hits there
            exact = {v: n for v, n in self.table.counts(facet, reduce(np.logical_and, others, words)) if n}
            if exact and meant is not None:
                both = dict(self.table.counts(facet, reduce(np.logical_and, others, words | meant)))
                exact = {v: both.get(v, n) for v, n in exact.items()}
            counts = dict(self.table.ordered(facet, [(v, exact.get(v) or n) for v, n in counts.items()]))
        selected = request.selected(facet)
        for value in selected:
            counts.setdefault(value, 0)
        ordered = [v for v in selected] + [v for v in counts if v not in selected]
        values = tuple(
            FacetValue(v, self.vocabulary.label(facet, v, language), counts[v], v in selected)
            for v in ordered
        )
        return Facet(facet, values)

    def _by_date(self, sort: str, final: np.ndarray, limit: int) -> list[tuple[int, float]]:
        docs = np.flatnonzero(final)
        keys = self.table.date_key[docs]
        if sort == "oldest":
            keys = np.where(keys == 0, np.iinfo(np.int64).max, keys)
            order = np.lexsort((docs, keys))
        else:  # newest first; also browsing without a query
            order = np.lexsort((docs, -keys))
        return [(int(d), 0.0) for d in docs[order[:limit]]]

    def hit(
        self, docnum: int, score: float, finder: SpanFinder | None = None, via: str = "words", query: str = ""
    ) -> Hit:
        doc = document_from_fields(self.searcher.stored_fields(docnum))
        if via == "meaning":  # none of the words is in it: its snippet is the passage closest in meaning
            passage = self.meaning.passage(docnum, query, doc) if self.meaning and query else None
            shown = fragments(passage, []) if passage else fragments(doc.text, [])
        else:
            spans = finder.spans(doc.text, doc.language, SNIPPET_CHARS) if finder else []
            shown = fragments(doc.text, spans)
        return Hit.of(doc, score, shown, via)

    def suggest(
        self, text: str, plan: PreparedQuery, request: SearchRequest, allowed: np.ndarray | None
    ) -> str | None:
        """'Did you mean' (see kb.suggest)."""
        return suggest(self, text, plan.plan, request, allowed)


def _via(docnum: int, words: np.ndarray, meaning: np.ndarray | None) -> str:
    if meaning is None or not meaning[docnum]:
        return "words"
    return "both" if words[docnum] else "meaning"
