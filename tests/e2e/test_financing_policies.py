"""In a real browser: the financing KPI board draws its bar chart and a number leads to its needs; an overdue
policy payment shows its dispatch problem and is paid through the form."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from tests_support import PASSWORD

from devzone.finance import services as finance
from devzone.policies import services as policies

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_kpi_chart_and_linked_rows(org, make_enterprise, page):
    bank = finance.bank_create(actor=org.admin, data={"name": "云澜银行", "kind": "city"})
    met = finance.need_create(actor=org.admin, data={"enterprise": make_enterprise(name="澜江已满足有限公司"),
                                                     "amount": Decimal("100"), "purpose": "流动资金",
                                                     "term_months": 12, "raised_on": date(2026, 2, 1)})
    finance.need_create(actor=org.admin, data={"enterprise": make_enterprise(name="澜江待对接有限公司"),
                                               "amount": Decimal("300"), "purpose": "设备", "term_months": 12,
                                               "raised_on": date(2026, 2, 1)})
    finance.loan_create(actor=org.admin, data={"need": met, "bank": bank, "amount": Decimal("100"),
                                               "granted_on": date(2026, 3, 1)})
    _login(page, "city")
    page.goto("/financing/kpis/?as_of=2026-06-30")
    page.wait_for_selector("[data-testid=kpi-chart] canvas")
    page.get_by_test_id("num-count_met").first.click()
    page.wait_for_url("**kpi=count_met**")
    assert page.get_by_test_id("total").inner_text() == "共 1 条"
    assert page.get_by_role("link", name="澜江已满足有限公司").is_visible()


def test_overdue_payment_problem_then_paid(org, make_enterprise, page):
    today = timezone.localdate()
    package = policies.policy_create(actor=org.city_user, data={
        "name": "十章34条", "issuer": "云澜市人民政府", "issued_on": today - timedelta(days=400), "region": org.city})
    clause = policies.clause_create(actor=org.city_user, policy=package, data={
        "number": "第5条", "title": "技术改造奖补", "payment_days": 30})
    app = policies.application_create(actor=org.city_user, data={
        "enterprise": make_enterprise(name="澜江逾期有限公司"), "clause": clause,
        "applied_on": today - timedelta(days=60), "claimed_amount": Decimal("100")})
    policies.application_approve(actor=org.city_user, application=app, amount=Decimal("80"),
                                 approved_on=today - timedelta(days=40))
    policies.policy_overdue_sweep(now=timezone.now())
    _login(page, "county1")
    page.goto(f"/policies/applications/{app.pk}/")
    assert "10" in page.get_by_test_id("overdue").inner_text()
    assert page.get_by_test_id("problem-link").is_visible()
    page.get_by_test_id("pay-form").get_by_role("button").click()
    page.wait_for_selector("[data-testid=status]")
    assert page.get_by_test_id("status").inner_text() == "已兑付"
