"""The bulletin's .xlsx appendix: the figures and every table of the bulletin (one sheet each, with 序号), then
the ledgers (台账) in the DOMAIN.md §10 layout."""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter

from devzone.reports.content import Bulletin, Table
from devzone.reports.ledgers import Formats, write_cell, write_ledger_sheet

SHEET_NAMES = {"figures": "主要指标", "counties": "县区指标", "county_ranking": "县区排名", "red_projects": "红灯项目",
               "signed_not_started": "签而未落", "overdue_problems": "超期问题", "signed_large": "亿元以上签约",
               "inspection": "观摩评比", "window": "窗口评议"}


def _table_sheet(book, fmt: Formats, bulletin: Bulletin, table: Table) -> None:
    sheet = book.add_worksheet(SHEET_NAMES.get(table.key, table.key)[:31])
    last = len(table.columns)
    sheet.merge_range(0, 0, 0, last, f"{bulletin.period.label}{table.title}", fmt.title)
    sheet.merge_range(1, 0, 1, last, "单位:万元", fmt.unit)
    sheet.set_column(0, 0, 6)
    sheet.write_string(2, 0, "序号", fmt.head)
    for col, column in enumerate(table.columns, start=1):
        sheet.set_column(col, col, column.width)
        sheet.write_string(2, col, column.label, fmt.head)
    row = 3
    for number, values in enumerate(table.rows, start=1):
        sheet.write_number(row, 0, number, fmt.number)
        for col, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            write_cell(sheet, row, col, value, fmt.cell(column.kind))
        row += 1
    if table.total is not None:
        sheet.write_blank(row, 0, None, fmt.total)
        for col, value in enumerate(table.total, start=1):
            write_cell(sheet, row, col, value, fmt.total_money if not isinstance(value, str) else fmt.total)
    sheet.freeze_panes(3, 0)


def write_xlsx(bulletin: Bulletin) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    issued = bulletin.issued_on
    book.set_properties({"title": bulletin.title, "author": bulletin.issuer,
                         "created": datetime(issued.year, issued.month, issued.day)})
    fmt = Formats(book)
    for table in bulletin.tables:
        _table_sheet(book, fmt, bulletin, table)
    for ledger in bulletin.appendix:
        write_ledger_sheet(book, ledger, fmt)
    book.close()
    return buffer.getvalue()
