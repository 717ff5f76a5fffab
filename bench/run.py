"""`python -m bench.run [--sizes 10000,100000] [--queries N] [--engines whoosh,solr,fts5]`: ingest, cold start and results pages.

For every size: build the corpus as files (bench/corpus.py), ingest it end to end through
ingest.pipeline in a fresh process (docs/s, index size, peak memory), open the index and answer
the first page in another fresh process (cold start), then time the results page — one
KnowledgeBase.search call: top 10 with snippets and all six facets — per query class in a
serving process (p50/p95/p99 and its RSS afterwards), and the same pages on SQLite FTS5 over the
same texts (bench/fts5.py). Prints a markdown table and writes bench/out/results.{md,json};
`--doc docs/benchmarks.md` (what `make bench` passes) also replaces that page's figures between its
markers, with the date, the machine, the commit and the load average (a shared machine is named).
Queries come from bench/queries.py with a new seed each run (`--query-seed` repeats a run).

`--engines` (`make bench ENGINES=...`; default whoosh,fts5) names the engines measured in the run:
`whoosh` (everything above), `solr` (the same files through the same pipeline into
`KnowledgeBase(engine="solr")` on KB_SOLR_URL's SolrCloud, or one bench/solr.py starts from
tests/solrcloud.py; its +semantic classes with the Whoosh index's vectors, copied into the collection
before the pages are timed), `fts5` (the baseline). Every run also writes one table of the
engines side by side (ingest documents/s, p50/p95 per class) into its own block of the page; the
detailed tables above need whoosh and fts5 both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench import corpus as bench_corpus
from bench.children import child_cold, child_ingest, child_serve, child_vectors
from bench.measure import git_commit, machine
from bench.queries import NO_VOCABULARY_CLASS, SEMANTIC_CLASSES, make_queries
from bench.report import ENGINES_BEGIN, ENGINES_END, render, render_engines, write_block

RESULT_TAG = "BENCH-RESULT "
ENGINES = ("whoosh", "solr", "fts5")
DEFAULT_ENGINES = ("whoosh", "fts5")
SOLR_COLLECTION = "network-kb-bench"
#: queries of every kind answered untimed before the timed ones, at 10,000 documents and more
WARMUP_QUERIES = 30
#: documents of the rebuild that warms the Solr nodes before the timed one (at most the size measured)
WARMUP_DOCS = 2000


# -- child processes -------------------------------------------------------------------------------


def _emit(result: dict) -> None:
    print(RESULT_TAG + json.dumps(result), flush=True)


def _child(
    args: list[str], timeout: float | None = None, env: dict[str, str] | None = None
) -> tuple[dict, float]:
    """Run `python -m bench.run --child ...` (with `env` added to the environment); its result and the
    wall seconds it took."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=bench_corpus.ROOT,
        env={**os.environ, **env} if env else None,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :]), wall
    raise RuntimeError(f"child {args[0]} printed no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def _previous(path: Path) -> list[dict]:
    """The per-size results of the last run (with their own meta), or none."""
    try:
        return [r for r in json.loads(path.read_text())["results"] if "meta" in r]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _replica_kind() -> str:
    """How the Solr collection's shards are replicated, as far as this run knows."""
    if os.environ.get("KB_SOLR_URL", "").strip():
        return "KB_SOLR_URL's"
    return "2 shards × 2 " + os.environ.get("KB_SOLR_REPLICA_TYPE", "nrt").upper()


def _load() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


# -- the run ---------------------------------------------------------------------------------------


def bench_size(
    size: int,
    n_queries: int,
    seed: int,
    query_seed: int,
    out_dir: Path,
    data_dir: Path,
    workers: int | None,
    load: list[float],
    reuse_index: bool = False,
    engines: tuple[str, ...] = DEFAULT_ENGINES,
    solr_env: dict[str, str] | None = None,
) -> dict:
    """One size through every engine named: Whoosh (ingest, vectors, cold start, pages), Solr (ingest
    through the same pipeline into the collection of `solr_env`, pages by words), FTS5 (the baseline)."""
    log = lambda msg: print(f"[{size}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    start = time.perf_counter()
    folder = bench_corpus.build(size, seed, data_dir=data_dir, out_dir=out_dir)
    log(f"corpus {folder} ready in {time.perf_counter() - start:.1f} s")
    records = bench_corpus.load_records(folder)
    index = out_dir / f"index-{size}-s{seed}"
    wargs = ["--workers", str(workers)] if workers else []
    # untimed first: 30 queries of every kind on a real size (a collection rebuilt and merged a moment
    # before answered its first few hundred pages up to twice as slowly as later ones)
    queries = make_queries(records, n_queries, query_seed, warmup=WARMUP_QUERIES if size >= 10_000 else 10)
    qfile = out_dir / f"queries-{size}-s{seed}-q{query_seed}.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False))
    serve_args = ["--corpus", str(folder), "--queries-file", str(qfile)]
    languages: dict[str, int] = {}
    for r in records:
        languages[r.language] = languages.get(r.language, 0) + 1
    result: dict = {
        "size": size,
        "documents": len(records),
        "languages": languages,
        "engines": list(engines),
        "queries_per_class": n_queries,
        "vectors": None,
    }

    if "whoosh" in engines:
        load.append(_load())
        done = out_dir / f"ingest-{size}-s{seed}.json"
        if reuse_index and index.is_dir() and done.is_file():
            ingest = json.loads(done.read_text())
        else:
            ingest, _ = _child(["ingest", "--corpus", str(folder), "--index", str(index), *wargs])
            done.write_text(json.dumps(ingest))
        log(f"ingest {ingest}")
        if SEMANTIC_CLASSES:
            result["vectors"], _ = _child(["vectors", "--corpus", str(folder), "--index", str(index)])
            log(f"vectors {result['vectors']}")
        load.append(_load())
        word = queries["one-word"][0]["text"]
        cold, cold_wall = _child(["cold", "--corpus", str(folder), "--index", str(index), "--word", word])
        cold["process_to_first_page_s"] = round(cold_wall - cold["first_query_s"], 3)
        indexed = ingest["statuses"].get("indexed", 0)
        if cold["documents"] != indexed:  # e.g. the schema version changed and the index was rebuilt empty
            raise RuntimeError(f"the index holds {cold['documents']} documents, ingest indexed {indexed}")
        log(f"cold {cold}")
        load.append(_load())
        whoosh, _ = _child(["serve", "--engine", "whoosh", "--index", str(index), *serve_args])
        log(f"whoosh rss {whoosh['rss_mb']} MB")
        with tempfile.TemporaryDirectory() as bare:  # the same index, a corpus folder without vocabulary.json
            args = ["serve", "--engine", "whoosh", "--index", str(index), "--corpus", bare]
            bare_run, _ = _child([*args, "--queries-file", str(qfile), "--only", NO_VOCABULARY_CLASS])
        whoosh["no_vocabulary"] = bare_run["classes"][NO_VOCABULARY_CLASS]
        result |= {"ingest": ingest, "cold": cold, "whoosh": whoosh}

    if "solr" in engines:
        if solr_env is None:
            raise RuntimeError("the solr engine needs a SolrCloud (bench/solr.py)")
        solr_index = out_dir / f"solr-local-{size}-s{seed}"  # what the Solr backend keeps locally
        # the nodes start right before: a first rebuild of another, small corpus warms them (the JIT
        # compiles the analysis: a cold node spent 7.9 ms a document on its first 10,000, 3.0 after) as
        # a Solr that has been serving is; the timed rebuild then replaces its collection
        warm = bench_corpus.build(min(size, WARMUP_DOCS), seed + 1, data_dir=data_dir, out_dir=out_dir)
        warm_args = ["--corpus", str(warm), "--index", str(out_dir / f"solr-local-warm-s{seed + 1}")]
        warmed, warm_s = _child(["ingest", *warm_args, "--engine", "solr", *wargs], env=solr_env)
        result["solr_warmup"] = {
            "documents": warmed["statuses"].get("indexed", 0),
            "seconds": round(warm_s, 1),
        }
        log(f"solr warm-up {result['solr_warmup']}")
        args = ["--corpus", str(folder), "--index", str(solr_index), "--engine", "solr", *wargs]
        load.append(_load())
        solr_ingest, _ = _child(["ingest", *args], env=solr_env)
        log(f"solr ingest {solr_ingest}")
        if SEMANTIC_CLASSES:  # the Whoosh index's vectors (the same rows), else filled as Whoosh's are
            from kb.semantic.store import share_vectors

            if "whoosh" not in engines or not share_vectors(index, solr_index):
                _child(["vectors", "--corpus", str(folder), "--index", str(solr_index)], env=solr_env)
        load.append(_load())
        solr, _ = _child(["serve", "--engine", "solr", "--index", str(solr_index), *serve_args], env=solr_env)
        if solr["documents"] != solr_ingest["statuses"].get("indexed", 0):
            raise RuntimeError(f"Solr holds {solr['documents']} documents, ingest indexed {solr_ingest}")
        log(f"solr rss {solr['rss_mb']} MB (the client process), vectors {solr.get('vectors_copied')}")
        result |= {
            "solr_ingest": solr_ingest,
            "solr": {**solr, "collection": solr_env["KB_SOLR_COLLECTION"], "replicas": _replica_kind()},
        }

    if "fts5" in engines:
        from bench import fts5

        db = out_dir / f"fts5-{size}-s{seed}.sqlite"
        load.append(_load())
        fts_build = fts5.build(db, records)
        fts_build["docs_per_s"] = round(fts_build["docs"] / max(fts_build["seconds"], 1e-6), 1)
        log(f"fts5 build {fts_build}")
        load.append(_load())
        sqlite, _ = _child(["serve", "--engine", "fts5", "--index", str(db), *serve_args])
        log(f"fts5 rss {sqlite['rss_mb']} MB")
        result |= {"fts5_build": fts_build, "fts5": sqlite}
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument(
        "--engines",
        default=",".join(DEFAULT_ENGINES),
        help="comma-separated, of whoosh, solr, fts5 (solr: KB_SOLR_URL's SolrCloud, else one started "
        "from tests/solrcloud.py)",
    )
    p.add_argument("--queries", type=int, default=100, help="queries per class")
    p.add_argument("--seed", type=int, default=42, help="corpus seed (the same corpus every run)")
    p.add_argument("--query-seed", type=int, default=None, help="query seed (default: a new one each run)")
    p.add_argument("--doc", type=Path, default=None, help="write the figures into this page's block")
    p.add_argument("--reuse-index", action="store_true", help="keep an index this corpus was ingested into")
    p.add_argument(
        "--keep-sizes",
        action="store_true",
        help="keep the latest figures of the sizes this run does not measure",
    )
    p.add_argument("--workers", type=int, default=None, help="ingest worker processes (default: cores)")
    p.add_argument("--out", type=Path, default=bench_corpus.OUT_DIR)
    p.add_argument("--data", type=Path, default=bench_corpus.DATA_DIR)
    p.add_argument("--synthetic", action="store_true", help="synthetic text when the data folder is absent")
    # child-process modes
    p.add_argument("--child", choices=("ingest", "vectors", "cold", "serve"))
    p.add_argument("--corpus", type=Path)
    p.add_argument("--index", type=Path)
    p.add_argument("--word")
    p.add_argument("--engine", choices=ENGINES, default="whoosh")
    p.add_argument("--queries-file", type=Path)
    p.add_argument("--only", help="serve: time only this class")
    p.add_argument("--profile", default=os.environ.get("BENCH_PROFILE"), help="cProfile one query class")
    a = p.parse_args(argv)

    if a.child == "ingest":
        _emit(child_ingest(a.corpus, a.index, a.workers, a.engine))
        return 0
    if a.child == "vectors":
        _emit(child_vectors(a.corpus, a.index, a.seed))
        return 0
    if a.child == "cold":
        _emit(child_cold(a.corpus, a.index, a.word))
        return 0
    if a.child == "serve":
        _emit(child_serve(a.engine, a.corpus, a.index, a.queries_file, a.profile, a.only))
        return 0

    if not a.data.is_dir() and not a.synthetic:
        print(f"skipped: benchmark data {a.data} not found (pass --synthetic for generated text)")
        return 0
    engines = tuple(e.strip() for e in a.engines.split(",") if e.strip())
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or not engines:
        p.error(f"--engines: {', '.join(unknown) or 'none'} (choose from {', '.join(ENGINES)})")
    a.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    query_seed = a.query_seed if a.query_seed is not None else random.SystemRandom().randrange(1, 10**6)
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "commit": git_commit(),
        "queries": a.queries,
        "seed": a.seed,
        "query_seed": query_seed,
        "data": "real" if a.data.is_dir() else "synthetic",
    }
    # Sizes this run does not measure keep their latest figures (each size says when it was measured).
    kept = [r for r in _previous(a.out / "results.json") if r["size"] not in sizes] if a.keep_sizes else []
    results: list[dict] = []
    with ExitStack() as stack:
        solr_env = None
        if "solr" in engines:
            from bench.solr import solr_cloud

            say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
            solr_env = stack.enter_context(solr_cloud(a.out, SOLR_COLLECTION, say))
        for size in sizes:
            load: list[float] = []
            result = bench_size(
                size,
                a.queries,
                a.seed,
                query_seed,
                a.out,
                a.data,
                a.workers,
                load,
                a.reuse_index,
                engines,
                solr_env,
            )
            result["meta"] = {**meta, "load": {"min": min(load), "max": max(load)}}
            results.append(result)
            # Write after every size, so a long run leaves its first tables behind.
            shown = sorted(kept + results, key=lambda r: r["size"])
            full = [r for r in shown if "whoosh" in r and "fts5" in r]  # the detailed tables need both
            table = render(full) if full else ""
            side = render_engines(shown)
            (a.out / "results.md").write_text(f"{table}\n\n{side}\n".lstrip(), encoding="utf-8")
            (a.out / "results.json").write_text(json.dumps({"results": shown}, indent=2))
            if a.doc:
                if full:
                    write_block(a.doc, table)
                write_block(a.doc, side, ENGINES_BEGIN, ENGINES_END, "Engines side by side")
    table = f"{table}\n\n{side}".strip()
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
