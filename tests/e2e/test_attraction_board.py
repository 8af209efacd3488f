"""In a real browser: a county user drags a lead across the pipeline board (clue → contacted → visited →
negotiating), a disallowed move is refused with a readable message, dropping it on “signed” opens the agreement
form, signing enters the project into the ledger, and the project is found in the project list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from tests_support import PASSWORD

from devzone.attraction import services
from devzone.attraction.models import Agreement, Lead

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _drag(page, lead: Lead, stage: str) -> None:
    card = page.get_by_test_id(f"card-{lead.pk}")
    with page.expect_response(lambda r: f"/attraction/leads/{lead.pk}/move/" in r.url) as moved:
        card.drag_to(page.get_by_test_id(f"column-{stage}"))
    assert moved.value.ok, moved.value.text()
    page.get_by_test_id(f"column-{stage}").get_by_test_id(f"card-{lead.pk}").wait_for()


def test_lead_moves_across_the_board_to_signed_and_the_project_is_listed(org, page):
    lead = services.lead_create(actor=org.county1_user, data={
        "name": "年产8万吨功能性面料项目", "investor_name": "远方纺织集团有限公司", "source": "chain",
        "region": org.county1, "responsible_person": org.county1_user, "intended_investment": Decimal("36000"),
        "intended_land_mu": Decimal("120"), "registered_on": date(2026, 1, 5)})

    page.goto("/login/")
    page.fill("#id_username", "county1")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    page.goto(reverse("attraction:board"))
    assert page.get_by_test_id("count-clue").inner_text() == "1"

    _drag(page, lead, "contacted")
    _drag(page, lead, "visited")
    # visited → contacted goes backwards: the column refuses the card and says why
    page.get_by_test_id(f"card-{lead.pk}").drag_to(page.get_by_test_id("column-contacted"))
    assert "不能移到" in page.get_by_test_id("board-message").inner_text()
    assert Lead.objects.get(pk=lead.pk).stage == "visited"
    page.reload()  # a cancelled HTML5 drag can leave the emulated drag session half-open
    _drag(page, lead, "negotiating")
    assert page.get_by_test_id("count-negotiating").inner_text() == "1"
    assert Lead.objects.get(pk=lead.pk).stage == "negotiating"

    page.get_by_test_id(f"card-{lead.pk}").drag_to(page.get_by_test_id("column-signed"))
    page.wait_for_url(f"**/attraction/leads/{lead.pk}/sign/")
    page.fill("#id_amount", "38000")
    page.fill("#id_committed_output", "60000")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/attraction/agreements/*/")
    agreement = Agreement.objects.get(lead=lead)
    assert agreement.amount == Decimal("38000") and agreement.project_id

    page.goto(reverse("projects:list"))
    assert page.get_by_role("link", name="年产8万吨功能性面料项目").is_visible()
    page.goto(reverse("attraction:board"))
    assert page.get_by_test_id("count-signed").inner_text() == "1"
