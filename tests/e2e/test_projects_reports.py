"""In a real browser: county1 submits a project's monthly report with a site photo, the city project office
finds it in the approval queue and approves it; the approved figure then counts in the ledger."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tests_support import PASSWORD

from devzone.projects import services
from devzone.projects.models import ProgressReport
from devzone.projects.samplefiles import site_photo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert username in page.get_by_test_id("current-user").inner_text()


def test_county_submits_and_city_approves(org, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    project = services.project_create(actor=org.admin, data={
        "name": "澜江智能装备产业园项目", "region": org.county1, "total_investment": Decimal("30000"),
        "owner_name": "澜江智能装备有限公司"})
    month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    taken = month + timedelta(days=9)

    sign_in(page, "county1")
    page.goto(f"/projects/{project.pk}/")
    page.get_by_test_id("new-report").click()
    page.fill("#id_period", f"{month:%Y-%m}")
    page.fill("#id_investment_month", "350")
    page.fill("#id_image_percent", "30")
    page.fill("#id_image_progress", "主体结构施工至三层")
    page.fill("#id_problems", "施工用电增容待协调")
    page.set_input_files("#id_photos", files=[{
        "name": "现场.jpg", "mimeType": "image/jpeg",
        "buffer": site_photo(5, taken_at=datetime(taken.year, taken.month, taken.day, 9, 0))}])
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/projects/reports/*/")
    assert page.get_by_test_id("report-status").inner_text() == "已提交,待审核"
    photo = page.get_by_test_id("photos").locator("img")
    assert photo.count() == 1 and photo.evaluate("img => img.naturalWidth") == 64  # served and decodable
    page.get_by_role("button", name="退出").click()

    sign_in(page, "city")
    page.goto("/projects/reports/")
    page.get_by_test_id("queue-link").click()
    page.wait_for_url("**status=submitted**")
    assert page.get_by_test_id("total").inner_text() == "共 1 条"
    page.get_by_role("link", name=f"{month:%Y-%m}").click()
    page.wait_for_url("**/projects/reports/*/")
    page.get_by_label("审核通过").check()
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/projects/reports/*/")
    assert page.get_by_test_id("report-status").inner_text() == "已审核"

    report = ProgressReport.objects.get(project=project)
    assert report.status == "approved" and report.reviewed_by == org.city_user
    assert report.photos.get().taken_on == taken and report.photos.get().taken_on_source == "exif"
    page.goto(f"/projects/{project.pk}/")
    assert "350.00" in page.get_by_test_id("ledger").inner_text()
    assert "施工用电增容待协调" in page.get_by_test_id("problems").inner_text()
