"""In a real browser: the project office asks for a monthly bulletin, watches the job's progress bar reach 100%
and downloads the Word document, which opens with python-docx and holds the project entered for the test."""

from __future__ import annotations

from decimal import Decimal

import pytest
from docx import Document
from tests_support import PASSWORD

from devzone.core import jobs
from devzone.core.models import Job
from devzone.projects import services as project_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_bulletin_job_progress_and_download(org, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    project_services.project_create(actor=org.admin, data={
        "name": "浏览器测试项目", "region": org.county1, "total_investment": Decimal(30000), "owner_name": "测试公司"})
    _sign_in(page, "city")
    page.goto("/reports/")
    page.select_option("#id_kind", "monthly")
    page.fill("#id_period", "2026-10")
    page.select_option("#id_format", "docx")
    page.get_by_test_id("generate").click()
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get(kind="reports.bulletin")
    assert page.get_by_test_id("job-status").get_attribute("data-status") == "queued"

    jobs.run_job(job.pk)  # what `devzone worker` does; the page polls every second
    page.wait_for_selector("[data-testid=job-status][data-status=succeeded]")
    bar = page.locator("[data-testid=job-status] .progress-bar")
    assert bar.get_attribute("aria-valuenow") == "100" and "100%" in page.get_by_test_id("job-status").inner_text()
    with page.expect_download() as info:
        page.get_by_test_id("job-download").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    target = tmp_path / "bulletin.docx"
    download.save_as(target)
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert texts[0] == "云澜市重点项目建设工作领导小组办公室" and "一、总体情况" in texts
    assert any("在库重点项目1个" in t for t in texts)

    page.goto("/reports/")
    assert job.title in page.get_by_test_id("bulletin-jobs").inner_text()
