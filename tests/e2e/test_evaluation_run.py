"""In a real browser: the project office starts a per-mu evaluation, watches it finish, sees the charts drawn
under the CSP, opens an explanation and publishes; a county user then sees its own county only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests_support import PASSWORD

from devzone.core import jobs
from devzone.core.models import Job
from devzone.evaluation.models import EvaluationRun

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
YEAR = 2025


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_city_runs_publishes_and_county_reads(org, make_enterprise, page, browser, live_server):
    for region, tax in [(org.county1, 300), (org.county1, 120), (org.county1, 60), (org.county2, 200),
                        (org.county2, 90)]:
        make_enterprise(region=region, above_size=True, production_start_year=2012, years={YEAR: {
            "tax": Decimal(tax), "land_mu": Decimal(40), "value_added": Decimal(tax * 4), "employees": 80,
            "energy_tce": Decimal(300), "emission_eq": Decimal(5), "rd_expense": Decimal(10),
            "revenue": Decimal(3000)}})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    _sign_in(page, "city")
    page.goto("/evaluation/")
    page.get_by_test_id("new-run").click()
    page.select_option("#id_scheme", "mujun")
    page.fill("#id_year", str(YEAR))
    page.click("form[data-testid=run-form] button[type=submit]")
    page.wait_for_url("**/evaluation/runs/*/")
    run = EvaluationRun.objects.get()
    status = page.get_by_test_id("run-status")
    assert status.get_attribute("data-status") == "queued"

    jobs.run_job(run.job_id)  # what `devzone worker` does; the page polls and reloads by itself
    assert Job.objects.get(pk=run.job_id).status == Job.Status.SUCCEEDED
    page.wait_for_selector("[data-testid=publish]", timeout=15_000)
    page.wait_for_selector("[data-testid=chart-county][data-drawn='1']")
    page.wait_for_selector("[data-testid=chart-industry][data-drawn='1']")
    assert page.get_by_test_id("total").inner_text() == "共 5 条"

    page.locator("table.dz-table tbody a").first.click()
    page.wait_for_url("**/rows/*/")
    page.wait_for_selector("[data-testid=chart-box][data-drawn='1']")
    assert page.get_by_test_id("indicators").locator("tbody tr").count() == 6
    page.go_back()
    page.get_by_test_id("publish").click()
    page.wait_for_selector("[data-testid=unpublish]")
    assert page.get_by_test_id("published-badge").inner_text() == "已发布"
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors

    county = browser.new_context(base_url=live_server.url, locale="zh-CN")
    county_page = county.new_page()
    _sign_in(county_page, "county1")
    county_page.goto(f"/evaluation/runs/{run.pk}/")
    assert county_page.get_by_test_id("total").inner_text() == "共 3 条"
    assert county_page.locator("[data-testid=publish]").count() == 0
    county.close()
