"""Metadata inputs with choices from the vocabulary (used for uploads and for corrections)."""

from __future__ import annotations

import streamlit as st

from ingest.metadata.confirmed import InvalidMetadata, parse_date
from kb.models import DOCTYPES, Document
from kb.vocabulary import Vocabulary
from webapp import i18n, render
from webapp.i18n import t

LANGUAGES = ("de", "da", "nl", "en", "und")


def _choices(vocab: Vocabulary, kind: str, current: tuple[str, ...]) -> list[str]:
    values = [e.value for e in vocab.entries(kind)]
    return list(dict.fromkeys([*values, *current]))


def inputs(vocab: Vocabulary, doc: Document, prefix: str) -> dict[str, object] | None:
    """Widgets for one document's metadata (inside a form); the values, or None when invalid."""
    lang = i18n.language()
    title = st.text_input(t("meta.title"), value=doc.title, key=f"{prefix}_title")
    left, right = st.columns(2)
    date = left.text_input(t("meta.date"), value=doc.date or "", key=f"{prefix}_date")
    languages = list(dict.fromkeys([*LANGUAGES, doc.language]))
    language = right.selectbox(
        t("facet.language"),
        languages,
        index=languages.index(doc.language),
        format_func=i18n.language_name,
        key=f"{prefix}_language",
    )
    doctypes = list(dict.fromkeys([*DOCTYPES, doc.doctype]))
    doctype = left.selectbox(
        t("facet.doctype"),
        doctypes,
        index=doctypes.index(doc.doctype),
        format_func=i18n.doctype_name,
        key=f"{prefix}_doctype",
    )
    values: dict[str, object] = {
        "title": title.strip() or doc.title,
        "language": language,
        "doctype": doctype,
    }
    for facet, kind, current in (
        ("network", "networks", doc.networks),
        ("region", "regions", doc.regions),
        ("topic", "topics", doc.topics),
    ):
        widget = right if facet == "network" else st
        values[kind] = widget.multiselect(
            t(f"facet.{facet}"),
            _choices(vocab, kind, current),
            default=list(current),
            format_func=lambda v, f=facet: vocab.label(f, v, lang),
            placeholder=t("meta.choose"),
            key=f"{prefix}_{kind}",
        )
    try:  # typed dates in de/da/nl/en become ISO dates; anything else is refused, naming the forms
        values["date"] = parse_date(date) if date.strip() else None
    except InvalidMetadata as exc:
        st.error(t("meta.baddate", error=render.md_escape(str(exc))))  # the typed value is text, not Markdown
        return None
    return values


def changes(doc: Document, values: dict[str, object]) -> dict[str, object]:
    """Only what differs from the document as it is (lists compared as tuples)."""
    out = {}
    for key, value in values.items():
        old = getattr(doc, key, None)
        new = tuple(value) if isinstance(value, list) else value
        if new != old:
            out[key] = list(value) if isinstance(value, list | tuple) else value
    return out
