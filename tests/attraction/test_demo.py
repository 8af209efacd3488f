"""The demo steps on top of the base demo (scale 1): six chains filled from the demo enterprises, leads in every
stage with follow-ups (some stale, some breaking the negative list), agreements, activities, directories,
commitments and the rules' alerts; deterministic for a scale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.attraction import selectors
from devzone.attraction.models import Activity, Agreement, Commitment, Lead, LeadAlert
from devzone.chains import selectors as chain_selectors
from devzone.chains.models import Chain, ChainLink
from devzone.core.models import Department, Region, User, Zone
from devzone.demo.attraction import build_attraction, build_chains
from devzone.demo.context import DemoContext
from devzone.demo.loader import demo_load
from devzone.enterprises.models import Enterprise
from devzone.projects.services import project_create


def _context() -> DemoContext:
    ctx = DemoContext(scale=1)
    ctx.city = Region.objects.get(level="city")
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    for township in Region.objects.filter(level="township").order_by("pk"):
        ctx.townships.setdefault(township.parent_id, []).append(township)
    ctx.zones = list(Zone.objects.order_by("pk"))
    ctx.departments = {d.code: d for d in Department.objects.all()}
    ctx.users = {u.username: u for u in User.objects.all()}
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))
    return ctx


@pytest.fixture
def demo(db, monkeypatch):
    """The base demo, 24 signed industrial projects in the ledger (as the projects step leaves), then our steps."""
    from devzone.demo import loader
    from devzone.demo.steps import BASE_STEPS

    monkeypatch.setattr(loader, "STEPS", BASE_STEPS)
    demo_load(scale=1)
    ctx = _context()
    for index, county in enumerate(ctx.counties * 3):
        project_create(actor=ctx.users["admin"], data={
            "name": f"年产{index + 1}万吨新材料项目", "region": county, "category": "industry",
            "total_investment": Decimal("60000"), "agreement_amount": Decimal("58000"),
            "agreement_counterpart": f"远方{index}集团", "chain_link": "新材料/铝业",
            "stage": "signed", "stage_date": date(2026, 4, 1)})
    return {**build_chains(ctx), **build_attraction(ctx)}


def test_demo_data_has_what_the_pages_need(demo):
    # every stage, follow-ups, agreements, activities, commitments
    assert demo["chains"] == 6 and demo["leads"] == 400 and Chain.objects.count() == 6
    stages = set(Lead.objects.values_list("stage", flat=True))
    assert stages == {"clue", "contacted", "visited", "negotiating", "signed", "dropped"}
    assert Agreement.objects.count() == Lead.objects.filter(stage="signed").count() > 0
    assert Activity.objects.filter(kind="outbound").exists() and Commitment.objects.count() == 16
    assert all(lead.follow_ups.exists() for lead in Lead.objects.all()[:50])
    # some stale (both rules fire), some breaking the negative list
    assert LeadAlert.objects.filter(rule="reminder", resolved_on__isnull=True).count() > 5
    assert LeadAlert.objects.filter(rule="elimination", resolved_on__isnull=True).count() > 5
    admin = User.objects.get(username="admin")
    assert 5 < selectors.lead_list(user=admin, filters={"negative": True}).count() < 80
    # chains with every strength, gaps with candidate targets
    strengths = {s.chain.name: (s.strong, s.weak, s.missing) for s in chain_selectors.chain_list()}
    assert all(strong > 0 and weak > 0 and missing > 0 for strong, weak, missing in strengths.values())
    gaps = chain_selectors.gap_list(user=admin)
    assert any(v.candidates for v in gaps if v.strength == "missing")
    assert ChainLink.objects.filter(enterprises__isnull=False).distinct().count() >= 24
    # a county user sees its own leads only
    county1 = User.objects.get(username="county1")
    visible = selectors.lead_list(user=county1)
    assert 0 < visible.count() < 400
    assert all(lead.region.path.startswith(county1.region.path) for lead in visible)
    # signed leads tie to the ledger's signed projects, which also show on the chain map
    tied = list(Agreement.objects.filter(project__isnull=False).select_related("project", "lead"))
    assert len(tied) > 10
    assert all(a.amount == a.project.agreement_amount and a.lead.name == a.project.name and
               a.region_id == a.project.region_id and a.signed_on == date(2026, 4, 1) for a in tied)
    assert all(a.lead.stage_changes.order_by("changed_on", "pk").last().changed_on == a.signed_on for a in tied)
    _chain, segments = chain_selectors.chain_map(chain_id=Chain.objects.get(name="新材料").pk)
    assert {v.link.name: v.projects for _s, views in segments for v in views}["铝业"] == 24


def test_generation_is_deterministic(demo):
    first = list(Lead.objects.order_by("pk").values_list("name", "stage", "intended_investment")[:40])
    Agreement.objects.all().delete()
    Lead.objects.all().delete()
    for model in (Activity, Commitment, Chain):
        model.objects.all().delete()
    from devzone.attraction.models import Agent, Contact, Leader, NegativeListRule, TargetEnterprise

    for model in (Leader, TargetEnterprise, Contact, Agent, NegativeListRule):
        model.objects.all().delete()
    ctx = _context()
    build_chains(ctx)
    build_attraction(ctx)
    assert list(Lead.objects.order_by("pk").values_list("name", "stage", "intended_investment")[:40]) == first
