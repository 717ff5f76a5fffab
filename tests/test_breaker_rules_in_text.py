"""Lines set off by two rules (---) at the top of a file that are no front matter stay the document's
text: a line of prose (a title between rules), and in a plain text file header lines whose keys the
archive neither reads nor takes for a misspelling ("Ort: Papenburg"). They were taken for front matter
and left out of what was indexed, so nothing in them was ever found."""

from __future__ import annotations

from ingest.extractors import extract
from ingest.source import Source

BODY = "Der Text der Sitzung."


def test_a_line_of_prose_between_rules_stays_text_in_plain_text_and_markdown():
    for name in ("a.txt", "a.md"):
        read = extract(Source(name, f"---\nProtokoll der Sitzung vom 3. März 2020\n---\n{BODY}\n".encode()))
        assert read.text == f"---\nProtokoll der Sitzung vom 3. März 2020\n---\n{BODY}", name
        assert (read.confirmed, read.warnings) == ({}, ())
    assert extract(Source("a.md", f"---\nBericht\n---\n{BODY}\n".encode())).title == "Bericht"


def test_header_lines_of_a_plain_text_file_stay_text_when_no_key_is_the_archives():
    read = extract(Source("a.txt", f"---\nTagesordnung: Kunststoff\nOrt: Papenburg\n---\n{BODY}\n".encode()))
    assert read.text == f"---\nTagesordnung: Kunststoff\nOrt: Papenburg\n---\n{BODY}"
    assert (read.confirmed, read.warnings) == ({}, ())


def test_front_matter_with_a_key_of_the_archive_or_its_misspelling_is_still_front_matter():
    for front, confirmed in (("title: Notiz\nOrt: Papenburg", {"title": "Notiz", "Ort": "Papenburg"}),
                             ("titel: Notiz", {"titel": "Notiz"})):  # fmt: skip
        read = extract(Source("a.txt", f"---\n{front}\n---\n{BODY}\n".encode()))
        assert (read.text, read.confirmed) == (BODY, confirmed)
    blog = extract(Source("a.md", f"---\nlayout: post\n---\n{BODY}\n".encode()))  # a blog's, in Markdown
    assert (blog.text, blog.confirmed) == (BODY, {"layout": "post"})


def test_kb_ingest_finds_a_word_of_the_lines_between_rules(run_cli, tmp_path):
    path = tmp_path / "notiz.txt"
    path.write_text(f"---\nOrt: Papenburg\n---\n{BODY}\n", encoding="utf-8")
    assert run_cli("ingest", "--json", "--no-embed", path).json["status"] == "indexed"
    assert run_cli("search", "--json", "Papenburg").json["total"] == 1
