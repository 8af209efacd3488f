"""Demo step: the key-project ledger — projects in every county and stage, with stage history (declared and
verified), evidence files (tiny generated JPEGs with EXIF dates and PDFs), year plans, 24 months of monthly
reports ending 2026-10 (approved, a few awaiting approval or returned, some corrected), milestones, 三个一批
batches, lagging projects, unverified declarations, suspensions, and cancelled projects replaced by others.

Everything is drawn from `ctx.rng("projects")` in a fixed order, so a scale always yields the same ledger.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from devzone.demo import names
from devzone.demo.context import DemoContext
from devzone.projects.models import (
    BatchEntry,
    Evidence,
    Milestone,
    ProgressReport,
    Project,
    ProjectBatch,
    ProjectRules,
    ProjectStage,
    ProjectYearPlan,
    Stage,
    StageEvent,
)
from devzone.projects.samplefiles import make_pdf, site_photo

PROJECTS_PER_SCALE = 600
DEMO_END = date(2026, 10, 31)           # the last month reported
FIRST_PERIOD = date(2024, 11, 1)        # 24 months: 2024-11 … 2026-10
BATCH_SIZE = 2000
# Final state of the ledger at DEMO_END: weights per target stage.
TARGETS = [("planned", 8), ("signed", 16), ("started", 31), ("completed", 8), ("producing", 15), ("effective", 10),
           ("suspended", 5), ("cancelled", 4), ("signed_declared", 3)]
BATCHES = [("2025年第一批", 2025, 1, date(2025, 3, 18)), ("2025年第二批", 2025, 2, date(2025, 9, 16)),
           ("2026年第一批", 2026, 1, date(2026, 3, 17)), ("2026年第二批", 2026, 2, date(2026, 9, 15))]
PHASES = ["场地平整", "基础施工", "主体结构施工", "主体封顶", "设备安装", "装饰装修", "竣工验收"]
PROBLEMS = ["施工用电增容待协调", "部分土地征收尚未完成", "项目贷款到位不及时", "环评手续正在办理", "施工用工短缺",
            "施工用水待接入", "进场道路尚未打通", "规划许可调整待审批"]
MILESTONES = ["桩基完成", "主体封顶", "设备进场", "设备安装调试", "竣工验收"]
PRODUCTS = {"纺织服装": ["高档面料", "智能纺纱", "功能性服装", "家纺制品"],
            "装备制造": ["智能装备", "高端数控机床", "工程机械关键零部件", "智能农机"],
            "食品加工": ["绿色食品", "冷链食品", "优质粮油", "休闲食品"],
            "新材料": ["高性能铝合金", "新型建材", "高分子材料", "碳纤维复合材料"],
            "电子信息": ["电子元器件", "光电显示", "智能终端", "半导体封测"],
            "新能源汽车": ["动力电池", "新能源汽车零部件", "驱动电机", "充换电设备"]}
INFRA = ["主干道路网改造工程", "污水处理厂提标改造工程", "标准化厂房建设项目", "综合管廊建设工程",
         "物流园区基础设施项目",
         "热电联产管网工程", "水系连通及生态修复工程"]
LIVELIHOOD = ["人民医院新院区建设项目", "第二高级中学建设项目", "保障性租赁住房项目", "老旧小区改造项目",
              "养老服务中心建设项目", "全民健身中心建设项目"]
ESTATE = ["府住宅小区项目", "城市综合体项目", "商业广场项目"]
UNITS = ["市发改委", "市工信局", "市商务局", "市住建局", "市自然资源局"]


def _month(day: date) -> date:
    return day.replace(day=1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (date(year + (month == 11), (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last))


def _months(first: date, last: date) -> list[date]:
    result, current = [], _month(first)
    while current <= _month(last):
        result.append(current)
        current = _add_months(current, 1)
    return result


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0.0), 2)))


def _rand_date(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


@dataclass
class Plan:
    """One project's story, drawn before anything is written."""

    project: Project
    county: object
    target: str
    dates: dict[str, date] = field(default_factory=dict)
    declared: tuple[str, date] | None = None   # a declaration awaiting verification
    returned: tuple[str, date, str] | None = None
    performance: float = 1.0                    # 2026 time-sequence performance (1 = on schedule)
    duration: int = 18                          # planned construction months
    replacement_of: Plan | None = None


class Files:
    """Writes generated evidence files through the default storage under demo/projects/."""

    def __init__(self) -> None:
        self.count = 0

    def save(self, name: str, content: bytes) -> tuple[str, int, str]:
        stored = default_storage.save(f"demo/projects/{name}", ContentFile(content))
        self.count += 1
        return stored, len(content), hashlib.sha256(content).hexdigest()


def _person(rng) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.randint(1, 2)))


def _project(rng, ctx: DemoContext, index: int, county, used: set[str], owners: dict, industries) -> Project:
    roll = rng.random()
    category = ("industry" if roll < 0.68 else "infrastructure" if roll < 0.82 else "livelihood" if roll < 0.94
                else "real_estate")
    chain = rng.choice(list(names.CHAINS))
    short = county.name[:2]
    owner = None
    if category == "industry":
        product = rng.choice(PRODUCTS[chain])
        owners_here = owners.get(county.pk, [])
        if owners_here and rng.random() < 0.55:
            owner = rng.choice(owners_here)
        brand = owner.name[2:4] if owner else rng.choice(names.FIRM_WORDS) + rng.choice(names.FIRM_WORDS)
        name = rng.choice([f"年产{rng.randint(2, 50)}万{rng.choice(['吨', '件', '套', '台'])}{product}项目",
                           f"{brand}{product}产业园项目", f"{brand}{product}生产线技术改造项目",
                           f"{short}{product}扩能项目"])
    elif category == "infrastructure":
        name = f"{short}{rng.choice(INFRA)}"
    elif category == "livelihood":
        name = f"{short}{rng.choice(LIVELIHOOD)}"
    else:
        name = f"{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}·{rng.choice(['江山', '御景', '锦绣'])}" \
               f"{rng.choice(ESTATE)}"
    base, number = name, 1
    while name in used:
        number += 1
        name = f"{base}({number}期)" if "期" not in base else f"{base}{number}"
    used.add(name)
    total = min(max(math.exp(rng.gauss(10.1, 1.0)), 1500.0), 400000.0)  # 万元, median ≈ 2.4亿
    zones = [z for z in ctx.zones if z.region_id == county.pk]
    zone = rng.choice(zones) if zones and category in ("industry", "infrastructure") and rng.random() < 0.75 \
        else None
    threshold = float(zone.intensity_threshold) if zone else 180.0
    intensity = threshold * rng.uniform(0.7, 2.2)
    nature = rng.choices(["new", "expansion", "renovation", "continued"], [55, 15, 15, 15])[0]
    leader = ctx.users.get("leader") if rng.random() < 0.15 else None
    units = ctx.departments
    unit = units.get(rng.choice(["ndrc", "industry", "commerce", "housing"])) if rng.random() < 0.4 else None
    start_year = rng.randint(2023, 2026)
    output = total * rng.uniform(1.2, 2.5) if category == "industry" else None
    townships = ctx.townships.get(county.pk, [])
    region = rng.choice(townships) if townships and rng.random() < 0.35 else county
    return Project(
        code=f"XM{county.pk:03d}{index:05d}", name=name, owner=owner,
        owner_name=owner.name if owner else (f"{short}{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}"
                                             f"{'建设投资' if category != 'industry' else '实业'}有限公司"),
        region=region, zone=zone, industry=industries.get(rng.choice(names.CHAINS[chain][0])) if category == "industry"
        else None, chain_link=f"{chain}/{rng.choice(names.CHAINS[chain][1])}" if category == "industry" else "",
        category=category, nature=nature, provincial_key=rng.random() < 0.12, city_key=rng.random() < 0.45,
        hundred_major=total >= 50000 and rng.random() < 0.5,
        government_invested=category in ("infrastructure", "livelihood") and rng.random() < 0.8,
        content_scale=f"总用地约{round(total / intensity)}亩,总建筑面积约{rng.randint(2, 30)}万平方米,"
                      f"建设生产车间、仓储及配套设施。" if category == "industry" else "详见项目可研批复。",
        total_investment=_money(total), start_year=start_year, end_year=start_year + rng.randint(1, 3),
        land_mu=_money(total / intensity) if category != "livelihood" else None,
        own_land=nature == "renovation" and rng.random() < 0.6,
        lon=Decimal(str(round(113.2 + rng.uniform(0, 1.1), 6))), lat=Decimal(str(round(34.1 + rng.uniform(0, 0.8), 6))),
        leader=leader, leader_name=str(leader) if leader else _person(rng),
        responsible_unit=unit,
        responsible_unit_name=unit.name if unit else f"{county.name}{rng.choice(['发改局', '工信局', '商务局'])}",
        mark_high_end=rng.random() < 0.3, mark_smart=rng.random() < 0.3, mark_green=rng.random() < 0.35,
        mark_integrated=rng.random() < 0.2,
        agreement_amount=None, agreement_counterpart="",
        committed_output=_money(output) if output else None,
        committed_tax=_money(output * rng.uniform(0.04, 0.07)) if output else None,
    )


def _story(rng, plan: Plan) -> None:
    """Dates of every stage reached by DEMO_END, chosen backwards from the target stage."""
    p, target = plan.project, plan.target
    d = plan.dates
    plan.duration = rng.randint(12, 26)
    gov = p.government_invested
    if target in ("planned",):
        d["planned"] = _rand_date(rng, date(2025, 3, 1), date(2026, 9, 30))
        return
    if target in ("signed", "signed_declared", "cancelled"):
        signed = _rand_date(rng, date(2025, 3, 1), DEMO_END)  # signings go on up to the last month
        p.government_invested = False  # it signed an agreement
        d["signed"] = signed
        d["planned"] = signed - timedelta(days=rng.randint(30, 200))
        if target == "signed_declared":
            start = min(signed + timedelta(days=rng.randint(30, 240)), DEMO_END - timedelta(days=3))
            plan.declared = (Stage.STARTED, start)
        elif target == "signed" and rng.random() < 0.12:
            plan.returned = (Stage.STARTED, min(signed + timedelta(days=60), DEMO_END),
                             "手续不全,缺少施工许可证,不予认定")
        return
    # started or later
    if target == "started":
        start = _rand_date(rng, date(2024, 3, 1), date(2026, 9, 20))
        elapsed = (DEMO_END.year - start.year) * 12 + DEMO_END.month - start.month
        plan.duration = max(plan.duration, elapsed + rng.randint(3, 12))  # still under construction
    elif target == "suspended":
        start = _rand_date(rng, date(2024, 3, 1), date(2025, 12, 31))
    elif target == "completed":
        start = _rand_date(rng, date(2023, 6, 1), date(2025, 3, 1))
    elif target == "producing" and rng.random() < 0.15:  # a quick build: started this year, producing already
        start = _rand_date(rng, date(2026, 1, 1), date(2026, 4, 30))
        plan.duration = rng.randint(4, 6)
    elif target == "producing":
        start = _rand_date(rng, date(2023, 1, 1), date(2024, 12, 31))
    else:  # effective
        start = _rand_date(rng, date(2022, 6, 1), date(2024, 3, 1))
    d["started"] = start
    if not gov:
        d["signed"] = start - timedelta(days=rng.randint(30, 240))
    d["planned"] = (d.get("signed") or start) - timedelta(days=rng.randint(30, 200))
    if target in ("completed", "producing", "effective"):
        completed = min(_add_months(start, plan.duration), DEMO_END - timedelta(days=20))
        d["completed"] = completed
        if target in ("producing", "effective"):
            d["producing"] = min(completed + timedelta(days=rng.randint(20, 90)), DEMO_END - timedelta(days=10))
        if target == "effective":
            d["effective"] = min(d["producing"] + timedelta(days=rng.randint(180, 420)), DEMO_END - timedelta(days=2))
    if target == "started" and rng.random() < 0.1 and start < date(2025, 10, 1):
        plan.declared = (Stage.COMPLETED, min(_add_months(start, plan.duration), DEMO_END - timedelta(days=5)))
    roll = rng.random()
    plan.performance = rng.uniform(0.95, 1.15) if roll < 0.6 else rng.uniform(0.76, 0.88) if roll < 0.82 \
        else rng.uniform(0.35, 0.72)


def _agreement(rng, p: Project, plan: Plan) -> None:
    if "signed" in plan.dates or (plan.declared and plan.declared[0] == Stage.SIGNED):
        p.agreement_amount = _money(float(p.total_investment) * rng.uniform(0.9, 1.05))
        investor = f"{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}集团"
        p.agreement_counterpart = p.owner_name if p.owner_id else investor


def _stage_rows(plan: Plan, office, county_user) -> list[ProjectStage]:
    p, now = plan.project, timezone.now()
    rows = []
    for stage, day in plan.dates.items():
        rows.append(ProjectStage(project=p, stage=stage, actual_date=day, status=ProjectStage.Status.VERIFIED,
                                 planned_date=day - timedelta(days=15) if stage != "planned" else None,
                                 declared_by=county_user, declared_at=now, verified_by=office, verified_at=now))
    if plan.declared:
        stage, day = plan.declared
        rows.append(ProjectStage(project=p, stage=stage, actual_date=day, status=ProjectStage.Status.DECLARED,
                                 planned_date=day, declared_by=county_user, declared_at=now))
    elif plan.returned:
        stage, day, reason = plan.returned
        rows.append(ProjectStage(project=p, stage=stage, actual_date=day, status=ProjectStage.Status.RETURNED,
                                 planned_date=day, declared_by=county_user, declared_at=now, return_reason=reason))
    reached = set(plan.dates) | ({plan.declared[0]} if plan.declared else set()) \
        | ({plan.returned[0]} if plan.returned else set())
    order = ["planned", "signed", "started", "completed", "producing", "effective"]
    last = max((order.index(s) for s in reached), default=0)
    if last + 1 < len(order) and plan.target not in ("cancelled",):  # the next stage's planned date
        nxt = order[last + 1]
        if not (nxt == "signed" and p.government_invested):
            base = max(plan.dates.values())
            rows.append(ProjectStage(project=p, stage=nxt, planned_date=base + timedelta(days=30 * plan.duration // 2)))
    return rows


def _events(plan: Plan, office, county_user) -> list[StageEvent]:
    p = plan.project
    events = [StageEvent(project=p, action="enter", stage="planned", on=plan.dates.get("planned"), actor=county_user)]
    for stage, day in plan.dates.items():
        if stage == "planned":
            continue
        events.append(StageEvent(project=p, action="declare", stage=stage, on=day, actor=county_user))
        events.append(StageEvent(project=p, action="verify", stage=stage, on=day, actor=office))
    if plan.declared:
        events.append(StageEvent(project=p, action="declare", stage=plan.declared[0], on=plan.declared[1],
                                 actor=county_user))
    if plan.returned:
        events.append(StageEvent(project=p, action="declare", stage=plan.returned[0], on=plan.returned[1],
                                 actor=county_user))
        events.append(StageEvent(project=p, action="return", stage=plan.returned[0], on=plan.returned[1],
                                 actor=office, note=plan.returned[2]))
    if p.stage == Stage.SUSPENDED:
        events.append(StageEvent(project=p, action="suspend", stage="suspended", on=p.suspended_on, actor=county_user,
                                 note="资金未到位,暂缓建设"))
    if p.stage == Stage.CANCELLED:
        events.append(StageEvent(project=p, action="cancel", stage="cancelled", on=p.cancelled_on, actor=office,
                                 note=p.cancel_reason))
    return events


def _pdf(files: Files, p: Project, kind: str, title: str, number: str, day: date) -> Evidence:
    lines = [title, f"文号:{number}" if number else f"日期:{day:%Y-%m-%d}", f"项目名称:{p.name}",
             f"建设单位:{p.owner_name}", f"日期:{day:%Y年%m月%d日}", "(演示数据,纯属虚构)"]
    stored, size, digest = files.save(f"{p.code}/{kind}.pdf", make_pdf(lines, title=title))
    return Evidence(project=p, kind=kind, stage=_kind_stage(kind), file=stored, original_name=f"{title}.pdf",
                    content_type="application/pdf", size=size, sha256=digest, document_number=number)


def _kind_stage(kind: str) -> str:
    return {"agreement": "signed", "completion": "completed", "production": "producing",
            "effectiveness": "effective"}.get(kind, "started")


def _photo(files: Files, p: Project, day: date, seed: int, name: str, report=None) -> Evidence:
    content = site_photo(seed, taken_at=datetime(day.year, day.month, day.day, 10, 30))
    stored, size, digest = files.save(f"{p.code}/{name}.jpg", content)
    return Evidence(project=p, report=report, kind="site_photo", stage="" if report else "started", file=stored,
                    original_name=f"{name}.jpg", content_type="image/jpeg", size=size, sha256=digest, taken_on=day,
                    taken_on_source="exif")


def _evidence(rng, files: Files, plan: Plan, county_code: str) -> list[Evidence]:
    p, d, result = plan.project, plan.dates, []
    year = (d.get("started") or d.get("signed") or DEMO_END).year
    if "signed" in d:
        result.append(_pdf(files, p, "agreement", "投资合作协议", "", d["signed"]))
    start = d.get("started") or (plan.declared[1] if plan.declared and plan.declared[0] == "started" else None)
    if start:
        number = f"{county_code}发改备〔{year}〕{rng.randint(10, 399)}号"
        result.append(_pdf(files, p, "approval", "项目备案证明", number,
                           start - timedelta(days=90)))
        if not p.own_land:
            result.append(_pdf(files, p, "land", "不动产权证书", f"云({year})不动产权第{rng.randint(1000, 9999)}号",
                               start - timedelta(days=60)))
        if "started" in d:  # a declared-not-verified start lacks the permit, the contract and the photo
            permit = f"{county_code}{rng.randint(100000, 999999)}"
            result.append(_pdf(files, p, "construction_permit", "建筑工程施工许可证", permit,
                               start - timedelta(days=5)))
            result.append(_pdf(files, p, "construction_contract", "建设工程施工合同", "", start - timedelta(days=20)))
            result.append(_photo(files, p, start + timedelta(days=rng.randint(0, 20)), p.pk, "开工现场"))
    for stage, kind, title in (("completed", "completion", "竣工验收备案表"),
                               ("producing", "production", "投产证明(首笔销售发票)"),
                               ("effective", "effectiveness", "达效情况说明(年度纳税证明)")):
        if stage in d:
            result.append(_pdf(files, p, kind, title, "", d[stage]))
    return result


def _reports(rng, plan: Plan, office, county_user) -> tuple[list[ProgressReport], dict[int, float]]:
    """Monthly reports from the start (or 2024-11) to completion, with amounts that tell the plan's story."""
    p, d = plan.project, plan.dates
    if "started" not in d:
        return [], {}
    first = max(_month(d["started"]), FIRST_PERIOD)
    end = d.get("completed") or (p.suspended_on if p.stage == Stage.SUSPENDED else DEMO_END)
    months = _months(first, min(end, DEMO_END))
    if not months:
        return [], {}
    total = float(p.total_investment)
    base = total * 0.85 / plan.duration
    elapsed_before = max(0, (first.year - d["started"].year) * 12 + first.month - d["started"].month)
    cumulative, reports, by_year = 0.0, [], {}
    now = timezone.now()
    problem_at = rng.randrange(len(months)) if rng.random() < 0.5 else -1
    for index, period in enumerate(months):
        factor = plan.performance if period.year == 2026 else rng.uniform(0.85, 1.1)
        amount = min(base * rng.uniform(0.6, 1.4) * factor, total * 0.95 - cumulative)
        amount = max(amount, 0.0)
        cumulative += amount
        done = min(100, int(100 * (elapsed_before + index + 1) / plan.duration))
        phase = PHASES[min(len(PHASES) - 1, done * len(PHASES) // 101)]
        reports.append(ProgressReport(
            project=p, period=period, investment_month=_money(amount), image_progress=f"{phase},累计形象进度{done}%",
            image_percent=done, problems=PROBLEMS[rng.randrange(len(PROBLEMS))] if index == problem_at else "",
            status=ProgressReport.Status.APPROVED, submitted_by=county_user, submitted_at=now, reviewed_by=office,
            reviewed_at=now))
        by_year[period.year] = by_year.get(period.year, 0.0) + float(_money(amount))
    last = reports[-1]
    if last.period == _month(DEMO_END):
        roll = rng.random()
        if roll < 0.15:
            last.status, last.reviewed_by, last.reviewed_at = ProgressReport.Status.SUBMITTED, None, None
        elif roll < 0.18:
            last.status, last.return_reason = ProgressReport.Status.RETURNED, "现场照片与形象进度不符,请补充近期照片"
    return reports, by_year


def plan_projects(ctx: DemoContext, rng, *, industries: dict, owners: dict) -> list[Plan]:
    """Draw every project and its story (nothing is written yet)."""
    used: set[str] = set()
    kinds = [k for k, _ in TARGETS]
    weights = [w for _, w in TARGETS]
    plans: list[Plan] = []
    for index in range(PROJECTS_PER_SCALE * ctx.scale):
        county = ctx.counties[index % len(ctx.counties)]
        project = _project(rng, ctx, index + 1, county, used, owners, industries)
        plan = Plan(project=project, county=county, target=rng.choices(kinds, weights)[0])
        _story(rng, plan)
        _agreement(rng, project, plan)
        start = plan.dates.get("started") or (plan.declared[1] if plan.declared else None) \
            or _add_months(plan.dates.get("signed") or plan.dates["planned"], 6)
        project.start_year, project.end_year = start.year, _add_months(start, plan.duration).year
        plans.append(plan)
    return plans


def owners_by_county(ctx: DemoContext) -> dict[int, list]:
    township_county = {t.pk: c for c in ctx.counties for t in ctx.townships.get(c.pk, [])}
    owners: dict[int, list] = {}
    for enterprise in ctx.enterprises:
        county = township_county.get(enterprise.region_id)
        owners.setdefault(county.pk if county else enterprise.region_id, []).append(enterprise)
    return owners


def build_projects(ctx: DemoContext) -> dict[str, int]:
    from devzone.enterprises.models import Industry

    rng = ctx.rng("projects")
    ProjectRules.objects.get_or_create(pk=1)
    office, users = ctx.users.get("city"), ctx.users
    county_users = {u.region_id: u for name, u in users.items() if name.startswith("county")}
    industries = {i.code: i for i in Industry.objects.all()}
    owners = owners_by_county(ctx)
    files = Files()
    plans = plan_projects(ctx, rng, industries=industries, owners=owners)
    # final states
    for plan in plans:
        p, d = plan.project, plan.dates
        reached = [s for s in ("planned", "signed", "started", "completed", "producing", "effective") if s in d]
        p.stage = reached[-1]
        if plan.declared:
            p.declared_stage = plan.declared[0]
        if plan.target == "suspended":
            p.resume_stage, p.stage = p.stage, Stage.SUSPENDED
            p.suspended_on = min(_add_months(d["started"], rng.randint(3, 9)), DEMO_END - timedelta(days=30))
        if plan.target == "cancelled":
            p.stage = Stage.CANCELLED
            p.cancelled_on = min(d.get("signed", DEMO_END) + timedelta(days=rng.randint(200, 400)), DEMO_END)
            p.cancel_reason = rng.choice(["投资方资金链断裂,项目无法开工", "产业政策调整,项目不再实施",
                                          "用地条件不具备,调整替换"])
    Project.objects.bulk_create([plan.project for plan in plans], batch_size=BATCH_SIZE)
    # replacements: half of the cancelled projects are replaced by a signed or started project of the same county
    by_county_candidates: dict[int, list[Plan]] = {}
    for plan in plans:
        if plan.target in ("signed", "started") and plan.project.replaces_id is None:
            by_county_candidates.setdefault(plan.county.pk, []).append(plan)
    replaced = 0
    for plan in plans:
        if plan.target != "cancelled" or rng.random() >= 0.6:
            continue
        candidates = [c for c in by_county_candidates.get(plan.county.pk, []) if c.replacement_of is None]
        if not candidates:
            continue
        new = candidates[rng.randrange(len(candidates))]
        new.replacement_of = plan
        new.project.replaces = plan.project
        replaced += 1
    Project.objects.bulk_update([p.project for p in plans if p.replacement_of], ["replaces"], batch_size=BATCH_SIZE)
    # stages, events, evidence, plans, reports, milestones
    stages, events, evidence, year_plans, milestones = [], [], [], [], []
    all_reports: list[tuple[Plan, list[ProgressReport]]] = []
    for plan in plans:
        p = plan.project
        county_user = county_users.get(plan.county.pk)
        stages += _stage_rows(plan, office, county_user)
        events += _events(plan, office, county_user)
        evidence += _evidence(rng, files, plan, plan.county.code or "990100")
        reports, by_year = _reports(rng, plan, office, county_user)
        all_reports.append((plan, reports))
        for year, done in by_year.items():
            if year not in (2025, 2026):
                continue
            if year == 2026:
                through_october = any(r.period == _month(DEMO_END) for r in reports)
                planned = done * (12 / 10 if through_october else 1.0) / plan.performance
            else:
                planned = done / rng.uniform(0.88, 1.08)
            year_plans.append(ProjectYearPlan(project=p, year=year, planned_investment=_money(
                min(planned, float(p.total_investment)))))
        if plan.target in ("signed", "signed_declared") and rng.random() < 0.3:
            year_plans.append(ProjectYearPlan(project=p, year=2026, planned_investment=_money(
                float(p.total_investment) * rng.uniform(0.08, 0.2))))
        if "started" in plan.dates and plan.target in ("started", "completed", "suspended"):
            start = plan.dates["started"]
            for n, label in enumerate(rng.sample(MILESTONES, rng.randint(2, 4))):
                planned_date = _add_months(start, 3 + n * max(plan.duration // 4, 2))
                due = planned_date + timedelta(days=20) <= DEMO_END
                done = due and (plan.target == "completed" or plan.performance > 0.9 or rng.random() < 0.6)
                milestones.append(Milestone(project=p, name=label, planned_date=planned_date,
                                            done_on=planned_date + timedelta(days=rng.randint(-10, 20))
                                            if done else None))
    ProjectStage.objects.bulk_create(stages, batch_size=BATCH_SIZE)
    StageEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
    ProjectYearPlan.objects.bulk_create(year_plans, batch_size=BATCH_SIZE)
    Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
    flat = [r for _plan, reports in all_reports for r in reports]
    ProgressReport.objects.bulk_create(flat, batch_size=BATCH_SIZE)
    # corrections: a few approved reports were corrected (new record, approved, 10% lower)
    corrections = []
    approved = [r for r in flat if r.status == ProgressReport.Status.APPROVED and r.period < date(2026, 9, 1)]
    for original in rng.sample(approved, min(len(approved), 12 * ctx.scale)):
        corrections.append(ProgressReport(
            project=original.project, period=original.period, corrects=original,
            investment_month=_money(float(original.investment_month) * 0.9), image_progress=original.image_progress,
            image_percent=original.image_percent, problems=original.problems, status=ProgressReport.Status.APPROVED,
            submitted_by=original.submitted_by, submitted_at=original.submitted_at, reviewed_by=office,
            reviewed_at=original.reviewed_at))
    ProgressReport.objects.bulk_create(corrections, batch_size=BATCH_SIZE)
    # report photos: one a quarter over the last year
    for plan, reports in all_reports:
        for report in reports:
            if report.period.month % 3 == 1 and report.period >= date(2025, 11, 1):
                taken = report.period + timedelta(days=rng.randint(5, 25))
                evidence.append(_photo(files, plan.project, taken, plan.project.pk + report.period.month,
                                       f"月报-{report.period:%Y-%m}", report=report))
    Evidence.objects.bulk_create(evidence, batch_size=BATCH_SIZE)
    # 三个一批 batches: projects signed, started or put into production within 45 days of a batch day
    batches = ProjectBatch.objects.bulk_create([ProjectBatch(name=n, year=y, sequence=s, held_on=h)
                                                for n, y, s, h in BATCHES])
    entries = []
    for plan in plans:
        for batch in batches:
            for stage, list_kind in (("signed", "signed"), ("started", "started"), ("producing", "producing")):
                day = plan.dates.get(stage)
                if day and abs((day - batch.held_on).days) <= 45:
                    entries.append(BatchEntry(batch=batch, project=plan.project, list_kind=list_kind))
    for plan in plans:  # a replacement takes its predecessor's place on the batch lists
        if plan.replacement_of:
            for entry in [e for e in entries if e.project is plan.replacement_of.project]:
                if not any(e.project is plan.project and e.batch is entry.batch and e.list_kind == entry.list_kind
                           for e in entries):
                    entries.append(BatchEntry(batch=entry.batch, project=plan.project, list_kind=entry.list_kind))
    BatchEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    ctx.extra["projects"] = [plan.project for plan in plans]
    return {"projects": len(plans), "project_reports": len(flat) + len(corrections),
            "project_evidence": len(evidence), "project_files": files.count, "project_replacements": replaced,
            "project_batches": len(batches)}
