"""All HTML the app shows: document text is escaped piece by piece, only our own tags are added."""

from __future__ import annotations

import html
import string
from datetime import datetime

from kb.models import Fragment, Hit
from kb.snippets import plain

_MD_SPECIAL = set(string.punctuation)

STYLE = """<style>
.kb-hit{margin:.2rem 0 .2rem 0}
.kb-title{font-size:1.08rem;font-weight:600;margin:0 0 .25rem 0}
.kb-doc-title{overflow-wrap:anywhere}
[class*="st-key-hit-"] [data-testid="stPageLink"] p{font-size:1.1rem;font-weight:600;line-height:1.35;
  white-space:normal;overflow:visible;text-overflow:clip}
[class*="st-key-hit-"] [data-testid="stPageLink"] a{height:auto;max-width:100%;background:transparent}
.kb-badges{margin:.1rem 0 .35rem 0;line-height:1.9}
.kb-badge{display:inline-block;padding:0 .5rem;margin-right:.3rem;border-radius:.7rem;
  font-size:.78rem;background:#eef2f7;color:#24364b;border:1px solid #d5dde8}
.kb-badge.type{background:#e7f5ec;border-color:#c3e5cf;color:#1d5a33}
.kb-badge.lang{background:#fdf3e1;border-color:#f1dcb2;color:#6b4b10}
.kb-badge.net{background:#efeafc;border-color:#d9cff5;color:#3e2a7a}
.kb-snippet{color:#333;font-size:.93rem;margin:0;overflow-wrap:anywhere}
.kb-text{white-space:pre-wrap;overflow-wrap:anywhere;font-family:inherit;font-size:.95rem;line-height:1.55;
  max-height:60vh;overflow-y:auto;border:1px solid #e3e6ea;border-radius:.4rem;padding:.8rem 1rem;background:#fcfcfd}
mark{background:#ffe58a;padding:0 .08em;border-radius:.15em}
.kb-summary{color:#24364b}
[class*="st-key-entry-"]{gap:.15rem;padding:.1rem 0 .55rem 0;border-bottom:1px solid #eceff3}
[class*="st-key-entry-"] [data-testid="stPageLink"] p{font-weight:600;line-height:1.35;white-space:normal;
  overflow:visible;text-overflow:clip}
[class*="st-key-entry-"] [data-testid="stPageLink"] a{height:auto;max-width:100%;background:transparent}
[class*="st-key-entry-"] .kb-badges{margin:0 0 .15rem 0}
.kb-years{border-collapse:collapse;width:100%;font-size:.92rem;margin:.2rem 0 .6rem 0}
.kb-years th,.kb-years td{text-align:left;vertical-align:top;padding:.25rem .6rem .25rem 0;
  border-bottom:1px solid #e3e6ea}
.kb-years td:first-child,.kb-years td:nth-child(2){white-space:nowrap}
.kb-counts{border-collapse:collapse;width:100%;font-size:.92rem;margin:.2rem 0 .6rem 0}
.kb-counts th,.kb-counts td{text-align:left;vertical-align:top;padding:.25rem .6rem .25rem 0;
  border-bottom:1px solid #e3e6ea}
.kb-counts th:last-child,.kb-counts td:last-child{text-align:right;white-space:nowrap;padding-right:0}
</style>"""


# the app's own layout: a tighter top on every page, smaller headings on a phone
PAGE_STYLE = """<style>
[data-testid="stMainBlockContainer"]{padding-top:4.5rem}
@media (max-width: 640px){
  [data-testid="stMainBlockContainer"]{padding-top:4.25rem}
  h1{font-size:1.9rem !important;padding-bottom:.3rem !important}
}
</style>"""


def when(stamp: str) -> str:
    """A stored ISO time as the audit table shows it ("2026-12-07 17:19"); anything else as it is."""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def md_escape(text: str) -> str:
    """Plain text made literal for Markdown labels (st.page_link): every punctuation mark escaped."""
    text = " ".join(text.split())
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def without_title(fragment: Fragment, title: str) -> Fragment:
    """A snippet that starts with the document's title (letters and digits alike, punctuation aside),
    without that repetition."""
    wanted = [ch.casefold() for ch in title if ch.isalnum()]
    if not wanted:
        return fragment
    i = 0
    for ch in wanted:
        while i < len(fragment.text) and not fragment.text[i].isalnum():
            i += 1
        if i >= len(fragment.text) or fragment.text[i].casefold() != ch:
            return fragment
        i += 1
    while i < len(fragment.text) and not fragment.text[i].isalnum() and fragment.text[i] not in "([„\"'":
        i += 1
    matches = tuple((a - i, b - i) for a, b in fragment.matches if a >= i)
    return Fragment(fragment.text[i:], matches)


def marked(fragment: Fragment) -> str:
    """A fragment as HTML: every piece of text escaped, matches wrapped in <mark>."""
    out, pos = [], 0
    for start, end in sorted(fragment.matches):
        if start < pos or end <= start:
            continue
        out.append(html.escape(fragment.text[pos:start]))
        out.append(f"<mark>{html.escape(fragment.text[start:end])}</mark>")
        pos = end
    out.append(html.escape(fragment.text[pos:]))
    return "".join(out)


def badge(text: str, kind: str = "") -> str:
    return f'<span class="kb-badge {html.escape(kind)}">{html.escape(text)}</span>'


def badges(items: list[tuple[str, str]]) -> str:
    """A row of badges from (text, kind) pairs."""
    return '<div class="kb-badges">' + "".join(badge(text, kind) for text, kind in items if text) + "</div>"


def hit_details(hit: Hit, badge_items: list[tuple[str, str]], with_title: bool = False) -> str:
    """Badges and highlighted snippet of one hit (the title link is a separate widget)."""
    parts = ['<div class="kb-hit">']
    if with_title:
        parts.append(f'<div class="kb-title">{html.escape(hit.title)}</div>')
    parts.append(badges(badge_items))
    pieces = list(hit.fragments)  # already plain text (kb.snippets.fragments)
    if pieces:
        pieces[0] = without_title(pieces[0], hit.title)
    snippet = " … ".join(marked(f) for f in pieces if f.text.strip())
    if snippet:
        parts.append(f'<p class="kb-snippet">{snippet}</p>')
    parts.append("</div>")
    return STYLE + "".join(parts)


def title(text: str) -> str:
    return STYLE + f'<h2 class="kb-doc-title" style="margin:.2rem 0">{html.escape(text)}</h2>'


def full_text(fragment: Fragment) -> str:
    """A document's whole text (Markdown syntax left out), highlighted, in a scrolling box that keeps
    line breaks."""
    return STYLE + f'<div class="kb-text">{marked(plain(fragment))}</div>'


def plain_text(text: str, limit: int = 20_000) -> str:
    """Extracted text shown as inert text (escaped), cut at a limit."""
    cut = text[:limit] + (" …" if len(text) > limit else "")
    return STYLE + f'<div class="kb-text">{html.escape(cut)}</div>'


def entry_details(
    badge_items: list[tuple[str, str]], summary: str, fragments: tuple[Fragment, ...] = ()
) -> str:
    """One document of a network's timeline: badges, one line of what it is about, the query's matches."""
    parts = ['<div class="kb-hit">', badges(badge_items)]
    if summary:
        parts.append(f'<p class="kb-snippet kb-summary">{html.escape(summary)}</p>')
    snippet = " … ".join(marked(f) for f in fragments if f.text.strip() and f.matches)
    if snippet:
        parts.append(f'<p class="kb-snippet">{snippet}</p>')
    parts.append("</div>")
    return STYLE + "".join(parts)


def count_rows(rows: list[tuple[str, int]], headers: tuple[str, str]) -> str:
    """A small table of names and counts, every piece escaped; long names wrap on a phone."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(f"<tr><td>{html.escape(name)}</td><td>{count}</td></tr>" for name, count in rows)
    return STYLE + f'<table class="kb-counts"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def year_rows(rows: list[tuple[str, str, list[str]]], headers: tuple[str, str, str]) -> str:
    """A small table (year, documents, what stood out), every piece escaped; it wraps on a phone."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        f"<tr><td>{html.escape(year)}</td><td>{html.escape(n)}</td>"
        f"<td>{', '.join(html.escape(item) for item in items) or '–'}</td></tr>"
        for year, n, items in rows
    )
    return STYLE + f'<table class="kb-years"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
