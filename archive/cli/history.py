"""What `kb history` prints: a network's history as the app's Explore page shows it, and its JSON."""

from __future__ import annotations

from archive.cli.output import broader, hit_json, one_line
from kb.history import NetworkHistory
from kb.models import Hit, SearchPage


def history_json(history: NetworkHistory, page: SearchPage, about: dict[str, str]) -> dict:
    """The JSON contract of `kb history --json` (`about`: id → one line of what a shown document is about)."""

    def entry(hit: Hit | None) -> dict | None:
        return None if hit is None else {**hit_json(hit), "summary": about.get(hit.id, "")}

    return {
        "network": history.network,
        "documents": history.total,
        "per_year": [{"year": y, "documents": n} for y, n in history.per_year],
        "undated": history.undated,
        "doctypes": [{"value": v, "count": n} for v, n in history.doctypes],
        "topics": [{"value": v, "count": n} for v, n in history.topics],
        "standouts": {
            str(year): [{"topic": s.topic, "documents": s.count, "new": s.new} for s in found]
            for year, found in sorted(history.standouts.items())
            if found
        },
        "people": [{"name": name, "documents": n} for name, n in history.people],
        "organisations": [{"name": name, "documents": n} for name, n in history.organisations],
        "scanned": history.scanned,
        "first": entry(history.first),
        "latest": entry(history.latest),
        "timeline": {
            "total": page.total,
            "page": page.request.page,
            "pages": page.pages,
            "documents": [entry(hit) for hit in page.hits],
        },
    }


def print_history(history: NetworkHistory, page: SearchPage, about: dict[str, str]) -> None:
    span = f", {history.per_year[0][0]}–{history.per_year[-1][0]}" if len(history.per_year) > 1 else ""
    noun = "document" if history.total == 1 else "documents"
    print(f"{one_line(history.network)}: {history.total} {noun}{span}")
    if history.doctypes:
        print(one_line(" · ".join(f"{n} × {v}" for v, n in history.doctypes)))
    if len(history.per_year) > 1:
        print("\nPer year: " + " · ".join(f"{y}: {n}" for y, n in history.per_year))
    if history.undated:
        print(f"Without a date: {history.undated}")
    if history.topics:
        print("\nTopics: " + one_line(", ".join(f"{v} ({n})" for v, n in history.topics[:6])))
    standing = [
        f"  {year}: " + ", ".join(f"{s.topic} ({s.count}{', new' if s.new else ''})" for s in found)
        for year, found in sorted(history.standouts.items())
        if found
    ]
    if standing:
        print("Topics that stood out:")
        for line in standing:
            print(one_line(line))
    for label, items in (
        ("People who recur", history.people),
        ("Organisations that recur", history.organisations),
    ):
        if items:
            print(f"{label}: " + one_line(", ".join(f"{name} ({n})" for name, n in items)))
    if history.first is not None and history.latest is not None:  # one document: the timeline shows it
        for label, hit in (("First", history.first), ("Latest", history.latest)):
            print(f"{label}: {_dated(hit)}  {one_line(hit.title)}  [{one_line(hit.id)}]")
            _about(about, hit)
    if not page.total:
        print("\nTimeline: nothing found." + broader(page))
        return
    print(
        f"\nTimeline: {page.total} {'document' if page.total == 1 else 'documents'}, page {page.request.page} of {page.pages}"
    )
    for hit in page.hits:
        print(
            f"\n{_dated(hit)}  {one_line(hit.doctype)} · {one_line(hit.language)}  {one_line(hit.title)}  [{one_line(hit.id)}]"
        )
        _about(about, hit)


def _about(about: dict[str, str], hit: Hit) -> None:
    if line := about.get(hit.id):
        print(f"   {one_line(line)}")


def _dated(hit: Hit) -> str:
    return hit.date or (str(hit.year) if hit.year else "undated")
