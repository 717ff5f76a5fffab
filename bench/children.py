"""What the benchmark's child processes do: ingest a corpus, open the index cold, serve the queries.

`python -m bench.run --child ingest|cold|serve ...` runs one of these in a fresh process and prints
its result as one tagged JSON line (bench/run.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from pathlib import Path

from bench.measure import current_rss_mb, dir_size_mb, git_commit, peak_memory_mb, summary
from bench.queries import CLASSES, SEMANTIC_CLASSES, WARMUP_CLASS, base_class, is_semantic
from kb import superseded


def child_ingest(corpus: Path, index: Path, workers: int | None, engine: str = "whoosh") -> dict:
    """Ingest the corpus end to end (files → index) into a fresh index: the Whoosh folder, or the Solr
    collection of KB_SOLR_URL/KB_SOLR_COLLECTION emptied first (the index folder then holds only what
    the Solr backend keeps locally)."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ingest.pipeline import run
    from ingest.worker import Limits
    from kb.api import KnowledgeBase

    if index.exists():
        shutil.rmtree(index)
    commit = git_commit()  # the code that ingests (the work tree may change while it runs)
    start, cpu = time.perf_counter(), os.times()
    # the lexical index's own rate (embedding is measured apart)
    kb = KnowledgeBase(index, corpus, semantic=False, engine=engine)
    if not kb.created:  # a Solr collection a previous run filled
        kb.backend.clear()
    mode = "ingest"
    if engine == "solr" and kb.backend.is_alias():
        # as `kb rebuild` fills an archive (docs/solr.md): a new collection with one replica a shard,
        # its other replicas added (their index copied) and the alias moved before the clock stops
        mode = "rebuild"
        with kb.rebuilding() as new:
            outcomes = run(new, [corpus], limits=Limits(), workers=workers)
    else:
        outcomes = run(kb, [corpus], limits=Limits(), workers=workers)
    seconds = time.perf_counter() - start
    kb.close()
    used = os.times()  # children: the reading and writing processes, all reaped by now
    cpu_main = used.user + used.system - cpu.user - cpu.system
    cpu_children = used.children_user + used.children_system - cpu.children_user - cpu.children_system
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    indexed = statuses.get("indexed", 0) + statuses.get("updated", 0)
    return {
        "files": len(outcomes),
        "statuses": statuses,
        "seconds": round(seconds, 2),
        "docs_per_s": round(indexed / seconds, 1) if seconds else 0.0,
        # not what merges replaced; Solr's index lives on its nodes
        "index_mb": dir_size_mb(index, skip=superseded.noted(index)) if engine == "whoosh" else None,
        "peak_mb": peak_memory_mb(),
        "commit": commit,
        "engine": engine,
        "mode": mode,  # through ingest.pipeline into the index, or as `kb rebuild` (Solr behind an alias)
        # CPU per document, which a shared machine disturbs less than the wall time
        "cpu_ms_per_doc": {
            "main": round(cpu_main * 1000 / max(1, indexed), 2),
            "children": round(cpu_children * 1000 / max(1, indexed), 2),
        },
    }


def child_vectors(corpus: Path, index: Path, seed: int) -> dict:
    """Fill the index's vector store for the semantic classes: the rows the embedder would write for
    each document (its title and its passages), with the embedder's content keys, but random unit vectors.

    The cost of a results page with meaning on is the query's embedding (real, each query new), one
    cosine pass over every row, fusion, facets and snippets: none of it depends on what the rows hold.
    Embedding the benchmark corpus for real takes hours on 2 cores (docs/meaning.md).
    """
    import numpy as np

    from kb.api import KnowledgeBase
    from kb.semantic import passages
    from kb.semantic.store import store_dir

    shutil.rmtree(store_dir(index), ignore_errors=True)
    start = time.perf_counter()
    kb = KnowledgeBase(index, corpus, semantic=True)
    layer = kb.semantic
    rng = np.random.default_rng(seed)
    ids, keys, titles, rows, docs = [], [], [], 0, 0
    with layer.store.embed_lock():
        for doc_id in kb._live_ids():
            doc = kb.get(doc_id)
            made = passages.rows(doc.title, doc.text, layer.chars, layer.limit) or [(doc.id, False)]
            ids += [doc_id] * len(made)
            keys += [layer.key(doc)] * len(made)
            titles += [title for _, title in made]
            docs += 1
            if len(ids) >= 65536:
                rows += _random_shard(layer.store, ids, keys, titles, rng)
                ids, keys, titles = [], [], []
        if ids:
            rows += _random_shard(layer.store, ids, keys, titles, rng)
    pending = len(layer.pending(kb._live_ids()))
    kb.close()
    if pending:
        raise RuntimeError(f"{pending} documents still wait for vectors after the fill")
    return {
        "documents": docs,
        "rows": rows,
        "store_mb": round(layer.store.size_bytes() / 2**20, 1),
        "seconds": round(time.perf_counter() - start, 1),
    }


def _random_shard(store, ids: list[str], keys: list[str], titles: list[bool], rng) -> int:
    import numpy as np

    vectors = rng.standard_normal((len(ids), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store.write_shard(ids, keys, vectors, titles)
    return len(ids)


def child_cold(corpus: Path, index: Path, word: str) -> dict:
    t0 = time.perf_counter()
    from kb.api import KnowledgeBase
    from kb.models import SearchRequest

    t1 = time.perf_counter()
    kb = KnowledgeBase(index, corpus, semantic=False)
    t2 = time.perf_counter()
    page = kb.search(SearchRequest())
    t3 = time.perf_counter()
    kb.search(SearchRequest(text=word))
    t4 = time.perf_counter()
    return {
        "import_s": round(t1 - t0, 3),
        "open_s": round(t2 - t1, 3),
        "first_page_s": round(t3 - t2, 3),
        "first_query_s": round(t4 - t3, 3),
        "documents": page.total,
        "rss_mb": current_rss_mb(),
    }


def _request(q: dict, cls: str):
    from kb.models import SearchRequest

    f = q.get("filters", {})
    request = SearchRequest(
        text=q["text"],
        regions=tuple(f.get("region", ())),
        networks=tuple(f.get("network", ())),
        years=tuple(f.get("year", ())),
        topics=tuple(f.get("topic", ())),
        doctypes=tuple(f.get("doctype", ())),
        languages=tuple(f.get("language", ())),
        sort="relevance" if q["text"] else "newest",
    )
    # the semantic channel only for its own classes (see bench.queries.SEMANTIC_CLASSES)
    return dataclasses.replace(request, semantic=is_semantic(cls))


def _timed(page, queries: list[dict], cls: str, profiler=None) -> dict:
    times, totals, empty = [], [], 0
    for q in queries:
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        total, shown = page(q, cls)
        times.append((time.perf_counter() - start) * 1000)
        if profiler:
            profiler.disable()
        totals.append(total)
        empty += shown == 0
    return {**summary(times), "mean_total": round(sum(totals) / max(1, len(totals)), 1), "empty": empty}


def child_serve(
    engine: str, corpus: Path, index: Path, queries_file: Path, profile: str | None, only: str | None = None
) -> dict:
    """Time every class (or only one, e.g. no-vocabulary) in this process, after the warm-up queries."""
    queries = json.loads(queries_file.read_text())
    extra: dict = {}
    semantic = False
    if engine == "whoosh":
        from kb.api import KnowledgeBase

        # the meaning layer only when a semantic class is measured: otherwise its background embedding
        # of the whole benchmark corpus would share the cores with the queries being timed
        semantic = is_semantic(only) if only else bool(SEMANTIC_CLASSES)
        kb = KnowledgeBase(index, corpus, semantic=semantic)
        if semantic and kb.semantic.pending(kb._live_ids()):
            raise RuntimeError("the benchmark index has documents without vectors (run the vectors step)")

        def page(q: dict, cls: str) -> tuple[int, int]:
            p = kb.search(_request(q, cls))
            return p.total, len(p.hits)
    elif engine == "solr":
        from kb.api import KnowledgeBase

        # as Whoosh: the meaning layer when a semantic class is measured, its vectors the Whoosh index's
        # (bench/run.py shares them); they are copied into the collection's `vec` before the timing
        semantic = is_semantic(only) if only else bool(SEMANTIC_CLASSES)
        kb = KnowledgeBase(index, corpus, semantic=semantic, engine="solr")
        if semantic:  # copied before anything searches (a search copies what is new)
            if kb.semantic.pending(kb._live_ids()):
                raise RuntimeError("the Solr benchmark's store has documents without vectors")
            started = time.perf_counter()
            copied = kb.backend.sync_vectors()
            copy_s = time.perf_counter() - started
            # the copy sent every document again (~20 new segments a shard at 100k): merged as a rebuild
            # leaves them, which writes the vectors with the documents and merges (the state served)
            started = time.perf_counter()
            kb.backend.merge_segments()
            extra["vectors_copied"] = {
                "documents": copied,
                "seconds": round(copy_s, 1),
                "merge_s": round(time.perf_counter() - started, 1),
            }
        extra["documents"] = kb.stats().documents

        def page(q: dict, cls: str) -> tuple[int, int]:
            p = kb.search(_request(q, cls))
            return p.total, len(p.hits)
    else:
        from bench.fts5 import Fts5

        db = Fts5(index)

        def page(q: dict, cls: str) -> tuple[int, int]:
            # a question is a few words of which a document has most, not all: OR them, ranked by bm25
            p = db.search(q["text"], q.get("filters"), any_word=base_class(cls) == "question")
            return p["total"], len(p["hits"])

    for q in queries[WARMUP_CLASS]:
        page(q, "one-word")
    if semantic:  # the model loads once per process, and the meaning's paths meet every kind of query
        # too (on Solr its kNN, the store's scope and the facets' domains: with one such query before
        # them a fresh node's one-word+semantic pages took p50 77.5 ms, 55.3 after 130 more, 38.3 after
        # 260; docs/solr.md, "Speed, ninth round")
        for q in queries[WARMUP_CLASS]:
            page(q, "one-word+semantic")
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    classes = (only,) if only else CLASSES
    result = {cls: _timed(page, queries[cls], cls, profiler if cls == profile else None) for cls in classes}
    if profiler:
        profiler.dump_stats(str(queries_file.with_suffix(f".{engine}.{profile}.prof")))
    rss = current_rss_mb()
    return {"classes": result, "rss_mb": rss, "peak_mb": peak_memory_mb()["self"], **extra}
