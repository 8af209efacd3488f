"""Jurisdiction for problems, tasks and meetings; my work; the light filter; digest and board."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devzone.core.errors import NotFound
from devzone.dispatch import selectors, services

from .conftest import T0


@pytest.fixture
def spread(org, units, make_problem, assigned_problem):
    """Problems raised by the city and assigned around the city, one per situation."""
    return {
        "to_c1": assigned_problem(unit=units.c1_ndrc, region=org.city, title="市级问题交澜江区发改局"),
        "to_city": assigned_problem(unit=units.city_industry, region=org.city, title="市级问题交市工信局"),
        "c1_helps": assigned_problem(unit=units.city_industry, region=org.city, helping=[units.c1_land],
                                     title="澜江区自然资源局协办"),
        "to_c2": assigned_problem(unit=units.c2_ndrc, region=org.county2, title="北湖区问题"),
        "raised_c1": make_problem(region=org.county1, title="澜江区待交办"),
    }


def _titles(qs) -> set[str]:
    return {p.title for p in qs}


def test_county_handler_sees_his_units_problems_and_not_others(org, units, spread):
    seen = _titles(selectors.problem_list(user=org.county1_user))
    assert seen == {"市级问题交澜江区发改局", "澜江区自然资源局协办", "澜江区待交办"}
    for key in ("to_city", "to_c2"):
        with pytest.raises(NotFound):
            selectors.problem_get(user=org.county1_user, problem_id=spread[key].pk)
    assert selectors.problem_get(user=org.county1_user, problem_id=spread["to_c1"].pk).title.startswith("市级")


def test_department_user_sees_what_his_department_is_given(org, units, spread):
    assert _titles(selectors.problem_list(user=units.c1_clerk)) == {"市级问题交澜江区发改局"}
    assert _titles(selectors.problem_list(user=org.industry_user)) == {"市级问题交市工信局", "澜江区自然资源局协办"}


def test_supervision_office_and_city_see_the_whole_city(org, units, spread):
    assert len(selectors.problem_list(user=units.supervisor)) == 5
    assert len(selectors.problem_list(user=org.city_user)) == 5
    assert _titles(selectors.problem_list(user=org.county2_user)) == {"北湖区问题"}


def test_sponsoring_leader_outside_the_region_still_sees_his_problem(org, units, make_problem):
    problem = make_problem(region=org.county2, sponsor_leader=org.county1_user, actor=org.county2_user)
    assert selectors.problem_get(user=org.county1_user, problem_id=problem.pk) == problem


def test_filters(org, units, spread):
    qs = selectors.problem_list(user=org.city_user, filters={"status": "open", "unit": units.city_industry.pk})
    assert _titles(qs) == {"市级问题交市工信局", "澜江区自然资源局协办"}
    qs = selectors.problem_list(user=org.city_user, filters={"helping_unit": units.c1_land.pk})
    assert _titles(qs) == {"澜江区自然资源局协办"}
    assert _titles(selectors.problem_list(user=org.city_user, filters={"status": "submitted"})) == {"澜江区待交办"}
    number = spread["to_c2"].number
    assert _titles(selectors.problem_list(user=org.city_user, filters={"q": number})) == {"北湖区问题"}
    assert _titles(selectors.problem_list(user=org.city_user, filters={"region": org.county2.pk})) == {"北湖区问题"}


def test_light_filter_agrees_with_the_badge(org, units, spread):
    rules = selectors.rules()
    for now, expected in ((T0 + timedelta(days=1), "green"), (T0 + timedelta(days=17), "yellow"),
                          (T0 + timedelta(days=21), "red")):
        qs = selectors.problem_list(user=org.city_user, filters={"light": expected}, now=now)
        assert len(qs) == 4
        assert {selectors.problem_light(p, now=now, dispatch_rules=rules).code for p in qs} == {expected}
    assert _titles(selectors.problem_list(user=org.city_user, filters={"light": "none"})) == {"澜江区待交办"}


def test_my_work(org, units, spread):
    work = selectors.my_work(user=org.county1_user)
    assert [p.title for p in work.to_handle] == ["市级问题交澜江区发改局"]
    assert [p.title for p in work.helping] == ["澜江区自然资源局协办"]
    assert [p.title for p in work.to_assign] == ["澜江区待交办"]
    services.problem_resolve(actor=org.county1_user, problem=spread["to_c1"], result="solved", resolution="好",
                             now=T0 + timedelta(days=1))
    city = selectors.my_work(user=org.city_user)
    assert [p.title for p in city.to_close] == ["市级问题交澜江区发改局"]
    assert {p.title for p in city.to_handle} == {"市级问题交市工信局", "澜江区自然资源局协办"}  # city bureaus
    assert selectors.my_work(user=org.observer).to_handle == []


def test_task_and_meeting_jurisdiction(org, units, make_task):
    mine = make_task(title="澜江任务")
    city = make_task(title="工信任务", region=org.city, lead_unit=units.city_industry)
    assert {t.title for t in selectors.task_list(user=org.county1_user)} == {"澜江任务"}
    with pytest.raises(NotFound):
        selectors.task_get(user=org.county1_user, task_id=city.pk)
    assert {t.title for t in selectors.task_list(user=org.industry_user)} == {"工信任务"}
    assert selectors.task_get(user=units.c1_clerk, task_id=mine.pk) == mine
    meeting = services.meeting_create(actor=org.county2_user, data={
        "title": "北湖区周例会", "kind": "weekly", "held_on": T0.date()})
    assert not selectors.meeting_list(user=org.county1_user).exists()
    assert selectors.meeting_get(user=org.city_user, meeting_id=meeting.pk).decision_count == 0


def test_digest_and_board(org, units, spread):
    from devzone.dispatch.jobs import escalate_due

    now = spread["to_c1"].deadline + timedelta(days=8)
    escalate_due(now=now)
    day = now.date()
    digest = selectors.daily_digest(user=org.county1_user, day=day, now=now)
    assert {e.problem.title for e in digest.escalated} >= {"市级问题交澜江区发改局"}
    assert [p.title for p in digest.overdue] == ["市级问题交澜江区发改局"]
    assert "督办" in digest.notifications
    board = selectors.board(user=org.city_user, now=now)
    assert board.level_counts[3] == 4 and board.overdue_count == 4
    assert {row.unit_name: row.count for row in board.overdue_by_unit} == {
        "市工信局": 2, "澜江区发改局": 1, "北湖区发改局": 1}
    assert selectors.board(user=org.county2_user, now=now).overdue_count == 1

