"""The index's fields as every engine names them: the schema version, field names and boosts.

The Whoosh schema itself is built in kb/whoosh_backend/schema.py.
"""

from __future__ import annotations

#: Bump whenever fields or analysis change: an index with another version is rebuilt from corpus/.
SCHEMA_VERSION = 7

#: Written into every index folder this product creates; a folder without it is never changed, and a
#: folder with it (this archive's index or another's) is never read as documents.
INDEX_MARKER = ".network-kb-index"

TITLE_BOOST = 4.0
CONTENT_BOOST = 2.0


def stem_field(language: str) -> str:
    """The name of a language's stemmed field."""
    return f"stem_{language}"
