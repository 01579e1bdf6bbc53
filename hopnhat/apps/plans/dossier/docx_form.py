"""The Decree 30/2020/NĐ-CP form of an administrative document, with python-docx.

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt body;
the issuer and the document number on the left, the national motto and the place and
date line on the right (NĐ 30/2020 Phụ lục I).
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from hopnhat.apps.plans.dossier.wording import FONT, MOTTO, MOTTO_SUB


def new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    # East-Asian and complex-script slots too, or Word falls back to another font.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:cs", "w:hAnsi", "w:ascii"):
        fonts.set(qn(slot), FONT)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15
    return document


def header_block(
    document: DocumentObject, *, issuer_lines: list[str], number: str, date_line: str
) -> None:
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _lines(
        left, [(line, True, False, 13) for line in issuer_lines] + [("–––––––", True, False, 13)]
    )
    _lines(
        right,
        [
            (MOTTO, True, False, 13),
            (MOTTO_SUB, True, False, 14),
            ("–––––––––––––––", True, False, 13),
        ],
    )
    number_cell, date_cell = table.rows[1].cells
    _lines(number_cell, [(number, False, False, 13)])
    _lines(date_cell, [(date_line, False, True, 14)])
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(65), Mm(100)


def _lines(cell: _Cell, lines: list[tuple[str, bool, bool, int]]) -> None:
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic, size) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)


def centred(document: DocumentObject, text: str, *, bold: bool = True, size: int = 14) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)
    return paragraph


def body(
    document: DocumentObject, text: str = "", *, bold: bool = False, italic: bool = False
) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
    return paragraph


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
