"""Financing needs through the Excel import: preview names every bad row, commit writes all valid rows or none,
a second import of the same rows updates, export reads back in; CLI import --dry-run."""

from __future__ import annotations

import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from devzone.core.errors import ValidationFailed
from devzone.finance.models import FinancingNeed
from devzone.intake import services as intake
from devzone.intake.cli import import_command

KIND = "financing-needs"


def xlsx(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


@pytest.fixture
def needs_file(org, make_enterprise):
    """Rows 4–5 valid (one in 元 → 万元), 6 another county's enterprise, 7 a bad amount, 8 duplicate of 4,
    9 a formula."""
    mine, second = make_enterprise(), make_enterprise()
    other = make_enterprise(region=org.county2)
    rows = [
        ["2026年融资需求汇总表"],
        ["单位:万元"],
        ["序号", "统一社会信用代码", "企业名称", "融资需求金额", "融资用途", "期限(月)", "提出日期"],
        [1, mine.credit_code, mine.name, 800, "购置设备", 36, "2026-02-01"],
        [2, second.credit_code, second.name, "3000000元", "流动资金", 12, "2026年3月5日"],
        [3, other.credit_code, other.name, 500, "流动资金", 12, "2026-02-01"],
        [4, mine.credit_code, mine.name, "很多", "厂房", 12, "2026-02-01"],
        [5, mine.credit_code, mine.name, 900, "购置设备", 24, "2026-02-01"],
        [6, second.credit_code, "=cmd|' /C calc'!A0", 10, "x", 12, "2026-02-01"],
    ]
    return xlsx(rows), mine, second


def test_preview_then_commit_all_valid_rows(org, needs_file):
    data, mine, second = needs_file
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=data, filename="需求.xlsx")
    assert [r.row for r in parsed.valid] == [4, 5]
    reasons = {r.row: ";".join(r.reasons) for r in parsed.rejected}
    assert set(reasons) == {6, 7, 8, 9}
    assert "不在您的管辖范围内" in reasons[6] and "很多" in reasons[7] and "与第 4 行是同一需求" in reasons[8]
    assert "公式注入" in reasons[9]
    assert FinancingNeed.objects.count() == 0
    with pytest.raises(ValidationFailed):  # all-or-none refuses a file with rejected rows
        intake.import_file(actor=org.county1_user, kind=KIND, data=data, filename="需求.xlsx", mode="all")
    assert FinancingNeed.objects.count() == 0
    batch, _parsed = intake.import_file(actor=org.county1_user, kind=KIND, data=data, filename="需求.xlsx",
                                        mode="valid")
    assert (batch.created_count, batch.updated_count) == (2, 0)
    assert FinancingNeed.objects.get(enterprise=second).amount == 300  # 3,000,000 元 = 300 万元
    assert FinancingNeed.objects.get(enterprise=mine).region == org.county1


def test_reimport_of_the_export_updates(org, login, make_need):
    need = make_need(amount="120")
    content, rows = intake.export_workbook(actor=org.county1_user, kind=KIND)
    assert rows == 1
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert any(need.enterprise.name in [str(c) for c in row] for row in sheet)
    batch, _parsed = intake.import_file(actor=org.county1_user, kind=KIND, data=content, filename="导出.xlsx",
                                        mode="all")
    assert (batch.created_count, batch.updated_count) == (0, 1) and FinancingNeed.objects.count() == 1


def test_cli_dry_run_writes_nothing(org, needs_file, tmp_path):
    data, _mine, _second = needs_file
    path = tmp_path / "needs.xlsx"
    path.write_bytes(data)
    text = import_command(KIND, str(path), username="county1", dry_run=True, mode="valid")
    assert "有效 2" in text and "拒绝 4" in text and "试运行" in text
    assert FinancingNeed.objects.count() == 0
