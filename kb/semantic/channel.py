"""The semantic channel of a search session: cosine scores per document, and their fusion with the words.

Fusion is weighted reciprocal rank fusion: a document's score is the sum over the channels that found
it of weight / (RRF_K + rank). Lexical matches of a query whose words all matched (strict) weigh more
than those of the "most of the words" search (relaxed), so exact, compound, folding and typo matches
keep their places and meaning-only matches fill in; across languages, where words rarely all match,
meaning leads. The constants were tuned on the tuning half of xquad-dev and the LibreOffice titles
(see eval/run.py).

Bridges: a search filtered to some languages whose words all match a document in another language
(the German press release for a German query filtered to English) adds that document's meaning to the
query's: a translation is nearer its original than a short query is to either (see
SessionMeaning.bridged).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from kb.semantic import passages
from kb.semantic.store import VectorStore

RRF_K = 10
WEIGHT_STRICT = 2.0  # lexical channel, every word matched (1.0–2.0 tie on xquad; 2 keeps exact matches first)
WEIGHT_RELAXED = 0.3  # lexical channel, most of the words
WEIGHT_MEANING = 1.9  # semantic channel: under the strict words, so they win a tie of ranks
MEANING_DEPTH = 20  # meaning-only candidates taken at most
MEANING_MARGIN = 0.1  # ... within this cosine of the best one
MEANING_LIFT = 0.03  # ... and at least this cosine above the scope's median (standing out from the rest)
#: A query's meaning counts only when its best document stands out: CONFIDENCE_MARGIN above the
#: CONFIDENCE_RANK-th best of the scope (letter salad and absent words: a best document among equals).
#: Chosen on the tuning halves (XQuAD questions and eval/noanswer.py's queries).
CONFIDENCE_MARGIN = 0.042
CONFIDENCE_RANK = 20
CONFIDENT_LIFT = 0.04  # in a scope of fewer than STATS_DOCS documents: this over the scope's median
STATS_DOCS = 50
BRIDGES = 1  # documents bridging a language filter: the best by words outside it (see bridged)
BRIDGE_WEIGHT = 1.0  # a bridge's cosine counts as much as the query's (0.5–1.5 alike on the tuning half)
BRIDGE_POOL = 100  # the documents best by the query's meaning that a bridge re-scores
LEXICAL_DEPTH = 100  # lexical ranks fused (later matches keep their lexical order after them)
#: In the "most of the words" search a match weighs WEIGHT_RELAXED + (WEIGHT_STRICT − WEIGHT_RELAXED) ×
#: coverage ** COVERAGE_POWER, coverage being the share of the query's word weight (idf) it holds (see
#: `coverage`): a paragraph with every rare word of a question but "what", "hieß" weighs nearly as
#: much as a match of every word, one sharing a name or a number with it next to nothing.
COVERAGE_POWER = 2.0
#: After a search where every word matched, a document found by meaning alone must be at least as near the
#: query as the words' first hit, less this (`beside_words`): a title typed as it is found its page, and
#: meaning filled the page with its neighbours (mixed archive, tuning half: precision 0.52 → 0.68).
WORDS_FLOOR_MARGIN = 0.02
#: ... and for a document in a language none of the words' hits is in, this: a translation lies about
#: 0.05 below its original (tuning half: median 0.054 for on-topic ones), and a German query should
#: still show the English text it matches. Tuning half, no filter: 0.04 gave 0.686, 0.06 0.676 (as 0.02)
WORDS_FLOOR_MARGIN_OTHER = 0.06
WORDS_FLOOR_HITS = 3  # the floor is the cosine of the first of the words' first hits that has vectors
EXACT_ROWS = 300_000  # rows kept as float32 in memory (460 MB at most): one product scores them
REDUCED_DIM = 128  # above that: a first pass over the rows projected to this many dimensions ...
CANDIDATE_ROWS = 4096  # ... then the best rows of that pass (this many, or a twentieth of the rows if
CANDIDATE_SHARE = 20  # more) scored exactly from the int8 shards: LibreOffice titles as at full scan
SAMPLE_ROWS = 20_000  # rows the projection is learnt from
BLOCK_ROWS = 16384  # int8 rows upcast at once
HASH_ROWS = 4096  # title rows hashed at once
#: While an embedder is writing shards, a session's index is rebuilt at most this often (every new shard
#: made the next search rebuild it: 23-154 ms at 4,100 documents); once no process embeds, at once.
REBUILD_S = 15.0
_HASH = np.random.default_rng(20261127).integers(-(2**62), 2**62, size=384, dtype=np.int64)
#: numpy's BLAS threads for scoring. With two, a score's product took 14.7 ms of wall but 30 ms of CPU,
#: and the helper thread kept spinning after it: on 2 cores beside a Solr node a page with meaning
#: spent 71 ms of CPU at 100k documents, 32 ms with one thread (docs/solr.md, "Speed, seventh round").
BLAS_THREADS = 1


@functools.cache
def limit_blas_threads() -> None:
    """Once per process: numpy's BLAS runs on BLAS_THREADS threads (threadpoolctl sets it at run time,
    wherever numpy was first imported)."""
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")


class SemanticIndex:
    """The current vectors of a searcher's documents, rows mapped to doc numbers, ready to score.

    Up to `exact_rows` rows (EXACT_ROWS: 460 MB, about 100,000 documents of three passages) are kept
    dequantised (float32) in memory, so one matrix-vector product scores them all. A larger store keeps
    its rows projected on their 128 main directions (150 MB at 300,000 rows): a first pass over that
    copy picks the best rows (a twentieth of them, overall and within the search's filters), which are
    scored exactly from the memory-mapped int8 shards.

    A document's score is its best row: its title alone or a passage (each with the title). A title
    row counts only while no other document of the same group (language) has the same title: a title
    shared by many documents (an article's paragraphs, "Minutes") names none of them, and their passages
    carry it anyway.
    """

    def __init__(
        self,
        store: VectorStore,
        ids: list[str | None],
        groups: np.ndarray | None = None,
        exact_rows: int | None = None,
        candidate_rows: int | None = None,
    ) -> None:
        limit_blas_threads()
        exact_rows = EXACT_ROWS if exact_rows is None else exact_rows
        self.names = store.names()
        self.size = len(ids)
        docnum = {doc_id: n for n, doc_id in enumerate(ids) if doc_id is not None}
        latest = store.current()
        self.embedded = np.zeros(self.size, dtype=bool)
        # (int8 rows, scales, doc numbers, title flags) of each shard, then of the rows that count
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for shard in store.shards():
            rowdoc = np.fromiter(
                (docnum.get(d, -1) if latest[d][0] == shard.seq else -1 for d in shard.ids),
                dtype=np.int64,
                count=len(shard.ids),
            )
            if (rowdoc >= 0).any():
                self.parts.append((shard.vectors, shard.scale, rowdoc, shard.titles))
                self.embedded[rowdoc[rowdoc >= 0]] = True
        self.missing = any(d is not None and not self.embedded[n] for n, d in enumerate(ids))
        self._drop_shared_titles(groups)
        kept = []
        for vectors, scale, rowdoc, titles in self.parts:
            rows = np.flatnonzero(rowdoc >= 0)
            if len(rows):
                whole = len(rows) == len(rowdoc)
                kept.append((vectors if whole else vectors[rows], scale[rows], rowdoc[rows], titles[rows]))
        self.parts = kept
        self.rows = sum(len(r) for _, _, r, _ in kept)
        self.rowdoc = np.concatenate([r for _, _, r, _ in kept]) if kept else np.zeros(0, dtype=np.int64)
        self.titles = np.concatenate([t for _, _, _, t in kept]) if kept else np.zeros(0, dtype=bool)
        self._exact: np.ndarray | None = None
        self._basis: np.ndarray | None = None
        self._reduced: np.ndarray | None = None
        if kept and self.rows <= exact_rows:
            self._exact = np.concatenate(
                [np.asarray(v, dtype=np.float32) * s[:, None] for v, s, _, _ in kept]
            )
        elif kept:
            self._reduce()
        self.candidate_rows = candidate_rows or max(CANDIDATE_ROWS, self.rows // CANDIDATE_SHARE)

    def _reduce(self) -> None:
        """The rows projected on their REDUCED_DIM main directions (learnt from a sample of rows)."""
        picked = np.linspace(0, self.rows - 1, min(self.rows, SAMPLE_ROWS)).astype(np.int64)
        sample = self.row_vectors(np.unique(picked))
        _, _, vt = np.linalg.svd(sample, full_matrices=False)  # uncentred: it keeps dot products
        self._basis = np.ascontiguousarray(vt[:REDUCED_DIM].T.astype(np.float32))
        out = []
        for vectors, scale, _, _ in self.parts:
            for a in range(0, len(scale), BLOCK_ROWS):
                block = slice(a, a + BLOCK_ROWS)
                out.append((np.asarray(vectors[block], dtype=np.float32) * scale[block, None]) @ self._basis)
        self._reduced = np.concatenate(out)

    def _in_parts(self, rows: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(int8 rows, their scales) of some rows (sorted row numbers), part by part."""
        start = 0
        for vectors, scale, rowdoc, _ in self.parts:
            stop = start + len(rowdoc)
            lo, hi = np.searchsorted(rows, [start, stop])
            local = rows[lo:hi] - start
            if len(local):
                yield np.asarray(vectors[local], dtype=np.float32), scale[local]
            start = stop

    def row_vectors(self, rows: np.ndarray) -> np.ndarray:
        """Some rows (sorted row numbers), dequantised."""
        out = [v * s[:, None] for v, s in self._in_parts(rows)]
        return np.concatenate(out) if out else np.zeros((0, self.parts[0][0].shape[1]), dtype=np.float32)

    def _drop_shared_titles(self, groups: np.ndarray | None) -> None:
        """Title rows whose int8 vector another document of the same group has too: they stop counting."""
        found: list[tuple[np.ndarray, int, np.ndarray]] = []  # (hash, part, row) of each title row
        for n, (vectors, _, rowdoc, titles) in enumerate(self.parts):
            rows = np.flatnonzero(titles & (rowdoc >= 0))
            for start in range(0, len(rows), HASH_ROWS):
                block = rows[start : start + HASH_ROWS]
                h = np.asarray(vectors[block], dtype=np.int64) @ _HASH  # wraps: a 64-bit hash of the row
                if groups is not None:
                    h = h * 1_000_003 + groups[rowdoc[block]].astype(np.int64)
                found.append((h, n, block))
        if not found:
            return
        keys = np.concatenate([h for h, _, _ in found])
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        shared = counts[inverse] > 1
        at = 0
        for h, n, block in found:
            self.parts[n][2][block[shared[at : at + len(h)]]] = -1  # that row no longer counts
            at += len(h)

    def scores(self, query: np.ndarray, within: np.ndarray | None = None) -> np.ndarray:
        """Each document's best row cosine (−inf without vectors, or, in a large store, for documents
        none of whose rows is among the first pass's best `candidate_rows`, overall or `within` a mask
        of documents: the filters of the search)."""
        best = np.full(self.size, -np.inf, dtype=np.float32)
        if not self.rows:
            return best
        q = np.asarray(query, dtype=np.float32)
        if self._reduced is None:
            np.maximum.at(best, self.rowdoc, self.row_scores(None, q))
            return best
        rough = self._reduced @ (q @ self._basis)
        picked = _best_rows(rough, self.candidate_rows)
        if within is not None:
            inside = np.where(within[self.rowdoc], rough, -np.inf)
            picked = np.union1d(picked, _best_rows(inside, self.candidate_rows))
            picked = picked[np.isfinite(rough[picked])]
        np.maximum.at(best, self.rowdoc[picked], self.row_scores(picked, q))
        return best

    def row_scores(self, rows: np.ndarray | None, q: np.ndarray) -> np.ndarray:
        """Cosines of some rows (sorted row numbers; None: all, held in memory) with the query."""
        if self._exact is not None:
            return self._exact @ q if rows is None else self._exact[rows] @ q
        out = [(v @ q) * s for v, s in self._in_parts(rows)]  # (v · s) @ q as (v @ q) · s: one pass less
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def _best_rows(rough: np.ndarray, count: int) -> np.ndarray:
    """The row numbers of the `count` highest values that are finite, sorted."""
    rows = np.argpartition(-rough, count - 1)[:count] if len(rough) > count else np.arange(len(rough))
    return np.sort(rows[np.isfinite(rough[rows])])


def confident(scores: np.ndarray, docs: np.ndarray) -> bool:
    """Whether the best cosine among some documents stands out from the rest.

    A query of letter salad or of words no document holds still has a best document, but it stands
    little above the next ones: on XQuAD's tuning half, 98 % of such queries have their best paragraph
    less than 0.042 above the 20th best, while 93–99 % of the questions have more in their language
    (a question's paragraph and its article's others stand out together, so the 20th, not the 2nd).
    A scope of fewer than STATS_DOCS documents has no such rank to speak of: there the best must lie
    CONFIDENT_LIFT above the median (absolute cosines say little: a long question scores every
    document lower than a short one does).
    """
    if not len(docs):
        return False
    values = scores[docs]
    best = float(values.max())
    if len(docs) < STATS_DOCS:
        return best - float(np.median(values)) >= CONFIDENT_LIFT
    kth = float(np.partition(values, len(values) - CONFIDENCE_RANK)[len(values) - CONFIDENCE_RANK])
    return best - kth >= CONFIDENCE_MARGIN


def meaning_candidates(
    scores: np.ndarray,
    scope: np.ndarray,
    depth: int = MEANING_DEPTH,
    scale: float = 1.0,
    sample: np.ndarray | None = None,
) -> np.ndarray:
    """The best documents by meaning within a scope, best first, within MEANING_MARGIN of the best and
    MEANING_LIFT or more above the scope's median cosine (whether meaning may add documents at all is
    the caller's question: see `confident`). `sample`: documents of the scope whose median stands for
    the scope's, when the scope mask holds only part of it (the Solr backend knows a scope by its best
    documents and a sample of the rest).

    The model's cosines are crowded (a query scores most documents 0.75–0.85): a document that does not
    stand out from the rest of the scope is not found by meaning, however it ranks. Otherwise, in a
    small or uniform collection, meaning's order among near-equal cosines (noise) would overturn what
    the words found.
    """
    docs = np.flatnonzero(scope & np.isfinite(scores))
    if not len(docs):
        return docs
    sampled = docs if sample is None else sample[np.isfinite(scores[sample])]
    floor = float(np.median(scores[sampled if len(sampled) else docs])) + MEANING_LIFT * scale
    docs = docs[scores[docs] >= floor]
    if not len(docs):
        return docs
    if len(docs) > depth:
        docs = docs[np.argpartition(-scores[docs], depth - 1)[:depth]]
    docs = docs[np.lexsort((docs, -scores[docs]))]
    return docs[scores[docs] >= scores[docs[0]] - MEANING_MARGIN * scale]


def beside_words(
    chosen: np.ndarray,
    scores: np.ndarray,
    matched: np.ndarray,
    lexical: list[tuple[int, float]],
    languages: np.ndarray | None = None,
) -> np.ndarray:
    """The meaning candidates of a search where every word matched: those the words found too, and those
    at least as near the query (`scores`) as the words' first hit less WORDS_FLOOR_MARGIN (the first of
    the words' first WORDS_FLOOR_HITS hits with vectors; none has any: only those the words found).
    `languages` (a code per document): a document in a language none of the words' hits (the first
    LEXICAL_DEPTH) is in may lie WORDS_FLOOR_MARGIN_OTHER below instead.

    Every word matching is the words' strongest evidence: on the mixed archive's tuning half (titles,
    agenda items and headings typed as they are) the documents meaning added below that floor were off
    topic 9 times in 10, and no target was found by them."""
    if not len(chosen) or not lexical:
        return chosen
    near = [scores[d] for d, _ in lexical[:WORDS_FLOOR_HITS] if np.isfinite(scores[d])]
    keep = matched[chosen]
    if near:
        margin = np.full(len(chosen), WORDS_FLOOR_MARGIN, dtype=np.float32)
        if languages is not None:
            found = np.unique(languages[[d for d, _ in lexical[:LEXICAL_DEPTH]]])
            margin[~np.isin(languages[chosen], found)] = WORDS_FLOOR_MARGIN_OTHER
        keep |= scores[chosen] >= float(near[0]) - margin
    return chosen[keep]


def bridged_candidates(
    own: np.ndarray, bridged: np.ndarray, scope: np.ndarray, sample: np.ndarray | None = None
) -> np.ndarray:
    """The meaning candidates of a bridged search: those of the bridged scores (their lift and margin
    scaled to the sum of two cosines) and every one the query's meaning found by itself (`own`), best
    bridged score first: a bridge adds and reorders, and never drops what the query's meaning found.
    `sample`: as for `meaning_candidates`."""
    more = meaning_candidates(bridged, scope, scale=1.0 + BRIDGE_WEIGHT, sample=sample)  # words' evidence
    chosen = np.union1d(own, more)
    return chosen[np.lexsort((chosen, -bridged[chosen]))][:MEANING_DEPTH]


def coverage(words: list[np.ndarray], docs: list[int], size: int) -> dict[int, float]:
    """Of each document, the share of the query's word weight it holds: words[i] is the i-th word's
    match mask (over `size` live documents), a word weighs its Robertson idf (a word in half the
    documents or more weighs nothing: "the", "der", "what"); {} when no word weighs anything."""
    if not words or not docs:
        return {}
    at = np.asarray(docs, dtype=np.int64)
    return word_shares([int(mask.sum()) for mask in words], [mask[at] for mask in words], docs, size)


def word_shares(frequencies: list[int], held: list[np.ndarray], docs: list, size: int) -> dict:
    """`coverage` from what an engine counts: frequencies[i] documents of a scope of `size` hold the
    i-th word, held[i][j] whether docs[j] (any keys) holds it."""
    if not frequencies or not len(docs):
        return {}
    idf = [max(0.0, float(np.log((size - df + 0.5) / (df + 0.5)))) for df in frequencies]
    total = sum(idf)
    if total <= 0:
        return {}
    weight = sum(w * np.asarray(h).astype(np.float64) for w, h in zip(idf, held, strict=True) if w > 0)
    return {d: float(c) / total for d, c in zip(docs, np.atleast_1d(weight), strict=True)}


def relaxed_weight(share: float) -> float:
    """The weight of a "most of the words" match holding `share` of the query's word weight."""
    return WEIGHT_RELAXED + (WEIGHT_STRICT - WEIGHT_RELAXED) * min(1.0, max(0.0, share)) ** COVERAGE_POWER


def fuse(
    lexical: list[tuple[int, float]],
    meaning: np.ndarray,
    strict: bool,
    limit: int,
    covered: dict[int, float] | None = None,
) -> list[tuple[int, float]]:
    """Weighted RRF of the lexical ranking (doc, score) and the meaning ranking (docs, best first).

    covered: for a relaxed ("most of the words") ranking, each document's share of the query's word
    weight (`coverage`); its weight is then `relaxed_weight` of that share (without it, WEIGHT_RELAXED)."""
    weight = WEIGHT_STRICT if strict else WEIGHT_RELAXED
    fused: dict[int, float] = {}
    for rank, (doc, _) in enumerate(lexical[:LEXICAL_DEPTH], start=1):
        w = relaxed_weight(covered.get(doc, 0.0)) if covered and not strict else weight
        fused[doc] = w / (RRF_K + rank)
    for rank, doc in enumerate(meaning.tolist(), start=1):
        fused[doc] = fused.get(doc, 0.0) + WEIGHT_MEANING / (RRF_K + rank)
    order = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
    seen = {d for d, _ in order}
    rest = [(d, 0.0) for d, _ in lexical[LEXICAL_DEPTH:] if d not in seen]
    return [(d, round(s, 6)) for d, s in order + rest][:limit]


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    """The process's one thread for query meaning (queries are embedded one at a time anyway)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-meaning")
        return _pool


class SessionMeaning:
    """The semantic channel for one searcher: its index built on first use, rebuilt when shards change
    (while an embedder is adding shards, at most every REBUILD_S seconds)."""

    def __init__(self, layer, ids, groups: np.ndarray | None = None) -> None:
        self.layer = layer
        self._ids_source = ids  # a callable: doc id per document number (None for deleted ones)
        self._groups = groups  # per document number: a title row counts when unique within its group
        self._ids: list[str | None] | None = None
        self._index: SemanticIndex | None = None
        self._built = 0.0  # time.monotonic() of the index's build

    def index(self) -> SemanticIndex:
        if self._ids is None:
            self._ids = self._ids_source()
        if self._index is None or (self._index.names != self.layer.store.names() and self._due()):
            self._index = SemanticIndex(self.layer.store, self._ids, self._groups)
            self._built = time.monotonic()
        return self._index

    def _due(self) -> bool:
        """Whether changed shards are taken in now: REBUILD_S after the last build, or when nobody is
        embedding (the last shard of a run, a compaction, or another process's writes are in)."""
        store = self.layer.store
        return time.monotonic() - self._built >= REBUILD_S or store.embedder() is None

    def incomplete(self) -> bool:
        """Whether a live document has no vectors or a write is queued (work for the embedder)."""
        index = self.index()
        return bool(index.missing or self.layer.store.has_queue())

    def submit(self, text: str, within: np.ndarray | None = None) -> Future | None:
        """The query's scores, computed in a worker thread while the caller searches by words.

        The model and numpy release the GIL, so the words and the meaning use both cores; the index is
        built here, in the caller's thread (it reads the searcher, which is not shared across threads).
        """
        index = self.index()
        if not index.rows:
            return None
        return _worker().submit(lambda: index.scores(self.layer.queries.query(text), within))

    def passage(self, docnum: int, text: str, document) -> str | None:
        """The passage of a document closest in meaning to the query (its snippet when found by meaning)."""
        return self.closest(docnum, self.layer.queries.query(text), document.title, document.text)

    def closest(self, docnum: int, query: np.ndarray, title: str, text: str) -> str | None:
        """The passage of a document (by number, its title and text) closest to a query vector, cut as the
        meaning layer cuts passages (kb/semantic/passages.py), without its title."""
        index = self.index()
        rows = np.flatnonzero((index.rowdoc == docnum) & ~index.titles)  # its passages, in order
        if not len(rows):
            return None
        s = index.row_scores(rows, np.asarray(query, dtype=np.float32))
        pieces = passages.split(title, text, self.layer.chars, self.layer.limit)
        best = int(np.argmax(s))
        if best >= len(pieces):
            return None
        title = " ".join(title.split())
        piece = pieces[best]
        return piece[len(title) + 1 :] if title and piece.startswith(title + "\n") else piece

    def bridged(self, scores: np.ndarray, bridges: list[int], scope: np.ndarray) -> np.ndarray:
        """The scores with the bridges' meaning added: for the BRIDGE_POOL best documents of the scope,
        BRIDGE_WEIGHT × their best row's cosine with the bridges' mean passage vector; the others get
        the pool's lowest such cosine (they stay below it).

        A few words say little to the model across languages (LibreOffice titles on the tuning half:
        the right page among the first three for 0.725 of the pairs), while a whole document and its
        translation embed close together: the query's own cosine plus the bridge's took that to 0.791
        (the source page as the bridge); adding the bridge to the query vector instead gave 0.757.
        """
        vectors = [v for d in bridges if (v := self.vector(d)) is not None]
        docs = np.flatnonzero(scope & np.isfinite(scores))
        if not vectors or not len(docs):
            return scores
        pivot = np.mean(vectors, axis=0)
        pivot /= float(np.linalg.norm(pivot)) or 1.0
        if len(docs) > BRIDGE_POOL:
            docs = docs[np.argpartition(-scores[docs], BRIDGE_POOL - 1)[:BRIDGE_POOL]]
        index = self.index()
        pool = np.zeros(index.size, dtype=bool)
        pool[docs] = True
        rows = np.flatnonzero(pool[index.rowdoc])
        near = np.full(index.size, -np.inf, dtype=np.float32)
        np.maximum.at(near, index.rowdoc[rows], index.row_scores(rows, pivot.astype(np.float32)))
        floor = float(near[docs].min())
        out = scores + BRIDGE_WEIGHT * floor
        out[docs] = scores[docs] + BRIDGE_WEIGHT * near[docs]
        return out

    def vector(self, docnum: int) -> np.ndarray | None:
        """A document's mean passage vector (the title row left out), normalised (None without vectors)."""
        index = self.index()
        rows = [
            np.asarray(v[mine], dtype=np.float32) * s[mine, None]
            for v, s, rowdoc, titles in index.parts
            if (mine := (rowdoc == docnum) & ~titles).any()
        ]
        if not rows:
            return None
        mean = np.concatenate(rows).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        return mean / norm if norm else None
