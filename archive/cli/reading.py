"""The commands that read the archive: search, show, stats."""

from __future__ import annotations

import sys
from dataclasses import replace

from archive.cli.history import history_json, print_history
from archive.cli.opening import open_kb
from archive.cli.output import (
    document_json,
    emit,
    hit_json,
    inert,
    one_line,
    page_json,
    print_page,
    print_stats,
    stats_json,
)
from archive.cli.parser import UsageError
from ingest.language import normalize_language
from ingest.metadata.confirmed import known_values, shown_value
from kb.api import KnowledgeBase
from kb.backend import MAX_PAGE_SIZE
from kb.errors import QuerySyntaxError
from kb.models import SearchRequest
from kb.settings import Settings

FILTERS = (
    ("networks", "--network", "network"),
    ("regions", "--region", "region"),
    ("topics", "--topic", "topic"),
)


def _check_paging(args) -> None:
    if args.limit < 1 or args.page < 1:
        raise UsageError("--limit and --page must be at least 1")
    if args.limit > MAX_PAGE_SIZE:  # (a page held 100 while the numbering and --page counted more)
        raise UsageError(f"--limit {args.limit} is more than a page holds: at most {MAX_PAGE_SIZE}")


def _request(args, text: str) -> SearchRequest:
    _check_paging(args)
    if args.year_from is not None and args.year_to is not None and args.year_from > args.year_to:
        raise UsageError(f"--from {args.year_from} is after --to {args.year_to}: no year lies between")
    return SearchRequest(
        text=text,
        regions=tuple(args.regions),
        networks=tuple(args.networks),
        years=tuple(args.years),
        topics=tuple(args.topics),
        doctypes=tuple(args.doctypes),
        languages=tuple(args.languages),
        year_from=args.year_from,
        year_to=args.year_to,
        sort=args.sort,
        page=args.page,
        page_size=args.limit,
        expand=not args.no_expand,
        fuzzy=not args.no_fuzzy,
    )


def checked_filters(kb: KnowledgeBase, request: SearchRequest) -> SearchRequest:
    """Filter values as stored: vocabulary names, labels and aliases resolved; unknown values are usage errors.

    A value the vocabulary does not know is still accepted when documents in the index carry it.
    """
    vocabulary = kb.vocabulary
    facets = None
    changes: dict[str, tuple[str, ...]] = {}
    for kind, flag, facet in FILTERS:
        values = []
        for value in getattr(request, kind):
            entry = vocabulary.resolve(kind, value)
            if entry is None:
                facets = facets or {f.name: {v.value for v in f.values} for f in kb.stats().facets}
                if value.strip() not in facets.get(facet, ()):
                    raise UsageError(
                        f"unknown {flag} value {shown_value(value)}; known values: {known_values(vocabulary, kind)}"
                    )
            values.append(entry.value if entry else value.strip())
        changes[kind] = tuple(values)
    languages = []
    for value in request.languages:
        code = "und" if value.strip().lower() == "und" else normalize_language(value)
        if code is None:
            facets = facets or {f.name: {v.value for v in f.values} for f in kb.stats().facets}
            held = ", ".join(sorted(facets.get("language", ()))) or "none"
            raise UsageError(
                f"unknown --lang value {shown_value(value)}: give a language code such as de, da, nl, en "
                f"(the index holds {held})"
            )
        languages.append(code)
    return replace(request, languages=tuple(languages), **changes)


def cmd_search(args, settings: Settings) -> int:
    query = " ".join(args.query)  # kb search Ems-Achse Ausbildung: the words as one query
    if args.stdin and query:
        raise UsageError(
            f"--stdin reads the queries from standard input: give no query beside it ({query!r})"
        )
    kb = open_kb(settings)
    texts = (line.rstrip("\n") for line in sys.stdin) if args.stdin else [query]
    status = 0
    for number, text in enumerate(texts, 1):
        try:
            page = kb.search(checked_filters(kb, _request(args, text)), language=args.ui_lang)
        except QuerySyntaxError as exc:
            if not args.stdin:
                raise
            # a byte of another encoding shown as \xb7: JSON that any reader takes
            shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            if args.json:
                emit({"query": shown, "error": str(exc)})
            else:  # a plain line beside the pages, as a refused query of the command line is said
                sys.stdout.flush()
                shown = shown if len(shown) <= 100 else f"{shown[:100]}… ({len(shown):,} characters)"
                print(
                    one_line(f"kb: error: line {number}: invalid query {shown}: {exc}"),
                    file=sys.stderr,
                    flush=True,
                )
            status = 2
            continue
        if page.request.page > page.pages and not args.stdin:
            raise UsageError(
                f"--page {page.request.page} is past the last page: {page.total} results make "
                f"{page.pages} page{'s' if page.pages != 1 else ''} of {page.request.page_size}"
            )
        if args.json:
            emit(page_json(page))
        else:
            print_page(page)
    return status


def cmd_show(args, settings: Settings) -> int:
    kb = open_kb(settings)
    doc = kb.get(args.id)
    translations, similar = kb.neighbours(doc.id)  # what the document's page shows beside it
    if args.json:
        emit(
            document_json(doc)
            | {"translations": [hit_json(h) for h in translations], "similar": [hit_json(h) for h in similar]}
        )
        return 0
    print(f"{one_line(doc.title)}\n[{one_line(doc.id)}] {one_line(doc.source)}")
    facts = (
        doc.doctype,
        doc.language,
        doc.date or "",
        ", ".join(doc.networks),
        ", ".join(doc.regions),
        ", ".join(doc.topics),
    )
    print(one_line(" · ".join(x for x in facts if x)))
    if translations:
        print(
            "Also in: "
            + "; ".join(
                f"{one_line(h.language)}: {one_line(h.title)} [{one_line(h.id)}]" for h in translations
            )
        )
    print(f"\n{inert(doc.text)}")
    if similar:
        print("\nSimilar documents:")
        for h in similar:
            facts = " · ".join(x for x in (h.doctype, h.language, h.date or "", ", ".join(h.networks)) if x)
            print(f"  {one_line(h.title)}  [{one_line(h.id)}]\n    {one_line(facts)}")
    return 0


def cmd_stats(args, settings: Settings) -> int:
    stats = open_kb(settings).stats()
    names = ("corpus", "index", "secrets")
    folders = {
        name: {"path": path, "from": origin}
        for name, (path, origin) in zip(names, settings.origins, strict=False)
    }
    if args.json:
        emit(stats_json(stats) | {"folders": folders})
    else:
        for name, folder in folders.items():
            print(f"{name:<16}{folder['path']}  (from {folder['from']})")
        print_stats(stats)
    return 0


def cmd_history(args, settings: Settings) -> int:
    """A network's history, as the app's Explore page shows it: documents per year, the topics that stood
    out, who recurs, the first and latest document, and a page of its timeline with one line each."""
    from kb.history import document_summary, network_history

    _check_paging(args)
    kb = open_kb(settings)
    name = " ".join(args.network)
    entry = kb.vocabulary.resolve("networks", name)
    network = entry.value if entry else name.strip()
    held = [v.value for f in kb.stats().facets if f.name == "network" for v in f.values if v.count]
    if network not in held:  # as the Explore page: the networks that have documents
        raise UsageError(
            f"no network {shown_value(name)} with documents in the archive; known: {', '.join(held) or 'none'}"
        )
    history = network_history(kb, network)
    request = SearchRequest(
        text=" ".join(args.query),
        networks=(network,),
        years=tuple(args.years),
        doctypes=tuple(args.doctypes),
        sort=args.sort,
        page=args.page,
        page_size=args.limit,
    )
    try:
        page = kb.search(request)
    except QuerySyntaxError as exc:
        raise UsageError(f"invalid query: {exc}") from exc
    if page.total and args.page > page.pages:
        raise UsageError(f"--page {args.page} is past the last page ({page.pages})")
    # one line of what each shown document is about, the first and latest too (read when not scanned)
    shown = [h for h in (history.first, history.latest, *page.hits) if h is not None]
    about = {h.id: document_summary(kb, history, h) for h in shown}
    if args.json:
        emit(history_json(history, page, about))
    else:
        print_history(history, page, about)
    return 0
