"""In a real browser: paste a speech on a meeting page, review the drafts beside their sources, confirm."""

from __future__ import annotations

from datetime import date

import pytest
from tests_support import PASSWORD

from devzone.core import services as core_services
from devzone.dispatch import services
from devzone.dispatch.models import Task

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SPEECH = ("由市工信局负责,研究设立全市每月一次的“企业服务日”,4月15日之前拿出方案。"
          "澜江区发改局要抓紧协调园区道路问题,确保一周内打通。")


def test_review_and_confirm_a_speech(org, page):
    from devzone.dispatch.reference import ensure_dispatch_reference

    ensure_dispatch_reference()
    county_unit = core_services.department_create(actor=None, name="澜江区发改局", code="ndrc", region=org.county1)
    meeting = services.meeting_create(actor=org.city_user, data={
        "title": "推进会", "kind": "monthly", "held_on": date(2026, 3, 10), "region": org.city})

    page.goto("/login/")
    page.fill("#id_username", "city")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(f"/dispatch/meetings/{meeting.pk}/")
    page.get_by_test_id("meeting-intake").click()
    page.get_by_test_id("speech-text").fill(SPEECH)
    page.get_by_test_id("extract").click()
    assert page.locator("[data-testid=source] mark").count() == 2
    assert page.get_by_test_id("due-0").input_value() == "2026-04-15"
    assert page.get_by_test_id("due-1").input_value() == "2026-03-17"
    assert page.get_by_test_id("unit-1").input_value() == str(county_unit.pk)
    page.get_by_test_id("include-1").uncheck()
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**/dispatch/meetings/{meeting.pk}/")
    assert list(Task.objects.values_list("lead_unit__name", "due_date")) == [("市工信局", date(2026, 4, 15))]
