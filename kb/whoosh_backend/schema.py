"""The one place the Whoosh index schema is built (its version is kb/schema.py's, stamped beside the index)."""

from __future__ import annotations

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kb.schema import stem_field
from kb.whoosh_backend.analysis import STEM_LANGUAGES, exact_analyzer, fold_analyzer, stem_analyzer


def build_schema() -> Schema:
    """Fields: exact words, per-language stems, folded words with compound parts and cognate keys, facet columns."""
    exact, folded = exact_analyzer(), fold_analyzer()
    fields = {
        "id": ID(stored=True, unique=True),
        "source": ID(stored=True),
        "title": TEXT(analyzer=exact, stored=True, phrase=True),
        "title_fold": TEXT(analyzer=folded, phrase=False),
        "content": TEXT(analyzer=exact, phrase=True),
        "fold": TEXT(analyzer=folded, phrase=False),
        "text": STORED(),
        "language": ID(stored=True),
        "doctype": ID(stored=True),
        "year": NUMERIC(int, bits=32, stored=True, signed=False),
        "date": ID(stored=True),
        "network": KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        "region": KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        "topic": KEYWORD(stored=True, commas=True, lowercase=True, scorable=False),
        "checksum": STORED(),
        "added_by": STORED(),
        "added_at": STORED(),
        # One compact row per document with every facet value, read into arrays per searcher.
        "facetrow": COLUMN(columns.VarBytesColumn()),
        # id, checksum and source per document: what ingest compares files with, read without the texts.
        "ledger": COLUMN(columns.VarBytesColumn()),
    }
    for language in STEM_LANGUAGES:
        fields[stem_field(language)] = TEXT(analyzer=stem_analyzer(language), phrase=False)
    return Schema(**fields)
