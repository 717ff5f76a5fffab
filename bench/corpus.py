"""Benchmark corpora as real files: German law sections, LibreOffice help (da/de/nl/en), council items.

`build(size, seed)` writes `bench/out/corpus-<size>-s<seed>/` with one file per document — plain
text with a `.meta.json` sidecar, or Markdown with YAML front matter — plus the project's
`vocabulary.json`. Documents that carry no network, region, topic, date or kind get them from a
generator seeded with (seed, document key), so every run and every size assigns the same values
and the facets have a realistic spread. A folder already built with the same size and seed is
reused. Without ../shared/data the corpus is synthetic text in four languages (for tests).
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data"
OUT_DIR = ROOT / "bench" / "out"
VOCABULARY = ROOT / "corpus" / "vocabulary.json"
MARKER = ".bench-corpus.json"
RECORDS = ".records.jsonl"
FORMAT_VERSION = 2
DOCTYPE_WEIGHTS = {
    "law": {"other": 5, "project-description": 2, "press-release": 1.5, "minutes": 1.5},
    "help": {"other": 6, "project-description": 3, "press-release": 1},
}


@dataclass(frozen=True)
class Record:
    """One benchmark document as written to disk (and loaded into the FTS5 baseline)."""

    key: str  # stable source key, e.g. "law:1/1-dm-goldmuenzg#1"
    path: str  # relative to the corpus folder
    title: str
    text: str
    language: str
    date: str
    doctype: str
    networks: tuple[str, ...]
    regions: tuple[str, ...]
    topics: tuple[str, ...]

    @property
    def year(self) -> int:
        return int(self.date[:4])


# -- sources --------------------------------------------------------------------------------------


def _laws(data: Path) -> Iterator[dict]:
    with gzip.open(data / "bundesgesetze" / "sections.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            heading = (r.get("heading") or "").strip()
            title = f"{r.get('jurabk') or ''} {heading}".strip() or r["law_title"]
            text = f"{r['law_title']}\n\n{heading}\n\n{r['text']}".strip()
            yield {
                "key": f"law:{r['id']}",
                "kind": "law",
                "title": title,
                "text": text,
                "language": "de",
                "date": r.get("ausfertigungsdatum") or "",
            }


def _help(data: Path) -> Iterator[dict]:
    for lang in ("da", "de", "nl", "en"):
        with open(data / "libreoffice-help" / f"{lang}.jsonl", encoding="utf-8") as fh:
            for line in fh:
                r = json.loads(line)
                text = r.get("text") or ""
                title = (r.get("title") or "").strip() or text.strip().split("\n", 1)[0][:80]
                yield {
                    "key": f"help:{lang}:{r['id']}",
                    "kind": "help",
                    "title": title,
                    "text": text,
                    "language": lang,
                    "date": "",
                }


def _council(data: Path) -> Iterator[dict]:
    with open(data / "nordstemmen" / "agenda_items_flat.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            name = (r.get("name") or "").strip()
            meeting = r.get("meeting_name") or ""
            text = (
                f"{name}\n\n{meeting}. Gremium: {r.get('committee') or ''}. Ort: {r.get('locality') or ''}."
            )
            yield {
                "key": f"item:{r['id'].rsplit('/', 1)[-1]}",
                "kind": "item",
                "title": (name.split("\n", 1)[0].strip(" -") or meeting)[:120],
                "text": text,
                "language": "de",
                "date": (r.get("start") or "")[:10],
                "doctype": "minutes",
            }
    with open(data / "nordstemmen" / "papers.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            name = (r.get("name") or "").strip()
            text = f"{name}\n\n{r.get('paperType') or ''} {r.get('reference') or ''}"
            yield {
                "key": f"paper:{r['id'].rsplit('/', 1)[-1]}",
                "kind": "paper",
                "title": name.split("\n", 1)[0][:120],
                "text": text,
                "language": "de",
                "date": (r.get("date") or "")[:10],
                "doctype": "project-description",
            }


_SYNTHETIC = {
    "de": "Netzwerk Kunststoff Ausbildung Betrieb Region Förderung Projekt Sitzung Beschluss Verwaltung "
    "Gemeinde Unternehmen Fachkräfte Weiterbildung Recycling Verpackung Maschine Qualität Zukunft",
    "da": "netværk plast uddannelse virksomhed region projekt møde beslutning kommune fremtid "
    "genanvendelse emballage maskine kvalitet medarbejdere efteruddannelse samarbejde",
    "nl": "netwerk kunststof opleiding bedrijf regio project vergadering besluit gemeente toekomst "
    "recycling verpakking machine kwaliteit medewerkers bijscholing samenwerking",
    "en": "network plastics training company region project meeting decision municipality future "
    "recycling packaging machine quality workers education cooperation",
}


def _synthetic(count: int, seed: int) -> Iterator[dict]:
    rng = random.Random(f"synthetic:{seed}")
    langs = ("de", "de", "da", "nl", "en")
    for i in range(count):
        lang = langs[i % len(langs)]
        words = _SYNTHETIC[lang].split()
        sentences = [" ".join(rng.choices(words, k=rng.randint(6, 14))).capitalize() + "." for _ in range(8)]
        yield {
            "key": f"syn:{i}",
            "kind": "law" if lang == "de" else "help",
            "title": " ".join(rng.choices(words, k=3)).title(),
            "text": " ".join(sentences),
            "language": lang,
            "date": "",
        }


def _split_long(raws: list[dict], need: int) -> list[dict]:
    """More documents from real text: the second halves of the longest law sections, split at a paragraph."""
    longest = sorted((r for r in raws if r["kind"] == "law"), key=lambda r: -len(r["text"]))
    extra = []
    for r in longest[:need]:
        text = r["text"]
        cut = text.find("\n\n", len(text) // 2)
        cut = cut if cut > 0 else len(text) // 2
        extra.append(
            {**r, "key": r["key"] + ":2", "title": r["title"] + " (Teil 2)", "text": text[cut:].strip()}
        )
        r["text"] = text[:cut].strip()
    return extra


# -- metadata ------------------------------------------------------------------------------------


def _vocab_values(vocabulary: dict) -> tuple[list[dict], list[str], list[str]]:
    networks = [{"name": n["name"], "regions": n.get("regions", [])} for n in vocabulary["networks"]]
    region_names = {r["id"]: r["name"] for r in vocabulary["regions"]}
    for n in networks:
        n["regions"] = [region_names.get(r, r) for r in n["regions"]]
    return networks, list(region_names.values()), [t["id"] for t in vocabulary["topics"]]


def _assign(raw: dict, seed: int, vocab: tuple[list[dict], list[str], list[str]]) -> dict:
    """Deterministic network/region/topics/date/doctype for one document."""
    networks, regions, topics = vocab
    rng = random.Random(f"{seed}:{raw['key']}")
    # Skewed spread: the first values are the most common, like real collections.
    chosen = rng.choices(networks, weights=[1 / (i + 1) for i in range(len(networks))], k=1)
    if rng.random() < 0.15:
        chosen.append(rng.choice(networks))
    names = tuple(dict.fromkeys(n["name"] for n in chosen))
    region = list(dict.fromkeys(r for n in chosen for r in n["regions"]))
    if rng.random() < 0.2:
        region.append(rng.choice(regions))
    k = rng.choices((1, 2, 3), weights=(5, 3, 2))[0]
    topic = rng.choices(topics, weights=[1 / (i + 1) ** 0.8 for i in range(len(topics))], k=k)
    date = raw.get("date") or ""
    if not (len(date) >= 4 and date[:4].isdigit() and 1950 <= int(date[:4]) <= 2025):
        date = f"{rng.randint(1995, 2025):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    doctype = raw.get("doctype")
    if not doctype:
        weights = DOCTYPE_WEIGHTS[raw["kind"] if raw["kind"] in DOCTYPE_WEIGHTS else "law"]
        doctype = rng.choices(list(weights), weights=list(weights.values()))[0]
    return {
        "networks": names,
        "regions": tuple(dict.fromkeys(region)),
        "topics": tuple(dict.fromkeys(topic)),
        "date": date[:10],
        "doctype": doctype,
    }


def select(size: int, seed: int, data_dir: Path = DATA_DIR) -> list[Record]:
    """`size` benchmark records, the same for the same size, seed and data."""
    vocabulary = json.loads(VOCABULARY.read_text(encoding="utf-8"))
    vocab = _vocab_values(vocabulary)
    if data_dir.is_dir():
        raws = [
            r
            for r in (*_laws(data_dir), *_help(data_dir), *_council(data_dir))
            if len(r["text"].strip()) >= 20
        ]
        if size > len(raws):
            raws += _split_long(raws, size - len(raws))
        if size < len(raws):
            keep = sorted(random.Random(seed).sample(range(len(raws)), size))
            raws = [raws[i] for i in keep]
    else:
        raws = list(_synthetic(size, seed))
    records = []
    for n, raw in enumerate(raws):
        meta = _assign(raw, seed, vocab)
        ext = ".md" if raw["kind"] in ("item", "paper") else ".txt"
        path = f"{raw['kind']}/{n // 1000:03d}/{n:06d}{ext}"
        records.append(
            Record(
                key=raw["key"],
                path=path,
                title=" ".join(raw["title"].split()),
                text=raw["text"],
                language=raw["language"],
                **meta,
            )
        )
    return records


# -- writing -------------------------------------------------------------------------------------


def _metadata(r: Record) -> dict:
    """The record's metadata as a sidecar or front matter holds it: a value the record lacks is left
    out (an empty list or null would say "confirmed empty", and ingest would then derive nothing)."""
    meta = {
        "title": r.title,
        "language": r.language,
        "date": r.date,
        "doctype": r.doctype,
        "networks": list(r.networks),
        "regions": list(r.regions),
        "topics": list(r.topics),
    }
    return {k: v for k, v in meta.items() if v not in (None, [], "")}


def _write(folder: Path, r: Record) -> None:
    path = folder / r.path
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = _metadata(r)
    if path.suffix == ".md":
        # JSON scalars and flow lists are valid YAML.
        front = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items())
        path.write_text(f"---\n{front}\n---\n\n{r.text}\n", encoding="utf-8")
    else:
        path.write_text(r.text + "\n", encoding="utf-8")
        sidecar = path.with_name(path.name + ".meta.json")
        sidecar.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def corpus_dir(size: int, seed: int, out_dir: Path = OUT_DIR) -> Path:
    return out_dir / f"corpus-{size}-s{seed}"


def load_records(folder: Path) -> list[Record]:
    """The records of a built corpus (hidden file, skipped by ingest)."""
    out = []
    with open(folder / RECORDS, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            for k in ("networks", "regions", "topics"):
                d[k] = tuple(d[k])
            out.append(Record(**d))
    return out


def build(size: int, seed: int = 42, data_dir: Path = DATA_DIR, out_dir: Path = OUT_DIR) -> Path:
    """The corpus folder for a size and seed, written unless already complete."""
    folder = corpus_dir(size, seed, out_dir)
    want = {"size": size, "seed": seed, "version": FORMAT_VERSION, "real": data_dir.is_dir()}
    marker = folder / MARKER
    try:
        if json.loads(marker.read_text()) == want:
            return folder
    except (OSError, ValueError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    records = select(size, seed, data_dir)
    with open(folder / RECORDS, "w", encoding="utf-8") as fh:
        for r in records:
            _write(folder, r)
            fh.write(json.dumps(asdict(r), ensure_ascii=False) + "\n")
    shutil.copyfile(VOCABULARY, folder / "vocabulary.json")
    marker.write_text(json.dumps(want))
    return folder


if __name__ == "__main__":
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(build(n))
