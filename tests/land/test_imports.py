"""The parcels import: preview (dry run), rejected rows with their Excel row numbers, all-or-none commit,
updates by code, and the export in the same layout."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from devzone.core.errors import DomainError
from devzone.intake.cli import export_command, import_command
from devzone.land.models import Parcel

HEADER = ["序号", "地块编号", "坐落", "县区", "开发区", "面积(亩)", "用途", "批准日期", "征收日期", "供地日期",
          "开工日期", "标准地"]


def workbook(path, rows) -> str:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("地块")
    sheet.write_row(0, 0, ["2026年澜江区地块台账"])
    sheet.write_row(1, 0, HEADER)
    for i, row in enumerate(rows, start=2):
        sheet.write_row(i, 0, [i - 1, *row])
    book.close()
    path.write_bytes(buffer.getvalue())
    return str(path)


GOOD = [
    ["LJ-001", "新桥路北侧", "澜江区", "澜江经开区", 56.5, "工业", "2025-01-10", "2025-03-01", "", "", "是"],
    ["LJ-002", "滨河路东", "新桥街道", "", "2公顷", "仓储", "2025-02-01", "", "", "", "否"],
]
BAD = [
    ["LJ-003", "东山路", "北湖区", "", 10, "工业", "", "", "", "", ""],            # row 5: other county
    ["LJ-004", "南环路", "澜江区", "", 10, "工业", "2025-05-01", "2025-04-01", "", "", ""],  # row 6: dates
]


def run(path, **kwargs) -> str:
    return import_command("parcels", path, **{"username": "county1", "dry_run": False, "mode": "valid", **kwargs})


def test_dry_run_previews_and_names_rejected_rows(org, tmp_path):
    text = run(workbook(tmp_path / "地块.xlsx", GOOD + BAD), dry_run=True)
    assert "第 5 行" in text and "北湖区" in text
    assert "第 6 行" in text and "征收日期 2025-04-01 早于批准日期 2025-05-01" in text
    assert text.endswith("试运行:未写入任何数据。")
    assert not Parcel.objects.exists()


def test_all_or_none(org, tmp_path):
    path = workbook(tmp_path / "地块.xlsx", GOOD + BAD)
    with pytest.raises(DomainError, match="未写入任何数据"):
        run(path, mode="all")
    assert not Parcel.objects.exists()
    run(path, mode="valid")
    parcels = {p.code: p for p in Parcel.objects.all()}
    assert set(parcels) == {"LJ-001", "LJ-002"}
    assert parcels["LJ-001"].zone == org.zone1 and parcels["LJ-001"].standard_land
    assert parcels["LJ-001"].state == "expropriated"
    assert parcels["LJ-002"].area_mu == Decimal("30.00") and parcels["LJ-002"].region == org.town1


def test_reimport_updates_by_code_and_export_round_trips(org, tmp_path):
    run(workbook(tmp_path / "a.xlsx", GOOD))
    changed = [[*GOOD[0][:8], "2025-06-01", "", "是"]]
    text = run(workbook(tmp_path / "b.xlsx", changed))
    assert "更新 1" in text
    assert Parcel.objects.get(code="LJ-001").supplied_on == date(2025, 6, 1)
    out = tmp_path / "out.xlsx"
    assert "已导出地块 2 行" in export_command("parcels", str(out), username="county1")
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    flat = [str(c) for row in rows for c in row]
    assert "LJ-001" in flat and "LJ-002" in flat
    assert "已导出地块 0 行" in export_command("parcels", str(out), username="county2")
