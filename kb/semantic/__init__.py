"""The semantic layer: passages embedded by a multilingual model, stored beside the index, searched by meaning.

`model.py` owns the model (swap it there); `passages.py` splits documents; `store.py` keeps the
vectors on disk; `embedder.py` embeds in the background after each lexical commit; `channel.py` is
what a search session asks. `KB_SEMANTIC=off` switches the whole layer off.
"""

from __future__ import annotations

from kb.settings import env


def enabled_by_default() -> bool:
    """Whether the layer is on, from KB_SEMANTIC (on unless off/0/false/no)."""
    return (env("KB_SEMANTIC") or "on").lower() not in ("off", "0", "false", "no")
