"""The bulletin as a Word document laid out like a government document (公文): a red header (红头) with the
issuing office and a red rule, the document number (文号, left as a placeholder to fill in), the title, the body
in 仿宋 (FangSong; Word falls back when the font is missing), numbered sections 一、二、…, tables with a 序号
column, charts as images, and the issuing office and date at the end."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from devzone.reports.charts import chart_png
from devzone.reports.content import Bulletin, Table, cn_date, display

BODY_FONT = "仿宋"          # 仿宋_GB2312 on older systems; Word substitutes when absent
BODY_FONT_LATIN = "FangSong"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None,
          latin: str | None = None) -> None:
    run.font.name = latin or name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               align=None, color: RGBColor | None = None, indent: bool = False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(text), font, size, bold=bold, color=color,
          latin=BODY_FONT_LATIN if font == BODY_FONT else None)
    return paragraph


def _red_rule(paragraph) -> None:
    """A red line under the paragraph (the 红头 separator), drawn as a bottom border."""
    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    properties.append(borders)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    _font(paragraph.add_run(text), BODY_FONT, 10.5, bold=bold, latin=BODY_FONT_LATIN)


def _table(document, table: Table) -> None:
    _paragraph(document, table.title, font=HEADING_FONT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    if not table.rows:
        _paragraph(document, table.empty, size=14, indent=True)
        return
    grid = document.add_table(rows=1, cols=len(table.columns) + 1)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(grid.rows[0].cells, ["序号", *(c.label for c in table.columns)], strict=True):
        _cell(cell, label, bold=True)
    for number, row in enumerate(table.rows, start=1):
        cells = grid.add_row().cells
        _cell(cells[0], str(number))
        for cell, column, value in zip(cells[1:], table.columns, row, strict=True):
            _cell(cell, display(value, column.kind),
                  align=WD_ALIGN_PARAGRAPH.LEFT if column.kind == "text" else WD_ALIGN_PARAGRAPH.RIGHT)
    if table.total is not None:
        cells = grid.add_row().cells
        _cell(cells[0], "")
        for cell, column, value in zip(cells[1:], table.columns, table.total, strict=True):
            _cell(cell, display(value, column.kind), bold=True)


def _header(document, bulletin: Bulletin) -> None:
    _paragraph(document, bulletin.issuer, font=TITLE_FONT, size=26, bold=True, color=RED,
               align=WD_ALIGN_PARAGRAPH.CENTER)
    number = _paragraph(document, bulletin.doc_number, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _paragraph(document, "", size=10)
    _paragraph(document, bulletin.title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "各县(市、区)人民政府,市直有关单位:", size=16)


def write_docx(bulletin: Bulletin) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    properties = document.core_properties
    properties.title, properties.author = bulletin.title, bulletin.issuer
    stamp = datetime(bulletin.issued_on.year, bulletin.issued_on.month, bulletin.issued_on.day)
    properties.created = properties.modified = stamp
    properties.last_modified_by, properties.revision = bulletin.issuer, 1
    _header(document, bulletin)
    for number, part in bulletin.numbered_sections:
        _paragraph(document, f"{number}{part.title}", font=HEADING_FONT, size=16, indent=True)
        for text in part.paragraphs:
            _paragraph(document, text, indent=True)
        for table in part.tables:
            _table(document, table)
        for chart in part.charts:
            document.add_picture(io.BytesIO(chart_png(chart)), width=Cm(15))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, "", size=16)
    _paragraph(document, bulletin.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, cn_date(bulletin.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
