"""`make eval`: our search against a plain BM25 baseline, per dataset and kind of query.

    python -m eval.run [--dataset seeds|libreoffice|xquad|mixed|all] [--split held-out|tune|all]
                       [--per-kind 100] [--rebuild] [--embed] [--doc docs/meaning.md]
                       [--engine whoosh|solr]

`--engine solr` (`make eval ENGINE=solr`) runs the same evaluations with the knowledge base on Solr:
the SolrCloud of KB_SOLR_URL (its collection KB_SOLR_COLLECTION, default network-kb-eval, emptied and
refilled for each dataset), or one started from tests/solrcloud.py (bench/solr.py). "ours" is Solr with
the meaning layer, "−sem" Solr by words; beside them, in the same run and on the same documents and
queries, the Whoosh backend with meaning ("whoosh") and by words ("whoosh −sem"): the comparison issue
23 asks for (within 0.02 or better). Both engines read the same vectors: the Whoosh run's store
(eval/out/xquad/index.semantic, eval/out/libreoffice/index.semantic) is copied beside the twin's and
the Solr index (`share_vectors`), so no passage is embedded twice (`--embed` does not apply). Its
indexes and results go to eval/out/solr/ (the Whoosh twin's LibreOffice index is the Whoosh run's,
eval/out/libreoffice/index, reused when fresh) and docs/meaning.md is not written.

`make eval` runs `--embed --doc docs/meaning.md`: the XQuAD paragraphs are embedded anew (as `kb
embed` does: the paragraphs/s of issue 22), and the block of docs/meaning.md between the eval markers
is rewritten with issue 22's figures of this run, before and now, each named with its half
(eval/targets.py).

Seeds: the five seed documents of corpus/ are ingested into a temporary index through
archive.service (exactly as the product does). LibreOffice help: every page in the four languages
(4 × 2,561) is written as a Document straight into an index under eval/out/libreoffice/index,
reused while the code of kb/ and the data are unchanged (--rebuild forces it). The baseline
(eval/fts5.py) indexes the same ids, titles and texts.

Systems: "bm25 (FTS5)", "ours" (KnowledgeBase.search, defaults, cross-language expansion on)
and "ours −exp" (expansion off). Metrics over the first 10 results: success@3 (a relevant
document among the first three), MRR (1 / rank of the first relevant document, 0 when none in
the first ten) and nDCG@10 (gain 2^grade − 1). XQuAD articles and LibreOffice pages are split by a
stable hash into a tuning half (what the fusion constants were chosen on) and a held-out half: --split
picks the half reported (LibreOffice is reported for that half and for all its queries). Writes eval/out/results.md and per-query
details in eval/out/details-<dataset>.jsonl.

Mixed archive (eval/mixed.py): XQuAD paragraphs, LibreOffice pages in four languages, council
agendas, law sections, office files and PDFs in one index, with queries whose on-topic documents are
known by construction: precision of the first page, the share of it found by meaning only and off
topic, with the archive embedded, by words alone and half embedded (Whoosh only: it needs meaning).

No-answer queries (eval/noanswer.py): letter salad and real words of the four languages that no
document of the collection holds, generated for XQuAD and LibreOffice and split into halves by a hash
of their text; the report gives the share answered with nothing found (total 0), ours and −sem.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from eval.fts5 import Bm25Baseline
from eval.judgements import (
    KINDS,
    LIBREOFFICE_DIR,
    Judged,
    by_kind,
    doc_id,
    libreoffice_available,
    libreoffice_queries,
    libreoffice_split,
    load_libreoffice,
    seed_queries,
)
from eval.mixed import MixedResult, mixed_available, run_mixed
from eval.mixed import markdown as mixed_markdown
from eval.mixed import noisy as mixed_noisy
from eval.mixed import write_details as mixed_details
from eval.noanswer import NOANSWER_KINDS, noanswer_queries
from eval.xquad import SPLITS, xquad_available, xquad_documents, xquad_queries
from kb.api import KnowledgeBase
from kb.errors import QuerySyntaxError
from kb.models import Document, SearchRequest
from kb.schema import SCHEMA_VERSION
from kb.semantic.store import share_vectors
from kb.settings import PROJECT_ROOT, load_settings

OUT_DIR = PROJECT_ROOT / "eval" / "out"
ENGINES = ("whoosh", "solr")
SOLR_COLLECTION = "network-kb-eval"
#: the engine of this run (main sets it): Solr's indexes, results and details live under OUT_DIR/solr
ENGINE = "whoosh"
CORPUS_DIR = PROJECT_ROOT / "corpus"
DEPTH = 10
PER_KIND = 400  # LibreOffice queries per kind (100 left 46 held-out cross-language queries: ±0.07)
#: LibreOffice pages are embedded by their title and first 100 characters only (10,244 pages on 2 cores).
LO_PASSAGE_CHARS = 100
BASELINE = "bm25 (FTS5)"
OURS = "ours"
OURS_NO_EXPANSION = "ours −exp"
OURS_NO_SEMANTIC = "ours −sem"
WHOOSH_MEANING = "whoosh"  # --engine solr: the Whoosh backend with meaning, beside Solr's
WHOOSH_WORDS = "whoosh −sem"  # ... and by words
WHOOSH_SYSTEMS: tuple[str, ...] = (BASELINE, OURS, OURS_NO_SEMANTIC, OURS_NO_EXPANSION)
ENGINE_SYSTEMS: tuple[str, ...] = (BASELINE, OURS, WHOOSH_MEANING, OURS_NO_SEMANTIC, WHOOSH_WORDS)
#: the systems of this run (main sets them with ENGINE)
SYSTEMS: tuple[str, ...] = WHOOSH_SYSTEMS
METRICS: tuple[str, ...] = ("success@3", "MRR", "nDCG@10")

Searcher = Callable[[str, Sequence[str]], list[str]]


#: --engine-out: where another engine's indexes, results and details go (default OUT_DIR / engine)
ENGINE_OUT: Path | None = None


def _out() -> Path:
    """Where this run's indexes, results and details go (Solr's apart from Whoosh's)."""
    if ENGINE == "whoosh":
        return OUT_DIR
    return ENGINE_OUT or OUT_DIR / ENGINE


def _empty_engine(folder: Path) -> None:
    """Solr: empty the collection (Whoosh: every dataset has its own folder, nothing to do)."""
    if ENGINE == "whoosh":
        return
    kb = KnowledgeBase(folder, CORPUS_DIR, semantic=False)
    if not kb.created:
        kb.backend.clear()
    kb.close()


# -- metrics ---------------------------------------------------------------------------------------


def first_rank(ranked: Sequence[str], relevant: dict[str, int]) -> int | None:
    return next((i + 1 for i, d in enumerate(ranked[:DEPTH]) if relevant.get(d, 0) > 0), None)


def ndcg(ranked: Sequence[str], relevant: dict[str, int], depth: int = DEPTH) -> float:
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:depth]))
    ideal = sorted(relevant.values(), reverse=True)[:depth]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def scores(ranked: Sequence[str], relevant: dict[str, int]) -> dict[str, float]:
    rank = first_rank(ranked, relevant)
    return {
        "success@3": 1.0 if rank is not None and rank <= 3 else 0.0,
        "MRR": 1.0 / rank if rank else 0.0,
        "nDCG@10": ndcg(ranked, relevant),
    }


# -- systems ---------------------------------------------------------------------------------------


@dataclass
class OurSearch:
    kb: KnowledgeBase
    expand: bool
    semantic: bool = True  # the meaning channel (when the knowledge base has it)
    errors: int = 0  # queries rejected as syntax errors
    leaks: int = 0  # searches with a language filter that returned hits in another language

    def __call__(self, text: str, languages: Sequence[str]) -> list[str]:
        request = SearchRequest(
            text=text,
            page_size=DEPTH,
            expand=self.expand,
            semantic=self.semantic,
            languages=tuple(languages),
        )
        try:
            hits = self.kb.search(request).hits
        except QuerySyntaxError:
            self.errors += 1
            return []
        if languages and any(h.language not in languages for h in hits):
            self.leaks += 1
        return [h.id for h in hits]


def baseline_search(baseline: Bm25Baseline) -> Searcher:
    return lambda text, languages: baseline.search(text, languages, DEPTH)


@dataclass
class DatasetResult:
    name: str
    queries: list[Judged]
    rankings: dict[str, dict[str, list[str]]]  # system → query id → ranked ids
    seconds: float
    docs: int
    syntax_errors: dict[str, int]
    filter_leaks: dict[str, int] = field(default_factory=dict)
    #: no-answer queries: kind → system → (queries, how many said nothing found), of the split reported
    nothing: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    #: (documents embedded, seconds) when this run embedded the collection
    embedding: tuple[int, float] | None = None

    @property
    def systems(self) -> tuple[str, ...]:
        """The systems ranked (SYSTEMS of the run's engine), in their order."""
        return tuple(self.rankings)

    def per_query(self, system: str) -> dict[str, dict[str, float]]:
        return {q.id: scores(self.rankings[system][q.id], dict(q.relevant)) for q in self.queries}

    def table(self) -> dict[str, dict[str, dict[str, float]]]:
        """kind → system → metric → mean (kinds in KINDS order, plus "all")."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        per = {s: self.per_query(s) for s in self.systems}
        groups = by_kind(self.queries)
        kinds = [k for k in KINDS if k in groups] + [k for k in groups if k not in KINDS]
        for kind in kinds + ["all"]:
            qs = self.queries if kind == "all" else groups[kind]
            out[kind] = {
                s: {m: sum(per[s][q.id][m] for q in qs) / len(qs) for m in METRICS} | {"n": len(qs)}
                for s in self.systems
            }
        return out


def _ours(kb: KnowledgeBase, whoosh: KnowledgeBase | None = None) -> dict[str, OurSearch]:
    """Our systems on a knowledge base; on another engine, the Whoosh twin (`whoosh`, the same documents
    and vectors) beside it, each with meaning and by words."""
    if ENGINE != "whoosh":
        assert whoosh is not None
        return {
            OURS: OurSearch(kb, expand=True),
            WHOOSH_MEANING: OurSearch(whoosh, expand=True),
            OURS_NO_SEMANTIC: OurSearch(kb, expand=True, semantic=False),
            WHOOSH_WORDS: OurSearch(whoosh, expand=True, semantic=False),
        }
    return {
        OURS: OurSearch(kb, expand=True),
        OURS_NO_SEMANTIC: OurSearch(kb, expand=True, semantic=False),
        OURS_NO_EXPANSION: OurSearch(kb, expand=False),
    }


def whoosh_twin(
    folder: Path, docs: Sequence[Document] | None = None, vectors: Path | None = None, log=print
) -> KnowledgeBase | None:
    """On another engine: a Whoosh knowledge base with the meaning layer in `folder`, filled with `docs`
    when it is new or they are given, its vectors those of the index `vectors` (`share_vectors`) and
    whatever they lack embedded; None on Whoosh."""
    if ENGINE == "whoosh":
        return None
    if docs is not None:
        shutil.rmtree(folder, ignore_errors=True)
    if vectors is not None:
        share_vectors(vectors, folder)
    kb = KnowledgeBase(folder, CORPUS_DIR, engine="whoosh")
    if docs is not None:
        kb.write(docs)
    _embed(kb, log)
    return kb


def nothing_found(
    kb: KnowledgeBase, docs: Sequence[Document], split: str, whoosh: KnowledgeBase | None = None
) -> dict[str, dict[str, tuple[int, int]]]:
    """Letter salad and absent words (eval/noanswer.py) of one half: how many each system answers
    with nothing found (total 0), per kind (on another engine: ours by words, and the Whoosh twin's)."""
    queries = [
        q for q in noanswer_queries([f"{d.title}\n{d.text}" for d in docs]) if split in ("all", q.split)
    ]
    out: dict[str, dict[str, tuple[int, int]]] = {}
    systems = (
        ((OURS, kb, True), (OURS_NO_SEMANTIC, kb, False))
        if whoosh is None
        else (
            (OURS, kb, True),
            (WHOOSH_MEANING, whoosh, True),
            (OURS_NO_SEMANTIC, kb, False),
            (WHOOSH_WORDS, whoosh, False),
        )
    )
    for system, searched, semantic in systems:
        for q in queries:
            page = searched.search(SearchRequest(text=q.text, page_size=DEPTH, semantic=semantic))
            n, empty = out.setdefault(q.kind, {}).get(system, (0, 0))
            out[q.kind][system] = (n + 1, empty + (page.total == 0))
    return {k: out[k] for k in NOANSWER_KINDS if k in out}


def _embed(kb: KnowledgeBase, log=print) -> tuple[int, float] | None:
    """Embed what is pending (vectors are kept beside the index between runs), as `kb embed` does
    (two threads), and let the engine take them in (Solr copies them into its collection, as after a
    search): (documents, seconds), or None when nothing was pending."""
    if kb.semantic is None:
        return None
    kb.semantic.stop()
    started = time.perf_counter()
    done = kb.embed_pending()
    seconds = time.perf_counter() - started
    kb.backend.meaning_incomplete()
    if done:
        log(f"embedded {done} documents in {seconds:.0f} s ({done / seconds:.2f}/s)")
        return done, seconds
    return None


def evaluate(name: str, queries: list[Judged], systems: dict[str, Searcher], docs: int) -> DatasetResult:
    started = time.perf_counter()
    rankings = {s: {q.id: fn(q.text, q.languages) for q in queries} for s, fn in systems.items()}
    errors = {s: getattr(fn, "errors", 0) for s, fn in systems.items()}
    leaks = {s: getattr(fn, "leaks", 0) for s, fn in systems.items()}
    return DatasetResult(name, queries, rankings, time.perf_counter() - started, docs, errors, leaks)


# -- datasets --------------------------------------------------------------------------------------


def seed_number(document_id: str) -> str:
    """documents/000_29bb637916ff8d4d → 000."""
    return Path(document_id).name[:3]


def run_seeds(work_dir: Path | None = None) -> DatasetResult:
    """The judged seed queries over the five seeds, ingested through archive.service."""
    from archive.service import open_knowledge_base

    tmp = Path(tempfile.mkdtemp(prefix="kb-eval-seeds-", dir=work_dir))
    try:
        _empty_engine(tmp / "empty")  # a Solr collection filled by an earlier dataset
        kb = open_knowledge_base(load_settings(tmp / "index", CORPUS_DIR))
        ids = sorted(kb.checksums())
        docs = [kb.get(i) for i in ids]
        baseline = Bm25Baseline((d.id, d.language, d.title, d.text) for d in docs)
        to_number = {d.id: seed_number(d.id) for d in docs}

        def numbered(fn: Searcher) -> Searcher:
            return lambda text, languages: [to_number[i] for i in fn(text, languages)]

        _embed(kb)  # the seeds' vectors (the background embedder may have started already)
        twin = whoosh_twin(tmp / "whoosh", docs, vectors=tmp / "index")
        ours = _ours(kb, twin)
        systems = {BASELINE: numbered(baseline_search(baseline))}
        systems |= {name: numbered(fn) for name, fn in ours.items()}
        result = evaluate("seeds", seed_queries(), systems, len(docs))
        result.syntax_errors = {BASELINE: 0} | {name: fn.errors for name, fn in ours.items()}
        result.filter_leaks = {BASELINE: 0} | {name: fn.leaks for name, fn in ours.items()}
        kb.close()
        if twin is not None:
            twin.close()
        baseline.close()
        return result
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _stamp(folder: Path) -> str:
    h = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    for path in sorted((PROJECT_ROOT / "kb").glob("*.py")) + [CORPUS_DIR / "vocabulary.json"]:
        h.update(path.name.encode() + path.read_bytes())
    for path in sorted(folder.glob("*.jsonl")):
        st = path.stat()
        h.update(f"{path.name} {st.st_size} {st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def libreoffice_folder(engine: str | None = None) -> Path:
    """Where an engine's LibreOffice index lives (the Whoosh one is the Whoosh run's, also the twin)."""
    engine = engine or ENGINE
    return (OUT_DIR if engine == "whoosh" else _out()) / "libreoffice"


def libreoffice_index(
    pages, rebuild: bool = False, log=print, engine: str | None = None
) -> tuple[KnowledgeBase, list[Document]]:
    """The LibreOffice index in eval/out/libreoffice/index, rebuilt when kb/ or the data changed (on
    another engine: its collection, refilled, with the Whoosh run's vectors; `engine="whoosh"`: the
    Whoosh run's index, its twin)."""
    engine = engine or ENGINE
    folder = libreoffice_folder(engine)
    index_dir, stamp_file = folder / "index", folder / "stamp"
    stamp = _stamp(LIBREOFFICE_DIR)
    docs = [
        Document(
            id=doc_id(lang, pid),
            source=f"libreoffice-help/{lang}/{pid}",
            title=r["title"].strip(),
            text=r["text"],
            language=lang,
        )
        for lang, by_id in pages.items()
        for pid, r in by_id.items()
    ]
    fresh = not rebuild and stamp_file.exists() and stamp_file.read_text() == stamp and index_dir.exists()
    fresh = fresh and engine == "whoosh"  # a Solr collection is refilled for each dataset
    if not fresh:
        shutil.rmtree(index_dir, ignore_errors=True)
        stamp_file.unlink(missing_ok=True)
    if engine != "whoosh":  # the Whoosh index's vectors (embedded before this is called)
        share_vectors(libreoffice_folder("whoosh") / "index", index_dir)
    kb = KnowledgeBase(index_dir, CORPUS_DIR, passage_chars=LO_PASSAGE_CHARS, passages=1, engine=engine)
    if not fresh and not kb.created:
        kb.backend.clear()
    if not fresh or kb.created:
        started = time.perf_counter()
        kb.write(docs)
        folder.mkdir(parents=True, exist_ok=True)
        stamp_file.write_text(stamp)
        log(f"indexed {len(docs)} LibreOffice pages in {time.perf_counter() - started:.0f} s")
    return kb, docs


def subset(result: DatasetResult, name: str, keep: Callable[[Judged], bool]) -> DatasetResult:
    """The same rankings over some of the queries (a split of the development set)."""
    return replace(result, name=name, queries=[q for q in result.queries if keep(q)])


def run_libreoffice(
    per_kind: int = PER_KIND, rebuild: bool = False, log=print, split: str = "held-out"
) -> DatasetResult:
    pages = load_libreoffice()
    twin = None
    if ENGINE != "whoosh":  # the twin first: its vectors are the ones both engines read
        twin = libreoffice_index(pages, rebuild, log, engine="whoosh")[0]
        _embed(twin, log)
    kb, docs = libreoffice_index(pages, rebuild, log)
    baseline = Bm25Baseline((d.id, d.language, d.title, d.text) for d in docs)
    _embed(kb, log)
    systems = {BASELINE: baseline_search(baseline), **_ours(kb, twin)}
    result = evaluate("libreoffice", libreoffice_queries(pages, per_kind), systems, len(docs))
    result.nothing = nothing_found(kb, docs, split, twin)  # of that half (the pages' halves do not apply)
    kb.close()
    if twin is not None:
        twin.close()
    baseline.close()
    return result


def xquad_index(
    log=print, fresh: bool = False
) -> tuple[KnowledgeBase, list[Document], tuple[int, float] | None]:
    """The XQuAD paragraphs (both languages) in eval/out/xquad/index, embedded beside it (kept between
    runs; `fresh`: embedded anew, which measures `kb embed`'s paragraphs/s): (kb, documents, (embedded,
    seconds) or None). On another engine, the vectors are the Whoosh twin's (`run_xquad`)."""
    index_dir = _out() / "xquad" / "index"
    docs = xquad_documents()
    shutil.rmtree(index_dir, ignore_errors=True)  # 240 paragraphs index in a second; vectors are kept
    if ENGINE != "whoosh":
        share_vectors(_out() / "xquad" / "whoosh", index_dir)
    elif fresh:
        shutil.rmtree(index_dir.with_name(index_dir.name + ".semantic"), ignore_errors=True)
    kb = KnowledgeBase(index_dir, CORPUS_DIR)
    if not kb.created:
        kb.backend.clear()
    kb.write(docs)
    return kb, docs, _embed(kb, log)


def run_xquad(split: str = "held-out", log=print, fresh: bool = False) -> DatasetResult:
    twin = None
    if ENGINE != "whoosh":  # the twin first, with the Whoosh run's vectors: both engines read them
        twin = whoosh_twin(_out() / "xquad" / "whoosh", xquad_documents(), OUT_DIR / "xquad" / "index", log)
    kb, docs, embedded = xquad_index(log, fresh)
    baseline = Bm25Baseline((d.id, d.language, d.title, d.text) for d in docs)
    systems = {BASELINE: baseline_search(baseline), **_ours(kb, twin)}
    result = evaluate(f"xquad ({split})", xquad_queries(split), systems, len(docs))
    result.nothing = nothing_found(kb, docs, split, twin)
    result.embedding = embedded
    kb.close()
    if twin is not None:
        twin.close()
    baseline.close()
    return result


# -- report ----------------------------------------------------------------------------------------


def verdict(ours: dict[str, float], base: dict[str, float]) -> str:
    diff = [ours[m] - base[m] for m in METRICS]
    if all(d >= -1e-9 for d in diff) and any(d > 1e-9 for d in diff):
        return "win"
    if all(abs(d) <= 1e-9 for d in diff):
        return "tie"
    if all(d <= 1e-9 for d in diff):
        return "**loss**"
    return "mixed"


def versus_whoosh(ours: dict[str, float], whoosh: dict[str, float]) -> str:
    """Ours (another engine) against the Whoosh backend: the largest shortfall, or "not below"."""
    worst = min(METRICS, key=lambda m: ours[m] - whoosh[m])
    gap = ours[worst] - whoosh[worst]
    if gap >= -1e-9:
        return "not below"
    shown = f"{gap:+.3f} {worst}"
    return shown if gap >= -0.02 - 1e-9 else f"**{shown}**"


def markdown(result: DatasetResult) -> str:
    table = result.table()
    short = {
        BASELINE: "bm25",
        OURS: "ours",
        OURS_NO_SEMANTIC: "−sem",
        OURS_NO_EXPANSION: "−exp",
        WHOOSH_MEANING: "whoosh",
        WHOOSH_WORDS: "whoosh−sem",
    }
    other = ENGINE != "whoosh"
    last = "ours vs whoosh" if other else "ours vs bm25"
    systems = result.systems
    head = ["kind", "n"] + [f"{m} {short[s]}" for m in METRICS for s in systems] + [last]
    lines = [
        f"### {result.name}: {result.docs} documents, {len(result.queries)} queries",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["--:"] * (len(head) - 2) + [":-:"]) + "|",
    ]
    for kind, row in table.items():
        cells = [kind if kind != "all" else "**all**", str(int(row[BASELINE]["n"]))]
        for m in METRICS:
            best = max(row[s][m] for s in systems)
            for s in systems:
                v = f"{row[s][m]:.3f}"
                cells.append(f"**{v}**" if row[s][m] == best and s != BASELINE else v)
        cells.append(
            versus_whoosh(row[OURS], row[WHOOSH_MEANING]) if other else verdict(row[OURS], row[BASELINE])
        )
        lines.append("| " + " | ".join(cells) + " |")
    if result.nothing:
        lines += [
            "",
            "No-answer queries (eval/noanswer.py: letter salad, words no document holds): the share"
            " answered with nothing found.",
            "",
        ]
        said = list(next(iter(result.nothing.values())))  # the systems asked, in their order
        lines += [
            "| kind | n | " + " | ".join(f"nothing found {short[s]}" for s in said) + " |",
            "|---|--:|" + "--:|" * len(said),
        ]
        for kind, row in result.nothing.items():
            n = row[OURS][0]
            lines.append(f"| {kind} | {n} | " + " | ".join(f"{row[s][1] / n:.3f}" for s in said) + " |")
        n = sum(row[OURS][0] for row in result.nothing.values())
        shares = [sum(row[s][1] for row in result.nothing.values()) / n for s in said]
        lines.append(f"| **all** | {n} | " + " | ".join(f"{v:.3f}" for v in shares) + " |")
    errors = {s: n for s, n in result.syntax_errors.items() if n}
    lines += ["", f"Run time {result.seconds:.1f} s for all systems."]
    if errors:
        lines.append(f"Queries rejected as syntax errors (scored as no result): {errors}.")
    leaks = {s: n for s, n in result.filter_leaks.items() if n}
    if leaks:
        filtered = sum(bool(q.languages) for q in result.queries)
        lines.append(
            f"Searches with a language filter that returned documents in another language"
            f" (of {filtered} filtered): {leaks}."
        )
    return "\n".join(lines)


def losses(result: DatasetResult, limit: int = 25) -> list[str]:
    """Queries where our first relevant rank is worse than the baseline's (on another engine: than the
    Whoosh backend's with meaning)."""
    out = []
    against = BASELINE if ENGINE == "whoosh" else WHOOSH_MEANING
    name = "bm25" if ENGINE == "whoosh" else "whoosh"
    for q in result.queries:
        ours = first_rank(result.rankings[OURS][q.id], dict(q.relevant)) or 99
        base = first_rank(result.rankings[against][q.id], dict(q.relevant)) or 99
        if ours > base:
            show = lambda r: "–" if r == 99 else str(r)  # noqa: E731
            lines = f"- {q.kind} `{q.text}` ({q.lang}{'→' + ','.join(q.languages) if q.languages else ''})"
            out.append(f"{lines}: ours {show(ours)}, {name} {show(base)} {q.note}".rstrip())
    return out[:limit] + ([f"- … and {len(out) - limit} more"] if len(out) > limit else [])


def write_details(result: DatasetResult, folder: Path) -> None:
    per = {s: result.per_query(s) for s in result.systems}
    with (folder / f"details-{result.name}.jsonl").open("w", encoding="utf-8") as fh:
        for q in result.queries:
            row = {
                "id": q.id,
                "kind": q.kind,
                "lang": q.lang,
                "text": q.text,
                "languages": q.languages,
                "relevant": dict(q.relevant),
                "note": q.note,
            }
            for s in result.systems:
                row[s] = {
                    "rank": first_rank(result.rankings[s][q.id], dict(q.relevant)),
                    "top3": result.rankings[s][q.id][:3],
                    **per[s][q.id],
                }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


#: --engine solr --doc …: the page whose relevance block (between these markers) the run rewrites
ENGINE_DOC = PROJECT_ROOT / "docs" / "solr.md"
ENGINE_BEGIN = "<!-- relevance:begin (written by make eval ENGINE=solr) -->"
ENGINE_END = "<!-- relevance:end -->"


def engine_block(results: list[DatasetResult], commit: str, split: str) -> str:
    """Issue 23's comparison: this engine beside the Whoosh backend, both with the meaning layer (the
    same vectors) and both by words, per dataset and kind (the seeds whole, LibreOffice and XQuAD on the
    reported half), with the run's conditions."""
    load = os.getloadavg()[0]
    lines = [
        f"`make eval ENGINE={ENGINE}` at {commit}, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC,"
        f" load average {load:.1f} on {os.cpu_count()} cores. Both engines with the meaning layer (the"
        f" same vectors, read from one store), on the same documents and queries; the seeds whole (they"
        f" have no halves), LibreOffice pages and XQuAD articles their {split} half (the causes were"
        f" looked for on the other half and the seeds). {ENGINE} − whoosh: the difference (bold below"
        f" −0.02); the last column the same difference with both engines by words.",
        "",
        f"| dataset | kind | n | MRR {ENGINE} | MRR whoosh | nDCG@10 {ENGINE} | nDCG@10 whoosh |"
        f" {ENGINE} − whoosh (MRR, nDCG@10) | by words: {ENGINE} − whoosh |",
        "|---|---|--:|--:|--:|--:|--:|:-:|:-:|",
    ]

    def diff(value: float) -> str:
        shown = f"{value:+.3f}"
        return f"**{shown}**" if value < -0.02 - 1e-9 else shown

    nothing = []
    for r in results:
        if r.name == "libreoffice (all)":
            continue
        for kind, row in r.table().items():
            ours, whoosh = row[OURS], row[WHOOSH_MEANING]
            words, whoosh_words = row[OURS_NO_SEMANTIC], row[WHOOSH_WORDS]
            name = f"**{kind}**" if kind == "all" else kind
            lines.append(
                f"| {r.name} | {name} | {int(ours['n'])} | {ours['MRR']:.3f} | {whoosh['MRR']:.3f} |"
                f" {ours['nDCG@10']:.3f} | {whoosh['nDCG@10']:.3f} |"
                f" {diff(ours['MRR'] - whoosh['MRR'])}, {diff(ours['nDCG@10'] - whoosh['nDCG@10'])} |"
                f" {diff(words['MRR'] - whoosh_words['MRR'])},"
                f" {diff(words['nDCG@10'] - whoosh_words['nDCG@10'])} |"
            )
        if r.nothing:
            n = sum(row[OURS][0] for row in r.nothing.values())
            shares = {
                s: sum(row[s][1] for row in r.nothing.values()) / n for s in next(iter(r.nothing.values()))
            }
            nothing.append(
                f"{r.name} {shares[OURS]:.3f} ({ENGINE}) and {shares[WHOOSH_MEANING]:.3f} (whoosh) of {n},"
                f" by words {shares[OURS_NO_SEMANTIC]:.3f} and {shares[WHOOSH_WORDS]:.3f}"
            )
    if nothing:
        lines += [
            "",
            "No-answer queries (letter salad, absent words) answered with nothing found, with meaning: "
            + "; ".join(nothing)
            + ".",
        ]
    return "\n".join(lines)


def write_engine_block(page: Path, block_text: str) -> None:
    """Replace the block between ENGINE_BEGIN and ENGINE_END (appended when the page has none)."""
    from eval import targets

    targets.replace_block(page, block_text, ENGINE_BEGIN, ENGINE_END)


def report(results: list[DatasetResult], mixed: MixedResult | None = None) -> str:
    parts = [
        "# Relevance evaluation",
        "",
        "success@3, MRR and nDCG@10 per kind of query; bm25 = SQLite FTS5 baseline (eval/fts5.py),"
        " ours = KnowledgeBase.search with defaults (words and meaning fused), −sem = ours by words only,"
        " −exp = ours without cross-language expansion (meaning then only reorders what the words found).",
    ]
    if ENGINE != "whoosh":
        parts += [
            "",
            f"**Engine: {ENGINE}.** The knowledge base's words are in a {ENGINE} collection: ours ="
            f" {ENGINE} with the meaning layer, −sem = {ENGINE} by words; whoosh and whoosh−sem = the"
            " Whoosh backend with meaning and by words on the same documents, vectors and queries in this"
            " run (issue 23: ours within 0.02 of whoosh or better). The last column gives ours' largest"
            ' shortfall against whoosh (bold beyond 0.02), or "not below".',
        ]
    for r in results:
        parts += ["", markdown(r)]
        lost = losses(r)
        if lost:
            parts += [
                "",
                f"Queries where ours ranks the first relevant document lower than"
                f" {'bm25' if ENGINE == 'whoosh' else 'whoosh'} ({r.name}):",
                "",
            ]
            parts += lost
    if mixed is not None:
        parts += ["", mixed_markdown(mixed)]
        worst = mixed_noisy(mixed)
        if worst:
            parts += ["", "Queries with the most off-topic results found by meaning only (ours):", "", *worst]
    return "\n".join(parts) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.run", description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=("seeds", "libreoffice", "xquad", "mixed", "all"), default="all")
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="held-out",
        help="XQuAD articles, LibreOffice pages: the tuning or the held-out half",
    )
    parser.add_argument("--per-kind", type=int, default=PER_KIND, help="LibreOffice queries per kind")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the LibreOffice index")
    parser.add_argument(
        "--embed",
        action="store_true",
        help="embed the XQuAD paragraphs anew (measures kb embed's paragraphs/s)",
    )
    parser.add_argument(
        "--doc", type=Path, help="rewrite this page's eval block (issue 22's figures, before and now)"
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="whoosh",
        help="the engine holding the words (solr: KB_SOLR_URL's SolrCloud, else one started here; "
        "beside the Whoosh backend, both with the same vectors)",
    )
    parser.add_argument(
        "--engine-out",
        type=Path,
        help="another engine's indexes, results and details (default eval/out/ENGINE; two runs at once "
        "need two); the Whoosh run's cached indexes and vectors are still read from eval/out",
    )
    args = parser.parse_args(argv)
    global ENGINE_OUT
    ENGINE_OUT = args.engine_out
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if args.engine == "whoosh":
        return _run(args, log)
    from bench.solr import solr_cloud

    with solr_cloud(OUT_DIR / "solr", SOLR_COLLECTION, log) as env, _engine_env(args.engine, env):
        log(
            f"engine {args.engine}: with meaning and by words, the Whoosh backend beside it with the same vectors"
        )
        return _run(args, log)


@contextmanager
def _engine_env(engine: str, env: dict[str, str]):
    """KB_ENGINE and its settings for every KnowledgeBase this run opens."""
    global ENGINE, SYSTEMS
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    ENGINE, SYSTEMS = engine, ENGINE_SYSTEMS
    try:
        yield
    finally:
        ENGINE, SYSTEMS = "whoosh", WHOOSH_SYSTEMS
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run(args: argparse.Namespace, log) -> int:
    started = time.perf_counter()
    results = []
    if args.dataset in ("seeds", "all"):
        results.append(run_seeds())
    if args.dataset in ("libreoffice", "all"):
        if libreoffice_available():
            lo = run_libreoffice(args.per_kind, args.rebuild, log, args.split)
            if args.split != "all":  # the pages' held-out (or tuning) half first, then all of them
                half = f"libreoffice ({args.split})"
                results.append(subset(lo, half, lambda q: libreoffice_split(q) == args.split))
            results.append(replace(lo, name="libreoffice (all)", nothing={}))
        else:
            log(f"skipping LibreOffice help: {LIBREOFFICE_DIR} is missing")
    if args.dataset in ("xquad", "all"):
        if xquad_available():
            results.append(run_xquad(args.split, log, fresh=args.embed))
        else:
            log("skipping XQuAD: ../shared/data/xquad-dev is missing")
    mixed = None
    if args.dataset in ("mixed", "all"):
        if ENGINE != "whoosh":
            log(f"skipping the mixed archive: it compares meaning with words on Whoosh only, not {ENGINE}")
        elif not mixed_available():
            log("skipping the mixed archive: part of ../shared/data is missing")
        else:
            mixed = run_mixed(_out() / "mixed", args.split, log, embed=lambda kb: _embed(kb, log))
    text = report(results, mixed)
    out = _out()
    out.mkdir(parents=True, exist_ok=True)
    for r in results:
        write_details(r, out)
    if mixed is not None:
        mixed_details(mixed, out / f"details-mixed ({mixed.split}).jsonl")
    (out / "results.md").write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {out / 'results.md'}")
    if args.doc is not None:
        if ENGINE != "whoosh" and args.dataset == "all":
            from bench.measure import git_commit

            write_engine_block(ENGINE_DOC, engine_block(results, git_commit(), args.split))
            log(
                f"not writing {args.doc} (the Whoosh backend's figures with meaning); wrote {ENGINE_DOC}'s block"
            )
        elif ENGINE != "whoosh":
            log(f"not writing {args.doc}: its figures are the Whoosh backend's with the meaning layer")
        elif args.dataset != "all":
            log(f"not writing {args.doc}: its block needs every dataset (--dataset all)")
        else:
            from bench.measure import git_commit
            from eval import targets

            embedding = next((r.embedding for r in results if r.name.startswith("xquad")), None)
            took = time.perf_counter() - started
            block = targets.render(results, git_commit(), embedding, args.split, mixed, took)
            targets.write_block(args.doc, block)
            log(f"wrote the eval block of {args.doc}")
    log(f"eval took {(time.perf_counter() - started) / 60:.1f} minutes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
