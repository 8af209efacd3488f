"""Overdue policy payments become dispatch problems automatically: exactly one per application, idempotent,
and paying later writes a note on the problem instead of raising another."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from devzone.core.models import AuditEvent
from devzone.dispatch.models import Category, Problem, ProblemEvent
from devzone.policies import services

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=TZ)


def test_overdue_payment_creates_exactly_one_problem(org, make_application):
    overdue = make_application("approved", approved_on=date(2026, 3, 1))   # due 2026-03-31
    make_application("approved", approved_on=date(2026, 4, 1))             # due 2026-05-01: not yet
    make_application("paid", approved_on=date(2026, 2, 1), paid_on=date(2026, 4, 20))  # paid late: no problem
    make_application("submitted")
    make_application("rejected")
    report = services.policy_overdue_sweep(now=at(date(2026, 4, 15)))
    assert report.checked == 1 and len(report.created) == 1 and report.already == 0
    overdue.refresh_from_db()
    problem = Problem.objects.get()
    assert overdue.problem == problem and problem.pk == report.created[0]
    assert problem.category == Category.POLICY and problem.status == Problem.Status.SUBMITTED
    assert problem.enterprise == overdue.enterprise and problem.region == org.county1
    assert problem.raised_by == org.city_user  # the approving official
    assert f"#{overdue.pk}" in problem.source_ref and "逾期 15 天" in problem.description
    assert overdue.days_late(date(2026, 4, 15)) == 15 and overdue.is_overdue(date(2026, 4, 15))
    assert AuditEvent.objects.filter(action="overdue_problem", object_id=str(overdue.pk)).count() == 1

    again = services.policy_overdue_sweep(now=at(date(2026, 4, 16)))
    assert again.created == [] and again.already == 1
    assert Problem.objects.count() == 1


def test_paying_later_notes_the_problem_and_raises_no_more(org, make_application):
    app = make_application("approved", approved_on=date(2026, 3, 1))
    services.policy_overdue_sweep(now=at(date(2026, 4, 10)))
    app.refresh_from_db()
    paid = services.application_pay(actor=org.county1_user, application=app, amount=Decimal("100"),
                                    paid_on=date(2026, 4, 12))
    assert paid.status == "paid" and paid.days_late(date(2026, 12, 31)) == 12
    note = ProblemEvent.objects.get(problem=app.problem, kind=ProblemEvent.Kind.NOTE)
    assert "已于 2026-04-12 兑付" in note.note and "逾期 12 天" in note.note
    report = services.policy_overdue_sweep(now=at(date(2026, 5, 1)))
    assert report.checked == 0 and Problem.objects.count() == 1


def test_imported_approval_is_raised_by_the_sweep_account(org, policy, make_enterprise):
    from devzone.intake.services import system_actor

    actor = system_actor()
    app = services.application_create(actor=actor, data={
        "enterprise": make_enterprise(region=org.county2), "clause": policy.clauses.get(number="第12条"),
        "applied_on": date(2026, 2, 1), "claimed_amount": Decimal("80")})
    services.application_approve(actor=actor, application=app, amount=Decimal("60"), approved_on=date(2026, 2, 10))
    report = services.policy_overdue_sweep(now=at(date(2026, 4, 12)))  # due 2026-04-11
    problem = Problem.objects.get(pk=report.created[0])
    assert problem.raised_by.username == services.SWEEP_USERNAME and not problem.raised_by.is_active
    assert not problem.raised_by.has_usable_password() and problem.region == org.county2


def test_cli_command_runs_the_sweep(org, make_application, capsys):
    make_application("approved", approved_on=date(2026, 3, 1))
    call_command("policy_overdue", "--today", "2026-04-15")
    assert "新生成督办问题 1 件" in capsys.readouterr().out
    call_command("policy_overdue", "--today", "2026-04-16")
    assert "新生成督办问题 0 件" in capsys.readouterr().out and Problem.objects.count() == 1


def test_bad_date_is_a_one_line_reason(org):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期"):
        call_command("policy_overdue", "--today", "2026-13-01")


def test_devzone_run_knows_policy_overdue(org, make_application, capsys, monkeypatch):
    from devzone import cli

    monkeypatch.setattr(cli, "setup_django", lambda: None)  # Django is already set up by the test run
    make_application("approved", approved_on=date(2026, 3, 1))
    args = cli.build_parser().parse_args(["run", "policy-overdue", "--at", "2026-04-15"])
    assert args.func(args) == 0
    assert "新生成督办问题 1 件" in capsys.readouterr().out
