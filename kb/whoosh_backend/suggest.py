"""'Did you mean' on a Whoosh search session: the session answers kb/suggest.py's questions (the choice
of the suggestion is made there, the same for every engine)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from kb import suggest as did_you_mean
from kb.models import SearchRequest
from kb.query import QueryPlan

if TYPE_CHECKING:
    from kb.whoosh_backend.search import SearchSession


class _Known(Mapping):
    """The words of the content field beginning with a prefix (read once per searcher); a word's document
    count is looked up only when asked (to order equally close words)."""

    def __init__(self, session: SearchSession, prefix: str) -> None:
        self.reader = session.searcher.reader()
        self.block = session.lexicon.block("content", prefix)

    def __getitem__(self, word: str) -> int:
        return self.reader.doc_frequency("content", word)

    def __iter__(self) -> Iterator[str]:
        return iter(self.block)

    def __len__(self) -> int:
        return len(self.block)


class SessionWords:
    """kb.suggest.Words over one session, within the filters of a request."""

    def __init__(self, session: SearchSession, allowed: np.ndarray | None) -> None:
        self.session, self.allowed = session, allowed
        self.languages = session.languages

    def doc_frequency(self, field: str, word: str) -> int:
        return self.session.doc_frequency(field, word)

    def known_words(self, prefix: str) -> Mapping[str, int]:
        return _Known(self.session, prefix)

    def counts(self, texts: Sequence[tuple[str, SearchRequest]]) -> list[int]:
        return [self._count(text, request) for text, request in texts]

    def _count(self, text: str, request: SearchRequest) -> int:
        matched, _ = self.session.run(self.session.plan(text, request).query, self.allowed, 1)
        return int((matched & self.allowed).sum()) if self.allowed is not None else int(matched.sum())


def suggest(
    session: SearchSession, text: str, plan: QueryPlan, request: SearchRequest, allowed: np.ndarray | None
) -> str | None:
    return did_you_mean.suggest(SessionWords(session, allowed), text, plan.words, request)
