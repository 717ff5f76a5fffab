"""`python -m bench.run [--sizes 10000,100000] [--queries N]`: ingest, cold start and results pages.

For every size: build the corpus as files (bench/corpus.py), ingest it end to end through
ingest.pipeline in a fresh process (docs/s, index size, peak memory), open the index and answer
the first page in another fresh process (cold start), then time the results page — one
KnowledgeBase.search call: top 10 with snippets and all six facets — per query class in a
serving process (p50/p95/p99 and its RSS afterwards), and the same pages on SQLite FTS5 over the
same texts (bench/fts5.py). Prints a markdown table and writes bench/out/results.{md,json}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import corpus as bench_corpus
from bench.measure import current_rss_mb, dir_size_mb, machine, peak_memory_mb, summary

CLASSES = (
    "one-word",
    "two-words",
    "phrase",
    "prefix",
    "filter-1",
    "filter-2",
    "filter-3",
    "browse-all",
    "misspelled",
)
TARGET_P95_MS = 50.0
TARGET_DOCS_PER_S = 500.0
TARGET_RSS_MB = 1024.0
TARGET_FIRST_PAGE_S = 3.0
RESULT_TAG = "BENCH-RESULT "
WARMUP = 5
_TOKEN = re.compile(r"\w+", re.U)
_PAIR = re.compile(r"\b([^\W\d_]{3,}) ([^\W\d_]{3,})\b", re.U)


# -- queries ---------------------------------------------------------------------------------------


def _words(text: str, min_len: int) -> list[str]:
    return [w for w in _TOKEN.findall(text) if w.isalpha() and len(w) >= min_len]


def _misspell(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    if word[i] == word[i + 1]:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(records: list[bench_corpus.Record], n: int, seed: int) -> dict[str, list[dict]]:
    """n queries per class, drawn from the documents (so most have hits), the same for a seed."""
    rng = random.Random(f"queries:{seed}")
    out: dict[str, list[dict]] = {c: [] for c in CLASSES}

    def pick(min_len: int = 4) -> tuple[bench_corpus.Record, list[str]]:
        while True:
            r = rng.choice(records)
            words = _words(r.text, min_len)
            if words:
                return r, words

    for _ in range(n):
        r, words = pick()
        out["one-word"].append({"text": rng.choice(words)})
        r, words = pick()
        a = rng.randrange(len(words))
        b = rng.randrange(len(words))
        out["two-words"].append({"text": f"{words[a]} {words[b]}"})
        while True:
            r = rng.choice(records)
            pairs = _PAIR.findall(r.text)
            if pairs:
                out["phrase"].append({"text": '"{} {}"'.format(*rng.choice(pairs))})
                break
        r, words = pick(6)
        out["prefix"].append({"text": rng.choice(words)[:5] + "*"})
        r, words = pick()
        out["filter-1"].append({"text": rng.choice(words), "filters": {"region": [rng.choice(r.regions)]}})
        r, words = pick()
        out["filter-2"].append(
            {
                "text": rng.choice(words),
                "filters": {"network": [rng.choice(r.networks)], "year": [r.year]},
            }
        )
        r, words = pick()
        out["filter-3"].append(
            {
                "text": rng.choice(words),
                "filters": {
                    "topic": [rng.choice(r.topics)],
                    "doctype": [r.doctype],
                    "language": [r.language],
                },
            }
        )
        out["browse-all"].append({"text": ""})
        r, words = pick(6)
        out["misspelled"].append({"text": _misspell(rng.choice(words), rng)})
    return out


# -- child processes -------------------------------------------------------------------------------


def _emit(result: dict) -> None:
    print(RESULT_TAG + json.dumps(result), flush=True)


def _child(args: list[str], timeout: float | None = None) -> tuple[dict, float]:
    """Run `python -m bench.run --child ...`; its result and the wall seconds it took."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=bench_corpus.ROOT,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :]), wall
    raise RuntimeError(f"child {args[0]} printed no result:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def child_ingest(corpus: Path, index: Path, workers: int | None) -> dict:
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from ingest.pipeline import run
    from ingest.worker import Limits
    from kb.api import KnowledgeBase

    if index.exists():
        shutil.rmtree(index)
    start = time.perf_counter()
    kb = KnowledgeBase(index, corpus)
    outcomes = run(kb, [corpus], limits=Limits(), workers=workers)
    seconds = time.perf_counter() - start
    kb.close()
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    indexed = statuses.get("indexed", 0) + statuses.get("updated", 0)
    return {
        "files": len(outcomes),
        "statuses": statuses,
        "seconds": round(seconds, 2),
        "docs_per_s": round(indexed / seconds, 1) if seconds else 0.0,
        "index_mb": dir_size_mb(index),
        "peak_mb": peak_memory_mb(),
    }


def child_cold(corpus: Path, index: Path, word: str) -> dict:
    t0 = time.perf_counter()
    from kb.api import KnowledgeBase
    from kb.models import SearchRequest

    t1 = time.perf_counter()
    kb = KnowledgeBase(index, corpus)
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


def _request(q: dict):
    from kb.models import SearchRequest

    f = q.get("filters", {})
    return SearchRequest(
        text=q["text"],
        regions=tuple(f.get("region", ())),
        networks=tuple(f.get("network", ())),
        years=tuple(f.get("year", ())),
        topics=tuple(f.get("topic", ())),
        doctypes=tuple(f.get("doctype", ())),
        languages=tuple(f.get("language", ())),
        sort="relevance" if q["text"] else "newest",
    )


def child_serve(engine: str, corpus: Path, index: Path, queries_file: Path, profile: str | None) -> dict:
    queries = json.loads(queries_file.read_text())
    if engine == "whoosh":
        from kb.api import KnowledgeBase

        kb = KnowledgeBase(index, corpus)

        def page(q: dict) -> tuple[int, int]:
            p = kb.search(_request(q))
            return p.total, len(p.hits)
    else:
        from bench.fts5 import Fts5

        db = Fts5(index)

        def page(q: dict) -> tuple[int, int]:
            p = db.search(q["text"], q.get("filters"))
            return p["total"], len(p["hits"])

    for q in queries["one-word"][:WARMUP]:
        page(q)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    result = {}
    for cls in CLASSES:
        times, totals, empty = [], [], 0
        for q in queries[cls]:
            if profiler and cls == profile:
                profiler.enable()
            start = time.perf_counter()
            total, shown = page(q)
            times.append((time.perf_counter() - start) * 1000)
            if profiler:
                profiler.disable()
            totals.append(total)
            empty += shown == 0
        result[cls] = {**summary(times), "mean_total": round(sum(totals) / len(totals), 1), "empty": empty}
    if profiler:
        profiler.dump_stats(str(queries_file.with_suffix(f".{engine}.{profile}.prof")))
    return {"classes": result, "rss_mb": current_rss_mb(), "peak_mb": peak_memory_mb()["self"]}


# -- the run ---------------------------------------------------------------------------------------


def bench_size(
    size: int, n_queries: int, seed: int, out_dir: Path, data_dir: Path, workers: int | None
) -> dict:
    log = lambda msg: print(f"[{size}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    start = time.perf_counter()
    folder = bench_corpus.build(size, seed, data_dir=data_dir, out_dir=out_dir)
    log(f"corpus {folder} ready in {time.perf_counter() - start:.1f} s")
    records = bench_corpus.load_records(folder)
    index = out_dir / f"index-{size}-s{seed}"
    wargs = ["--workers", str(workers)] if workers else []
    ingest, _ = _child(["ingest", "--corpus", str(folder), "--index", str(index), *wargs])
    log(f"ingest {ingest}")

    from bench import fts5

    db = out_dir / f"fts5-{size}-s{seed}.sqlite"
    fts_build = fts5.build(db, records)
    log(f"fts5 build {fts_build}")

    queries = make_queries(records, n_queries, seed)
    qfile = out_dir / f"queries-{size}-s{seed}.json"
    qfile.write_text(json.dumps(queries, ensure_ascii=False))
    cold, cold_wall = _child(
        ["cold", "--corpus", str(folder), "--index", str(index), "--word", queries["one-word"][0]["text"]]
    )
    cold["process_to_first_page_s"] = round(cold_wall - cold["first_query_s"], 3)
    indexed = ingest["statuses"].get("indexed", 0)
    if cold["documents"] != indexed:  # e.g. the schema version changed and the index was rebuilt empty
        raise RuntimeError(f"the index holds {cold['documents']} documents, ingest indexed {indexed}")
    log(f"cold {cold}")
    serve_args = ["--corpus", str(folder), "--queries-file", str(qfile)]
    whoosh, _ = _child(["serve", "--engine", "whoosh", "--index", str(index), *serve_args])
    log(f"whoosh rss {whoosh['rss_mb']} MB")
    sqlite, _ = _child(["serve", "--engine", "fts5", "--index", str(db), *serve_args])
    log(f"fts5 rss {sqlite['rss_mb']} MB")
    languages: dict[str, int] = {}
    for r in records:
        languages[r.language] = languages.get(r.language, 0) + 1
    return {
        "size": size,
        "documents": len(records),
        "languages": languages,
        "ingest": ingest,
        "fts5_build": fts_build,
        "cold": cold,
        "whoosh": whoosh,
        "fts5": sqlite,
        "queries_per_class": n_queries,
    }


def _ok(flag: bool) -> str:
    return "✅" if flag else "❌"


def render(results: list[dict], meta: dict) -> str:
    """The markdown tables the README keeps."""
    m = meta["machine"]
    lines = [
        f"Measured {meta['date']} on {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']} "
        f"(`python -m bench.run --sizes {','.join(str(r['size']) for r in results)} "
        f"--queries {meta['queries']}`, seed {meta['seed']}).",
        "",
    ]
    for r in results:
        n = r["size"]
        ing, cold, w, f = r["ingest"], r["cold"], r["whoosh"], r["fts5"]
        langs = ", ".join(f"{k} {v}" for k, v in sorted(r["languages"].items(), key=lambda kv: -kv[1]))
        lines += [
            f"### {n:,} documents ({langs})",
            "",
            "Results page = one `KnowledgeBase.search`: top 10 with snippets and all six facet counts; "
            f"FTS5 = top 10 by bm25 with snippet() and six GROUP BY counts. ms, {r['queries_per_class']} "
            "queries per class after a short warm-up.",
            "",
            "| query class | Whoosh p50 | p95 | p99 | FTS5 p50 | p95 | p99 | p95 Whoosh/FTS5 | hits Whoosh / FTS5 | p95 ≤ 50 ms and ≤ FTS5 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
        ]
        for cls in CLASSES:
            a, b = w["classes"][cls], f["classes"][cls]
            ratio = a["p95"] / b["p95"] if b["p95"] else float("inf")
            ok = a["p95"] <= TARGET_P95_MS and a["p95"] <= b["p95"]
            lines.append(
                f"| {cls} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | {b['p50']:.1f} | {b['p95']:.1f} "
                f"| {b['p99']:.1f} | {ratio:.1f}× | {a['mean_total']:,.0f} / {b['mean_total']:,.0f} | {_ok(ok)} |"
            )
        peak = ing["peak_mb"]
        lines += [
            "",
            "| measure | value | target |",
            "|---|---:|:---:|",
            f"| ingest end to end (files → index) | {ing['docs_per_s']:,.0f} docs/s "
            f"({ing['files']:,} files in {ing['seconds']:,.0f} s) | ≥ 500 {_ok(ing['docs_per_s'] >= TARGET_DOCS_PER_S)} |",
            f"| index size | {ing['index_mb']:,.0f} MB (FTS5 database {r['fts5_build']['size_mb']:,.0f} MB, "
            f"built in {r['fts5_build']['seconds']:,.0f} s) | |",
            f"| ingest peak memory | main {peak['self']:,.0f} MB, largest worker {peak['children']:,.0f} MB | |",
            f"| cold start: open index + first page (in process) | {cold['open_s'] + cold['first_page_s']:.2f} s "
            f"(imports {cold['import_s']:.2f} s, first query after it {cold['first_query_s'] * 1000:.0f} ms) | |",
            f"| fresh process start → first page | {cold['process_to_first_page_s']:.2f} s "
            f"| ≤ 3 s {_ok(cold['process_to_first_page_s'] <= TARGET_FIRST_PAGE_S)} |",
            f"| serving process RSS after all queries | {w['rss_mb']:,.0f} MB (FTS5 {f['rss_mb']:,.0f} MB) "
            f"| ≤ 1 GB {_ok(w['rss_mb'] <= TARGET_RSS_MB)} |",
            "",
        ]
        if ing["statuses"].get("failed") or ing["statuses"].get("duplicate"):
            lines += [f"Ingest outcomes: {ing['statuses']}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--queries", type=int, default=100, help="queries per class")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--workers", type=int, default=None, help="ingest worker processes (default: cores)")
    p.add_argument("--out", type=Path, default=bench_corpus.OUT_DIR)
    p.add_argument("--data", type=Path, default=bench_corpus.DATA_DIR)
    p.add_argument("--synthetic", action="store_true", help="synthetic text when the data folder is absent")
    # child-process modes
    p.add_argument("--child", choices=("ingest", "cold", "serve"))
    p.add_argument("--corpus", type=Path)
    p.add_argument("--index", type=Path)
    p.add_argument("--word")
    p.add_argument("--engine", choices=("whoosh", "fts5"))
    p.add_argument("--queries-file", type=Path)
    p.add_argument("--profile", default=os.environ.get("BENCH_PROFILE"), help="cProfile one query class")
    a = p.parse_args(argv)

    if a.child == "ingest":
        _emit(child_ingest(a.corpus, a.index, a.workers))
        return 0
    if a.child == "cold":
        _emit(child_cold(a.corpus, a.index, a.word))
        return 0
    if a.child == "serve":
        _emit(child_serve(a.engine, a.corpus, a.index, a.queries_file, a.profile))
        return 0

    if not a.data.is_dir() and not a.synthetic:
        print(f"skipped: benchmark data {a.data} not found (pass --synthetic for generated text)")
        return 0
    a.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    meta = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine(),
        "queries": a.queries,
        "seed": a.seed,
        "data": "real" if a.data.is_dir() else "synthetic",
    }
    results = []
    for size in sizes:
        results.append(bench_size(size, a.queries, a.seed, a.out, a.data, a.workers))
        # Write after every size, so a long run leaves its first tables behind.
        table = render(results, meta)
        (a.out / "results.md").write_text(table + "\n", encoding="utf-8")
        (a.out / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
