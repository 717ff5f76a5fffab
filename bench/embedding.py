"""`python -m bench.embedding [--docs 60]`: the meaning layer's own throughput, on 2 cores.

Embeds a random sample of the benchmark corpus' documents (law sections, help pages and council items,
as `make bench` builds them) the way the background embedder does (`passages.rows`: the title alone,
then passages of at most 1,000 characters with the title; the embedder's one thread, then both
cores), and reports rows (passages) and documents per second, with the load average. Query embedding
is timed on one-word and question texts drawn from the same documents.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

from bench import corpus as bench_corpus
from bench.measure import machine, summary


def _texts(folder: Path, docs: int, seed: int) -> list[tuple[str, str]]:
    records = bench_corpus.load_records(folder)
    rng = random.Random(seed)
    return [(r.title, r.text) for r in rng.sample(records, min(docs, len(records)))]


def measure(folder: Path, docs: int, seed: int, threads: int) -> dict:
    from kb.semantic import model, passages

    sample = _texts(folder, docs, seed)
    rows = [text for title, body in sample for text, _ in passages.rows(title, body)]
    embedder = model.Embedder(threads=threads)
    embedder.passages(["warm-up"])
    load = os.getloadavg()[0]
    start = time.perf_counter()
    for n in range(0, len(rows), 16):  # the embedder's batch (BATCH_PASSAGES)
        embedder.passages(rows[n : n + 16])
    seconds = time.perf_counter() - start
    words = [w for _, body in sample for w in body.split() if len(w) > 5 and w.isalpha()]
    rng = random.Random(seed + 1)
    queries = [rng.choice(words) for _ in range(30)] + [
        "Welche Pflichten hat " + " ".join(rng.sample(words, 5)) + "?" for _ in range(30)
    ]
    times = []
    for q in queries:
        t = time.perf_counter()
        embedder.query(q)
        times.append((time.perf_counter() - t) * 1000)
    return {
        "threads": threads,
        "documents": len(sample),
        "rows": len(rows),
        "chars_per_row": round(sum(map(len, rows)) / max(1, len(rows))),
        "seconds": round(seconds, 1),
        "rows_per_s": round(len(rows) / seconds, 2),
        "docs_per_s": round(len(sample) / seconds, 2),
        "query_ms": summary(times),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=60)
    p.add_argument("--size", type=int, default=10000, help="the benchmark corpus to sample")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", default="1,2", help="model threads to measure, e.g. 1,2")
    p.add_argument("--out", type=Path, default=bench_corpus.OUT_DIR)
    a = p.parse_args(argv)
    if not bench_corpus.DATA_DIR.is_dir():
        print(f"skipped: benchmark data {bench_corpus.DATA_DIR} not found")
        return 0
    folder = bench_corpus.build(a.size, a.seed, out_dir=a.out)
    results = []
    for threads in (int(t) for t in a.threads.split(",")):
        # each thread count in its own process: OpenMP reads the count once per process
        if len(a.threads.split(",")) > 1:
            import subprocess

            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.embedding",
                    "--docs",
                    str(a.docs),
                    "--size",
                    str(a.size),
                    "--seed",
                    str(a.seed),
                    "--threads",
                    str(threads),
                    "--out",
                    str(a.out),
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=bench_corpus.ROOT,
            )
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        else:
            results.append(measure(folder, a.docs, a.seed, threads))
    if len(results) == 1 and len(a.threads.split(",")) == 1:
        print(json.dumps(results[0]))
        return 0
    m = machine()
    print(f"{m['cores']} cores ({m.get('cpu', '?')}), {a.docs} documents of the {a.size:,} benchmark corpus")
    for r in results:
        print(
            f"threads {r['threads']}: {r['rows']} rows ({r['chars_per_row']} characters each) in {r['seconds']} s"
            f" = {r['rows_per_s']} rows/s, {r['docs_per_s']} documents/s; query p50 {r['query_ms']['p50']} ms,"
            f" p95 {r['query_ms']['p95']} ms (load {r['load_before']}–{r['load_after']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
