"""eval/metadata.py's pure parts: the split, what counts as a right title or date, the doc's markers."""

from __future__ import annotations

from eval.metadata import END, HELD, START, TUNE, date_right, half, title_right, write_doc


def test_the_split_is_stable_and_uses_both_halves():
    halves = [half(f"libreoffice-page-{n}") for n in range(200)]
    assert halves == [half(f"libreoffice-page-{n}") for n in range(200)]
    assert 70 < halves.count(TUNE) < 130 and set(halves) == {TUNE, HELD}


def test_titles_match_case_and_punctuation_aside_and_by_prefix():
    assert title_right("THE SIEGE OF VICKSBURG", ["The Siege of Vicksburg"])
    assert title_right("REGULATION (EU) 2016/ 679 OF THE EUROPEAN PARLIAMENT", ["Regulation (EU) 2016/679…"])
    assert not title_right("I", ["Regulation (EU) 2016/679…"])


def test_dates_match_when_finer_or_coarser_and_none_only_none():
    assert date_right("2016-04-27", ["2016-04"]) and date_right("2016", ["2016-04-27"])
    assert not date_right("1999", ["2016-04-27"])
    assert date_right(None, [None]) and not date_right("2020", [None]) and not date_right(None, ["2020"])


def test_figures_go_between_the_markers(tmp_path):
    doc = tmp_path / "metadata.md"
    doc.write_text(f"# Title\n\n{START}\nold\n{END}\n\nafter\n", encoding="utf-8")
    write_doc("| new |", doc)
    assert doc.read_text(encoding="utf-8") == f"# Title\n\n{START}\n| new |\n{END}\n\nafter\n"
