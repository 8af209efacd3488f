"""Policy applications through the Excel import: rows in every state reach it through the services (due
dates computed, lateness kept); bad rows are named; the export reads back in as updates."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter

from devzone.intake import services as intake
from devzone.policies.models import Application

KIND = "policy-applications"
HEADER = ["统一社会信用代码", "企业名称", "政策名称", "条款", "申报日期", "申报金额", "状态", "核定金额", "审核日期",
          "兑付金额", "兑付日期", "未通过理由"]


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
def file_rows(org, policy, make_enterprise):
    a, b, c, d = (make_enterprise() for _ in range(4))
    other = make_enterprise(region=org.county2)
    return [
        ["政策兑现台账"], HEADER,
        [a.credit_code, a.name, "十章34条", "第5条", "2026-02-01", 100, "已申报", None, None, None, None, None],
        [b.credit_code, b.name, "十章34条", "第5条", "2026-02-01", 200, "已审核", 150, "2026-03-01", None, None, None],
        [c.credit_code, c.name, "十章34条", "第12条", "2026-02-01", 50, "已兑付", 50, "2026-02-10", 50,
         "2026-05-01", None],
        [d.credit_code, d.name, "十章34条", "第5条", "2026-02-01", 80, "未通过", None, None, None, None, "重复申报"],
        [other.credit_code, other.name, "十章34条", "第5条", "2026-02-01", 80, None, None, None, None, None, None],
        [a.credit_code, a.name, "十章34条", "第9条", "2026-02-01", 80, None, None, None, None, None, None],
        [b.credit_code, b.name, "十章34条", "第5条", "2026-02-02", 80, "已兑付", 80, "2026-03-01", None, None, None],
    ]


def test_rows_in_every_state_go_through_the_services(org, file_rows):
    data = xlsx(file_rows)
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=data, filename="兑现.xlsx")
    assert [r.row for r in parsed.valid] == [3, 4, 5, 6]
    reasons = {r.row: ";".join(r.reasons) for r in parsed.rejected}
    assert "不在您的管辖范围内" in reasons[7] and "没有条款「第9条」" in reasons[8]
    assert "须填写兑付金额、兑付日期" in reasons[9]
    assert Application.objects.count() == 0
    batch, _ = intake.import_file(actor=org.county1_user, kind=KIND, data=data, filename="兑现.xlsx", mode="valid")
    assert batch.created_count == 4
    states = dict(Application.objects.values_list("claimed_amount", "status"))
    assert states == {Decimal("100.00"): "submitted", Decimal("200.00"): "approved", Decimal("50.00"): "paid",
                      Decimal("80.00"): "rejected"}
    approved = Application.objects.get(status="approved")
    assert approved.due_date == date(2026, 3, 31) and approved.approved_amount == Decimal("150")
    paid = Application.objects.get(status="paid")
    assert paid.due_date == date(2026, 4, 11) and paid.days_late(date(2026, 12, 31)) == 20


def test_later_file_moves_states_forward_and_export_round_trips(org, file_rows):
    intake.import_file(actor=org.county1_user, kind=KIND, data=xlsx(file_rows[:6]), filename="1.xlsx", mode="all")
    rows = [file_rows[0], file_rows[1], list(file_rows[3])]
    rows[2][6:11] = ["已兑付", 150, "2026-03-01", 150, "2026-03-20"]
    batch, _ = intake.import_file(actor=org.county1_user, kind=KIND, data=xlsx(rows), filename="2.xlsx", mode="all")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert Application.objects.get(claimed_amount=200).status == "paid"
    content, count = intake.export_workbook(actor=org.county1_user, kind=KIND)
    assert count == 4
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=content, filename="导出.xlsx")
    assert len(parsed.valid) == 4 and not parsed.rejected and parsed.counts()["update"] == 4
    backwards = [file_rows[0], file_rows[1], [*file_rows[2][:6], "已申报"]]
    backwards[2][0] = file_rows[3][0]
    backwards[2][1], backwards[2][5] = file_rows[3][1], 200
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=xlsx(backwards), filename="3.xlsx")
    assert parsed.rejected and "不能退回" in parsed.rejected[0].reasons[0]
