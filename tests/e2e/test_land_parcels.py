"""In a real browser: county1 registers a parcel, sees it under 批而未征, records a disposal action and tracks
it to done; the paid swap form refuses an overdraw for the city."""

from __future__ import annotations

from datetime import date

import pytest
from tests_support import PASSWORD

from devzone.land import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_parcel_to_disposal_done(org, page):
    _login(page, "county1")
    page.goto("/land/parcels/new/")
    page.fill("#id_code", "LJ-E2E-1")
    page.fill("#id_name", "新桥路北侧")
    page.select_option("#id_region", str(org.county1.pk))
    page.fill("#id_area_mu", "35.5")
    page.fill("#id_approved_on", "2025-03-01")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/land/parcels/*/")
    assert page.get_by_test_id("state").inner_text().strip() == "已批"

    page.goto("/land/parcels/?category=approved_not_expropriated")
    assert page.get_by_role("link", name="LJ-E2E-1").is_visible()
    page.get_by_role("link", name="LJ-E2E-1").click()
    page.select_option("select[name=category]", "approved_not_expropriated")
    page.select_option("select[name=action]", "rectify")
    page.fill("input[name=responsible]", "澜江区自然资源局")
    page.get_by_role("button", name="添加处置措施").click()
    assert "整改" in page.get_by_test_id("disposals").inner_text()
    page.select_option("[data-testid=disposals] select[name=status]", "done")
    page.fill("[data-testid=disposals] input[name=done_on]", date.today().isoformat())
    page.fill("[data-testid=disposals] textarea[name=result]", "已完成征收")
    page.get_by_role("button", name="更新").click()
    assert "已完成征收" in page.get_by_test_id("disposals").inner_text()


def test_swap_overdraw_is_refused(org, page):
    year = date.today().year
    source = services.account_for(year=year, region=org.county1)
    target = services.account_for(year=year, region=org.county2)
    services.quota_grant(actor=org.city_user, account=source, area_mu=20, on=date.today())
    _login(page, "city")
    page.goto("/land/quotas/transfer/")
    page.select_option("#id_source", str(source.pk))
    page.select_option("#id_target", str(target.pk))
    page.fill("#id_area_mu", "25")
    page.fill("#id_price_per_mu", "12")
    page.click("form.card button[type=submit]")
    page.get_by_text("余额不足(余额 20.00 亩)").wait_for()
    page.fill("#id_area_mu", "15")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"**/land/quotas/{source.pk}/")
    assert page.get_by_test_id("balance").inner_text().strip() == "5.00"
