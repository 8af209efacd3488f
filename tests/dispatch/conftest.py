"""Dispatch fixtures: county-level units, a supervision office and a leader, hand-built clocks, and
factories that make problems and tasks through the services (with the clock passed in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests_support import PASSWORD

from devzone.core import services as core_services
from devzone.core.models import Department, Role, User
from devzone.dispatch import services
from devzone.dispatch.models import Problem, Task
from devzone.dispatch.reference import ensure_dispatch_reference

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a Monday morning


@dataclass
class Units:
    c1_ndrc: Department       # 澜江区发改局 (county1)
    c1_land: Department       # 澜江区自然资源局 (county1)
    c2_ndrc: Department       # 北湖区发改局 (county2, from the org fixture)
    city_industry: Department  # 市工信局
    supervision: Department   # 两办督查室
    supervisor: User
    leader: User
    c1_clerk: User            # a department user of 澜江区发改局


@pytest.fixture
def units(org) -> Units:
    ensure_dispatch_reference()
    c1_ndrc = core_services.department_create(actor=None, name="澜江区发改局", code="ndrc", region=org.county1)
    c1_land = core_services.department_create(actor=None, name="澜江区自然资源局", code="land", region=org.county1)
    supervision = core_services.department_create(actor=None, name="两办督查室", code="supervision",
                                                  region=org.city)

    def user(username: str, roles: list[str], **kwargs) -> User:
        created = core_services.user_create(actor=None, username=username, password=PASSWORD, roles=roles, **kwargs)
        created.email = f"{username}@example.invalid"
        created.save(update_fields=["email"])
        return created

    return Units(
        c1_ndrc=c1_ndrc, c1_land=c1_land, c2_ndrc=org.dept_county2, city_industry=org.dept_industry,
        supervision=supervision,
        supervisor=user("supervisor", [Role.Code.SUPERVISION], department=supervision),
        leader=user("leader", [Role.Code.CITY_LEADER], region=org.city),
        c1_clerk=user("c1clerk", [Role.Code.COUNTY], department=c1_ndrc),
    )


@pytest.fixture
def make_problem(org, units):
    """make_problem(actor=city_user, now=T0, **fields) → a submitted problem."""

    def make(actor: User | None = None, now: datetime = T0, **fields) -> Problem:
        data = {"title": fields.pop("title", "项目用地报批受阻"), "source": "project", "category": "land",
                "difficulty": "normal", "region": org.county1, **fields}
        return services.problem_create(actor=actor or org.city_user, data=data, now=now)

    return make


@pytest.fixture
def assigned_problem(org, units, make_problem):
    """assigned_problem(unit=c1_ndrc, now=T0, **fields) → a problem assigned by the city user at `now`."""

    def make(unit: Department | None = None, now: datetime = T0, helping=(), actor: User | None = None,
             **fields) -> Problem:
        problem = make_problem(now=now, **fields)
        return services.problem_assign(actor=actor or org.city_user, problem=problem,
                                       lead_unit=unit or units.c1_ndrc, helping_units=list(helping), now=now)

    return make


@pytest.fixture
def make_task(org, units):
    def make(actor: User | None = None, now: datetime = T0, **fields) -> Task:
        data = {"title": fields.pop("title", "完成项目手续办理"), "commitment": "4月15日前完成用地预审",
                "source": "instruction", "source_ref": "市长批示〔2026〕3号", "region": org.county1,
                "lead_unit": units.c1_ndrc, "due_date": (now + timedelta(days=10)).date(), **fields}
        return services.task_create(actor=actor or org.city_user, data=data, now=now)

    return make
