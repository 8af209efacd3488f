"""Demo step: dispatch and supervision (调度督办).

County-level units for every county; problems in every state, with open ones spread over every escalation
level (提醒, 催办, 督办, 通报); supervised tasks (one-off and recurring, in every state); meetings whose
decisions became tasks; and the inbox messages those would have produced.

The content (titles, units, states, offsets) is deterministic for a given scale; the dates are relative
to the moment of loading (`ctx.extra["now"]` when set), so lights and escalation levels look current whenever
the demo is loaded. Escalation steps are computed with the same functions and rules the scheduled job uses.
Rows are bulk-created (the loader writes one audit event for the whole demo).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from devzone.core.models import Department, User
from devzone.demo import names
from devzone.demo.context import DemoContext
from devzone.dispatch import permissions as perms
from devzone.dispatch.escalation import end_of_day, level_at, step_times
from devzone.dispatch.models import (
    DispatchRules,
    Escalation,
    Meeting,
    MeetingDecision,
    Notification,
    Problem,
    ProblemEvent,
    SlaRule,
    Task,
    TaskEvent,
)
from devzone.dispatch.recurrence import periods_until
from devzone.dispatch.reference import ensure_dispatch_reference

PROBLEMS_PER_SCALE = 160
TASKS_PER_SCALE = 60
MEETINGS_PER_SCALE = 12

COUNTY_UNITS = [("ndrc", "发改局"), ("land", "自然资源局"), ("industry", "工信局"), ("housing", "住建局")]
CATEGORY_UNIT = {"approval": "ndrc", "land": "land", "financing": "industry", "labour": "industry",
                 "utilities": "housing", "environment": "ndrc", "demolition": "land", "policy": "industry",
                 "other": "ndrc"}
TITLES = {
    "approval": ["{p}环评批复办理缓慢", "{p}施工许可证办理受阻", "{p}规划许可需多部门会签"],
    "land": ["{p}用地指标未落实", "{p}土地组卷报批滞后", "{e}扩建用地规划调整"],
    "financing": ["{e}流动资金贷款授信不足", "{e}设备融资租赁未落地", "{e}申请转贷应急资金"],
    "labour": ["{e}熟练工缺口约{n}人", "{e}招工难、技术工人流失", "{e}需要对接职业院校定向培养"],
    "utilities": ["{p}施工用电接入滞后", "{p}天然气管网未通", "{e}双回路供电改造"],
    "environment": ["{e}排污许可证变更", "{p}环评总量指标不足", "{e}危废处置渠道不畅"],
    "demolition": ["{p}地块征迁未完成", "{p}高压线迁改协调", "{p}坟地迁移群众有顾虑"],
    "policy": ["{e}技改奖补资金未兑现", "{e}招商引资优惠政策未落实", "{e}研发费用补助迟迟未拨付"],
    "other": ["{p}周边道路未通", "{e}员工子女入学协调", "{e}厂区周边治安环境"],
}
PROJECT_WORDS = ["智能装备产业园", "新材料产业园", "食品加工基地", "电子信息产业园", "新能源电池项目", "纺织服装产业园",
                 "冷链物流中心", "汽车零部件项目"]
RESOLUTIONS = {"solved": "已协调相关部门现场办公,问题已解决。", "explained": "已向企业解释政策规定,企业表示理解。",
               "unsolved": "受上级政策限制暂无法解决,已纳入下阶段重点协调事项。"}
LATE_EXPLANATIONS = ["需报省级部门审批,审批周期较长。", "涉及多部门会签,协调时间超出预期。", "企业补充材料滞后。"]
TASK_TITLES = ["推进{p}开工建设", "完成{p}用地报批", "协调{p}水电气配套", "落实{p}入园企业服务"]
TASK_REFS = ["市长批示〔{y}〕{n}号", "市委督查通知〔{y}〕{n}号", "月调度会议纪要第{n}期"]
RETURN_REASONS = ["该事项属市级事权,请重新交办。", "非本单位职责范围。", "问题描述不清,请补充材料。"]
DECISION_TEMPLATES = [
    "{u}牵头,{d}前完成{p}用地报批", "{u}负责协调解决{p}施工用电问题,{d}前通电",
    "{u}牵头开展签约项目开工率专项督查,{d}前报送结果",
    "{u}负责梳理企业诉求清单,{d}前逐一交办", "{u}牵头推进{p}手续办理,{d}前取得施工许可",
]
MEETING_TITLES = {
    Meeting.Kind.WEEKLY: "重点项目周例会", Meeting.Kind.MONTHLY: "全市重点项目月调度会",
    Meeting.Kind.INSPECTION: "重点项目季度观摩点评会", Meeting.Kind.PROMOTION: "招商引资和项目建设推进会",
    Meeting.Kind.SYMPOSIUM: "重点企业座谈会",
}
# Share of open problems in each bucket: where they stand against their time limit.
OPEN_BUCKETS = ["green", "green", "green", "yellow", "yellow", "urge", "urge", "supervise", "supervise", "bulletin"]


@dataclass
class Plan:
    """What the step will write, before anything is written (checked for determinism in tests)."""

    problems: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)


def county_departments(ctx: DemoContext) -> dict[int, dict[str, Department]]:
    """Create each county's own units (发改局, 自然资源局, 工信局, 住建局) once."""
    existing = {(d.region_id, d.code): d for d in Department.objects.filter(region__in=ctx.counties)}
    missing = [Department(name=f"{county.name}{label}", short_name=label, code=code, region=county)
               for county in ctx.counties for code, label in COUNTY_UNITS if (county.pk, code) not in existing]
    for department in Department.objects.bulk_create(missing):
        existing[(department.region_id, department.code)] = department
    units: dict[int, dict[str, Department]] = defaultdict(dict)
    for (region_id, code), department in existing.items():
        units[region_id][code] = department
    return dict(units)


def _at(day_offset: float, anchor: datetime) -> datetime:
    return anchor + timedelta(days=day_offset)


def _person(rng) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.randint(1, 2)))


def plan_dispatch(ctx: DemoContext, *, units: dict[int, dict[str, Department]], sla: dict[tuple[str, str], int],
                  now: datetime) -> Plan:
    """Decide every row from the seeded stream (no database writes)."""
    rng = ctx.rng("dispatch")
    plan = Plan()
    counties = ctx.counties
    users = ctx.users
    county_users = {county.pk: users.get(f"county{i}") for i, county in enumerate(counties, start=1)}
    city_units = ctx.departments
    enterprises_by_county: dict[int, list] = defaultdict(list)
    county_of_region = {county.pk: county.pk for county in counties}
    for county_pk, townships in ctx.townships.items():
        for township in townships:
            county_of_region[township.pk] = county_pk
    for enterprise in ctx.enterprises[:5000]:
        enterprises_by_county[county_of_region.get(enterprise.region_id, 0)].append(enterprise)
    raisers = [u for u in (users.get("city"), users.get("supervisor"), users.get("industry"), users.get("investment"))
               if u is not None]
    total = PROBLEMS_PER_SCALE * ctx.scale
    statuses = (["submitted"] * 8 + ["returned"] * 4 + ["assigned"] * 12 + ["in_progress"] * 26
                + ["resolved"] * 14 + ["closed"] * 36)  # most problems of past months are done
    for index in range(total):
        county = counties[index % len(counties)]
        category = rng.choice(list(TITLES))
        difficulty = "hard" if rng.random() < 0.25 else "normal"
        enterprise = rng.choice(enterprises_by_county[county.pk]) if enterprises_by_county[county.pk] else None
        project = f"{county.name[:2]}{rng.choice(PROJECT_WORDS)}"
        title = rng.choice(TITLES[category]).format(p=project, e=enterprise.name if enterprise else project,
                                                    n=rng.randint(50, 400))
        source = rng.choice(["project", "project", "enterprise", "enterprise", "inspection", "meeting", "hotline"])
        source_ref = {"project": f"XM{now.year}-{index + 1:04d} {project}", "hotline": f"12345-{now:%Y%m}{index:04d}",
                      "inspection": "第一季度重点项目观摩", "meeting": "全市重点项目月调度会",
                      "enterprise": enterprise.credit_code if enterprise else ""}[source]
        city_level = rng.random() < 0.15
        lead = city_units.get("industry" if category in ("financing", "labour", "policy") else "ndrc") \
            if city_level else units[county.pk][CATEGORY_UNIT[category]]
        helping = [units[county.pk][rng.choice(["land", "housing"])]] if rng.random() < 0.3 else []
        raiser = county_users[county.pk] if rng.random() < 0.45 else rng.choice(raisers)
        status = statuses[index % len(statuses)]
        days = sla[(category, difficulty)]
        row = {"title": title[:200], "category": category, "difficulty": difficulty, "source": source,
               "source_ref": source_ref, "region": enterprise.region if enterprise else county,
               "enterprise": enterprise, "raised_by": raiser, "lead_unit": lead,
               "helping": [h for h in helping if h != lead], "status": status, "sla_days": days,
               "sponsor_leader": users.get("leader") if rng.random() < 0.3 else None,
               "description": f"{title}。企业反映该问题已影响项目进度,请求协调解决。"}
        if status == "submitted":
            row["raised_at"] = _at(-rng.uniform(0.2, 5), now)
        elif status in ("assigned", "in_progress"):
            bucket = OPEN_BUCKETS[(index // len(statuses) + index) % len(OPEN_BUCKETS)]
            elapsed = {"green": rng.uniform(0.1, 0.7) * days, "yellow": rng.uniform(0.82, 0.97) * days,
                       "urge": days + rng.uniform(0.5, 6), "supervise": days + rng.uniform(8, 25),
                       "bulletin": days + rng.uniform(32, 60)}[bucket]
            row["assigned_at"] = _at(-elapsed, now)
            row["raised_at"] = row["assigned_at"] - timedelta(days=rng.uniform(0.2, 2))
        else:
            assigned = _at(-rng.uniform(8, 150), now)
            row["assigned_at"], row["raised_at"] = assigned, assigned - timedelta(days=rng.uniform(0.2, 2))
            if status == "returned":
                row["returned_at"] = assigned + timedelta(days=rng.uniform(0.5, 3))
                row["returned_reason"] = rng.choice(RETURN_REASONS)
            else:
                late = rng.random() < 0.25
                took = days + rng.uniform(1, 20) if late else rng.uniform(0.3, 1) * days
                resolved = min(assigned + timedelta(days=took), now - timedelta(hours=2))
                row["resolved_at"] = resolved
                row["result"] = rng.choices(["solved", "explained", "unsolved"], [75, 18, 7])[0]
                row["late_explanation"] = rng.choice(LATE_EXPLANATIONS) if resolved > assigned + timedelta(
                    days=days) else ""
                closed = resolved + timedelta(days=rng.uniform(0.5, 5))
                if status == "closed" and closed < now:
                    row["closed_at"] = closed
                    row["by_supervisor"] = rng.random() < 0.15
                    row["satisfaction"] = "" if row["by_supervisor"] else rng.choices(
                        ["satisfied", "basic", "unsatisfied"], [70, 20, 10])[0]
                else:
                    row["status"] = "resolved"
        plan.problems.append(row)

    for index in range(TASKS_PER_SCALE * ctx.scale):
        county = counties[index % len(counties)]
        lead = units[county.pk][rng.choice([code for code, _ in COUNTY_UNITS])]
        assigned = _at(-rng.uniform(1, 90), now)
        due = (assigned + timedelta(days=rng.randint(10, 60))).date()
        state = rng.choices(["assigned", "in_progress", "completed", "closed"], [20, 45, 15, 20])[0]
        project = f"{county.name[:2]}{rng.choice(PROJECT_WORDS)}"
        plan.tasks.append({
            "title": rng.choice(TASK_TITLES).format(p=project),
            "commitment": f"{due.month}月{due.day}日前完成,并报送完成情况及佐证材料。",
            "source": rng.choice(["meeting", "instruction", "document"]),
            "source_ref": rng.choice(TASK_REFS).format(y=now.year, n=rng.randint(1, 40)),
            "region": county, "lead_unit": lead, "responsible_post": rng.choice(["局长", "副局长", "科长"]),
            "responsible_person": county_users[county.pk], "due_date": due, "assigned_at": assigned,
            "state": state, "percent": rng.choice([20, 40, 60, 80]),
            "done_at": assigned + timedelta(days=rng.uniform(3, 70)),
            "sponsor_leader": users.get("leader") if rng.random() < 0.2 else None,
        })

    kinds = list(MEETING_TITLES)
    for index in range(MEETINGS_PER_SCALE * ctx.scale):
        kind = kinds[index % len(kinds)]
        county = counties[index % len(counties)] if kind == Meeting.Kind.WEEKLY else None
        held = (now - timedelta(days=7 + index * rng.randint(6, 14))).date()
        decisions = []
        for order in range(1, rng.randint(3, 5) + 1):
            target = county or rng.choice(counties)
            unit = units[target.pk][rng.choice(["ndrc", "land", "housing"])]
            due = held + timedelta(days=rng.randint(15, 60))
            text = rng.choice(DECISION_TEMPLATES).format(u=unit.name, d=f"{due.month}月{due.day}日",
                                                         p=f"{target.name[:2]}{rng.choice(PROJECT_WORDS)}")
            decisions.append({"order": order, "text": text, "lead_unit": unit, "due_date": due,
                              "to_task": rng.random() < 0.6})
        region = county or ctx.city
        title = f"{held.year}年{held.month}月{region.name if county else ''}{MEETING_TITLES[kind]}"
        plan.meetings.append({"title": title, "kind": kind, "held_on": held, "region": region,
                              "chair": f"{_person(rng)}({'县长' if county else '副市长'})",
                              "location": f"{region.name}政府第{rng.randint(1, 5)}会议室",
                              "minutes": f"会议听取了{'各县(市、区)' if not county else '各责任单位'}工作汇报,"
                                         f"对下一阶段工作作出部署。议定事项如下(见议定事项清单)。",
                              "decisions": decisions})
    return plan


def _unit_actor_index(users: list[User]) -> dict[int, list[User]]:
    """Department id → users who act for it (own accounts and the region accounts of its government)."""
    index: dict[int, list[User]] = defaultdict(list)
    departments = list(Department.objects.select_related("region"))
    for department in departments:
        homes = perms.home_region_ids(department)
        for user in users:
            if perms.is_read_only(user):
                continue
            if user.department_id == department.pk or (user.region_id and user.region_id in homes):
                index[department.pk].append(user)
    return index


def build_dispatch(ctx: DemoContext) -> dict[str, int]:
    ensure_dispatch_reference()
    now = ctx.extra.get("now") or timezone.now()
    rules = DispatchRules.objects.get(pk=1)
    sla = {(r.category, r.difficulty): r.days for r in SlaRule.objects.all()}
    units = county_departments(ctx)
    ctx.extra["county_departments"] = units
    plan = plan_dispatch(ctx, units=units, sla=sla, now=now)
    users = list(User.objects.prefetch_related("roles"))
    actors = _unit_actor_index(users)
    supervisor = ctx.users.get("supervisor") or ctx.users.get("city")

    problems = _write_problems(plan, rules=rules, now=now, actors=actors, supervisor=supervisor)
    meetings, decisions, decision_tasks = _write_meetings(ctx, plan, now=now, rules=rules)
    tasks, series = _write_tasks(ctx, plan, units=units, rules=rules, now=now, actors=actors, supervisor=supervisor)
    ctx.extra["dispatch"] = {"problems": [p.pk for p in problems], "meetings": [m.pk for m in meetings]}
    return {"problems": len(problems), "problem_events": ProblemEvent.objects.count(),
            "tasks": tasks + decision_tasks, "recurring_series": series, "meetings": len(meetings),
            "meeting_decisions": decisions, "notifications": Notification.objects.count(),
            "county_departments": sum(len(v) for v in units.values())}


def _write_problems(plan: Plan, *, rules, now: datetime, actors, supervisor) -> list[Problem]:
    rows = []
    for spec in plan.problems:
        status = spec["status"]
        problem = Problem(
            title=spec["title"], description=spec["description"], source=spec["source"],
            source_ref=spec["source_ref"], enterprise=spec["enterprise"], category=spec["category"],
            difficulty=spec["difficulty"], region=spec["region"], raised_by=spec["raised_by"],
            raised_at=spec["raised_at"], sponsor_leader=spec["sponsor_leader"], status=status)
        if status != "submitted":
            problem.lead_unit, problem.assigned_by = spec["lead_unit"], supervisor
            problem.assigned_at, problem.sla_days = spec["assigned_at"], spec["sla_days"]
            problem.deadline = spec["assigned_at"] + timedelta(days=spec["sla_days"])
        if status == "returned":
            problem.returned_reason = spec["returned_reason"]
        if status in ("in_progress", "resolved", "closed"):
            problem.started_at = spec["assigned_at"] + timedelta(hours=12)
            problem.handler = (actors.get(spec["lead_unit"].pk) or [None])[0]
        if status in ("resolved", "closed"):
            problem.resolved_at, problem.result = spec["resolved_at"], spec["result"]
            problem.resolution, problem.late_explanation = RESOLUTIONS[spec["result"]], spec["late_explanation"]
            problem.resolved_by = problem.handler
        if status == "closed":
            problem.closed_at, problem.satisfaction = spec["closed_at"], spec["satisfaction"]
            problem.closed_by_supervisor = spec["by_supervisor"]
            problem.closed_by = supervisor if spec["by_supervisor"] else spec["raised_by"]
        if problem.deadline and status in ("assigned", "in_progress", "resolved", "closed"):
            clock = problem.resolved_at or now
            problem.escalation_level = level_at(start=problem.assigned_at, deadline=problem.deadline, now=clock,
                                                rules=rules)
            if problem.escalation_level:
                problem.escalated_at = step_times(start=problem.assigned_at, deadline=problem.deadline,
                                                  rules=rules)[Escalation(problem.escalation_level)]
        rows.append(problem)
    created = Problem.objects.bulk_create(rows)
    through = Problem.helping_units.through
    through.objects.bulk_create([through(problem_id=p.pk, department_id=d.pk)
                                 for p, spec in zip(created, plan.problems, strict=True) for d in spec["helping"]])
    events: list[ProblemEvent] = []
    notes: list[Notification] = []
    for problem, spec in zip(created, plan.problems, strict=True):
        events.append(ProblemEvent(problem=problem, kind="created", to_status="submitted", actor=spec["raised_by"],
                                   at=problem.raised_at, note=problem.description))
        if problem.assigned_at is None:
            continue
        events.append(ProblemEvent(problem=problem, kind="assigned", from_status="submitted", to_status="assigned",
                                   actor=supervisor, at=problem.assigned_at,
                                   data={"lead_unit": str(problem.lead_unit), "sla_days": problem.sla_days,
                                         "helping_units": [str(d) for d in spec["helping"]]}))
        if problem.started_at:
            events.append(ProblemEvent(problem=problem, kind="started", from_status="assigned",
                                       to_status="in_progress", actor=problem.handler, at=problem.started_at))
        steps = step_times(start=problem.assigned_at, deadline=problem.deadline, rules=rules)
        for level in range(1, problem.escalation_level + 1):
            events.append(ProblemEvent(problem=problem, kind="escalated", level=level, at=steps[Escalation(level)],
                                       note=str(Escalation(level).label),
                                       data={"due_at": steps[Escalation(level)].isoformat()}))
        if problem.status == "returned":
            events.append(ProblemEvent(problem=problem, kind="returned", from_status="assigned",
                                       to_status="returned", actor=(actors.get(problem.lead_unit_id) or [None])[0],
                                       at=spec["returned_at"], note=problem.returned_reason))
        if problem.resolved_at:
            events.append(ProblemEvent(problem=problem, kind="resolved", from_status="in_progress",
                                       to_status="resolved", actor=problem.resolved_by, at=problem.resolved_at,
                                       note=problem.resolution,
                                       data={"result": problem.result, "late": bool(problem.late_explanation),
                                             "late_explanation": problem.late_explanation}))
        if problem.closed_at:
            events.append(ProblemEvent(problem=problem, kind="closed", from_status="resolved", to_status="closed",
                                       actor=problem.closed_by, at=problem.closed_at,
                                       data={"satisfaction": problem.satisfaction,
                                             "by_supervisor": problem.closed_by_supervisor}))
        if problem.status in Problem.OPEN_STATUSES:
            url = problem.get_absolute_url()
            for user in actors.get(problem.lead_unit_id, []):
                notes.append(Notification(recipient=user, kind="assigned", title=f"新交办:{problem.title}"[:200],
                                          url=url, problem=problem, created_at=problem.assigned_at,
                                          key=f"p{problem.pk}:assign:demo"))
            if problem.escalation_level:
                level = Escalation(problem.escalation_level)
                people = list(actors.get(problem.lead_unit_id, []))
                if level >= Escalation.SUPERVISE and problem.sponsor_leader:
                    people.append(problem.sponsor_leader)
                if level >= Escalation.BULLETIN and supervisor:
                    people.append(supervisor)
                kind = {1: "reminder", 2: "urge", 3: "supervise", 4: "bulletin"}[int(level)]
                key = f"p{problem.pk}:esc:{int(level)}:{int(problem.assigned_at.timestamp())}"
                for user in {u.pk: u for u in people}.values():
                    notes.append(Notification(recipient=user, kind=kind, url=url, problem=problem, key=key,
                                              title=f"【{level.label}】{problem.title}"[:200],
                                              created_at=problem.escalated_at))
    ProblemEvent.objects.bulk_create(events, batch_size=2000)
    Notification.objects.bulk_create(notes, batch_size=2000)
    return created


def _task_escalation(task: Task, *, rules, now: datetime) -> list[TaskEvent]:
    """Set the escalation level the job would have reached by now (or by completion) and its events."""
    task.escalation_level = level_at(start=task.assigned_at, deadline=end_of_day(task.due_date),
                                     now=task.completed_at or now, rules=rules)
    if not task.escalation_level:
        return []
    steps = step_times(start=task.assigned_at, deadline=end_of_day(task.due_date), rules=rules)
    task.escalated_at = steps[Escalation(task.escalation_level)]
    return [TaskEvent(task=task, kind="escalated", level=level, at=steps[Escalation(level)],
                      note=str(Escalation(level).label)) for level in range(1, task.escalation_level + 1)]


def _write_meetings(ctx: DemoContext, plan: Plan, *, now: datetime, rules) -> tuple[list[Meeting], int, int]:
    creator = ctx.users.get("supervisor") or ctx.users.get("city")
    meetings = Meeting.objects.bulk_create([
        Meeting(title=m["title"], kind=m["kind"], held_on=m["held_on"], region=m["region"], chair=m["chair"],
                location=m["location"], minutes=m["minutes"], created_by=creator) for m in plan.meetings])
    attendees = [u for u in (ctx.users.get("city"), ctx.users.get("supervisor"), ctx.users.get("leader")) if u]
    through = Meeting.attendees.through
    links = []
    for meeting, spec in zip(meetings, plan.meetings, strict=True):
        people = list(attendees)
        if spec["region"] != ctx.city:
            index = ctx.counties.index(spec["region"]) + 1
            people = [u for u in (ctx.users.get(f"county{index}"), ctx.users.get("supervisor")) if u]
        links += [through(meeting_id=meeting.pk, user_id=u.pk) for u in people]
    through.objects.bulk_create(links)
    decisions, tasks, events = [], [], []
    for meeting, spec in zip(meetings, plan.meetings, strict=True):
        for d in spec["decisions"]:
            task = None
            if d["to_task"]:
                assigned = timezone.make_aware(datetime.combine(meeting.held_on + timedelta(days=1), time(9)))
                task = Task(title=d["text"][:60], commitment=d["text"], source="meeting",
                            source_ref=f"{meeting.title}({meeting.held_on:%Y-%m-%d})", meeting=meeting,
                            region=meeting.region, created_by=creator, lead_unit=d["lead_unit"], due_date=d["due_date"],
                            assigned_at=assigned, status="assigned")
                task.pending_events = _task_escalation(task, rules=rules, now=now)
                tasks.append(task)
            decisions.append(MeetingDecision(meeting=meeting, order=d["order"], text=d["text"],
                                             lead_unit=d["lead_unit"], due_date=d["due_date"], task=task))
    Task.objects.bulk_create(tasks)
    for task in tasks:
        events.append(TaskEvent(task=task, kind="created", to_status="assigned", actor=creator, at=task.assigned_at,
                                data={"lead_unit": str(task.lead_unit), "due_date": task.due_date.isoformat()}))
        events += task.pending_events
    TaskEvent.objects.bulk_create(events)
    for decision in decisions:  # the tasks have their ids now
        decision.task_id = decision.task.pk if decision.task else None
    MeetingDecision.objects.bulk_create(decisions)
    return meetings, len(decisions), len(tasks)


def _write_tasks(ctx: DemoContext, plan: Plan, *, units, rules, now: datetime, actors,
                 supervisor) -> tuple[int, int]:
    creator = ctx.users.get("supervisor") or ctx.users.get("city")
    rows = []
    for spec in plan.tasks:
        state = spec["state"]
        task = Task(title=spec["title"], commitment=spec["commitment"], source=spec["source"],
                    source_ref=spec["source_ref"], region=spec["region"], created_by=creator,
                    sponsor_leader=spec["sponsor_leader"], lead_unit=spec["lead_unit"],
                    responsible_person=spec["responsible_person"], responsible_post=spec["responsible_post"],
                    due_date=spec["due_date"], assigned_at=spec["assigned_at"], status=state)
        done_at = min(spec["done_at"], now - timedelta(hours=1))
        if state in ("completed", "closed"):
            task.completed_at, task.progress_percent = done_at, 100
            task.completion_note = "已按承诺完成,佐证材料已上传。"
            if done_at >= end_of_day(task.due_date):
                task.late_explanation = rng_free_explanation(task)
            if state == "closed":
                task.closed_at, task.closed_by = min(done_at + timedelta(days=2), now), creator
        elif state == "in_progress":
            task.progress_percent = spec["percent"]
        task.pending_events = _task_escalation(task, rules=rules, now=now)
        rows.append(task)
    created = Task.objects.bulk_create(rows)
    # recurring series: each county's 发改局 reports the monthly dispatch sheet; county1 also reports weekly
    start = (now - timedelta(days=75)).date().replace(day=1)
    series_rows = [Task(title="报送重点项目月度调度表",
                        commitment="每月25日前报送本月重点项目进展、存在问题及下月计划。",
                        source="document", source_ref="市重点项目调度工作制度", region=county, created_by=creator,
                        lead_unit=units[county.pk]["ndrc"], assigned_at=timezone.make_aware(
                            datetime.combine(start, time(9))), recurrence="monthly", starts_on=start, due_day=25)
                   for county in ctx.counties]
    series_rows.append(Task(title="报送招商引资和项目建设周报",
                            commitment="每周五下班前报送本周新签约、新开工项目及问题。",
                            source="meeting", source_ref="重点项目周例会", region=ctx.counties[0], created_by=creator,
                            lead_unit=units[ctx.counties[0].pk]["ndrc"],
                            assigned_at=timezone.make_aware(datetime.combine(start, time(9))), recurrence="weekly",
                            starts_on=start, due_weekday=4))
    series = Task.objects.bulk_create(series_rows)
    instances = []
    today = timezone.localdate(now)
    for s in series:
        periods = periods_until(s, today)
        for number, period in enumerate(periods):
            last = number == len(periods) - 1
            assigned = timezone.make_aware(datetime.combine(max(period.starts, s.starts_on), time.min))
            instance = Task(title=s.title, commitment=s.commitment, source=s.source, source_ref=s.source_ref,
                            region=s.region, created_by=creator, lead_unit=s.lead_unit, due_date=period.due,
                            assigned_at=assigned, series=s, period=period.key, status="assigned")
            if not last or period.due < today:
                instance.status, instance.progress_percent = "closed", 100
                completed = end_of_day(period.due) - timedelta(hours=6 if number % 5 else -30)
                instance.completed_at = min(completed, now - timedelta(hours=2))
                if instance.completed_at >= end_of_day(period.due):
                    instance.late_explanation = "报表数据核对耗时,延迟报送。"
                instance.closed_at = min(instance.completed_at + timedelta(hours=20), now)
                instance.closed_by = creator
            instances.append(instance)
    Task.objects.bulk_create(instances)
    events = []
    for task in [*created, *instances]:
        events.append(TaskEvent(task=task, kind="generated" if task.series_id else "created", to_status="assigned",
                                actor=None if task.series_id else creator, at=task.assigned_at,
                                data={"period": task.period} if task.period else {"lead_unit": str(task.lead_unit)}))
        if task.status == "in_progress":
            events.append(TaskEvent(task=task, kind="progress", from_status="assigned", to_status="in_progress",
                                    percent=task.progress_percent, actor=task.responsible_person,
                                    at=min(task.assigned_at + timedelta(days=3), now), note="按计划推进中。"))
        if task.completed_at:
            events.append(TaskEvent(task=task, kind="completed", from_status="in_progress", to_status="completed",
                                    percent=100, at=task.completed_at, note=task.completion_note or "已报送。",
                                    data={"late": bool(task.late_explanation),
                                          "late_explanation": task.late_explanation}))
        if task.closed_at:
            events.append(TaskEvent(task=task, kind="closed", from_status="completed", to_status="closed",
                                    actor=creator, at=task.closed_at))
        events += getattr(task, "pending_events", [])
    events += [TaskEvent(task=s, kind="created", to_status="assigned", actor=creator, at=s.assigned_at,
                         data={"lead_unit": str(s.lead_unit), "recurrence": s.recurrence}) for s in series]
    TaskEvent.objects.bulk_create(events, batch_size=2000)
    notes = [Notification(recipient=user, kind="task", title=f"新督办任务:{task}"[:200], url=task.get_absolute_url(),
                          task=task, created_at=task.assigned_at, key=f"t{task.pk}:assigned")
             for task in [*created, *instances] if task.status in Task.OPEN_STATUSES
             for user in actors.get(task.lead_unit_id, [])]
    Notification.objects.bulk_create(notes, batch_size=2000)
    return len(created) + len(instances), len(series)


def rng_free_explanation(task: Task) -> str:
    return f"{task.lead_unit.short_name or task.lead_unit.name}:涉及跨部门协调,完成时间晚于承诺时限。"

