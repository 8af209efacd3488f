"""The key-project ledger (重点项目台账) adapter of the Excel import (devzone.intake).

The layout counties send (DOMAIN.md §10):
    2026年澜江区重点项目推进情况表
    单位:万元
    序号 | 项目名称 | 建设单位 | 建设性质 | 建设内容及规模 | 建设起止年限 | 总投资 | 截至上年底累计完成投资 |
        年度计划投资 | 1-10月完成投资 | 占年度计划% | 形象进度 | 包抓领导 | 责任单位 | 存在问题
    一、产业项目(35个)
    1 | ……
    合计
Rows match existing projects by 项目编号, else by name and 建设单位 (projects.services.project_find_for_import's
rule, applied here to lookups loaded once). A new row enters the ledger at 谋划储备; a blank cell never
overwrites a stored value. The group row above a row gives its category (产业/基础设施/社会民生/房地产).

Progress columns: when the file says which month its 1-N月完成投资 covers (in the header, or in the title
"2026年1-10月"), the row's figures become that month's progress report, submitted for the project office's
approval like a county's report: the month's investment is the file's year-to-date figure less the project's
reports earlier that year. A month that already has a report is left alone when the figures agree and
rejected when they do not (corrections go through the report page). 截至上年底累计完成投资 and 占年度计划% are
computed by the platform: they are exported, and ignored on import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from devzone.core.errors import DomainError
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Zone
from devzone.intake import cells
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.registry import register
from devzone.projects import import_writes, services
from devzone.projects.kpis import effective_reports
from devzone.projects.models import ProgressReport, Project, Stage
from devzone.projects.selectors import project_list

NATURE_CHOICES = {"新建": "new", "新开工": "new", "扩建": "expansion", "改扩建": "expansion", "技改": "renovation",
                  "技术改造": "renovation", "续建": "continued", "续建项目": "continued"}
NATURE_LABELS = {"new": "新建", "expansion": "扩建", "renovation": "技改", "continued": "续建"}
CATEGORY_WORDS = (("基础设施", "infrastructure"), ("基础", "infrastructure"), ("民生", "livelihood"),
                  ("社会", "livelihood"), ("房地产", "real_estate"), ("产业", "industry"), ("工业", "industry"))
CATEGORY_LABELS = {"industry": "产业项目", "infrastructure": "基础设施项目", "livelihood": "社会民生项目",
                   "real_estate": "房地产项目"}
CN_ORDINALS = "一二三四五六七八九十"
CENT = Decimal("0.01")
NON_NEGATIVE = (("total_investment", "总投资"), ("year_plan", "年度计划投资"))
_YTD_MONTH = re.compile(r"1[-—–~至到](\d{1,2})月")
_TITLE_MONTH = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*[-—–~至到]\s*(\d{1,2})\s*月")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*[%%]")

PROJECT_FIELDS: tuple[Field, ...] = (
    Field("code", "项目编号", ("项目代码", "项目编码", "备案编号"), max_length=32, export_width=12),
    Field("name", "项目名称", ("项目", "名称", "项目名"), required=True, max_length=200, export_width=30),
    Field("owner_name", "建设单位", ("项目单位", "业主单位", "实施主体", "建设主体", "项目业主", "投资主体",
                                 "承建单位", "项目建设单位"), max_length=200, export_width=24),
    Field("region", "县区", ("所在县区", "县(市、区)", "县(市区)", "县市区", "属地", "所在地", "所属县区", "地区"),
          export_width=10),
    Field("zone", "所在园区", ("园区", "开发区", "所在开发区", "开发区(园区)", "所属园区"), export_width=14),
    Field("nature", "建设性质", ("性质", "项目性质"), kind="choice", choices=NATURE_CHOICES, export_width=8),
    Field("content_scale", "建设内容及规模", ("建设规模及内容", "主要建设内容", "建设内容", "建设内容和规模",
                                       "主要建设内容及规模"), max_length=4000, export_width=40),
    Field("years", "建设起止年限", ("起止年限", "建设年限", "建设期限", "起止年度"), kind="year_range",
          export_width=12),
    Field("total_investment", "总投资", ("计划总投资", "项目总投资", "总投资额"), kind="money", export_width=12),
    Field("prior_investment", "截至上年底累计完成投资", ("截至上年底完成投资", "至上年底累计完成投资",
                                                "以前年度完成投资", "截止上年底累计完成投资", "上年底累计完成投资"),
          kind="money", export_width=14),
    Field("year_plan", "年度计划投资", ("本年计划投资", "计划投资", "年度投资计划", "本年度计划投资"),
          kind="money", export_width=12),
    Field("ytd_investment", "1-N月完成投资", (r"re:^1[-—–~至到]\d{1,2}月(?:累计)?完成(?:投资)?(?:额)?$",
                                          "本年完成投资", "年度完成投资", "本年累计完成投资"),
          kind="money", export_width=12),
    Field("plan_percent", "占年度计划%", ("占年度计划", "占年度计划(%)", "完成年度计划比例", "年度计划完成率"),
          kind="percent", export_width=10),
    Field("image_progress", "形象进度", ("工程形象进度", "项目进展情况", "进展情况", "项目进度", "目前进展",
                                     "形象进度情况"), max_length=2000, export_width=30),
    Field("leader_name", "包抓领导", ("包联领导", "包保领导", "联系领导", "分包领导", "包抓市级领导",
                                  "市级包抓领导", "包抓县级领导"), max_length=32, export_width=10),
    Field("unit_name", "责任单位", ("牵头单位", "责任部门", "牵头部门"), max_length=100, export_width=14),
    Field("problems", "存在问题", ("存在的问题", "问题及建议", "需协调解决的问题", "存在问题及建议",
                                "困难问题"), max_length=2000, export_width=24),
)
# Columns the platform computes: exported, never imported.
COMPUTED = frozenset({"prior_investment", "plan_percent"})
MASTER_KEYS = ("code", "name", "owner_name", "nature", "content_scale", "total_investment", "leader_name")


def category_from_groups(groups: Sequence[str]) -> str | None:
    """The innermost group label that names a category ("一、产业项目(35个)" → industry)."""
    for label in reversed(groups):
        for word, category in CATEGORY_WORDS:
            if word in label:
                return category
    return None


def ytd_month(header: str, title: str) -> tuple[int | None, int | None]:
    """(year, month) the 1-N月 column covers, from its header or else the title; None where unsaid."""
    match = _YTD_MONTH.search(cells.fold(header or ""))
    title_match = _TITLE_MONTH.search(cells.fold(title or ""))
    month = int(match.group(1)) if match else (int(title_match.group(2)) if title_match else None)
    year = int(title_match.group(1)) if title_match else None
    return year, (month if month and 1 <= month <= 12 else None)


def image_percent(text: str | None, previous: int) -> int:
    """A percentage written in the image-progress text ("主体完工80%"), else the last approved one."""
    match = _PERCENT.search(text or "")
    if match and float(match.group(1)) <= 100:
        return max(int(float(match.group(1))), 0)
    return previous


@register
class ProjectLedgerAdapter(Adapter):
    kind = "projects"
    title = "重点项目台账"
    description = ("县区报送的重点项目台账:按项目编号匹配已有项目,没有编号的按项目名称和建设单位匹配(更新),其余新增为"
                   "谋划储备项目;“1-N月完成投资”和形象进度作为该月月报提交审核")
    fields = PROJECT_FIELDS
    key_field = None
    label_fields = ("name", "owner_name")
    preview_fields = ("code", "name", "owner_name", "region", "total_investment", "ytd_investment")
    list_url_name = "projects:list"

    # --- lookups, a fixed number of queries ---------------------------------------------------------
    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        super().prepare(rows, hints)
        scope = scope_for(self.actor)
        self.regions = {_squash(r.name): r for r in Region.objects.filter(scope.region_q(""))}
        self.own_region = next((r for r in self.regions.values() if r.pk == scope.region_id), None)
        self.zones = {}
        for zone in Zone.objects.filter(scope.region_q()).select_related("region"):
            for name in {zone.name, zone.short_name} - {""}:
                self.zones[_squash(name)] = zone
        projects = list(Project.objects.filter(scope.region_q()).select_related("owner", "region"))
        self.by_code = {p.code: p for p in projects if p.code}
        self.by_name: dict[tuple[str, str], list[Project]] = defaultdict(list)
        self.by_bare_name: dict[str, list[Project]] = defaultdict(list)
        for project in projects:
            key = (services.normalise_name(project.name), services.normalise_name(project.owner_label))
            self.by_name[key].append(project)
            self.by_bare_name[key[0]].append(project)
        today = timezone.localdate()
        year, month = ytd_month(hints.headers.get("ytd_investment", ""), hints.title)
        self.year = hints.column_years.get("ytd_investment") or year or hints.title_year or today.year
        self.month = month
        self.period = date(self.year, month, 1) if month else None
        self.future = self.period is not None and self.period > today.replace(day=1)
        if "ytd_investment" in hints.mapped and self.period is None:
            self.warn(None, "无法确定“完成投资”所属月份(请在表头写“1-10月完成投资”或在标题写“2026年1-10月”),"
                            "本次只导入项目基本信息,不提交月报")
        self._load_progress()
        self.seen_codes: dict[str, int] = {}
        self.seen_names: dict[tuple[str, str], int] = {}

    def _load_progress(self) -> None:
        """Per project: investment reported earlier in the file's year, the month's own report, last percent."""
        self.earlier: dict[int, Decimal] = {}
        self.existing_report: dict[int, ProgressReport] = {}
        self.last_percent: dict[int, int] = {}
        self.next_percent: dict[int, int] = {}
        in_scope = Project.objects.filter(scope_for(self.actor).region_q())
        counted = effective_reports().filter(project__in=in_scope)
        self.reported_total = {row["project_id"]: Decimal(row["s"] or 0) for row in
                               counted.values("project_id").annotate(s=Sum("investment_month"))}
        if self.period is None:
            return
        for row in (counted.filter(period__gte=date(self.year, 1, 1), period__lt=self.period)
                    .values("project_id").annotate(s=Sum("investment_month"))):
            self.earlier[row["project_id"]] = Decimal(row["s"] or 0)
        for report in ProgressReport.objects.filter(project__in=in_scope, period=self.period, corrects__isnull=True):
            self.existing_report[report.project_id] = report
        for report in counted.filter(period__lt=self.period).order_by("project_id", "period"):
            self.last_percent[report.project_id] = report.image_percent
        for report in counted.filter(period__gt=self.period).order_by("project_id", "-period"):
            self.next_percent[report.project_id] = report.image_percent

    # --- validation ---------------------------------------------------------------------------------
    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        key = (services.normalise_name(values.get("name") or ""), services.normalise_name(values.get("owner_name")
                                                                                          or ""))
        project, problem = self._match(values, key)
        reasons += [problem] if problem else []
        region, zone, problem = self._place(values, project)
        reasons += [problem] if problem else []
        if project is None and values.get("total_investment") is None and "total_investment" not in row.failed:
            reasons.append("新项目须填写「总投资」")
        reasons += self._duplicate(values, key, row.row)
        reasons += self._amount_problems(values, project, region, zone)
        if reasons:
            return reasons
        data = self._master_data(values, project, region, zone, row.groups)
        progress, problem = self._progress(values, project, data.get("total_investment"))
        if problem:
            return [problem]
        return {"project": project, "data": data, "year_plan": values.get("year_plan"), "progress": progress}

    def _amount_problems(self, values: dict, project: Project | None, region: Region | None,
                         zone: Zone | None) -> list[str]:
        """What project_update / project_year_plan_set would refuse, checked here for the whole file."""
        reasons = [f"「{label}」不能为负数" for key, label in NON_NEGATIVE
                   if values.get(key) is not None and values[key] < 0]
        total = values.get("total_investment")
        reported = self.reported_total.get(project.pk, Decimal(0)) if project is not None else Decimal(0)
        if total is not None and total < reported:
            reasons.append(f"总投资 {total:,.2f} 万元低于已审核的累计完成投资 {reported:,.2f} 万元")
        if zone is not None and region is not None and not region.path.startswith(zone.region.path) \
                and not zone.region.path.startswith(region.path):
            reasons.append(f"园区「{zone}」不在县区「{region}」内")
        if project is not None and project.stage == Stage.CANCELLED and self.period is not None \
                and values.get("ytd_investment") is not None:
            reasons.append("项目已终止,不再填报月报")
        return reasons

    def _match(self, values: dict, key: tuple[str, str]) -> tuple[Project | None, str | None]:
        code = values.get("code")
        if code and code in self.by_code:
            return self.by_code[code], None
        candidates = self.by_name.get(key, []) if key[1] else self.by_bare_name.get(key[0], [])
        found = [p for p in candidates if not code or not p.code]
        if len(found) > 1:
            return None, f"有 {len(found)} 个项目名称为「{values.get('name')}」,请填写项目编号或建设单位区分"
        return (found[0] if found else None), None

    def _place(self, values: dict, project: Project | None) -> tuple[Region | None, Zone | None, str | None]:
        zone = None
        if values.get("zone"):
            zone = self.zones.get(_squash(values["zone"]))
            if zone is None:
                return None, None, f"未找到园区「{values['zone']}」,或不在您的管辖范围内"
        if values.get("region"):
            region = self.regions.get(_squash(values["region"]))
            if region is None:
                return None, None, f"未找到县区「{values['region']}」,或不在您的管辖范围内"
            return region, zone, None
        if project is not None:
            return project.region, zone, None
        if zone is not None:
            return zone.region, zone, None
        if self.own_region is not None and self.own_region.level in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
            return self.own_region, zone, None
        return None, None, "新项目须填写「县区」"

    def _duplicate(self, values: dict, key: tuple[str, str], row: int) -> list[str]:
        code = values.get("code")
        if code:
            first = self.seen_codes.setdefault(code, row)
            return [f"项目编号 {code} 与第 {first} 行重复"] if first != row else []
        first = self.seen_names.setdefault(key, row)
        return [f"项目「{values.get('name')}」与第 {first} 行重复"] if first != row else []

    def _master_data(self, values: dict, project: Project | None, region: Region | None, zone: Zone | None,
                     groups: Sequence[str]) -> dict[str, Any]:
        data = {key: values[key] for key in MASTER_KEYS if values.get(key) is not None}
        if "total_investment" in data:
            data["total_investment"] = data["total_investment"].quantize(CENT)
        if values.get("unit_name"):
            data["responsible_unit_name"] = values["unit_name"]
        if values.get("years"):
            data["start_year"], data["end_year"] = values["years"]
        category = category_from_groups(groups)
        if category:
            data["category"] = category
        if project is None or region != project.region:
            data["region"] = region
        if zone is not None:
            data["zone"] = zone
        return data

    def _progress(self, values: dict, project: Project | None,
                  new_total: Decimal | None) -> tuple[dict | None, str | None]:
        ytd = values.get("ytd_investment")
        if self.period is None or (ytd is None and not values.get("image_progress") and not values.get("problems")):
            return None, None
        if self.future:
            return None, f"{self.period:%Y年%m月}尚未到来,不能提交该月月报"
        pk = project.pk if project is not None else None
        earlier = self.earlier.get(pk, Decimal(0))
        month_amount = (ytd if ytd is not None else earlier) - earlier
        if month_amount < 0:
            return None, (f"1-{self.month}月完成投资 {ytd:,.2f} 万元少于此前已审核的本年完成投资 {earlier:,.2f} 万元"
                          "(累计完成投资不能减少)")
        percent = image_percent(values.get("image_progress"), self.last_percent.get(pk, 0))
        total = new_total if new_total is not None else (project.total_investment if project else None)
        if total is None:
            return None, None  # a new row whose total could not be read: rejected for that cell already
        cumulative = self.reported_total.get(pk, Decimal(0)) + month_amount
        if cumulative > total:
            return None, f"累计完成投资将达到 {cumulative:,.2f} 万元,超过总投资 {total:,.2f} 万元"
        if percent < self.last_percent.get(pk, 0) or percent > self.next_percent.get(pk, 100):
            return None, f"形象进度 {percent}% 与前后月份已审核的形象进度矛盾(形象进度不能倒退)"
        existing = self.existing_report.get(pk)
        if existing is not None:
            if existing.investment_month == month_amount.quantize(Decimal("0.01")):
                return None, None  # the month is already reported with the same figure
            return None, (f"{self.period:%Y年%m月}已有月报({existing.get_status_display()}),本月完成投资为 "
                          f"{existing.investment_month:,.2f} 万元,台账推算为 {month_amount:,.2f} 万元;"
                          "如需更正请在月报页面办理")
        return {"period": self.period, "investment_month": month_amount, "image_progress": values.get(
            "image_progress") or "", "image_percent": percent, "problems": values.get("problems") or ""}, None

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean["project"] is not None

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        project, data, progress = clean["project"], clean["data"], clean["progress"]
        region = data.get("region") or (project.region if project else None)
        total = data.get("total_investment", project.total_investment if project else None)
        month = f"{progress['investment_month']:,.2f}(本月)" if progress else ""
        return [data.get("code") or (project.code if project else ""), data.get("name") or project.name,
                data.get("owner_name") or (project.owner_label if project else ""), str(region or ""),
                f"{total:,.2f}" if total is not None else "", month]

    # --- writing ------------------------------------------------------------------------------------
    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        if len(rows) > context.bulk_threshold:
            return import_writes.write_bulk(rows, context, year=self.year)
        created = updated = reports = 0
        for done, row in enumerate(rows, start=1):
            try:
                project, is_new = self._write_project(row.data, context.actor)
                if row.data["year_plan"] is not None:
                    services.project_year_plan_set(actor=context.actor, project=project, year=self.year,
                                                   planned_investment=row.data["year_plan"])
                if row.data["progress"] is not None:
                    services.report_submit(actor=context.actor, project=project, **row.data["progress"])
                    reports += 1
            except DomainError as exc:
                raise type(exc)(f"第 {row.row} 行:{exc.message}", details=exc.details) from exc
            created, updated = created + is_new, updated + (not is_new)
            if done % 50 == 0 or done == len(rows):
                context.report(done, len(rows))
        return {"created": created, "updated": updated, "reports": reports}

    def _write_project(self, clean: dict, actor) -> tuple[Project, bool]:
        project, data = clean["project"], clean["data"]
        if project is None:
            return services.project_create(actor=actor, data=data), True
        changed = {key: value for key, value in data.items() if getattr(project, key, None) != value}
        if changed:
            project = services.project_update(actor=actor, project=project, data=changed)
        return project, False

    # --- export -------------------------------------------------------------------------------------
    def export(self) -> ExportTable:
        today = timezone.localdate()
        fields = [f if f.key != "ytd_investment" else _ytd_field(today.month) for f in PROJECT_FIELDS]
        return ExportTable(title=f"{today.year}年重点项目推进情况表(1-{today.month}月)", unit="单位:万元",
                           fields=fields, rows=ledger_rows(self.actor, today), sheet_name="重点项目台账")


def _ytd_field(month: int) -> Field:
    base = next(f for f in PROJECT_FIELDS if f.key == "ytd_investment")
    return Field(base.key, base.label, base.synonyms, kind=base.kind, export_header=f"1-{month}月完成投资",
                 export_width=base.export_width)


def _squash(text: str) -> str:
    return "".join(cells.fold(str(text)).split())


def ledger_rows(actor, as_of: date) -> Iterator[list]:
    """The ledger in the import layout: a group row per category ("一、产业项目(35个)"), 序号 within the
    group, the computed figures as of `as_of`, and a 合计 row."""
    projects = list(project_list(user=actor, as_of=as_of).exclude(stage=Stage.CANCELLED)
                    .order_by("category", "region__path", "name"))
    by_category: dict[str, list[Project]] = defaultdict(list)
    for project in projects:
        by_category[project.category].append(project)
    totals = [Decimal(0)] * 4
    for index, category in enumerate(c for c in CATEGORY_LABELS if c in by_category):
        group = by_category[category]
        yield [f"{CN_ORDINALS[index]}、{CATEGORY_LABELS[category]}({len(group)}个)"]
        for number, project in enumerate(group, start=1):
            figures = [project.total_investment, project.prior_investment, project.year_plan,
                       project.ytd_investment]
            totals = [t + Decimal(f or 0) for t, f in zip(totals, figures, strict=True)]
            yield [number, *_project_cells(project, figures)]
    if projects:
        percent = totals[3] * 100 / totals[2] if totals[2] else None
        yield [None, None, "合计", None, None, None, None, None, None, *totals, percent]


def _project_cells(project: Project, figures: list) -> list:
    total, prior, plan, ytd = figures
    years = (f"{project.start_year}-{project.end_year}" if project.start_year and project.end_year
             else (str(project.start_year or project.end_year or "")) or None)
    percent = (Decimal(ytd or 0) * 100 / plan).quantize(Decimal("0.1")) if plan else None
    return [project.code or None, project.name, project.owner_label or None, _county(project.region),
            project.zone.name if project.zone_id else None, NATURE_LABELS.get(project.nature),
            project.content_scale or None, years, total, prior, plan, ytd, percent,
            project.latest_image or None, project.leader_label or None, project.unit_label or None,
            project.latest_problems or None]


def _county(region: Region) -> str:
    if region.level == Region.Level.TOWNSHIP and region.parent_id:
        return region.parent.name
    return region.name
