"""The matchmaking and policy demo steps: every state present, overdue payments already dispatch problems,
deterministic content for a scale."""

from __future__ import annotations

import pytest
from django.utils import timezone

from devzone.core import audit
from devzone.demo.finpol import build_financing, build_policies
from devzone.demo.loader import demo_load
from devzone.dispatch.models import Category, Problem
from devzone.finance import selectors
from devzone.finance.models import FinancingNeed, Loan, MatchEvent
from devzone.policies.models import Application


@pytest.fixture
def demo(db, monkeypatch):
    from devzone.demo import loader
    from devzone.demo.steps import BASE_STEPS

    monkeypatch.setattr(loader, "STEPS", [*BASE_STEPS, ("政银企对接", build_financing), ("政策兑现", build_policies)])
    return demo_load(scale=1)


def test_demo_has_every_state_and_overdue_problems(demo):
    counts = demo.counts
    assert counts["banks"] == 12 and counts["financing_needs"] == 8 * 15 and counts["match_events"] == 8 * 4
    assert counts["loans"] == Loan.objects.count() > 0
    statuses = set(FinancingNeed.objects.values_list("status", flat=True))
    assert statuses == {"open", "matched", "met", "withdrawn"}
    assert set(MatchEvent.objects.values_list("quarter", flat=True)) == {1, 2, 3, 4}
    assert set(Application.objects.values_list("status", flat=True)) == {"submitted", "approved", "rejected", "paid"}
    today = timezone.localdate()
    overdue = [a for a in Application.objects.filter(status="approved") if a.is_overdue(today)]
    assert overdue and all(a.problem_id for a in overdue)
    assert counts["policy_overdue_problems"] == len(overdue) == Problem.objects.filter(category=Category.POLICY).count()
    late_paid = [a for a in Application.objects.filter(status="paid") if a.days_late(today) > 0]
    assert late_paid
    city = demo_city_user()
    report = selectors.financing_kpis(user=city, as_of=today)
    assert len(report.counties) == 8 and 0 < report.overall.count_met.value < 100
    assert audit.verify_chain().ok


def demo_city_user():
    from devzone.core.models import User

    return User.objects.get(username="city")


def test_content_is_deterministic(demo):
    from devzone.core.models import Region, User
    from devzone.demo.context import DemoContext
    from devzone.enterprises.models import Enterprise
    from devzone.finance.models import Bank
    from devzone.policies.models import Policy

    def snapshot():
        return (sorted(FinancingNeed.objects.values_list("enterprise__credit_code", "amount", "purpose", "status")),
                sorted(Loan.objects.values_list("need__enterprise__credit_code", "bank__name", "amount")),
                sorted(Application.objects.values_list("enterprise__credit_code", "clause__number", "status",
                                                       "approved_amount")))

    first = snapshot()
    Application.objects.all().delete()
    Problem.objects.filter(category=Category.POLICY).delete()
    Policy.objects.all().delete()
    Loan.objects.all().delete()
    MatchEvent.objects.all().delete()
    FinancingNeed.objects.all().delete()
    Bank.objects.all().delete()
    ctx = DemoContext(scale=1)
    ctx.city = Region.objects.get(level="city")
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))
    ctx.users = {u.username: u for u in User.objects.all()}
    build_financing(ctx)
    build_policies(ctx)
    assert snapshot() == first
