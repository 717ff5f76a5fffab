"""'Did you mean' on the evaluation's collections: how often a real word no document holds is offered a
correction (a guess: noise), and how often a typo of a word the collection holds is corrected to it.

Run after `make eval` (it reads the Whoosh indexes it leaves in eval/out/):

    python -m eval.suggestions xquad libreoffice

* absent words: the held-out half of eval/noanswer.py's absent words (one word, and three together);
* typos: 200 words of at least six letters drawn from the collection's documents, each misspelt as
  `make bench` misspells its words (bench/queries.py: two neighbouring letters swapped, or a doubled
  letter written once), counted when the suggestion is that word (in any capitals).

Searched by words (the suggestion does not depend on meaning). docs/relevance.md reports the figures.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from bench.queries import misspell, words_of
from eval.noanswer import noanswer_queries
from kb.api import KnowledgeBase
from kb.models import SearchRequest

OUT_DIR = Path(__file__).resolve().parent / "out"
TYPOS = 200
SEED = 20261207


def measure(name: str) -> dict:
    folder = OUT_DIR / name / "index"
    if not folder.is_dir():
        raise SystemExit(f"eval.suggestions: {folder} is missing: run `make eval` first")
    kb = KnowledgeBase(folder, OUT_DIR / "no-corpus", semantic=False, engine="whoosh")
    docs = [kb.get(i) for i in sorted(kb.backend.live())]

    def suggestion(text: str) -> str | None:
        return kb.search(SearchRequest(text, semantic=False)).suggestion

    absent = [
        q.text
        for q in noanswer_queries([f"{d.title}\n{d.text}" for d in docs])
        if q.split == "held-out" and q.kind != "salad"
    ]
    offered = [(text, s) for text in absent if (s := suggestion(text))]
    rng = random.Random(SEED)
    typos: list[tuple[str, str]] = []
    while len(typos) < TYPOS:
        words = words_of(rng.choice(docs).text, 6)
        if words:
            word = rng.choice(words)
            typo = misspell(word, rng)
            if typo.lower() != word.lower():
                typos.append((word, typo))
    corrected = sum((suggestion(typo) or "").lower() == word.lower() for word, typo in typos)
    return {"absent": len(absent), "offered": offered, "typos": len(typos), "corrected": corrected}


def main(names: list[str]) -> None:
    print("| collection | absent words offered a suggestion | typos corrected to their word |")
    print("|---|---|---|")
    for name in names or ["xquad", "libreoffice"]:
        m = measure(name)
        print(
            f"| {name} (held-out) | {len(m['offered'])} of {m['absent']} | {m['corrected']} of {m['typos']} |"
        )
        print(f"<!-- {name}: {m['offered'][:12]} -->", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
