"""In a real browser: the city assigns a problem to county1's unit (交办), county1 resolves it (办结), the city
closes it (销号), and the problem's timeline shows all three steps."""

from __future__ import annotations

import re

import pytest
from tests_support import PASSWORD

from devzone.core import services as core_services
from devzone.dispatch import services
from devzone.dispatch.models import Problem
from devzone.dispatch.reference import ensure_dispatch_reference

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _sign_out(page) -> None:
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")


def test_city_assigns_county_resolves_city_closes(org, page):
    ensure_dispatch_reference()
    unit = core_services.department_create(actor=None, name="澜江区发改局", code="ndrc", region=org.county1)
    problem = services.problem_create(actor=org.city_user, data={
        "title": "澜江智能装备产业园施工用电接入滞后", "source": "project", "category": "utilities",
        "region": org.county1, "description": "园区二期厂房已封顶,施工用电迟迟未接入。"})
    url = f"/dispatch/problems/{problem.pk}/"

    _sign_in(page, "city")
    page.goto(url)
    assert page.get_by_test_id("status").inner_text() == "待交办"
    page.select_option("#id_assign-lead_unit", label="澜江区发改局")
    page.fill("#id_assign-note", "请5个工作日内协调供电公司接入")
    page.get_by_test_id("do-assign").click()
    page.wait_for_url(f"**{url}")
    assert page.get_by_test_id("status").inner_text() == "已交办"
    assert page.get_by_test_id("lead-unit").inner_text() == unit.name
    _sign_out(page)

    _sign_in(page, "county1")
    page.goto("/dispatch/")
    section = page.get_by_test_id("section-to_handle")
    section.get_by_role("link", name=problem.title).click()
    page.wait_for_url(f"**{url}")
    page.select_option("#id_resolve-result", "solved")
    page.fill("#id_resolve-resolution", "已协调供电公司完成临时用电接入。")
    page.get_by_test_id("do-resolve").click()
    page.wait_for_url(f"**{url}")
    assert page.get_by_test_id("status").inner_text() == "已办结"
    _sign_out(page)

    _sign_in(page, "city")
    page.goto("/dispatch/")
    page.get_by_test_id("section-to_close").get_by_role("link", name=problem.title).click()
    page.wait_for_url(f"**{url}")
    page.select_option("#id_close-satisfaction", "satisfied")
    page.get_by_test_id("do-close").click()
    page.wait_for_url(f"**{url}")
    assert page.get_by_test_id("status").inner_text() == "已销号"

    timeline = page.get_by_test_id("timeline")
    kinds = [timeline.locator("li.timeline-event").nth(i).get_attribute("data-kind")
             for i in range(timeline.locator("li.timeline-event").count())]
    assert kinds == ["created", "assigned", "resolved", "closed"]
    text = timeline.inner_text()
    assert re.search(r"已交办.*澜江区发改局", text, re.S) and "已协调供电公司" in text and "已销号" in text
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CLOSED and problem.satisfaction == "satisfied"

    # the supervision board draws its ECharts chart from static JS (no inline script under the CSP)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/dispatch/board/")
    page.wait_for_selector("#overdue-chart[data-drawn='1'] canvas")
    assert not [e for e in errors if "Content Security Policy" in e]
