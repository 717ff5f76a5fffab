"""XQuAD dev (../shared/data/xquad-dev): natural questions → the paragraph that answers them, de and en.

The 120 paragraphs of each language (24 Wikipedia articles × 5) are indexed together; a question is
asked with a language filter on the paragraph's language, in four kinds: de→de, en→en (same
language), en→de and de→en (across). The articles are split by a stable hash of their number into a
tuning half (what the fusion constants were chosen on) and a held-out half (what docs/relevance.md and docs/meaning.md report).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from eval.judgements import SHARED_DATA, Judged
from kb.models import Document

XQUAD_DIR = SHARED_DATA / "xquad-dev"
XQUAD_KINDS: tuple[str, ...] = ("de→de", "en→en", "en→de", "de→en")
SPLITS: tuple[str, ...] = ("tune", "held-out", "all")


def xquad_available() -> bool:
    return all((XQUAD_DIR / f).exists() for f in ("docs.jsonl", "queries.jsonl", "qrels.tsv"))


def article(paragraph_id: str) -> int:
    """de-17 → 3: the article of the n-th paragraph of the whole XQuAD file."""
    return (int(paragraph_id.split("-")[1]) - 1) // 5


def split_of(article_number: int) -> str:
    """A stable half of the articles for tuning, the other held out."""
    digest = hashlib.sha256(f"xquad-article-{article_number}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "held-out"


def doc_id(paragraph_id: str) -> str:
    return f"xquad/{paragraph_id}"


def xquad_documents(folder: Path = XQUAD_DIR) -> list[Document]:
    docs = []
    for line in (folder / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        text = r["text"]
        docs.append(
            Document(
                id=doc_id(r["id"]),
                source=f"xquad-dev/{r['id']}",
                title=r["title"],
                text=text,
                language=r["lang"],
                checksum=hashlib.sha256(f"{r['title']}\n{text}".encode()).hexdigest(),
            )
        )
    return docs


def xquad_queries(split: str = "held-out", folder: Path = XQUAD_DIR) -> list[Judged]:
    """Every question × the paragraph in its own language and in the other, of one split of the articles."""
    questions = {}
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        questions[r["id"]] = (r["lang"], r["q"])
    out = []
    for line in (folder / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        qid, pid = line.split("\t")
        lang, text = questions[qid]
        target = pid.split("-")[0]
        if split != "all" and split_of(article(pid)) != split:
            continue
        kind = f"{lang}→{target}"
        out.append(
            Judged(f"{qid}>{target}", kind, lang, text, {doc_id(pid): 1}, languages=(target,), note=pid)
        )
    return out
