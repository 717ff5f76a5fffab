"""The audit log as people read it: when, who, what, which document (linked by its title), what changed;
filterable by action and by a word."""

from __future__ import annotations

import html
import urllib.parse

import streamlit as st

from archive import service
from kb.errors import KBError
from kb.vocabulary import Vocabulary
from webapp import i18n, render, state
from webapp.i18n import t
from webapp.pages.common import value_label

ACTIONS = ("upload", "edit", "delete", "import", "reimport", "restore", "rebuild", "add")
_FIELDS = {
    "title": "meta.title",
    "date": "doc.date",
    "language": "facet.language",
    "doctype": "facet.doctype",
}
_LISTS = {"networks": "network", "regions": "region", "topics": "topic"}

STYLE = """<style>
.kb-audit-wrap{max-width:100%;overflow-x:auto}
.kb-audit{border-collapse:collapse;width:100%;font-size:.9rem}
.kb-audit th{text-align:left;font-weight:600;border-bottom:2px solid #d5dde8;padding:.35rem .5rem}
.kb-audit td{border-bottom:1px solid #eceff3;padding:.35rem .5rem;vertical-align:top}
.kb-audit td:nth-child(n+4){overflow-wrap:anywhere}
.kb-audit td.when{white-space:nowrap;color:#555}
@media (max-width: 640px){
  .kb-audit{font-size:.82rem}
  .kb-audit th,.kb-audit td{padding:.3rem .3rem}
  .kb-audit td.when{white-space:normal}
}
</style>"""


def _value(vocab: Vocabulary, key: str, value: object) -> str:
    if key in _LISTS and isinstance(value, list | tuple):
        return ", ".join(value_label(vocab, _LISTS[key], str(v)) for v in value) or "–"
    if key == "doctype":
        return i18n.doctype_name(str(value))
    if key == "language":
        return i18n.language_name(str(value))
    return "–" if value in (None, "") else str(value)


def _details(vocab: Vocabulary, action: str, details: dict) -> str:
    """What changed, in words (never JSON)."""
    if action == "edit":
        parts = []
        for key, value in details.items():
            label = t(_FIELDS[key]) if key in _FIELDS else t(f"facet.{_LISTS[key]}") if key in _LISTS else ""
            if label:
                parts.append(f"{label}: {_value(vocab, key, value)}")
        return "; ".join(parts)
    if action in ("upload", "delete", "add", "reimport", "restore") and details.get("source"):
        return f"{t('doc.source')}: {details['source']}"
    if action == "rebuild" and details.get("after") is not None:
        before = "–" if details.get("before") is None else details["before"]
        return t("audit.rebuild_counts", before=before, after=details["after"])
    if action == "import" and details.get("files") is not None:
        return t(
            "audit.import_files", n=details["files"], source=", ".join(map(str, details.get("from") or []))
        )
    return ""


def _title(doc_id: str, details: dict) -> str:
    if not doc_id:
        return ""
    try:
        return state.knowledge_base().get(doc_id).title
    except KBError:
        return str(details.get("title") or doc_id)


def _row(vocab: Vocabulary, entry: dict) -> tuple[str, str, str, str, str, str]:
    action = str(entry.get("action", ""))
    details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
    doc_id = str(entry.get("id") or "")
    return (
        render.when(str(entry.get("at", ""))),
        str(entry.get("user", "")),
        action,
        doc_id,
        _title(doc_id, details),
        _details(vocab, action, details),
    )


def _action_name(action: str) -> str:
    key = f"audit.{action}"
    return t(key) if key in i18n.STRING_KEYS else action


MAX_ROWS = 200  # rows of the table at most (the newest that match)


def show() -> None:
    st.subheader(t("admin.audit"))
    entries = service.read_audit(state.settings(), limit=None)  # a filter finds old entries too
    if not entries:
        st.caption(t("admin.noaudit"))
        return
    vocab = state.knowledge_base().vocabulary
    rows = [_row(vocab, e) for e in entries]
    present = [a for a in ACTIONS if any(r[2] == a for r in rows)]
    word = st.text_input(t("audit.filter"), key="audit_filter", placeholder=t("audit.filter_hint"))
    chosen = st.pills(  # on a row of its own: in a column beside the filter its options ran off a phone
        t("audit.what"), present, selection_mode="multi", format_func=_action_name, key="audit_actions"
    )
    needle = word.strip().casefold()
    shown = [
        r
        for r in rows
        if (not chosen or r[2] in chosen)
        and (not needle or needle in " ".join((r[1], r[4], r[5])).casefold())
    ]
    head = "".join(
        f"<th>{html.escape(t(k))}</th>"
        for k in ("audit.when", "audit.who", "audit.what", "audit.doc", "audit.change")
    )
    body = []
    for when, user, action, doc_id, title, change in shown[:MAX_ROWS]:
        if doc_id and action != "delete":
            link = f"doc?id={urllib.parse.quote(doc_id)}"
            doc = f'<a href="{html.escape(link)}" target="_self">{html.escape(title)}</a>'
        else:
            doc = html.escape(title)
        body.append(
            f'<tr><td class="when">{html.escape(when)}</td><td>{html.escape(user)}</td>'
            f"<td>{html.escape(_action_name(action))}</td><td>{doc}</td><td>{html.escape(change)}</td></tr>"
        )
    if len(shown) > MAX_ROWS:  # the newest ones; a word or a kind of change finds the others
        st.caption(t("audit.count_newest", shown=MAX_ROWS, matching=len(shown), total=len(rows)))
    else:
        st.caption(
            t("audit.count.one" if len(rows) == 1 else "audit.count", shown=len(shown), total=len(rows))
        )
    st.html(
        render.STYLE
        + STYLE
        + f'<div class="kb-audit-wrap"><table class="kb-audit"><tr>{head}</tr>{"".join(body)}</table></div>'
    )
