"""Index files a commit replaced, kept a while for readers that still use them: the Whoosh backend's
(kb/whoosh_backend/superseded.py), named here for what reads the ledger from outside kb/ (bench/)."""

from __future__ import annotations

from kb.whoosh_backend.superseded import GRACE_S, LEDGER, noted

__all__ = ["GRACE_S", "LEDGER", "noted"]
