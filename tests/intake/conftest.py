"""Fixtures for the Excel import tests: workbooks are generated here with XlsxWriter (no binaries in git)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
from django.test import Client
from tests_support import make_credit_code

from devzone.core.services import api_token_create
from devzone.enterprises.credit_code import check_character


def bad_check_digit(code: str) -> str:
    """The same code with a wrong 18th character."""
    wrong = "0" if code[17] != "0" else "1"
    return code[:17] + wrong


def build_xlsx(rows: Sequence[Sequence], *, merges: Sequence[tuple[int, int, int, int, object]] = (),
               sheet: str = "Sheet1", extra_sheets: dict[str, Sequence[Sequence]] | None = None) -> bytes:
    """A workbook from rows of values (None = blank); merges are (first_row, first_col, last_row, last_col,
    value) with 0-based indexes. Strings are written as text, never turned into formulas."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, content in {sheet: rows, **(extra_sheets or {})}.items():
        worksheet = book.add_worksheet(name)
        for r, row in enumerate(content):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, date):
                    worksheet.write_datetime(r, c, value, date_format)
                elif isinstance(value, str):
                    worksheet.write_string(r, c, value)
                else:
                    worksheet.write(r, c, value)
        if name == sheet:
            for r0, c0, r1, c1, value in merges:
                worksheet.merge_range(r0, c0, r1, c1, value)
    book.close()
    return buffer.getvalue()


@dataclass
class Ledger:
    """The messy county ledger and what it holds."""

    content: bytes
    code_a: str
    code_b: str
    bad_code: str
    unknown_code: str
    neighbour_code: str
    injected_code: str
    existing: object


@pytest.fixture
def messy_ledger(org, make_enterprise) -> Ledger:
    """A county-style ledger: title, unit row in 亿元, two-row merged header with synonyms, group rows, a blank
    row, numbers as text, a bad credit code, a duplicate, an unknown county, a neighbour's county, a
    formula-injection cell, an update of an existing enterprise, a total row and a footer note.

    Excel rows: 6 create, 8 bad code, 9 create (township), 11 duplicate of 6, 12 unknown county,
    13 out of jurisdiction, 14 formula injection, 15 update; 1–4 title/unit/header, 5 and 10 groups,
    7 blank, 16 total, 17 note.
    """
    existing = make_enterprise(name="澜江老厂", years={2025: {"tax": 100, "revenue": 2000, "land_mu": 50}})
    code_a, code_b = make_credit_code("990102"), make_credit_code("990102")
    bad = bad_check_digit(make_credit_code("990102"))
    unknown, neighbour, injected = (make_credit_code("990102"), make_credit_code("990103"),
                                    make_credit_code("990102"))
    header_top = ["序号", "信用代码", "企业名称", "县(市、区)", "所属园区", "行业", "规模", "是否规上", "高企",
                  None, None, None, None, "备注"]
    header_bottom = [None] * 9 + ["营业收入", "实缴税金", "用地面积(亩)", "从业人员", None]
    rows = [
        [],
        ["单位:亿元"] + [None] * 12 + ["填报日期:2026年1月10日"],
        header_top,
        header_bottom,
        [],
        [1, code_a, "澜江瑞丰纺织有限公司", "澜江区", "澜江经开区", "C17", "中型", "是", "否", "1.25", "3500万",
         "1,234.5", 356, None],
        [],
        [2, bad, "错码企业有限公司", "澜江区", None, "C17", "小型", "否", "否", 0.5, 0.01, 20, 30, None],
        [3, code_b, "新桥精密机械有限公司", "新桥街道", None, "3411", "小型", "√", "×", "1.2亿", 0.05, "８６.５",
         "1,200", "新设"],
        [],
        [4, code_a, "澜江瑞丰纺织有限公司", "澜江区", "澜江经开区", "C17", "中型", "是", "否", 1.3, 0.4, 1234.5, 360,
         "重复填报"],
        [5, unknown, "东山县远大化工有限公司", "东山县", None, "C26", "小型", "否", "否", 0.2, 0.01, 30, 40, None],
        [6, neighbour, "北湖新材料有限公司", "北湖区", None, "C30", "小型", "否", "否", 0.3, 0.02, 40, 50, None],
        [7, injected, '=HYPERLINK("http://evil.example/x","点击领取")', "澜江区", None, "C17", "小型", "否", "否",
         0.1, 0.01, 10, 20, None],
        [8, existing.credit_code, "澜江老厂有限公司", "澜江区", None, "C17", "大型", "是", "是", "2", "—", 50, 120,
         None],
        ["合计", None, None, None, None, None, None, None, None, 6.85, 0.87, 2717, 2176, None],
        ["填报人:张三    审核人:李四"],
    ]
    merges = [(0, 0, 0, 13, "2025年度澜江区重点工业企业台账"), (2, 9, 2, 12, "2025年主要经济指标"),
              (4, 0, 4, 13, "一、制造业企业(3家)"), (9, 0, 9, 13, "(二)其他企业")]
    merges += [(2, c, 3, c, header_top[c]) for c in (0, 1, 2, 3, 4, 5, 6, 7, 8, 13)]
    return Ledger(content=build_xlsx(rows, merges=merges), code_a=code_a, code_b=code_b, bad_code=bad,
                  unknown_code=unknown, neighbour_code=neighbour, injected_code=injected, existing=existing)


def build_ods(rows: Sequence[Sequence], sheet: str = "Sheet1") -> bytes:
    """A minimal OpenDocument spreadsheet (mimetype stored first, content.xml, manifest)."""
    def cell(value) -> str:
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    namespaces = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
                  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@pytest.fixture
def make_ods() -> Callable[..., bytes]:
    return build_ods


@pytest.fixture
def make_xlsx() -> Callable[..., bytes]:
    """make_xlsx(rows, merges=..., sheet=..., extra_sheets=...) → workbook bytes (see build_xlsx)."""
    return build_xlsx


@pytest.fixture
def simple_rows(org) -> Callable[..., list[list]]:
    """simple_rows(n, region="澜江区") → a one-row-header enterprise sheet with n valid rows."""

    def make(n: int, region: str = "澜江区", year: int = 2025) -> list[list]:
        rows = [["企业名录"], ["单位:万元"],
                ["序号", "统一社会信用代码", "企业名称", "所在县区", "行业代码", "年度", "营业收入", "实缴税金"]]
        for i in range(n):
            body = "91990102" + f"{i:09d}"
            code = body + check_character(body)
            rows.append([i + 1, code, f"批量企业{i}有限公司", region, "C17", year, 1000 + i, 50 + i])
        return rows

    return make


@pytest.fixture
def api_client(org) -> Callable:
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
