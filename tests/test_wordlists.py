"""kb.wordlists: the cached word lists give wordfreq's own answers, and a damaged cache is built again."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from kb import wordlists
from tests.conftest import shared_data_missing

SHARED_HELP = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "libreoffice-help"


def _words_of_the_help_pages(per_language: int) -> list[str]:
    words: set[str] = set()
    for lang in ("de", "da", "nl", "en"):
        found: set[str] = set()
        for line in (SHARED_HELP / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()[:400]:
            found.update(
                w for w in re.findall(r"\w+", json.loads(line)["text"]) if w.isalpha() and len(w) >= 5
            )
        words.update(random.Random(lang).sample(sorted(found), min(per_language, len(found))))
    return sorted(words)


def test_a_common_word_is_what_wordfreq_says_in_any_of_the_four_languages() -> None:
    if not SHARED_HELP.is_dir():
        shared_data_missing("../shared/data/libreoffice-help")
    from wordfreq import zipf_frequency

    words = _words_of_the_help_pages(per_language=600)
    words += ["Straße", "STRASSE", "Ausschuß", "Ærø", "grøn", "IJsselmeer", "Kindertagesstätte", "Xylqvorp"]
    differ = [
        w
        for w in words
        if wordlists.is_common(w)
        != any(zipf_frequency(w, lang) >= wordlists.COMMON_ZIPF for lang in wordlists.LANGUAGES)
    ]
    assert not differ, f"{len(differ)} of {len(words)} words differ from wordfreq: {differ[:10]}"
    assert (
        wordlists.is_common("Haushalt")
        and wordlists.is_common("skat")
        and not wordlists.is_common("Xylqvorp")
    )


def test_a_list_is_built_once_then_read_from_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    builds: list[int] = []

    def build() -> frozenset[str]:
        builds.append(1)
        return frozenset({"eins", "zwei"})

    assert wordlists.cached("probe", "p1", build) == {"eins", "zwei"}
    assert wordlists.cached("probe", "p1", build) == {"eins", "zwei"}
    assert len(builds) == 1
    assert [p.name for p in tmp_path.iterdir()] == [f"probe-{wordlists.wordfreq_version()}-p1.marshal"]


def test_a_damaged_list_file_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    monkeypatch.setenv("KB_CACHE_DIR", str(tmp_path))
    path = wordlists.cache_file("probe", "p2")
    path.write_bytes(b"\x00not marshal")
    assert wordlists.cached("probe", "p2", lambda: frozenset({"drei"})) == {"drei"}
    assert "cannot read the cached word list" in caplog.text
    assert wordlists.cached("probe", "p2", lambda: frozenset({"never"})) == {"drei"}
