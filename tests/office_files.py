"""Small office files written by the same libraries people's programs interoperate with, for the tests."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

CREATED = dt.datetime(2023, 3, 14, 9, 30)


def docx_bytes(title: str = "Protokoll Netzwerktreffen", author: str = "Anna Schmidt") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Netzwerktreffen Kunststofftechnik", level=1)
    document.add_paragraph("Die Teilnehmerinnen begrüßten die Gäste aus Groningen und Aabenraa.")
    document.add_paragraph("Ausbildungsmesse vorbereiten", style="List Bullet")
    document.add_paragraph("Fachkräfte gewinnen", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Betrieb", "Auszubildende"
    table.cell(1, 0).text, table.cell(1, 1).text = "Müller GmbH", "12"
    document.add_paragraph("Nächstes Treffen im Herbst.")
    document.sections[0].footer.paragraphs[0].text = "Geschäftsstelle Ems-Achse"
    props = document.core_properties
    props.title, props.author, props.created = title, author, CREATED
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes() -> bytes:
    from odf import dc, meta, table, text
    from odf.opendocument import OpenDocumentText

    document = OpenDocumentText()
    document.meta.addElement(dc.Title(text="Projektbeschreibung Lernfabrik"))
    document.meta.addElement(meta.InitialCreator(text="Jens Hansen"))
    document.meta.addElement(meta.CreationDate(text="2022-05-04T10:00:00"))
    document.text.addElement(text.H(outlinelevel=1, text="Lernfabrik für Auszubildende"))
    document.text.addElement(text.P(text="Schüler und Betriebe lernen gemeinsam."))
    items = text.List()
    for words in ("Spritzguss", "Extrusion"):
        item = text.ListItem()
        item.addElement(text.P(text=words))
        items.addElement(item)
    document.text.addElement(items)
    grid = table.Table(name="Zeitplan")
    for cells in (("Phase", "Monat"), ("Start", "Mai")):
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    document.text.addElement(grid)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ods_bytes() -> bytes:
    from odf import table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    document = OpenDocumentSpreadsheet()
    sheet = table.Table(name="Teilnehmer")
    for cells in (("Name", "Ort"), ("Søren", "Sønderborg"), ("Jürgen", "Lingen")):
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell(valuetype="string")
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pptx_bytes() -> bytes:
    import pptx

    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Fachkräfte für die Region"
    body = slide.placeholders[1].text_frame
    body.text = "Karrieretag im März"
    sub = body.add_paragraph()
    sub.text, sub.level = "Betriebe stellen Ausbildungsberufe vor", 1
    presentation.core_properties.title = "Karrieretag 2023"
    presentation.core_properties.author = "Lena Vos"
    presentation.core_properties.created = CREATED
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Mitglieder"
    sheet.append(["Betrieb", "Ort", "Azubis"])
    sheet.append(["Kunststofftechnik Weiß", "Papenburg", 7])
    workbook.properties.title = "Mitgliederliste"
    workbook.properties.creator = "Ole Jensen"
    workbook.properties.created = CREATED
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


RTF = (
    rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}"
    rb"{\info{\title Referat af netv\'e6rksm\'f8de}{\author Mette Larsen}{\creatim\yr2021\mo9\dy23\hr10\min0}}"
    rb"\pard Referat af netv\'e6rksm\'f8de i Tr\'e6kantomr\'e5det\par"
    rb"\pard Deltagere: virksomheder og erhvervsskoler\par}"
)


def encrypted_odt_bytes() -> bytes:
    """A zip shaped like an .odt whose manifest lists encryption data (how LibreOffice stores a password)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"\x8a\x13 encrypted bytes")
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
            '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
            "</manifest:file-entry></manifest:manifest>",
        )
    return out.getvalue()


def ole_bytes(stream: str) -> bytes:
    """The start of an OLE compound file whose directory names one stream (enough for sniffing)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + stream.encode("utf-16-le") + b"\x00" * 64
