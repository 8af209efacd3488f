"""The demo step: problems in every state and at every escalation level, tasks in every state (one-off and
recurring), meetings whose decisions became tasks, inboxes filled — and a deterministic plan."""

from __future__ import annotations

from datetime import datetime

import pytest

from devzone.core.models import Department, Region, User, Zone
from devzone.demo import enterprises as demo_enterprises
from devzone.demo import loader
from devzone.demo.context import DemoContext
from devzone.demo.dispatch import build_dispatch, county_departments, plan_dispatch
from devzone.demo.enterprises import build_enterprises
from devzone.demo.organisation import build_departments, build_regions, build_users, build_zones
from devzone.dispatch import selectors
from devzone.dispatch.models import Escalation, Meeting, MeetingDecision, Notification, Problem, SlaRule, Task
from devzone.enterprises.models import Enterprise

from .conftest import TZ


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setattr(demo_enterprises, "ENTERPRISES_PER_SCALE", 120)
    monkeypatch.setattr(loader, "STEPS", [
        ("行政区划", build_regions), ("开发区", build_zones), ("部门", build_departments), ("用户", build_users),
        ("企业及年度数据", build_enterprises), ("调度督办", build_dispatch)])
    return loader.demo_load(scale=1)


def _every_state_and_every_escalation_level(demo):
    assert demo.counts["problems"] == Problem.objects.count() == 160
    assert set(Problem.objects.values_list("status", flat=True)) == set(Problem.Status.values)
    open_levels = set(Problem.objects.filter(status__in=Problem.OPEN_STATUSES).values_list("escalation_level",
                                                                                         flat=True))
    assert open_levels == set(Escalation.values)
    assert Problem.objects.exclude(late_explanation="").filter(status__in=["resolved", "closed"]).exists()
    assert Problem.objects.filter(closed_by_supervisor=True).exists()
    assert set(Problem.objects.exclude(satisfaction="").values_list("satisfaction", flat=True)) == {
        "satisfied", "basic", "unsatisfied"}
    assert set(Task.objects.filter(recurrence="").values_list("status", flat=True)) == set(Task.Status.values)
    assert Task.objects.exclude(recurrence="").count() == demo.counts["recurring_series"] == 9
    assert Task.objects.filter(series__isnull=False).count() > 9
    assert MeetingDecision.objects.filter(task__isnull=False).exists()
    assert Meeting.objects.count() == 12
    assert Department.objects.filter(region__level="county").count() == 8 * 4


def _demo_users_see_a_working_dispatch():
    county1 = User.objects.get(username="county1")
    work = selectors.my_work(user=county1)
    assert work.to_handle and work.tasks_to_do
    assert all(p.lead_unit.region_id == county1.region_id for p in work.to_handle)
    assert Notification.objects.filter(recipient=county1, kind="assigned").exists()
    leader = User.objects.get(username="leader")
    assert Notification.objects.filter(recipient=leader, kind="supervise").exists()
    board = selectors.board(user=User.objects.get(username="supervisor"))
    assert board.overdue_count > 0 and board.bulletin
    table = selectors.kpi_table(user=User.objects.get(username="city"),
                                period=selectors.parse_period(str(datetime.now(TZ).year)))
    assert table.total.completion.denominator > 0


def _the_plan_is_deterministic():
    ctx = DemoContext(scale=1)
    ctx.city = Region.objects.get(level="city")
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    for township in Region.objects.filter(level="township").order_by("pk"):
        ctx.townships.setdefault(township.parent_id, []).append(township)
    ctx.zones = list(Zone.objects.order_by("pk"))
    ctx.departments = {d.code: d for d in Department.objects.filter(region=ctx.city)}
    ctx.users = {u.username: u for u in User.objects.all()}
    ctx.enterprises = list(Enterprise.objects.order_by("pk"))
    units = county_departments(ctx)
    sla = {(r.category, r.difficulty): r.days for r in SlaRule.objects.all()}
    now = datetime(2026, 6, 1, 9, tzinfo=TZ)

    def summary(plan):
        return [(p["title"], p["status"], p["lead_unit"].pk, p.get("assigned_at")) for p in plan.problems]

    first = plan_dispatch(ctx, units=units, sla=sla, now=now)
    second = plan_dispatch(ctx, units=units, sla=sla, now=now)
    assert summary(first) == summary(second)
    assert [t["title"] for t in first.tasks] == [t["title"] for t in second.tasks]
    assert Department.objects.filter(region__level="county").count() == 32  # not created twice


def test_demo_step(demo):
    """One load (it is the slow part), three checks."""
    _every_state_and_every_escalation_level(demo)
    _demo_users_see_a_working_dispatch()
    _the_plan_is_deterministic()
