"""Excel export: a title row, a unit row, a header row, then data; formula-like text is escaped."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportColumn:
    label: str
    width: int = 14
    number_format: str | None = None  # e.g. "#,##0.00" for 万元


def write_xlsx(*, title: str, columns: Sequence[ExportColumn], rows: Iterable[Sequence], unit: str = "",
               sheet_name: str = "Sheet1") -> bytes:
    """A workbook as bytes (constant memory: rows are streamed to the file as they come)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(sheet_name[:31])
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head_fmt = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center",
                                "valign": "vcenter", "text_wrap": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    num_fmts = {c.number_format: book.add_format({"num_format": c.number_format})
                for c in columns if c.number_format}
    last_col = max(len(columns) - 1, 0)
    sheet.merge_range(0, 0, 0, last_col, title, title_fmt) if last_col else sheet.write(0, 0, title, title_fmt)
    sheet.write(1, 0, unit)
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write(2, col, column.label, head_fmt)
    for r, row in enumerate(rows, start=3):
        for col, value in enumerate(row):
            _write_cell(sheet, r, col, value, columns[col], num_fmts, date_fmt)
    sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(sheet, row: int, col: int, value, column: ExportColumn, num_fmts: dict, date_fmt) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(row, col, float(value), num_fmts.get(column.number_format))
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value.replace(tzinfo=None) if isinstance(value, datetime) else value,
                             date_fmt)
    else:
        sheet.write_string(row, col, str(escape_cell(str(value))))


def money(value) -> Decimal | None:
    """万元 to two places (SQLite hands back computed decimals unscaled)."""
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))
