"""The benchmark's markdown: one table of result pages and one of measures per size, and the block of docs/benchmarks.md.

docs/benchmarks.md keeps the latest figures between BEGIN and END markers; `write_block` replaces what is
between them, so the figures are never edited by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

from bench.queries import CLASSES

TARGET_P95_MS = 50.0
TARGET_DOCS_PER_S = 500.0
TARGET_RSS_MB = 1024.0
TARGET_FIRST_PAGE_S = 3.0
BEGIN = "<!-- bench:begin (written by `make bench`; do not edit by hand) -->"
END = "<!-- bench:end -->"
ENGINES_BEGIN = "<!-- bench-engines:begin (written by `make bench ENGINES=...`; do not edit by hand) -->"
ENGINES_END = "<!-- bench-engines:end -->"
ENGINE_NAMES = {"whoosh": "Whoosh", "solr": "Solr", "fts5": "FTS5"}


def _ok(flag: bool) -> str:
    return "✅" if flag else "❌"


def provenance(r: dict) -> list[str]:
    """When, where and at which commit one size was measured, and how busy the machine was."""
    meta = r["meta"]
    m = meta["machine"]
    load = meta.get("load", {})
    lines = [
        f"Measured {meta['date']} at commit `{meta['commit']}` on {m['cores']} cores ({m.get('cpu', '?')}), "
        f"{m['ram_gb']} GB RAM, Python {m['python']}: `python -m bench.run --sizes {r['size']} --queries "
        f"{meta['queries']} --query-seed {meta['query_seed']}` (corpus seed {meta['seed']}; the query seed is "
        "new each run).",
        "",
    ]
    if load:
        shared = load.get("max", 0) > m["cores"] * 0.75
        lines += [
            (
                f"**The machine was shared during this run** (load average {load['min']:.1f}–{load['max']:.1f} "
                f"on {m['cores']} cores, sampled before each step): the figures are slower and noisier than on a "
                "quiet machine."
                if shared
                else f"The machine was quiet (load average at most {load['max']:.1f} on {m['cores']} cores)."
            ),
            "",
        ]
    return lines


def size_tables(r: dict) -> list[str]:
    n = r["size"]
    commit = r["meta"]["commit"]
    ing, cold, w, f = r["ingest"], r["cold"], r["whoosh"], r["fts5"]
    langs = ", ".join(f"{k} {v}" for k, v in sorted(r["languages"].items(), key=lambda kv: -kv[1]))
    lines = [
        f"#### {n:,} documents ({langs})",
        "",
        *provenance(r),
        "Results page = one `KnowledgeBase.search`: top 10 with snippets and all six facet counts; "
        f"FTS5 = top 10 by bm25 with snippet() and six GROUP BY counts. ms, {r['queries_per_class']} "
        "queries per class, each new to the serving process, after untimed warm-up queries of every "
        "kind (bench/queries.py; runs before 2026-12-06 14:36 UTC: five one-word ones).",
        "",
        *_vectors_note(r),
        "| query class | network-kb p50 | p95 | p99 | FTS5 p50 | p95 | p99 | p95 kb/FTS5 | hits kb / FTS5 "
        "| p95 ≤ 50 ms | p95 ≤ FTS5 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|:---:|",
    ]
    for cls in CLASSES:
        if cls not in w["classes"] or cls not in f["classes"]:
            lines.append(f"| {cls} | not measured in this run | | | | | | | | | |")
            continue
        a, b = w["classes"][cls], f["classes"][cls]
        ratio = a["p95"] / b["p95"] if b["p95"] else float("inf")
        lines.append(
            f"| {cls} | {a['p50']:.1f} | {a['p95']:.1f} | {a['p99']:.1f} | {b['p50']:.1f} | {b['p95']:.1f} "
            f"| {b['p99']:.1f} | {ratio:.2f}× | {a['mean_total']:,.0f} / {b['mean_total']:,.0f} "
            f"| {_ok(a['p95'] <= TARGET_P95_MS)} | {_ok(a['p95'] <= b['p95'])} |"
        )
    peak = ing["peak_mb"]
    nv = w.get("no_vocabulary")
    ingested_at = ing.get("commit")
    reused = (
        f", ingested at commit `{ingested_at}` and reused" if ingested_at and ingested_at != commit else ""
    )
    lines += [
        "",
        "| measure | value | target |",
        "|---|---:|:---:|",
        f"| ingest end to end (files → index) | {ing['docs_per_s']:,.0f} docs/s "
        f"({ing['files']:,} files in {ing['seconds']:,.0f} s{reused}) "
        f"| ≥ 500 {_ok(ing['docs_per_s'] >= TARGET_DOCS_PER_S)} |",
        f"| index size | {ing['index_mb']:,.0f} MB (FTS5 database {r['fts5_build']['size_mb']:,.0f} MB, "
        f"built in {r['fts5_build']['seconds']:,.0f} s) | |",
        f"| ingest peak memory | main {peak['self']:,.0f} MB, largest worker {peak['children']:,.0f} MB | |",
        *_ingest_cpu(ing, r["meta"]["machine"]["cores"] or 1),
        f"| cold start: open index + first page (in process) | {cold['open_s'] + cold['first_page_s']:.2f} s "
        f"(imports {cold['import_s']:.2f} s, first query after it {cold['first_query_s'] * 1000:.0f} ms) | |",
        f"| fresh process start → first page | {cold['process_to_first_page_s']:.2f} s "
        f"| ≤ 3 s {_ok(cold['process_to_first_page_s'] <= TARGET_FIRST_PAGE_S)} |",
        f"| serving process RSS after all queries | {w['rss_mb']:,.0f} MB (FTS5 {f['rss_mb']:,.0f} MB) "
        f"| ≤ 1 GB {_ok(w['rss_mb'] <= TARGET_RSS_MB)} |",
    ]
    if nv:
        with_vocab = w["classes"]["one-word"]["p95"]
        lines.append(
            f"| one word, corpus folder without `vocabulary.json` (p50 / p95) | {nv['p50']:.1f} / {nv['p95']:.1f} ms "
            f"(with it: {w['classes']['one-word']['p50']:.1f} / {with_vocab:.1f} ms) "
            f"| as fast {_ok(nv['p95'] <= max(with_vocab * 1.5, TARGET_P95_MS))} |"
        )
    lines.append("")
    if ing["statuses"].get("failed") or ing["statuses"].get("duplicate"):
        lines += [f"Ingest outcomes: {ing['statuses']}", ""]
    return lines


def _vectors_note(r: dict) -> list[str]:
    v = r.get("vectors")
    if not v:
        return []
    return [
        f"`+semantic` = the same class with the meaning channel on: each query embedded anew by the real "
        f"model, one cosine pass over {v['rows']:,} int8 rows ({v['store_mb']:,.0f} MB, the passages the "
        "embedder would write for these documents), fusion, facets and snippets. The rows hold random unit "
        "vectors, because embedding this corpus takes hours on 2 cores and a page's cost does not depend "
        "on what the rows hold; FTS5 answers the same page by its words.",
        "",
    ]


def _ingest_cpu(ing: dict, cores: int) -> list[str]:
    cpu = ing.get("cpu_ms_per_doc")
    if not cpu:
        return []
    total = cpu["main"] + cpu["children"]
    return [
        f"| ingest CPU per document | {total:.1f} ms (main process {cpu['main']:.1f}, readers and writers "
        f"{cpu['children']:.1f}): at most {cores * 1000 / total:,.0f} docs/s on {cores} idle cores | |"
    ]


def render(results: list[dict]) -> str:
    """The markdown docs/benchmarks.md keeps: every size's provenance and tables."""
    lines: list[str] = []
    for r in results:
        lines += size_tables(r)
    return "\n".join(lines)


def _ingest_rate(r: dict, engine: str) -> str:
    if engine == "whoosh":
        return f"{r['ingest']['docs_per_s']:,.0f}"
    if engine == "solr":
        return f"{r['solr_ingest']['docs_per_s']:,.0f}"
    return f"{r['fts5_build']['docs_per_s']:,.0f}"


def engines_table(r: dict) -> list[str]:
    """One size: ingest documents/s and every query class's p50/p95 for each engine measured."""
    engines = [e for e in ENGINE_NAMES if e in r]
    meta, m = r["meta"], r["meta"]["machine"]
    load = meta.get("load", {})
    names = ", ".join(ENGINE_NAMES[e] for e in engines)
    lines = [
        f"#### {r['size']:,} documents: {names}",
        "",
        f"Measured {meta['date']} at commit `{meta['commit']}` on {m['cores']} cores, load average "
        f"{load.get('min', 0):.1f}–{load.get('max', 0):.1f}: `python -m bench.run --sizes {r['size']} "
        f"--engines {','.join(engines)} --queries {meta['queries']} --query-seed {meta['query_seed']}` "
        f"({meta.get('data', 'real')} text). ms per results page, {r['queries_per_class']} queries per class.",
        "",
        "| | " + " | ".join(f"{ENGINE_NAMES[e]} p50 | p95" for e in engines) + " |",
        "|---|" + "---:|---:|" * len(engines),
        "| ingest documents/s | " + " | ".join(f"{_ingest_rate(r, e)} | " for e in engines) + "|",
    ]
    for cls in CLASSES:
        cells = []
        for e in engines:
            got = r[e]["classes"].get(cls)
            cells += [f"{got['p50']:.1f}", f"{got['p95']:.1f}"] if got else ["–", "–"]
        if all(c == "–" for c in cells):
            continue
        lines.append(f"| {cls} | " + " | ".join(cells) + " |")
    notes = []
    if "whoosh" in engines:
        notes.append("Whoosh ingest: files → index through ingest.pipeline")
    if "solr" in engines:
        where = r["solr"].get("collection", "")
        kind = r["solr"].get("replicas", "2 shards × 2 TLOG")  # runs before NRT became the default were TLOG
        how = (
            " as `kb rebuild` fills it (a new collection of one replica a shard, the second replicas added and "
            "their index copied before the alias moves, all inside the time; the nodes warmed first by a "
            "rebuild of another, small corpus, as a Solr that has been serving is)"
            if r.get("solr_ingest", {}).get("mode") == "rebuild"
            else ""
        )
        notes.append(
            'Solr ingest: the same pipeline through `KnowledgeBase(engine="solr")` into a '
            f"{kind} replicas collection ({where}){how}; before its pages the meaning layer's vectors (the "
            "Whoosh index's) are copied into the collection and each shard merged into one segment, as "
            "`kb rebuild` leaves it; its +semantic pages score each document's best row from the meaning "
            "layer's store and use Solr's kNN under filters; the nodes share the cores with the benchmark"
        )
    if "fts5" in engines:
        notes.append(
            "FTS5 ingest: the records already in memory into the database (no file reading or extraction); "
            "its pages by words (a +semantic class is its lexical class)"
        )
    lines += ["", "; ".join(notes) + ".", ""]
    return lines


def render_engines(results: list[dict]) -> str:
    """The side-by-side block: for every size, each engine's ingest rate and per-class p50/p95."""
    lines: list[str] = []
    for r in results:
        lines += engines_table(r)
    return "\n".join(lines)


def write_block(
    page: Path, table: str, begin: str = BEGIN, end: str = END, heading: str = "Latest benchmark figures"
) -> None:
    """Replace the block between the markers (appended under a heading when the page has none)."""
    text = page.read_text(encoding="utf-8")
    block = f"{begin}\n\n{table.strip()}\n\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + f"\n\n### {heading}\n\n" + block + "\n"
    page.write_text(text, encoding="utf-8")
