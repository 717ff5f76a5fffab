"""What a user should know of a file that is still indexed (a misspelled metadata key, PDF pages or XMP
metadata that could not be read, a guessed encoding) reaches the file's outcome: a `warning:` line of
`kb ingest`, the `warnings` of its --json line, and the upload page."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each ingests or adds through worker processes: 1-2 s a test

HOSTILE_DIR = Path(__file__).resolve().parent / "fixtures" / "hostile"
_spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE_DIR / "make_hostile.py")
H = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(H)

PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>"
)
TEXT = "Ein Protokoll des Netzwerks ueber Kunststoff, Recycling und Ausbildung."


def bad_xmp_pdf() -> bytes:
    """One good page; the catalog's XMP metadata is no XML."""
    return H.pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % 4,
            H.stream(H.page_text(TEXT)),
            H.FONT,
            H.stream(b"<x:xmpmeta <<< not xml", b"/Type /Metadata /Subtype /XML "),
        ]
    )


def unreadable_page_pdf() -> bytes:
    """Two pages; the second's content stream is packed with a filter no reader knows."""
    return H.pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>",
            PAGE % 4,
            H.stream(H.page_text(TEXT)),
            H.FONT,
            PAGE % 7,
            H.stream(b"x", b"/Filter /NoSuchFilter "),
        ]
    )


def _files(small) -> Path:
    folder = small.corpus_dir / "in"
    folder.mkdir()
    (folder / "a-xmp.pdf").write_bytes(bad_xmp_pdf())
    (folder / "b-page.pdf").write_bytes(unreadable_page_pdf())
    (folder / "c-latin.txt").write_bytes(f"{TEXT} Grüße aus Lübeck.".encode("cp1252"))
    (folder / "d-good.txt").write_text(TEXT)
    return folder


def test_an_extractor_warning_is_in_the_json_line_of_a_file_still_indexed(run_cli, small):
    folder = _files(small)
    result = run_cli("ingest", "--json", "--no-embed", folder, settings=small)
    assert result.code == 0 and result.err == ""
    lines = {Path(line["source"]).name: line for line in result.lines}
    assert {name: line["status"] for name, line in lines.items()} == dict.fromkeys(lines, "indexed")
    assert lines["a-xmp.pdf"]["warnings"][0].startswith("XMP metadata unreadable: ")
    assert lines["b-page.pdf"]["warnings"] == ["1 page(s) could not be read: 2"]
    assert lines["c-latin.txt"]["warnings"] == ["not UTF-8; read as cp1252"]
    assert lines["d-good.txt"]["warnings"] == []


def test_kb_ingest_says_each_warning_in_one_line_beside_the_summary(run_cli, small):
    folder = _files(small)
    result = run_cli("ingest", "--no-embed", folder, settings=small)
    assert result.code == 0
    said = result.err.splitlines()
    assert len(said) == 3, said
    assert said[0].startswith("warning: in/a-xmp.pdf: XMP metadata unreadable: ")
    assert said[1:] == [
        "warning: in/b-page.pdf: 1 page(s) could not be read: 2",
        "warning: in/c-latin.txt: not UTF-8; read as cp1252",
    ]
    assert result.out.strip().splitlines()[-1] == "4 files: 4 indexed"
    # an unchanged file is not read again, and not warned of again
    again = run_cli("ingest", "--no-embed", folder, settings=small)
    assert (again.err, again.out.strip()) == ("", "4 files: 4 unchanged")


def test_a_misspelled_metadata_key_is_in_the_outcome_and_the_json_line(run_cli, small):
    note = small.corpus_dir / "note.md"
    note.write_text(f"---\ntitle: Notiz\nnetwrok: [DIMA]\n---\n{TEXT}\n")
    (small.corpus_dir / "note.md.meta.json").write_text(json.dumps({"regoin": ["x"]}))
    result = run_cli("ingest", "--no-embed", note, settings=small)
    assert result.err.splitlines() == [
        "warning: note.md: front matter: unknown key 'netwrok' ignored (did you mean 'networks'?)",
        "warning: note.md: note.md.meta.json: unknown key 'regoin' ignored (did you mean 'regions'?)",
    ]


def test_kb_add_says_the_warnings_of_the_file_it_stored(run_cli, small, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(unreadable_page_pdf())
    result = run_cli("add", "--json", path, settings=small)
    assert (result.code, result.json["status"]) == (0, "indexed")
    assert result.json["warnings"] == ["1 page(s) could not be read: 2"]
    other = tmp_path / "xmp.pdf"
    other.write_bytes(bad_xmp_pdf())
    result = run_cli("add", other, settings=small)
    source = result.out.removeprefix("indexed: ").strip()
    assert result.code == 0 and source.endswith("xmp.pdf")
    assert result.err.startswith(f"warning: {source}: XMP metadata unreadable: ")
    assert len(result.err.splitlines()) == 1


def test_a_file_that_fails_for_want_of_text_says_what_its_reader_noticed(run_cli, small):
    folder = small.corpus_dir / "in"
    folder.mkdir()
    (folder / "menu.html").write_text("<html><body><script>alert('x')</script></body></html>")
    (folder / "empty.md").write_text("---\ntitel: Notiz\n---\n")
    result = run_cli("ingest", "--no-embed", folder, settings=small)
    assert result.code == 1
    assert result.err.splitlines() == [
        "failed: in/empty.md: no text could be extracted "
        "(front matter: unknown key 'titel' ignored (did you mean 'title'?))",
        "failed: in/menu.html: no text could be extracted (no main text found)",
    ]


def test_kb_edit_says_the_misspelled_key_of_the_metadata_file_it_rewrites(run_cli, small):
    note = small.corpus_dir / "note.txt"
    note.write_text(TEXT)
    (small.corpus_dir / "note.txt.meta.json").write_text(json.dumps({"regoin": ["Ems-Achse"]}))
    assert run_cli("ingest", "--no-embed", note, settings=small).code == 0
    said = "note.txt.meta.json: unknown key 'regoin' ignored (did you mean 'regions'?)"
    result = run_cli("edit", "note", "--title", "Notiz", settings=small)
    assert (result.code, result.out, result.err) == (0, "updated: note\n", f"warning: note.txt: {said}\n")
    as_json = run_cli("edit", "note", "--title", "Notiz 2", "--json", settings=small)
    assert as_json.json == {"id": "note", "status": "updated", "warnings": [said]}
