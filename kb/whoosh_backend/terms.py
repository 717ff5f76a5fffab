"""The index terms a whoosh query matches, by the body field they are found in (for kb/snippets.py)."""

from __future__ import annotations

from whoosh import query as Q

#: query field → the field whose analysis finds it in body text
_BODY_FIELD = {"title": "content", "content": "content", "title_fold": "fold", "fold": "fold"}


def query_terms(query, reader, exists=None) -> dict[str, set[str]]:
    """The index terms a query matches (prefix and fuzzy terms expanded), by the body field they match in.

    Written here because whoosh 2.7's Query.existing_terms reuses its `fieldname` argument as a loop
    variable and so drops the terms of every field but the first. `exists(field, btext)` may answer
    whether a term is in the index faster than the reader (from the postings already read).
    """
    exists = exists or (lambda field, btext: (field, btext) in reader)
    terms: set[tuple[str, bytes | str]] = set()
    schema = reader.schema
    for leaf in query.leaves():
        if type(leaf) is Q.Term:  # most leaves (a prefix's completions): no generator, no second lookup
            fieldobj = schema[leaf.fieldname] if leaf.fieldname in schema else None  # noqa: SIM401
            if fieldobj is not None:
                try:
                    key = (leaf.fieldname, fieldobj.to_bytes(leaf.text))
                except ValueError:
                    continue
                if exists(*key):
                    terms.add(key)
            continue
        for field, text in leaf.expanded_terms(reader, phrases=True):
            if field not in reader.schema:
                continue
            try:
                key = (field, reader.schema[field].to_bytes(text))
            except ValueError:
                continue
            if exists(*key):
                terms.add(key)
    return group_terms(terms)


def group_terms(terms: set[tuple[str, bytes | str]]) -> dict[str, set[str]]:
    """Index terms grouped by the body field they match in."""
    grouped: dict[str, set[str]] = {}
    for field, text in terms:
        target = _BODY_FIELD.get(field, field if field.startswith("stem_") else None)
        if target:  # (a term of another field, such as a year, may be no text at all)
            word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            grouped.setdefault(target, set()).add(word)
    return grouped
