"""Office files: text in reading order with headings, lists and table cells; declared title, author, date;
chosen by content; password-protected and broken files fail with one line."""

from __future__ import annotations

import re
import shutil

import pytest

from ingest.errors import ExtractionFailed, PasswordProtected, UnsupportedFile
from ingest.extractors import extract, supported_types
from ingest.extractors.legacy import NO_DOC_READER, doc_reader
from ingest.sniff import detect_type
from ingest.source import Source
from tests import office_files as make


def test_docx_text_in_reading_order_with_list_items_table_rows_and_footer() -> None:
    result = extract(Source("protokoll.docx", make.docx_bytes()))
    assert result.text.split("\n\n") == [
        "Netzwerktreffen Kunststofftechnik",
        "Die Teilnehmerinnen begrüßten die Gäste aus Groningen und Aabenraa.",
        "- Ausbildungsmesse vorbereiten",
        "- Fachkräfte gewinnen",
        "Betrieb | Auszubildende",
        "Müller GmbH | 12",
        "Nächstes Treffen im Herbst.",
        "Geschäftsstelle Ems-Achse",
    ]
    assert (result.format, result.title, result.author, result.date) == (
        "docx", "Protokoll Netzwerktreffen", "Anna Schmidt", "2023-03-14",
    )  # fmt: skip


def test_odt_headings_lists_tables_and_meta() -> None:
    result = extract(Source("projekt.odt", make.odt_bytes()))
    assert result.text.split("\n\n") == [
        "Lernfabrik für Auszubildende",
        "Schüler und Betriebe lernen gemeinsam.",
        "- Spritzguss",
        "- Extrusion",
        "Phase | Monat",
        "Start | Mai",
    ]
    assert (result.format, result.title, result.author, result.date) == (
        "odt", "Projektbeschreibung Lernfabrik", "Jens Hansen", "2022-05-04",
    )  # fmt: skip


def test_ods_rows_become_lines_of_cells() -> None:
    result = extract(Source("liste.ods", make.ods_bytes()))
    assert result.format == "ods"
    assert result.text.split("\n\n") == ["Name | Ort", "Søren | Sønderborg", "Jürgen | Lingen"]


def test_pptx_slide_title_first_then_bullets() -> None:
    result = extract(Source("folien.pptx", make.pptx_bytes()))
    assert result.text.split("\n\n") == [
        "Fachkräfte für die Region",
        "Karrieretag im März",
        "- Betriebe stellen Ausbildungsberufe vor",
    ]
    assert (result.title, result.author, result.date) == ("Karrieretag 2023", "Lena Vos", "2023-03-14")


def test_xlsx_sheet_name_then_rows() -> None:
    result = extract(Source("mitglieder.xlsx", make.xlsx_bytes()))
    assert result.text.split("\n\n") == [
        "Mitglieder",
        "Betrieb | Ort | Azubis",
        "Kunststofftechnik Weiß | Papenburg | 7",
    ]
    assert (result.title, result.author, result.date) == ("Mitgliederliste", "Ole Jensen", "2023-03-14")


def test_rtf_text_and_info_group() -> None:
    result = extract(Source("referat.rtf", make.RTF))
    assert result.text.split("\n") == [
        "Referat af netværksmøde i Trækantområdet",
        "Deltagere: virksomheder og erhvervsskoler",
    ]
    assert (result.title, result.author, result.date) == (
        "Referat af netværksmøde",
        "Mette Larsen",
        "2021-09-23",
    )


@pytest.mark.parametrize(
    ("maker", "kind"),
    [(make.docx_bytes, "docx"), (make.odt_bytes, "odt"), (make.ods_bytes, "ods"), (make.pptx_bytes, "pptx"),
     (make.xlsx_bytes, "xlsx")],
)  # fmt: skip
def test_a_renamed_file_is_read_by_its_content(maker, kind: str) -> None:
    data = maker()
    assert detect_type(data, "scan.pdf") == kind
    assert extract(Source("download.bin", data)).format == kind


@pytest.mark.parametrize(
    ("stream", "kind"),
    [("EncryptedPackage", "ooxml-encrypted"), ("WordDocument", "doc"), ("Workbook", "xls"),
     ("PowerPoint Document", "ppt")],
)  # fmt: skip
def test_ole_files_are_told_apart_by_their_streams(stream: str, kind: str) -> None:
    assert detect_type(make.ole_bytes(stream), "file.docx") == kind


def test_an_office_container_with_no_known_document_says_what_it_is_in_words() -> None:
    with pytest.raises(UnsupportedFile) as info:
        extract(Source("mail.doc", make.ole_bytes("__substg1.0_0037001F")))
    assert str(info.value) == (
        "unsupported file type: ole (an Office container with no Word, Excel or PowerPoint document in "
        "it, such as an Outlook message, a Visio or Publisher file or an Excel 95 workbook)"
    )
    assert info.value.detected == "ole"


def test_encrypted_office_files_fail_as_password_protected() -> None:
    for source in (
        Source("geheim.docx", make.ole_bytes("EncryptedPackage")),
        Source("geheim.odt", make.encrypted_odt_bytes()),
    ):
        with pytest.raises(PasswordProtected, match="^password-protected: ") as info:
            extract(source)
        assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bericht.docx", make.docx_bytes()[:3000], "broken .docx (Word) file: not a readable zip archive"),
        (
            "bericht.odt",
            b"This is not a zip file at all",
            "broken .odt (OpenDocument text) file: not a readable zip",
        ),
        ("liste.xlsx", b"\x00\x01\x02garbage", "broken .xlsx (Excel) file"),
    ],
)
def test_broken_files_fail_with_one_line(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract(Source(name, data))
    assert str(info.value).startswith(reason)
    assert "\n" not in str(info.value)


def _zip(parts: dict[str, str]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        (
            "fake.docx",
            b"not a zip",
            "broken .docx (Word) file: not a readable zip archive (cut short, damaged, or another kind of "
            "file renamed)",
        ),
        (
            "broken.odt",
            _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:x><bad"}),
            "broken .odt (OpenDocument text) file: its text cannot be read: content.xml is not well-formed XML",
        ),
        (
            "broken.xlsx",
            _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<<<"}),
            "broken .xlsx (Excel) file: its text cannot be read: its parts are damaged or do not fit together",
        ),
    ],
)
def test_a_broken_office_file_is_said_in_words_not_by_the_parsers_exception(name, data, said) -> None:
    """An upload showed "SAXParseException: <unknown>:1:0: unbound prefix", "OSError: File contains no
    valid workbook part" and "(BadZipFile: File is not a zip file)" to a coordinator."""
    with pytest.raises(ExtractionFailed) as info:
        extract(Source(name, data))
    message = str(info.value)
    assert message == said
    assert not re.search(r"[A-Z][a-z]+(Error|Exception|File)\b|<unknown>", message), message


def test_a_docx_with_damaged_xml_is_broken() -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make.docx_bytes())) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item.filename))
        target.writestr("word/document.xml", b"<not xml")
    with pytest.raises(ExtractionFailed, match="^broken .docx"):
        extract(Source("kaputt.docx", out.getvalue()))


def _rezipped(data: bytes, rename: dict[str, str | None], edit=lambda name, body: body) -> bytes:
    """The zip `data` with parts renamed (to None: left out) and their bodies passed through `edit`."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if rename.get(name, name) is not None:
                target.writestr(rename.get(name, name), edit(name, source.read(name)))
    return out.getvalue()


def _plain_zip() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "Protokoll der Sitzung")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("a.docx", _plain_zip(), "not a .docx (Word) file: the zip archive has no [Content_Types].xml"),
        ("a.xlsx", _plain_zip(), "not a .xlsx (Excel) file: the zip archive has no [Content_Types].xml"),
        ("a.pptx", _plain_zip(), "not a .pptx (PowerPoint) file: the zip archive has no [Content_Types].xml"),
        ("a.odt", _plain_zip(), "not a .odt (OpenDocument text) file: the zip archive has no content.xml"),
        (
            "a.docx",
            _rezipped(make.docx_bytes(), {"_rels/.rels": None}),
            "not a .docx (Word) file: the zip archive has no _rels/.rels",
        ),
        (
            "a.docx",
            _rezipped(make.docx_bytes(), {"word/document.xml": None}),
            "broken .docx (Word) file: the part word/document.xml is missing",
        ),
        (
            "a.xlsx",
            _rezipped(make.xlsx_bytes(), {"xl/workbook.xml": None}),
            "broken .xlsx (Excel) file: the part xl/workbook.xml is missing",
        ),
        (  # its content types name no workbook: the reader crashed (OSError) and the file was skipped
            "a.xlsx",
            _rezipped(
                make.xlsx_bytes(), {}, lambda name, body: b"<Types/>" if name.startswith("[") else body
            ),
            "broken .xlsx (Excel) file: its text cannot be read: its parts are damaged or do not fit together",
        ),
        (  # a sheet of no XML: the reader crashed (ParseError) and the file was skipped
            "a.xlsx",
            _rezipped(make.xlsx_bytes(), {}, lambda name, body: b"" if name.endswith("sheet1.xml") else body),
            "broken .xlsx (Excel) file: its text cannot be read: a part of it is not well-formed XML",
        ),
    ],
)
def test_a_zip_that_lacks_an_office_files_parts_says_which_in_words_not_a_key_error(name, data, said) -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract(Source(name, data))
    assert str(info.value) == said


def test_a_word_file_whose_main_part_has_another_name_is_still_read() -> None:
    moved = _rezipped(
        make.docx_bytes(),
        {
            "word/document.xml": "word/document2.xml",
            "word/_rels/document.xml.rels": "word/_rels/document2.xml.rels",
        },
        lambda name, body: body.replace(b"/word/document.xml", b"/word/document2.xml").replace(
            b'Target="word/document.xml"', b'Target="word/document2.xml"'
        ),
    )
    assert "Ausbildungsmesse vorbereiten" in extract(Source("protokoll.docx", moved)).text


def test_without_antiword_or_catdoc_a_doc_says_save_it_as_docx(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert doc_reader() is None
    with pytest.raises(ExtractionFailed) as info:
        extract(Source("alt.doc", make.ole_bytes("WordDocument")))
    assert str(info.value) == NO_DOC_READER and "save it as .docx" in NO_DOC_READER


@pytest.mark.skipif(
    doc_reader() is None, reason="neither antiword nor catdoc is installed (CI installs antiword)"
)
def test_a_damaged_doc_fails_with_one_line() -> None:
    with pytest.raises(ExtractionFailed) as info:
        extract(Source("alt.doc", make.ole_bytes("WordDocument")))
    assert "\n" not in str(info.value) and str(info.value)


def test_every_office_type_is_supported() -> None:
    assert {"docx", "odt", "ods", "odp", "pptx", "xlsx", "rtf", "doc"} <= supported_types()


def test_antiword_presence_is_detected_not_assumed() -> None:
    assert (doc_reader() is not None) == bool(shutil.which("antiword") or shutil.which("catdoc"))


def test_a_docx_that_unpacks_to_more_than_the_limit_is_refused_before_unpacking(monkeypatch) -> None:
    from ingest.extractors import office_common

    monkeypatch.setattr(office_common, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ExtractionFailed, match=r"unpacks to more than"):
        extract(Source("gross.docx", make.docx_bytes()))


@pytest.mark.parametrize(
    ("name", "data", "part"),
    [
        ("a.docx", make.docx_bytes(), "docProps/core.xml"),
        ("a.pptx", make.pptx_bytes(), "docProps/core.xml"),
        ("a.xlsx", make.xlsx_bytes(), "docProps/core.xml"),
        ("a.odt", make.odt_bytes(), "meta.xml"),
        ("a.ods", make.ods_bytes(), "meta.xml"),
    ],
)
def test_an_office_file_whose_properties_are_damaged_is_read_with_a_warning(name, data, part) -> None:
    whole = extract(Source(name, data))
    damaged = extract(Source(name, _rezipped(data, {}, lambda n, body: b"<cp:x><" if n == part else body)))
    assert (damaged.text, damaged.title, damaged.date) == (whole.text, None, None)  # the file was refused
    assert damaged.warnings == (f"document properties unreadable: {part} is no well-formed XML",)
    assert whole.warnings == ()


def test_a_spreadsheet_that_declares_no_creation_date_is_not_dated_the_day_it_is_read() -> None:
    import re

    data = make.xlsx_bytes()
    assert extract(Source("a.xlsx", data)).date == "2023-03-14"
    undated = _rezipped(
        data,
        {},
        lambda n, body: (
            re.sub(rb"<dcterms:created[^>]*>[^<]*</dcterms:created>", b"", body)
            if n == "docProps/core.xml"
            else body
        ),
    )
    assert b"created" not in _part_of(undated, "docProps/core.xml")
    assert extract(Source("a.xlsx", undated)).date is None  # openpyxl's default: now


def _part_of(data: bytes, name: str) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


@pytest.mark.parametrize("kind", ["docx", "pptx", "xlsx"])
def test_an_office_file_without_document_properties_gets_none_made_up_by_its_reader(kind) -> None:
    import re

    def without_core(name: str, body: bytes) -> bytes:
        if name.endswith(".rels") or name.startswith("[Content"):
            return re.sub(rb"<(Relationship|Override)[^>]*core[^>]*/>", b"", body)
        return body

    data = _rezipped(getattr(make, f"{kind}_bytes")(), {"docProps/core.xml": None}, without_core)
    read = extract(Source(f"a.{kind}", data))
    assert read.text  # the text is read: only the properties are missing
    assert (read.title, read.author, read.date) == (None, None, None)  # not "Word Document" by "python-docx"
