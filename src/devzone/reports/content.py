"""The content of a bulletin (月通报 / 周报) for a period, as one plain data structure that the three writers
(docx, pdf, xlsx) render. Figures come from the other apps' selectors and KPI modules; nothing is recomputed here.

Jurisdiction: everything is read through the requesting user's scope, so the city bulletin (a city-wide user)
covers every county and a county user's bulletin covers its own county only (its ranking table shows its own
row with its city-wide rank). Deterministic: rows are ordered by fixed keys and the only date in the body is the
issue date passed in (default: the day after the period ends).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Max, Q
from django.utils import translation

from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, User
from devzone.reports.periods import KIND_LABELS, BulletinPeriod

NUMERALS = "一二三四五六七八九十"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | money | number | percent | date
    width: int = 14


@dataclass(frozen=True)
class Table:
    """A table of a section; writers add the 序号 column in front of every row (not of the total row)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]
    total: tuple | None = None  # a 合计 row aligned with `columns`
    empty: str = "本期无。"


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | Decimal | None
    unit: str = ""


@dataclass(frozen=True)
class Bulletin:
    kind: str
    period: BulletinPeriod
    scope_name: str
    issuer: str
    title: str
    doc_number: str
    issued_on: date
    figures: tuple[Figure, ...]
    sections: tuple[Section, ...]
    appendix: tuple = field(default=())  # ledgers.LedgerData for the .xlsx appendix

    @property
    def numbered_sections(self) -> list[tuple[str, Section]]:
        return [(f"{chinese_number(i)}、", section) for i, section in enumerate(self.sections, start=1)]

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    @property
    def charts(self) -> list[Chart]:
        return [chart for section in self.sections for chart in section.charts]


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def county_name(region: Region | None) -> str:
    """The county (县/区) a row belongs to: townships show their parent county."""
    if region is None:
        return "市直"
    if region.level == Region.Level.TOWNSHIP and region.parent_id:
        return region.parent.name
    return region.name


def scope_name(user: User) -> str:
    scope = scope_for(user)
    if scope.region_id:
        return Region.objects.only("name").get(pk=scope.region_id).name
    city = Region.objects.filter(level=Region.Level.CITY).order_by("path").only("name").first()
    return city.name if city else "全市"


# --- sections ------------------------------------------------------------------------------------------

def _overview(user: User, period: BulletinPeriod) -> tuple[Section, tuple[Figure, ...]]:
    from devzone.attraction.kpis import county_kpis
    from devzone.dispatch.selectors import Period as DispatchPeriod
    from devzone.dispatch.selectors import kpi_table
    from devzone.projects.models import Project, Stage
    from devzone.projects.selectors import project_kpis

    as_of = period.ledger_as_of
    report = project_kpis(user=user, cohort=str(as_of.year), as_of=as_of, group_by="county")
    overall = report.overall
    active = Project.objects.filter(scope_for(user).region_q()).exclude(stage=Stage.CANCELLED)
    project_count = active.count()
    total_investment = money(sum(active.values_list("total_investment", flat=True), Decimal(0)))
    rows, attraction_total = county_kpis(user=user, date_from=period.start, date_to=period.end)
    dispatch_period = DispatchPeriod(period.key, period.start_at, period.end_at)
    problems = kpi_table(user=user, period=dispatch_period, now=period.end_at).total
    completed = overall.investment_rate
    figures = (
        Figure("在库重点项目", project_count, "个"),
        Figure("重点项目总投资", total_investment, "万元"),
        Figure(f"{as_of.year}年开工率", overall.start_rate.value, "%"),
        Figure(f"{as_of.year}年投产率", overall.production_rate.value, "%"),
        Figure(f"{as_of.year}年达效率", overall.effectiveness_rate.value, "%"),
        Figure(f"1-{as_of.month}月完成投资", money(completed.numerator), "万元"),
        Figure("投资完成率", completed.value, "%"),
        Figure("本期新增招商线索", attraction_total.new_leads, "条"),
        Figure("本期签约项目", attraction_total.signed, "个"),
        Figure("本期签约额", money(attraction_total.signed_amount), "万元"),
        Figure("本期交办问题", len(problems.assigned_ids) if problems else 0, "件"),
        Figure("问题办结率", problems.completion.percent if problems else None, "%"),
        Figure("问题按期办结率", problems.on_time.percent if problems else None, "%"),
    )
    figure_table = Table("figures", "主要指标", (Column("指标", width=24), Column("数值", "number"),
                                              Column("单位", width=8)),
                         tuple((f.label, f.value, f.unit) for f in figures))
    counties = _county_table(report.groups, rows)
    text = (f"截至{cn_date(as_of)},{period_scope(user)}在库重点项目{project_count}个,"
            f"总投资{_wan(total_investment)}万元;"
            f"{as_of.year}年开工率{_pct(overall.start_rate.value)},投产率{_pct(overall.production_rate.value)},"
            f"达效率{_pct(overall.effectiveness_rate.value)};1-{as_of.month}月完成投资{_wan(completed.numerator)}万元,"
            f"投资完成率{_pct(completed.value)}。本期新增招商线索{attraction_total.new_leads}条,签约项目"
            f"{attraction_total.signed}个,签约额{_wan(attraction_total.signed_amount)}万元。")
    chart = Chart("county_investment_rate", "各县(市、区)投资完成率", tuple(r[0] for r in counties.rows),
                  tuple(float(r[4] or 0) for r in counties.rows), "%")
    rates = Chart("kpi_rates", "三率及投资完成率", ("开工率", "投产率", "达效率", "投资完成率"),
                  tuple(float(r.value or 0) for r in overall.rates), "%")
    return Section("总体情况", (text,), (figure_table, counties), (rates, chart)), figures


def period_scope(user: User) -> str:
    return "全市" if scope_for(user).unrestricted else scope_name(user)


def _wan(value) -> str:
    """An amount in 万元 for running text, with thousands separators as in the tables."""
    return display(money(value), "money")


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _county_table(groups, attraction_rows) -> Table:
    signed = {row.county.pk if row.county else None: row for row in attraction_rows}
    rows = []
    for group in groups:
        kpi = group.kpi
        attraction = signed.get(group.id)
        rows.append((group.name, kpi.start_rate.value, kpi.production_rate.value, kpi.effectiveness_rate.value,
                     kpi.investment_rate.value, attraction.signed if attraction else 0,
                     money(attraction.signed_amount if attraction else 0)))
    columns = (Column("县(市、区)"), Column("开工率(%)", "percent"), Column("投产率(%)", "percent"),
               Column("达效率(%)", "percent"), Column("投资完成率(%)", "percent"), Column("签约项目(个)", "number"),
               Column("签约额(万元)", "money"))
    total = ("合计", None, None, None, None, sum(r[5] for r in rows), money(sum((r[6] for r in rows), Decimal(0))))
    return Table("counties", "各县(市、区)主要指标", columns, tuple(rows), total)


def _latest_run(user: User, scheme: str, year: int):
    from devzone.core.models import Job
    from devzone.evaluation.selectors import run_queryset

    return (run_queryset(user=user).filter(scheme_key=scheme, published=True, year__lte=year,
                                           job__status=Job.Status.SUCCEEDED)
            .order_by("-year", "-period", "-pk").first())


def run_label(run) -> str:
    return f"{run.scheme_name}({run.period or run.year})"


def _ranking_rows(user: User, run) -> list[tuple]:
    from devzone.evaluation.selectors import flag_labels, result_queryset

    rows = result_queryset(user=user, run=run).filter(participates=True).order_by("rank", "unit_key")
    return [(row.rank, row.unit_name or row.unit_key,
             None if row.score is None else Decimal(str(row.score)).quantize(Decimal("0.01")),
             "、".join(flag_labels(run.scheme, row.flags))) for row in rows]


def _ranking(user: User, period: BulletinPeriod) -> Section:
    run = _latest_run(user, "county", period.end.year)
    if run is None:
        return Section("县(市、区)考核排名", ("本期暂无已发布的县(市、区)考核结果。",))
    rows = _ranking_rows(user, run)
    columns = (Column("名次", "number", 8), Column("县(市、区)"), Column("得分", "number"), Column("备注", width=20))
    table = Table("county_ranking", f"{run_label(run)}排名", columns, tuple(rows))
    text = f"依据已发布的《{run_label(run)}》结果,各县(市、区)得分及排名如下。"
    if rows:
        last = rows[-1]
        text += f"{rows[0][1]}位列第一;{last[1]}位列末位。" if len(rows) > 1 else ""
    chart = Chart("county_scores", "县(市、区)考核得分", tuple(r[1] for r in rows),
                  tuple(float(r[2] or 0) for r in rows), "分")
    return Section("县(市、区)考核排名", (text,), (table,), (chart,) if rows else ())


def _projects(user: User, period: BulletinPeriod) -> Section:
    from devzone.projects.selectors import project_list, signed_not_started
    from devzone.reports.ledgers import lag_points, plan_percent

    as_of = period.ledger_as_of
    red = sorted(project_list(user=user, filters={"light": "red"}, as_of=as_of),
                 key=lambda p: (-lag_points(p, as_of), p.region.path, p.name, p.pk))
    red_rows = tuple((p.name, county_name(p.region), money(p.total_investment), money(p.year_plan),
                      money(p.ytd_investment), plan_percent(p), lag_points(p, as_of),
                      p.leader_name or (str(p.leader) if p.leader_id else "")) for p in red)
    red_table = Table("red_projects", "时序进度红灯项目", (
        Column("项目名称", width=28), Column("县(市、区)"), Column("总投资(万元)", "money"),
        Column("年度计划投资(万元)", "money"), Column(f"1-{as_of.month}月完成投资(万元)", "money"),
        Column("占年度计划(%)", "percent"), Column("滞后(百分点)", "percent"), Column("包抓领导")), red_rows)
    stalled = list(signed_not_started(user=user, as_of=period.end).select_related("region__parent"))
    stalled_rows = tuple((p.name, county_name(p.region), p.signed_on,
                          money(p.agreement_amount or p.total_investment), _months_between(p.signed_on, period.end))
                         for p in stalled)
    stalled_table = Table("signed_not_started", "签而未落项目", (
        Column("项目名称", width=28), Column("县(市、区)"), Column("签约日期", "date"),
        Column("协议投资额(万元)", "money"), Column("已签约月数", "number")), stalled_rows)
    text = (f"按时序进度,截至{cn_date(as_of)}红灯项目{len(red_rows)}个;签约后超期未开工(签而未落)项目"
            f"{len(stalled_rows)}个,请相关县(市、区)和责任单位加快推进。")
    return Section("重点项目预警", (text,), (red_table, stalled_table))


def _months_between(start: date | None, end: date) -> int:
    if start is None:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def overdue_problems(user: User, period: BulletinPeriod) -> list:
    """Problems that had reached 督办 or 通报 by the end of the period and were unresolved at its end, with
    `top_level` (the highest level reached by then); ordered by level, deadline, id."""
    from devzone.dispatch.models import Escalation, ProblemEvent
    from devzone.dispatch.selectors import problem_queryset

    levels = dict(ProblemEvent.objects.filter(kind=ProblemEvent.Kind.ESCALATED, level__gte=Escalation.SUPERVISE,
                                              at__lt=period.end_at)
                  .order_by().values("problem_id").annotate(top=Max("level")).values_list("problem_id", "top"))
    problems = list(problem_queryset(user=user).filter(pk__in=list(levels))
                    .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.end_at)))
    for problem in problems:
        problem.top_level = levels[problem.pk]
    return sorted(problems, key=lambda p: (-p.top_level, p.deadline, p.pk))


def _problems(user: User, period: BulletinPeriod) -> Section:
    from django.utils import timezone

    from devzone.dispatch.models import Escalation

    problems = overdue_problems(user, period)
    rows = []
    for p in problems:
        deadline = timezone.localtime(p.deadline).date() if p.deadline else None
        days = (period.end - deadline).days if deadline else None
        rows.append((p.title, county_name(p.region), p.lead_unit.name if p.lead_unit_id else "", deadline, days,
                     str(Escalation(p.top_level).label)))
    bulletined = sum(1 for p in problems if p.top_level >= Escalation.BULLETIN)
    table = Table("overdue_problems", "超期问题(督办、通报)", (
        Column("问题", width=30), Column("县(市、区)"), Column("主办单位", width=18), Column("办理时限", "date"),
        Column("超期天数", "number", 10), Column("级别", width=8)), tuple(rows))
    text = (f"截至{cn_date(period.end)},超期未办结问题中进入督办{len(rows) - bulletined}件、进入通报{bulletined}件,"
            "请主办单位限期办结并作出书面说明。")
    return Section("问题督办情况", (text,), (table,))


def signed_projects(user: User, period: BulletinPeriod) -> list:
    """Projects whose signing was verified in the period with agreed (else total) investment ≥ the 亿元 tier."""
    from devzone.attraction.config import attraction_settings
    from devzone.projects.models import ProjectStage, Stage
    from devzone.projects.selectors import project_queryset

    threshold = attraction_settings().tier_large
    stages = dict(ProjectStage.objects.filter(stage=Stage.SIGNED, status=ProjectStage.Status.VERIFIED,
                                              actual_date__gte=period.start, actual_date__lte=period.end)
                  .values_list("project_id", "actual_date"))
    projects = [p for p in project_queryset(user=user).filter(pk__in=list(stages))
                if (p.agreement_amount or p.total_investment) >= threshold]
    for project in projects:
        project.signed_on = stages[project.pk]
    return sorted(projects, key=lambda p: (-(p.agreement_amount or p.total_investment), p.signed_on, p.pk))


def _signed(user: User, period: BulletinPeriod) -> Section:
    projects = signed_projects(user, period)
    rows = tuple((p.name, county_name(p.region), p.owner_name, p.signed_on,
                  money(p.agreement_amount or p.total_investment), money(p.total_investment)) for p in projects)
    total = ("合计", "", "", None, money(sum((r[4] for r in rows), Decimal(0))),
             money(sum((r[5] for r in rows), Decimal(0))))
    table = Table("signed_large", "新签约亿元以上项目", (
        Column("项目名称", width=28), Column("县(市、区)"), Column("建设单位", width=24), Column("签约日期", "date"),
        Column("协议投资额(万元)", "money"), Column("总投资(万元)", "money")), rows, total if rows else None)
    text = f"本期新签约亿元以上项目{len(rows)}个,协议投资额{_wan(total[4])}万元。"
    return Section("新签约亿元以上项目", (text,), (table,))


def _appraisals(user: User, period: BulletinPeriod) -> Section:
    paragraphs, tables = [], []
    for scheme, title, unit_label, score_label in (("inspection", "观摩评比结果", "观摩对象", "观摩得分"),
                                                   ("window", "营商环境窗口评议结果", "窗口单位", "满意度得分")):
        run = _latest_run(user, scheme, period.end.year)
        if run is None:
            paragraphs.append(f"本期暂无已发布的{title}。")
            continue
        rows = _ranking_rows(user, run)
        tables.append(Table(scheme, run_label(run), (Column("名次", "number", 8), Column(unit_label, width=24),
                                               Column(score_label, "number"), Column("备注", width=16)),
                            tuple(rows)))
        flagged = [f"{r[1]}({r[3]})" for r in rows if r[3]]
        tail = f",其中{'、'.join(flagged)}。" if flagged else "。"
        paragraphs.append(f"《{run_label(run)}》共{len(rows)}个对象参评{tail}")
    return Section("观摩评比和营商环境评议", tuple(paragraphs), tuple(tables))


# --- the bulletin -------------------------------------------------------------------------------------

def build_bulletin(*, user: User, period: BulletinPeriod, issued_on: date | None = None,
                   with_appendix: bool = True) -> Bulletin:
    """Everything a bulletin of `period` says, read in the user's jurisdiction."""
    with translation.override("zh-hans"):
        overview, figures = _overview(user, period)
        sections = (overview, _ranking(user, period), _projects(user, period), _problems(user, period),
                    _signed(user, period), _appraisals(user, period))
        appendix = ()
        if with_appendix:
            from devzone.reports import ledgers

            appendix = (ledgers.project_ledger(user=user, filters={}, as_of=period.ledger_as_of),
                        ledgers.problem_ledger_of(overdue_problems(user, period), title="超期问题台账"))
    name = scope_name(user)
    label = KIND_LABELS[period.kind]
    title = f"关于{period.label}重点项目建设和招商引资工作情况的通报"
    if period.kind == "weekly":
        title = f"{period.label}重点项目建设和招商引资工作周报"
    return Bulletin(kind=period.kind, period=period, scope_name=name, issuer=f"{name}重点项目建设工作领导小组办公室",
                    title=title, doc_number=f"{name[:1]}项办{label[:1]}〔{period.end.year}〕  号",
                    issued_on=issued_on or period.end + timedelta(days=1), figures=figures, sections=sections,
                    appendix=appendix)


def display(value, kind: str = "text") -> str:
    """A cell as text for the documents: 万元 with thousands separators, percents with one decimal, dates ISO."""
    if value is None or value == "":
        return "—" if kind in ("money", "number", "percent") else ""
    if isinstance(value, date):
        return value.isoformat()
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "percent":
        return f"{Decimal(value):.1f}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int):
        return str(value)
    return str(value)
