"""A mixed archive from ../shared/data, and queries whose on-topic documents are known by construction:
how much of the first page is on topic, and how much is meaning's noise (issue 22).

The archive (about 1,600 documents, in de, da, nl and en):

* XQuAD: the 240 paragraphs of xquad-dev (24 Wikipedia articles × 5 paragraphs × de, en);
* LibreOffice help: LO_PAGES pages (a stable hash's pick of the pages with a unique title) in each of
  the four languages;
* council agendas: COUNCIL_MEETINGS meetings of Nordstemmen's council and local councils, one document
  each (the meeting's name and date as its title, its numbered agenda items as its text);
* laws: the first LAW_SECTIONS sections of LAWS federal laws (bundesgesetze), one document a section
  (the law's abbreviation and the section's heading as the title);
* office files and PDFs (../shared/data/office, pdf): every one that reads, through the ingest pipeline.

Queries, each with its on-topic set and its target, defined by how the archive was built (never by
what a search returns):

* xquad: a question (de or en); on topic: the paragraphs of the same article, in any language; target:
  the paragraph that answers it;
* libreoffice: a page's title in one language; on topic and target: the same page, in each language;
* council: an agenda item's first line (at most MAX_ITEM_MEETINGS meetings of the archive have it);
  on topic and target: the meetings whose agenda has an item with the same first line;
* law: a section's heading without its "§ n"; on topic: every section of the same law and any section
  with the same heading; target: the section itself.

Scopes: "all" (no language filter, the search's default), "within" (filtered to the query's language)
and "across" (filtered to the other languages of the on-topic set): xquad and libreoffice have all
three, council and law (German only) just "all". The on-topic set of a filtered query is the part in
the filter's languages.

Per query and first page (PAGE results): precision (on-topic results / results shown; a query with an
empty page has none and is counted apart), the results found by meaning only (`via == "meaning"`) that
are off topic (noise), and whether the target is among the first three (success@3). Three states: the
archive embedded ("ours"), words alone ("−sem": the same archive, meaning off for the search), and the
embedding unfinished ("half": a copy of the index whose vectors cover a stable half of the
documents, as an embedder part way through leaves them; no embedder runs while it is searched).
Queries are split into a tuning and a held-out half by a stable hash of their article, page, law or
agenda line.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eval.judgements import SHARED_DATA, known_item_pages, load_libreoffice
from eval.xquad import XQUAD_DIR, article, xquad_documents
from eval.xquad import split_of as xquad_split
from kb.models import Document, SearchRequest

PAGE = 10
LO_PAGES = 150  # LibreOffice pages in the archive (× 4 languages)
LO_QUERY_PAGES = 40  # of which this many give title queries (× 4 languages)
XQUAD_PER_ARTICLE = 4  # questions per article and language
COUNCIL_MEETINGS = 200
COUNCIL_QUERIES = 80
MAX_ITEM_MEETINGS = 5  # agenda lines in more meetings than this are procedure ("Eröffnung der Sitzung")
LAWS = 25
LAW_SECTIONS = 16
LAW_QUERIES = 80
KINDS: tuple[str, ...] = ("xquad", "libreoffice", "council", "law")
SCOPES: tuple[str, ...] = ("all", "within", "across")
STATES: tuple[str, ...] = ("ours", "−sem", "half")
OFFICE_DIRS = (SHARED_DATA / "office", SHARED_DATA / "pdf")
NORDSTEMMEN = SHARED_DATA / "nordstemmen"
LAWS_FILE = SHARED_DATA / "bundesgesetze" / "sections.jsonl.gz"
_SECTION = re.compile(r"^(§+|Art(ikel)?\.?)\s*[\w.]+\s*", re.I)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _half(text: str) -> str:
    return "tune" if hashlib.sha256(f"mixed-{text}".encode()).digest()[0] % 2 == 0 else "held-out"


def _picked(keys: Iterable[str], n: int, salt: str) -> list[str]:
    """n keys chosen by a stable hash (the same data gives the same pick)."""
    return sorted(keys, key=lambda k: _hash(f"{salt}-{k}"))[:n]


def mixed_available() -> bool:
    return all(
        p.exists()
        for p in (
            XQUAD_DIR / "docs.jsonl",
            SHARED_DATA / "libreoffice-help" / "de.jsonl",
            NORDSTEMMEN,
            LAWS_FILE,
        )
    )


@dataclass(frozen=True)
class TopicQuery:
    id: str
    kind: str  # KINDS
    scope: str  # SCOPES
    lang: str
    text: str
    languages: tuple[str, ...]  # the language filter
    on_topic: frozenset[str]
    target: frozenset[str]
    split: str


@dataclass
class Archive:
    docs: list[Document]
    queries: list[TopicQuery]
    kinds: dict[str, str] = field(default_factory=dict)  # doc id → collection


def _scoped(
    qid: str,
    kind: str,
    lang: str,
    text: str,
    split: str,
    on: dict[str, str],
    target: dict[str, str],
    scopes: Sequence[str] = SCOPES,
) -> list[TopicQuery]:
    """The query in some scopes (on, target: doc id → language)."""
    out = []
    others = tuple(sorted({lg for lg in on.values() if lg != lang}))
    for scope, languages in (("all", ()), ("within", (lang,)), ("across", others)):
        if scope not in scopes or (scope == "across" and not others):
            continue
        o = frozenset(d for d, lg in on.items() if not languages or lg in languages)
        t = frozenset(d for d, lg in target.items() if not languages or lg in languages)
        if o and t:
            out.append(TopicQuery(f"{qid}/{scope}", kind, scope, lang, text, languages, o, t, split))
    return out


def _xquad(docs: list[Document]) -> list[TopicQuery]:
    by_article: dict[int, dict[str, str]] = {}
    for d in docs:
        by_article.setdefault(article(d.id.split("/", 1)[1]), {})[d.id] = d.language
    questions = {}
    for line in (XQUAD_DIR / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        questions[r["id"]] = (r["lang"], r["q"])
    answers: dict[str, dict[str, str]] = {}  # question → its paragraph in each language
    for line in (XQUAD_DIR / "qrels.tsv").read_text(encoding="utf-8").splitlines():
        qid, pid = line.split("\t")
        answers.setdefault(qid, {})[f"xquad/{pid}"] = pid.split("-")[0]
    out = []
    by_group: dict[tuple[int, str], list[str]] = {}
    for qid, (lang, _) in questions.items():
        pid = next(iter(answers[qid])).split("/", 1)[1]
        by_group.setdefault((article(pid), lang), []).append(qid)
    for (art, lang), qids in sorted(by_group.items()):
        for qid in _picked(qids, XQUAD_PER_ARTICLE, "xquad"):
            text = questions[qid][1]
            out += _scoped(
                f"xquad/{qid}", "xquad", lang, text, xquad_split(art), by_article[art], answers[qid]
            )
    return out


def _libreoffice() -> tuple[list[Document], list[TopicQuery]]:
    pages = load_libreoffice()
    chosen = _picked(known_item_pages(pages), LO_PAGES, "lo")
    docs = [
        Document(
            id=f"lo/{lang}/{pid}",
            source=f"libreoffice-help/{lang}/{pid}",
            title=pages[lang][pid]["title"].strip(),
            text=pages[lang][pid]["text"],
            language=lang,
        )
        for pid in chosen
        for lang in pages
    ]
    out = []
    for pid in _picked(chosen, LO_QUERY_PAGES, "lo-query"):
        same = {f"lo/{lang}/{pid}": lang for lang in pages}
        for lang in pages:
            title = pages[lang][pid]["title"].strip()
            out += _scoped(f"lo/{lang}/{pid}", "libreoffice", lang, title, _half(f"lo-{pid}"), same, same)
    return docs, out


def _first_line(name: str) -> str:
    return " ".join(name.strip().splitlines()[0].split()) if name.strip() else ""


def _council() -> tuple[list[Document], list[TopicQuery]]:
    items: dict[str, list[dict]] = {}
    with (NORDSTEMMEN / "agenda_items_flat.jsonl").open(encoding="utf-8") as fh:
        for r in map(json.loads, fh):
            if _first_line(r.get("name") or ""):
                items.setdefault(r["meeting_id"], []).append(r)
    meetings = [m for m, rows in items.items() if len(rows) >= 3]
    docs, lines = [], {}
    for mid in _picked(meetings, COUNCIL_MEETINGS, "council"):
        rows = items[mid]
        first = rows[0]
        date = (first.get("start") or "")[:10]
        did = f"council/{mid.rsplit('/', 1)[1]}"
        text = "\n".join(f"{r.get('number') or ''} {r['name'].strip()}".strip() for r in rows)
        docs.append(
            Document(
                id=did,
                source=f"nordstemmen/meeting/{mid.rsplit('/', 1)[1]}",
                title=f"{first['meeting_name']}, {date}",
                text=text,
                language="de",
                date=date or None,
                year=int(date[:4]) if date else None,
            )
        )
        for r in rows:
            lines.setdefault(_first_line(r["name"]).casefold(), (_first_line(r["name"]), set()))[1].add(did)
    candidates = [
        key
        for key, (line, where) in lines.items()
        if len(where) <= MAX_ITEM_MEETINGS
        and 3 <= len(line.split()) <= 12
        and sum(c.isalpha() for c in line) >= 15
    ]
    out = []
    for key in _picked(candidates, COUNCIL_QUERIES, "council-query"):
        line, where = lines[key]
        on = {d: "de" for d in where}
        out += _scoped(
            f"council/{_hash(key):x}", "council", "de", line, _half(f"council-{key}"), on, on, ("all",)
        )
    return docs, out


def _laws() -> tuple[list[Document], list[TopicQuery]]:
    sections: dict[str, list[dict]] = {}
    with gzip.open(LAWS_FILE, "rt", encoding="utf-8") as fh:
        for r in map(json.loads, fh):
            if r.get("text", "").strip() and r.get("heading", "").strip():
                sections.setdefault(r["law_id"], []).append(r)
    laws = [k for k, v in sections.items() if 5 <= len(v) <= 200]
    docs, headings, members = [], {}, {}
    for law in _picked(laws, LAWS, "law"):
        for r in sections[law][:LAW_SECTIONS]:
            did = f"law/{r['id']}"
            docs.append(
                Document(
                    id=did,
                    source=f"bundesgesetze/{r['id']}",
                    title=f"{r['jurabk']} {r['heading'].strip()}",
                    text=r["text"],
                    language="de",
                )
            )
            members.setdefault(law, set()).add(did)
            heading = " ".join(_SECTION.sub("", r["heading"].strip()).split())
            if len(heading.split()) >= 2:
                headings.setdefault(heading.casefold(), []).append((heading, law, did))
    out = []
    for key in _picked(sorted(headings), LAW_QUERIES, "law-query"):
        heading, law, did = headings[key][0]
        on = {d: "de" for d in members[law]} | {d: "de" for _, _, d in headings[key]}
        out += _scoped(f"law/{did}", "law", "de", heading, _half(f"law-{law}"), on, {did: "de"}, ("all",))
    return docs, out


def _office(cache: Path, log=print) -> list[Document]:
    """The office files and PDFs that read (cached in `cache` by the files' names, sizes and times)."""
    from ingest.errors import IngestError
    from ingest.paths import document_id
    from ingest.worker import Limits, prepare
    from kb.settings import PROJECT_ROOT

    files = sorted(p for d in OFFICE_DIRS if d.is_dir() for p in d.iterdir() if p.is_file())
    files = [p for p in files if p.suffix.lower() not in (".json", ".md", ".txt")]
    stamp = hashlib.sha256(
        "".join(f"{p.name} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in files).encode()
    )
    key = stamp.hexdigest()[:16]
    try:
        found = json.loads(cache.read_text(encoding="utf-8"))
        if found["stamp"] == key:
            return [Document(**d) for d in found["docs"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    docs = []
    for path in files:
        label = f"{path.parent.name}/{path.name}"
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        try:
            doc = prepare(
                path, label, document_id(label), checksum, PROJECT_ROOT / "corpus", Limits(timeout_s=120)
            )
        except IngestError as exc:
            log(f"mixed archive: {label} left out ({exc})")
            continue
        docs.append(doc)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps({"stamp": key, "docs": [_as_dict(d) for d in docs]}, ensure_ascii=False), encoding="utf-8"
    )
    return docs


def _as_dict(doc: Document) -> dict:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(doc).items()}


def build_archive(cache_dir: Path, log=print) -> Archive:
    """The documents and the judged queries of the mixed archive."""
    xquad = xquad_documents()
    lo_docs, lo_queries = _libreoffice()
    council_docs, council_queries = _council()
    law_docs, law_queries = _laws()
    office = _office(cache_dir / "office.json", log)
    docs = xquad + lo_docs + council_docs + law_docs + office
    kinds = {
        d.id: k
        for k, ds in (
            ("xquad", xquad),
            ("libreoffice", lo_docs),
            ("council", council_docs),
            ("law", law_docs),
            ("office", office),
        )
        for d in ds
    }
    queries = _xquad(xquad) + lo_queries + council_queries + law_queries
    return Archive(docs, queries, kinds)


# -- the indexes -----------------------------------------------------------------------------------


def _copy_vectors(source: Path, target, ids: set[str] | None, keys: dict[str, str]) -> int:
    """Copy the current rows of documents (`ids`, None: all) from the vector store in `source` into the
    store `target` when their content key is the one `keys` gives (vectors are kept by content): one
    shard; returns the documents copied."""
    from kb.semantic.store import VectorStore

    if not (source / "meta.json").exists():
        return 0
    store = VectorStore(source, "", {})  # read only: check_model is not called
    if json.loads((source / "meta.json").read_text()) != target.meta:
        return 0
    latest = store.current()
    have = target.current()
    rows_ids, rows_keys, titles, parts = [], [], [], []
    for shard in store.shards():
        keep = [
            i
            for i, d in enumerate(shard.ids)
            if (ids is None or d in ids)
            and latest[d][0] == shard.seq
            and keys.get(d) == shard.keys[i]
            and have.get(d, (0, ""))[1] != shard.keys[i]
        ]
        if keep:
            rows_ids += [shard.ids[i] for i in keep]
            rows_keys += [shard.keys[i] for i in keep]
            titles += [bool(shard.titles[i]) for i in keep]
            parts.append(np.asarray(shard.vectors[keep], dtype=np.float32) * shard.scale[keep, None])
    if not parts:
        return 0
    with target.embed_lock() as held:
        if not held:
            return 0
        target.write_shard(rows_ids, rows_keys, np.concatenate(parts), titles)
    return len(set(rows_ids))


def embedded_half(doc_id: str) -> bool:
    """The stable half of the documents that has vectors in the unfinished state."""
    return hashlib.sha256(f"mixed-embedded-{doc_id}".encode()).digest()[0] % 2 == 0


def _stamp(docs: Sequence[Document]) -> str:
    """The words' index is reused while the code of kb/ (any module), the vocabulary and the documents
    are unchanged."""
    from kb.schema import SCHEMA_VERSION
    from kb.settings import PROJECT_ROOT

    h = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    for path in sorted((PROJECT_ROOT / "kb").rglob("*.py")) + [PROJECT_ROOT / "corpus" / "vocabulary.json"]:
        h.update(str(path.relative_to(PROJECT_ROOT)).encode() + path.read_bytes())
    for d in docs:
        h.update(json.dumps(_as_dict(d), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]


def mixed_indexes(folder: Path, archive: Archive, log=print, embed=None):
    """(the archive embedded, the archive half embedded): two KnowledgeBases under `folder`.

    The words' index is reused while `_stamp` is unchanged; the vectors are kept beside the index (eval/out/mixed/
    index.semantic) and only what is missing is embedded (`embed(kb)`); XQuAD's paragraphs take theirs
    from the XQuAD evaluation's store when it has them. The half-embedded index is a copy of the
    words' index with the vectors of `embedded_half` documents only."""
    from kb.api import KnowledgeBase
    from kb.settings import PROJECT_ROOT

    corpus = PROJECT_ROOT / "corpus"
    index_dir, half_dir, stamp_file = folder / "index", folder / "half", folder / "stamp"
    stamp = _stamp(archive.docs)
    fresh = stamp_file.exists() and stamp_file.read_text() == stamp and index_dir.exists()
    if not fresh:
        shutil.rmtree(index_dir, ignore_errors=True)
        stamp_file.unlink(missing_ok=True)
    started = time.perf_counter()
    kb = KnowledgeBase(index_dir, corpus, semantic=True)  # it measures the meaning layer
    if not fresh:
        kb.semantic.stop()
        if not kb.created:
            kb.backend.clear()
        kb.write(archive.docs)
        kb.semantic.stop()  # the foreground run below embeds what is missing
        stamp_file.write_text(stamp)
        log(f"mixed archive: indexed {len(archive.docs)} documents in {time.perf_counter() - started:.0f} s")
    keys = {d.id: kb.semantic.key(d) for d in archive.docs}
    xquad_store = folder.parent / "xquad" / "index.semantic"
    copied = _copy_vectors(xquad_store, kb.semantic.store, {d for d in keys if d.startswith("xquad/")}, keys)
    if copied:
        log(f"mixed archive: {copied} XQuAD paragraphs' vectors taken from {xquad_store}")
    if embed is not None:
        embed(kb)
    shutil.rmtree(half_dir, ignore_errors=True)
    shutil.rmtree(half_dir.with_name("half.semantic"), ignore_errors=True)
    shutil.copytree(index_dir, half_dir, ignore=shutil.ignore_patterns("*LOCK*"))
    half = KnowledgeBase(half_dir, corpus, semantic=True)
    half.semantic.stop()
    chosen = {d for d in keys if embedded_half(d)}
    _copy_vectors(kb.semantic.store.folder, half.semantic.store, chosen, keys)
    return kb, half


# -- searching and scoring -------------------------------------------------------------------------


@dataclass(frozen=True)
class PageScore:
    """One query's first page in one state."""

    shown: int
    on_topic: int
    meaning: int  # results found by meaning only
    noise: int  # ... of which off topic
    target_rank: int | None  # rank of the first target document on the page

    @property
    def precision(self) -> float | None:
        return self.on_topic / self.shown if self.shown else None


def score_page(hits: Sequence[tuple[str, str]], query: TopicQuery) -> PageScore:
    """hits: (doc id, via) of the first page, best first."""
    hits = list(hits)[:PAGE]
    on = [d in query.on_topic for d, _ in hits]
    meaning = [via == "meaning" for _, via in hits]
    rank = next((i + 1 for i, (d, _) in enumerate(hits) if d in query.target), None)
    return PageScore(
        len(hits), sum(on), sum(meaning), sum(m and not o for m, o in zip(meaning, on, strict=True)), rank
    )


Searcher = Callable[[TopicQuery], list[tuple[str, str]]]


def searcher(kb, semantic: bool = True) -> Searcher:
    """The first page of the knowledge base's search for a query (its backend's: the search of the
    product, without starting a background embedder for what is missing)."""

    def search(q: TopicQuery) -> list[tuple[str, str]]:
        request = SearchRequest(text=q.text, page_size=PAGE, languages=q.languages, semantic=semantic)
        return [(h.id, h.via) for h in kb.backend.search(request, "en").hits]

    return search


@dataclass
class MixedResult:
    split: str
    docs: int
    queries: list[TopicQuery]
    pages: dict[str, dict[str, PageScore]]  # state → query id → score
    seconds: float
    embedded: tuple[int, int] = (0, 0)  # (documents with vectors, documents) in the half state

    def table(self) -> dict[tuple[str, str], dict[str, dict[str, float]]]:
        """(scope, kind or "all") → state → figures (n, precision, empty, noise, meaning, success@3)."""
        groups: dict[tuple[str, str], list[TopicQuery]] = {}
        for q in self.queries:
            groups.setdefault((q.scope, q.kind), []).append(q)
            groups.setdefault((q.scope, "all"), []).append(q)
        out = {}
        for scope in SCOPES:
            for kind in (*KINDS, "all"):
                qs = groups.get((scope, kind))
                if qs:
                    out[(scope, kind)] = {s: summary([self.pages[s][q.id] for q in qs]) for s in self.pages}
        return out


def summary(scores: Sequence[PageScore]) -> dict[str, float]:
    """n; precision (mean over queries whose page is not empty); empty (share of queries); noise and
    meaning (shares of all results shown: off-topic by meaning only, by meaning only); success@3."""
    shown = sum(s.shown for s in scores)
    precise = [p for s in scores if (p := s.precision) is not None]
    return {
        "n": len(scores),
        "precision": sum(precise) / len(precise) if precise else 0.0,
        "empty": sum(s.shown == 0 for s in scores) / len(scores) if scores else 0.0,
        "noise": sum(s.noise for s in scores) / shown if shown else 0.0,
        "meaning": sum(s.meaning for s in scores) / shown if shown else 0.0,
        "success@3": sum(s.target_rank is not None and s.target_rank <= 3 for s in scores) / len(scores)
        if scores
        else 0.0,
        "shown": shown / len(scores) if scores else 0.0,
    }


def evaluate(queries: Sequence[TopicQuery], systems: dict[str, Searcher]) -> dict[str, dict[str, PageScore]]:
    return {name: {q.id: score_page(fn(q), q) for q in queries} for name, fn in systems.items()}


def run_mixed(folder: Path, split: str = "held-out", log=print, embed=None) -> MixedResult:
    archive = build_archive(folder, log)
    kb, half = mixed_indexes(folder, archive, log, embed)
    try:
        queries = [q for q in archive.queries if split in ("all", q.split)]
        started = time.perf_counter()
        systems = {"ours": searcher(kb), "−sem": searcher(kb, semantic=False), "half": searcher(half)}
        pages = evaluate(queries, systems)
        progress = half.embedding_progress() or (0, 0)
        return MixedResult(split, len(archive.docs), queries, pages, time.perf_counter() - started, progress)
    finally:
        kb.close()
        half.close()


# -- report ----------------------------------------------------------------------------------------


def markdown(result: MixedResult) -> str:
    table = result.table()
    done, total = result.embedded
    lines = [
        f"### mixed archive ({result.split}): {result.docs} documents, {len(result.queries)} queries",
        "",
        "First page (10 results). precision: on-topic results / results shown, mean over queries whose page"
        " is not empty; noise: results found by meaning only that are off topic, share of all results shown;"
        " meaning: results found by meaning only, share; empty: queries with nothing found; success@3: the"
        f" target among the first three. ours = embedded, −sem = words alone, half = {done} of {total}"
        " documents embedded (eval/mixed.py).",
        "",
        "| scope | kind | n | precision ours | −sem | half | noise ours | half | meaning ours | half |"
        " empty ours | success@3 ours | −sem | half |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for (scope, kind), row in table.items():
        o, w, h = row["ours"], row["−sem"], row["half"]
        label = f"**{kind}**" if kind == "all" else kind
        lines.append(
            f"| {scope} | {label} | {int(o['n'])} | {o['precision']:.3f} | {w['precision']:.3f} |"
            f" {h['precision']:.3f} | {o['noise']:.3f} | {h['noise']:.3f} | {o['meaning']:.3f} |"
            f" {h['meaning']:.3f} | {o['empty']:.3f} | {o['success@3']:.3f} | {w['success@3']:.3f} |"
            f" {h['success@3']:.3f} |"
        )
    lines += ["", f"Run time {result.seconds:.1f} s for the three states."]
    return "\n".join(lines)


def noisy(result: MixedResult, state: str = "ours", limit: int = 15) -> list[str]:
    """The queries with the most off-topic results by meaning only (for reading, not for the figures)."""
    worst = sorted(result.queries, key=lambda q: -result.pages[state][q.id].noise)
    out = []
    for q in worst[:limit]:
        s = result.pages[state][q.id]
        if s.noise:
            out.append(
                f"- {q.kind}/{q.scope} `{q.text[:80]}` ({q.lang}): {s.noise} of {s.shown} off topic by meaning"
            )
    return out


def write_details(result: MixedResult, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for q in result.queries:
            row = {"id": q.id, "kind": q.kind, "scope": q.scope, "text": q.text, "languages": q.languages}
            for state, pages in result.pages.items():
                s = pages[q.id]
                row[state] = {
                    "shown": s.shown,
                    "on_topic": s.on_topic,
                    "meaning": s.meaning,
                    "noise": s.noise,
                    "target_rank": s.target_rank,
                }
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
