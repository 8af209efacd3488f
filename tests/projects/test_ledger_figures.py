"""The ledger's computed shares on both databases: 占年度计划% and the time-sequence lag are exact decimals, never
integer division (SQLite stores whole-valued decimals as integers)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.projects import selectors, services


@pytest.mark.parametrize(("ytd", "plan", "percent", "lag"), [
    (Decimal("100"), Decimal("1200"), Decimal("8.3333"), Decimal("75")),  # Oct: 1000 expected
    (Decimal("999"), Decimal("1000"), Decimal("99.9"), Decimal("-16.5667")),
])
def test_plan_share_and_lag_are_exact(org, make_project, ytd, plan, percent, lag):
    project = make_project(total_investment=Decimal("50000"))
    services.project_year_plan_set(actor=org.admin, project=project, year=2026, planned_investment=plan)
    report = services.report_submit(actor=org.county1_user, project=project, period="2026-09", investment_month=ytd)
    services.report_approve(actor=org.city_user, report=report)
    row = selectors.project_list(user=org.city_user, as_of=date(2026, 10, 31)).get(pk=project.pk)
    assert row.plan_percent.quantize(Decimal("0.0001")) == percent.quantize(Decimal("0.0001"))
    assert row.lag_points.quantize(Decimal("0.0001")) == lag.quantize(Decimal("0.0001"))
    assert row.light == ("red" if lag >= 20 else "green")
