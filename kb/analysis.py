"""Text analysis: exact words, per-language stems, folded forms with compound parts and cognate keys.

The analyzers are whoosh's analysis chains with filters of ours, so they live in the Whoosh backend
(kb/whoosh_backend/analysis.py); the query builder and the snippets use them through this module, and
indexes written before that package existed name their filter classes here (kb.analysis.FoldFormsFilter).
"""

from __future__ import annotations

from kb.whoosh_backend.analysis import (
    COGNATE_MARK,
    COMPOUND_LANGUAGES,
    MAX_WORD_CHARS,
    STEM_LANGUAGES,
    STOPLISTS,
    WORD_PATTERN,
    CognateFilter,
    CompoundFilter,
    FoldFilter,
    FoldFormsFilter,
    LowercaseCutFilter,
    TruncateFilter,
    analysis_deadline,
    analyze,
    chained_fold_analyzer,
    cognate_term,
    exact_analyzer,
    fold_analyzer,
    index_forms,
    stem_analyzer,
)

__all__ = [
    "WORD_PATTERN",
    "STEM_LANGUAGES",
    "STOPLISTS",
    "COMPOUND_LANGUAGES",
    "COGNATE_MARK",
    "MAX_WORD_CHARS",
    "LowercaseCutFilter",
    "TruncateFilter",
    "FoldFilter",
    "CompoundFilter",
    "CognateFilter",
    "FoldFormsFilter",
    "analysis_deadline",
    "cognate_term",
    "exact_analyzer",
    "fold_analyzer",
    "chained_fold_analyzer",
    "stem_analyzer",
    "index_forms",
    "analyze",
]
