"""A hand-built month (October 2026) whose bulletin figures are worked out by hand:

Projects (entered and moved through the projects services):
  R  county1, plan 2026 1200, approved report 2026-03 100 → as of 10-31 lag (1000-100)/1200 = 75 points: red
  S  county1, signed (verified) 2026-03-01, never started → 签而未落 on 10-31 (7 months)
  N1 county1, signed 2026-10-15, agreed 30000 → new ≥ 1亿
  N2 county2, signed 2026-10-20, agreed 12000 → new ≥ 1亿
  N3 county1, signed 2026-10-05, agreed  8000 → below the tier
Problems (dispatch services; deadlines from the SLA table):
  P1 county1, escalated to 通报 on 2026-10-10, unresolved
  P2 county2, escalated to 督办 on 2026-10-12, unresolved
  P3 county1, escalated to 督办 on 2026-09-20 and resolved 2026-09-25 → not listed
Leads: two registered in October in county1, one in September.
Evaluation: a published county assessment (澜江区 88.5 first, 北湖区 60 last, flagged 倒数第一) and a published
window appraisal (市政务服务中心 95 red flag, 北湖区税务局 70 black flag).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from tests_support import next_number

from devzone.attraction import services as attraction_services
from devzone.core import services as core_services
from devzone.core.models import Job
from devzone.dispatch import services as dispatch_services
from devzone.dispatch.models import Escalation, Problem
from devzone.dispatch.reference import ensure_dispatch_reference
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun
from devzone.evaluation.services import builtin_yaml
from devzone.projects import services as project_services
from devzone.projects.models import Project

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Month:
    projects: dict[str, Project]
    problems: dict[str, Problem]


def _project(org, name: str, region, **fields) -> Project:
    data = {"name": name, "region": region, "total_investment": Decimal("40000"),
            "owner_name": f"{name}建设单位{next_number()}有限公司", **fields}
    return project_services.project_create(actor=org.admin, data=data)


def _sign(org, project: Project, day: date, county) -> Project:
    project = project_services.project_declare_stage(actor=county, project=project, stage="signed", date=day)
    return project_services.project_verify_stage(actor=org.city_user, project=project, stage="signed")


def _problem(org, title: str, region, unit, assigned: datetime, level: int, at: datetime,
             resolved: datetime | None = None) -> Problem:
    problem = dispatch_services.problem_create(actor=org.city_user, data={
        "title": title, "source": "project", "category": "land", "difficulty": "normal", "region": region},
        now=assigned)
    problem = dispatch_services.problem_assign(actor=org.city_user, problem=problem, lead_unit=unit, now=assigned)
    problem.refresh_from_db()
    dispatch_services.problem_escalate(problem=problem, level=level, now=at, rules=dispatch_services.rules_get())
    if resolved is not None:
        problem.refresh_from_db()
        Problem.objects.filter(pk=problem.pk).update(status=Problem.Status.RESOLVED, resolved_at=resolved,
                                                     result=Problem.Result.SOLVED, late_explanation="已书面说明")
    problem.refresh_from_db()
    return problem


def _run(org, scheme: str, rows: list[tuple[str, float, int, str]]) -> EvaluationRun:
    job = Job.objects.create(kind="evaluation.run", title=scheme, status=Job.Status.SUCCEEDED, progress=100,
                             created_by=org.admin)
    run = EvaluationRun.objects.create(
        scheme_key=scheme, scheme_name={"county": "县区招商引资和项目建设考核", "window": "营商环境双月评议"}[scheme],
        scheme_yaml=builtin_yaml(scheme), unit=scheme, year=2026, period="2026Q3", source="upload", job=job,
        units=len(rows), participants=len(rows), published=True, published_at=datetime(2026, 10, 8, tzinfo=TZ),
        published_by=org.admin, created_by=org.admin)
    regions = {"澜江区": org.county1, "北湖区": org.county2}
    for name, score, rank, flags in rows:
        EvaluationResultRow.objects.create(run=run, unit_key=name, unit_name=name, region=regions.get(name),
                                           participates=True, n=len(rows), score=score, rank=rank, flags=flags)
    return run


@pytest.fixture
def month(org) -> Month:
    ensure_dispatch_reference()
    c1, c2 = org.county1_user, org.county2_user
    p = {
        "R": _project(org, "红灯项目R", org.county1),
        "S": _project(org, "签而未落项目S", org.county1, agreement_amount=Decimal("15000"),
                      agreement_counterpart="远方集团"),
        "N1": _project(org, "新签项目N1", org.county1, agreement_amount=Decimal("30000"),
                       agreement_counterpart="甲公司"),
        "N2": _project(org, "新签项目N2", org.county2, agreement_amount=Decimal("12000"),
                       agreement_counterpart="乙公司"),
        "N3": _project(org, "新签项目N3", org.county1, agreement_amount=Decimal("8000"),
                       agreement_counterpart="丙公司", total_investment=Decimal("8000")),
    }
    project_services.project_year_plan_set(actor=c1, project=p["R"], year=2026, planned_investment=Decimal(1200))
    report = project_services.report_submit(actor=c1, project=p["R"], period="2026-03",
                                            investment_month=Decimal(100), image_progress="主体施工")
    project_services.report_approve(actor=org.city_user, report=report)
    p["S"] = _sign(org, p["S"], date(2026, 3, 1), c1)
    p["N1"] = _sign(org, p["N1"], date(2026, 10, 15), c1)
    p["N2"] = _sign(org, p["N2"], date(2026, 10, 20), c2)
    p["N3"] = _sign(org, p["N3"], date(2026, 10, 5), c1)

    unit1 = core_services.department_create(actor=None, name="澜江区自然资源局", code="land", region=org.county1)
    t = datetime(2026, 8, 3, 9, 0, tzinfo=TZ)
    problems = {
        "P1": _problem(org, "厂房用地报批受阻", org.county1, unit1, t, Escalation.BULLETIN,
                       datetime(2026, 10, 10, 9, 0, tzinfo=TZ)),
        "P2": _problem(org, "=HYPERLINK(\"x\") 电力增容", org.county2, org.dept_county2, t, Escalation.SUPERVISE,
                       datetime(2026, 10, 12, 9, 0, tzinfo=TZ)),
        "P3": _problem(org, "已办结的问题", org.county1, unit1, t, Escalation.SUPERVISE,
                       datetime(2026, 9, 20, 9, 0, tzinfo=TZ), resolved=datetime(2026, 9, 25, 9, 0, tzinfo=TZ)),
    }
    for day in (date(2026, 10, 8), date(2026, 10, 21), date(2026, 9, 30)):
        attraction_services.lead_create(actor=org.admin, data={
            "name": f"线索{next_number()}", "investor_name": "远方集团有限公司", "source": "chain",
            "region": org.county1, "intended_investment": Decimal("50000"), "registered_on": day})
    _run(org, "county", [("澜江区", 88.5, 1, ""), ("北湖区", 60.0, 2, "last_place")])
    _run(org, "window", [("市政务服务中心", 95.0, 1, "red_flag"), ("北湖区税务局", 70.0, 2, "black_flag")])
    return Month(projects=p, problems=problems)
