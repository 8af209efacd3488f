"""The indicator adapter of the Excel import: both layouts (months across; one month with indicators down),
units, bad rows with their Excel row numbers, jurisdiction, preview-then-commit (valid rows or all-or-none)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from tests_support import xlsx_bytes

from devzone.core.errors import ValidationFailed
from devzone.core.models import AuditEvent
from devzone.indicators.models import IndicatorValue
from devzone.intake import services as intake

KIND = "indicators"


xlsx = xlsx_bytes


MONTHS = ["1月", *[f"1-{n}月" for n in range(2, 11)]]


@pytest.fixture
def months_across(org, ind) -> bytes:
    """Layout A for 澜江区 (named in the title). Excel rows: 1 title, 2 unit note, 3 header; 4–6 valid, 7 a
    quarterly figure in April, 8 unknown indicator, 9 wrong unit, 10 unreadable cell, 11 formula injection,
    12 duplicate of 4, 13 total (skipped)."""
    rows = [
        ["2026年澜江区主要经济指标"],
        ["填报单位:澜江区统计局"],
        ["序号", "指标名称", "单位", *MONTHS, "同比增长(%)"],
        [1, "固定资产投资(500万元以上)", "亿元", *[10 * n for n in range(1, 11)], 8.5],
        [2, "一般公共预算收入", "亿元", *[0.5 * n for n in range(1, 11)], None],
        [3, "规模以上工业增加值", "亿元", "3500万", "0.8亿", *[None] * 8, "6.1%"],
        [4, "地区生产总值", "亿元", None, None, 150, 160, *[None] * 6, None],
        [5, "数字经济核心产业增加值", "亿元", 1, 2, *[None] * 8, None],
        [6, "税收收入", "万美元", 1, 2, *[None] * 8, None],
        [7, "社会消费品零售总额", "亿元", 8, "八点五", *[None] * 8, None],
        [8, "进出口总额", "亿元", "=cmd|' /C calc'!A0", *[None] * 9, None],
        [9, "固定资产投资", "亿元", 11, *[None] * 9, None],
        ["合计", None, None, *[None] * 10, None],
    ]
    return xlsx(rows)


def test_months_across_preview_names_every_bad_row(org, ind, months_across):
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=months_across, filename="月度.xlsx")
    assert [row.row for row in parsed.valid] == [4, 5, 6]
    reasons = {row.row: ";".join(row.reasons) for row in parsed.rejected}
    assert set(reasons) == {7, 8, 9, 10, 11, 12}
    assert "4月不应有数值" in reasons[7]
    assert "不在指标目录中" in reasons[8]
    assert "单位「万美元」" in reasons[9]
    assert "八点五" in reasons[10] and "E 列" in reasons[10]
    assert "公式注入" in reasons[11]
    assert "与第 4 行重复" in reasons[12]
    assert IndicatorValue.objects.count() == 0  # a preview writes nothing
    fixed = parsed.valid[0].data
    assert fixed["place"] == org.county1 and fixed["source"] == "reported" and len(fixed["figures"]) == 10
    budget = dict(parsed.valid[1].data["figures"])
    assert budget[next(iter(budget))] == Decimal("5000.0000")  # 0.5 亿元 → 万元
    industry = parsed.valid[2].data
    assert [str(v) for _p, v in industry["figures"]] == ["0.3500", "0.8000"]  # "3500万", "0.8亿" in 亿元
    assert industry["stated_growth"] == Decimal("6.1")


def test_months_across_commit_valid_rows(org, ind, months_across):
    batch = intake.batch_create(actor=org.county1_user, kind=KIND, data=months_across, filename="月度.xlsx")
    intake.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
    values = IndicatorValue.objects.filter(region=org.county1)
    assert values.count() == 10 + 10 + 2
    october = values.get(indicator__code="fixed_investment", year=2026, month=10)
    assert (october.value, october.stated_growth, october.channel, october.entered_by) == (
        Decimal("100"), Decimal("8.5"), "import", org.county1_user)
    assert values.get(indicator__code="fixed_investment", month=9).stated_growth is None
    assert AuditEvent.objects.filter(object_type="indicators.indicatorvalue", action="create").count() == 22


def test_all_or_none_writes_nothing_when_a_row_is_bad(org, ind, months_across):
    with pytest.raises(ValidationFailed):
        intake.import_file(actor=org.county1_user, kind=KIND, data=months_across, filename="月度.xlsx", mode="all")
    assert IndicatorValue.objects.count() == 0


MONTH_DOWN = [
    ["2026年1-10月各县区主要经济指标完成情况"],
    ["县区", "指标", "单位", "本月", "累计", "同比增长(%)"],
    ["澜江区", "固定资产投资", "亿元", 12, 120, 20.0],
    ["澜江区", "工业用电量", "万千瓦时", 5100, 48000, 3.2],
    ["澜江区", "税收占比", "%", None, 72.5, None],
    ["北湖区", "固定资产投资", "亿元", 21, "2100000万", 5.0],
    ["新城区", "固定资产投资", "亿元", 1, 10, None],
    ["澜江区", "社会消费品零售总额", "亿元", 9, None, None],
]


def test_one_month_with_indicators_down(org, ind):
    parsed = intake.preview_file(actor=org.city_user, kind=KIND, data=xlsx(MONTH_DOWN), filename="月报.xlsx")
    assert [row.row for row in parsed.valid] == [3, 4, 5, 6]
    reasons = {row.row: ";".join(row.reasons) for row in parsed.rejected}
    assert "未找到地区「新城区」" in reasons[7]
    assert "请填写「累计」" in reasons[8]  # a year-to-date indicator needs its cumulative figure
    intake.import_file(actor=org.city_user, kind=KIND, data=xlsx(MONTH_DOWN), filename="月报.xlsx", mode="valid")
    got = {(v.region.name, v.indicator.code): (v.year, v.month, v.value, v.stated_growth)
           for v in IndicatorValue.objects.select_related("region", "indicator")}
    assert got[("澜江区", "fixed_investment")] == (2026, 10, Decimal("120"), Decimal("20"))
    assert got[("澜江区", "industrial_power")] == (2026, 10, Decimal("5100"), Decimal("3.2"))  # a month indicator
    assert got[("澜江区", "tax_share")][2] == Decimal("72.5")
    assert got[("北湖区", "fixed_investment")][2] == Decimal("210")  # 2100000万 → 亿元


def test_county_import_is_limited_to_its_county_and_to_reported_figures(org, ind):
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=xlsx(MONTH_DOWN), filename="月报.xlsx")
    reasons = {row.row: ";".join(row.reasons) for row in parsed.rejected}
    assert "不在您的管辖范围内" in reasons[6]
    official = xlsx([["2026年1-10月主要经济指标"], ["指标", "单位", "累计", "数据来源"],
                     ["固定资产投资", "亿元", 120, "统计局"]])
    refused = intake.preview_file(actor=org.county1_user, kind=KIND, data=official, filename="统计.xlsx")
    assert "只有统计部门" in refused.rejected[0].reasons[0]
    accepted = intake.preview_file(actor=ind.stats, kind=KIND, data=official, filename="统计.xlsx")
    assert not accepted.rejected and accepted.valid[0].data["place"] == org.city  # the bureau's own city
    assert any("记入您所在的云澜市" in message for _row, message in accepted.warnings)


def test_reimport_updates_and_export_reads_back(org, ind):
    content = xlsx([["2026年澜江区主要经济指标"], ["指标名称", "单位", "1月", "1-2月"],
                    ["固定资产投资", "亿元", 10, 20]])
    intake.import_file(actor=org.county1_user, kind=KIND, data=content, filename="a.xlsx", mode="all")
    again = xlsx([["2026年澜江区主要经济指标"], ["指标名称", "单位", "1月", "1-2月"],
                  ["固定资产投资", "亿元", 10, 22]])
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=again, filename="a.xlsx")
    assert parsed.valid[0].update
    batch, _parsed = intake.import_file(actor=org.county1_user, kind=KIND, data=again, filename="a.xlsx", mode="all")
    assert (batch.created_count, batch.updated_count) == (0, 2)
    assert IndicatorValue.objects.get(month=2).value == Decimal("22")
    content, count = intake.export_workbook(actor=org.county1_user, kind=KIND)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert count == 1 and rows[2][:8] == ["序号", "地区", "指标名称", "单位", "数据来源", "年度", "1月", "2月"]
    reread = intake.preview_file(actor=org.county1_user, kind=KIND, data=content, filename="export.xlsx")
    assert len(reread.valid) == 1 and not reread.rejected and reread.valid[0].update


