"""Ledgers (台账) in the layout counties use (DOMAIN.md §10): a title row, a unit row (单位:万元), two header rows
(a group header spanning its columns, e.g. 投资情况), a 合计 row, group rows such as 一、产业项目(35个) with
their subtotals, then the items with a running 序号. One generic writer (XlsxWriter) and three definitions:
projects, leads and problems, each built from the same selector as its list page (so any filtered list can be
exported). Text that a spreadsheet would run as a formula is escaped (core.exports.escape_cell).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone, translation

from devzone.core.exports import escape_cell
from devzone.core.models import User

MAX_LEDGER_ROWS = 200_000
PROJECT_GROUPS = {"industry": "产业项目", "infrastructure": "基础设施项目", "livelihood": "社会民生项目",
                  "real_estate": "房地产项目"}
LEAD_GROUPS = {"clue": "线索", "contacted": "接洽", "visited": "考察", "negotiating": "洽谈", "signed": "签约",
               "dropped": "淘汰"}
PROBLEM_GROUPS = {"submitted": "待交办", "assigned": "已交办", "in_progress": "办理中", "resolved": "已办结",
                  "closed": "已销号", "returned": "已退回"}
LEVELS = {0: "", 1: "提醒", 2: "催办", 3: "督办", 4: "通报"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class LedgerColumn:
    label: str
    group: str = ""       # a top header spanning the adjacent columns of the same group
    kind: str = "text"    # text | money | number | percent | date
    width: int = 12
    summed: bool = False  # added up in the 合计 and group rows


@dataclass(frozen=True)
class LedgerGroup:
    label: str
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class LedgerData:
    title: str
    sheet: str
    columns: tuple[LedgerColumn, ...]  # without 序号 (the writer adds it)
    groups: tuple[LedgerGroup, ...]
    unit: str = "单位:万元"
    ratio: tuple[int, int, int] | None = None  # (result, numerator, denominator) column indexes: a % in totals

    @property
    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def sums(self, rows: Iterable[tuple]) -> list:
        """The 合计 values of `rows`: sums of summed columns, the ratio column recomputed, blanks elsewhere."""
        rows = list(rows)
        values: list = [None] * len(self.columns)
        for i, column in enumerate(self.columns):
            if column.summed:
                values[i] = sum((Decimal(r[i]) for r in rows if r[i] is not None), Decimal(0))
        if self.ratio:
            result, num, den = self.ratio
            values[result] = ((values[num] * 100 / values[den]).quantize(Decimal("0.1"))
                              if values[den] else None)
        return values

    @property
    def total(self) -> list:
        return self.sums(r for g in self.groups for r in g.rows)


def group_label(index: int, label: str, count: int) -> str:
    from devzone.reports.content import chinese_number

    return f"{chinese_number(index)}、{label}({count}个)"


def _grouped(items: Sequence, key, labels: Mapping[str, str], row) -> tuple[LedgerGroup, ...]:
    buckets: dict[str, list[tuple]] = {k: [] for k in labels}
    for item in items:
        buckets.setdefault(key(item), []).append(row(item))
    return tuple(LedgerGroup(labels.get(k, k), tuple(rows)) for k, rows in buckets.items() if rows)


# --- definitions -------------------------------------------------------------------------------------------

def _d(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def plan_percent(project) -> Decimal | None:
    """YTD completion as a share of the year's plan, computed here from the two money columns (a database that
    divides integers, as SQLite does, would truncate it)."""
    if not project.year_plan:
        return None
    return (Decimal(project.ytd_investment or 0) * 100 / Decimal(project.year_plan)).quantize(Decimal("0.1"))


def lag_points(project, as_of: date) -> Decimal | None:
    """Time-sequence lag in points: (expected by `as_of` − completed) / year plan, expected being the month plan
    when given, else the year plan pro rata (projects.selectors.annotate_ledger computes the same in SQL)."""
    if not project.year_plan:
        return None
    plan = Decimal(project.year_plan)
    expected = Decimal(project.month_plan) if project.month_plan is not None else plan * as_of.month / 12
    return ((expected - Decimal(project.ytd_investment or 0)) * 100 / plan).quantize(Decimal("0.1"))


def _years(project) -> str:
    if project.start_year and project.end_year:
        return f"{project.start_year}-{project.end_year}"
    return str(project.start_year or project.end_year or "")


def project_ledger_of(projects: Iterable, *, as_of: date, title: str) -> LedgerData:
    """Projects annotated by projects.selectors.annotate_ledger, grouped by category in list order."""
    invest = "投资情况"
    columns = (
        LedgerColumn("项目名称", width=28), LedgerColumn("建设单位", width=24), LedgerColumn("建设性质", width=8),
        LedgerColumn("建设内容及规模", width=36), LedgerColumn("建设起止年限", width=11),
        LedgerColumn("总投资", invest, "money", 12, True),
        LedgerColumn("截至上年底累计完成投资", invest, "money", 14, True),
        LedgerColumn("年度计划投资", invest, "money", 12, True),
        LedgerColumn(f"1-{as_of.month}月完成投资", invest, "money", 12, True),
        LedgerColumn("占年度计划%", invest, "percent", 10),
        LedgerColumn("形象进度", width=30), LedgerColumn("包抓领导", width=10), LedgerColumn("责任单位", width=16),
        LedgerColumn("存在问题", width=30))

    def row(p) -> tuple:
        return (p.name, p.owner_name, p.get_nature_display(), p.content_scale, _years(p), _d(p.total_investment),
                _d(p.prior_investment), _d(p.year_plan), _d(p.ytd_investment), plan_percent(p),
                p.latest_image or "", p.leader_name or (str(p.leader) if p.leader_id else ""),
                p.responsible_unit_name or (p.responsible_unit.name if p.responsible_unit_id else ""),
                p.latest_problems or "")

    with translation.override("zh-hans"):
        groups = _grouped(list(projects), lambda p: p.category, PROJECT_GROUPS, row)
    return LedgerData(title=title, sheet="项目台账", columns=columns, groups=groups, ratio=(9, 8, 7))


def project_title(as_of: date) -> str:
    return f"重点项目建设台账({as_of.year}年1-{as_of.month}月)"


def project_ledger(*, user: User, filters: Mapping[str, str], as_of: date | None = None) -> LedgerData:
    from devzone.projects.selectors import default_as_of, parse_date, project_list

    as_of = as_of or parse_date(filters.get("as_of")) or default_as_of()
    projects = project_list(user=user, filters=filters, as_of=as_of)[:MAX_LEDGER_ROWS]
    return project_ledger_of(projects, as_of=as_of, title=project_title(as_of))


def lead_ledger(*, user: User, filters: Mapping[str, str]) -> LedgerData:
    from devzone.attraction.selectors import lead_list

    return lead_ledger_of(lead_list(user=user, filters=filters)[:MAX_LEDGER_ROWS])


def lead_ledger_of(leads: Iterable) -> LedgerData:
    """Leads from attraction.selectors.lead_list, grouped by stage."""
    columns = (
        LedgerColumn("项目名称", width=28), LedgerColumn("投资方", width=24), LedgerColumn("线索来源", width=12),
        LedgerColumn("所属产业", width=16), LedgerColumn("意向投资额", "意向", "money", 12, True),
        LedgerColumn("意向用地(亩)", "意向", "number", 12, True), LedgerColumn("县(市、区)", width=10),
        LedgerColumn("责任单位", width=16), LedgerColumn("责任人", width=10), LedgerColumn("登记日期", kind="date"),
        LedgerColumn("最近跟进", kind="date"))

    def row(lead) -> tuple:
        from devzone.reports.content import county_name

        return (lead.name, lead.investor_name, lead.get_source_display(),
                lead.industry.name if lead.industry_id else "", _d(lead.intended_investment),
                _d(lead.intended_land_mu), county_name(lead.region), lead.responsible_unit,
                str(lead.responsible_person) if lead.responsible_person_id else "", lead.registered_on,
                getattr(lead, "last_follow_up", None))

    with translation.override("zh-hans"):
        groups = _grouped(list(leads), lambda lead: lead.stage, LEAD_GROUPS, row)
    return LedgerData(title="招商引资在谈项目台账", sheet="招商台账", columns=columns, groups=groups)


def problem_ledger_of(problems: Iterable, *, title: str) -> LedgerData:
    columns = (
        LedgerColumn("问题", width=30), LedgerColumn("来源", width=8), LedgerColumn("类别", width=12),
        LedgerColumn("县(市、区)", width=10), LedgerColumn("主办单位", "办理单位", width=16),
        LedgerColumn("协办单位", "办理单位", width=20), LedgerColumn("交办日期", "时间", "date"),
        LedgerColumn("办理时限", "时间", "date"), LedgerColumn("督办级别", width=8),
        LedgerColumn("办理结果", width=10), LedgerColumn("办理情况", width=30))

    def local(moment: datetime | None) -> date | None:
        return timezone.localtime(moment).date() if moment else None

    def row(p) -> tuple:
        from devzone.reports.content import county_name

        level = getattr(p, "top_level", p.escalation_level)
        return (p.title, p.get_source_display(), p.get_category_display(), county_name(p.region),
                p.lead_unit.name if p.lead_unit_id else "", "、".join(u.name for u in p.helping_units.all()),
                local(p.assigned_at), local(p.deadline), LEVELS.get(level, ""), p.get_result_display(),
                p.resolution)

    with translation.override("zh-hans"):
        groups = _grouped(list(problems), lambda p: p.status, PROBLEM_GROUPS, row)
    return LedgerData(title=title, sheet="问题台账", columns=columns, groups=groups, unit="")


PROBLEM_TITLE = "问题督办台账"


def problem_ledger(*, user: User, filters: Mapping[str, str]) -> LedgerData:
    from devzone.dispatch.selectors import problem_list

    return problem_ledger_of(problem_list(user=user, filters=filters)[:MAX_LEDGER_ROWS], title=PROBLEM_TITLE)


# --- the writer ---------------------------------------------------------------------------------------------

class Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        border = {"border": 1, "valign": "vcenter"}
        self.title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.unit = book.add_format({"align": "right"})
        self.head = book.add_format({**border, "bold": True, "align": "center", "text_wrap": True,
                                     "bg_color": "#DDEBF7"})
        self.text = book.add_format({**border, "text_wrap": True})
        self.money = book.add_format({**border, "num_format": "#,##0.00"})
        self.number = book.add_format({**border, "num_format": "#,##0.##"})
        self.percent = book.add_format({**border, "num_format": "0.0"})
        self.date = book.add_format({**border, "num_format": "yyyy-mm-dd"})
        self.group = book.add_format({**border, "bold": True, "bg_color": "#F2F2F2"})
        self.group_money = book.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0.00"})
        self.total = book.add_format({**border, "bold": True, "bg_color": "#FFF2CC"})
        self.total_money = book.add_format({**border, "bold": True, "bg_color": "#FFF2CC", "num_format": "#,##0.00"})

    def cell(self, kind: str):
        return {"money": self.money, "number": self.number, "percent": self.percent, "date": self.date}.get(
            kind, self.text)


def write_cell(sheet, row: int, col: int, value, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(row, col, float(value), fmt)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value.replace(tzinfo=None) if isinstance(value, datetime) else value, fmt)
    else:
        sheet.write_string(row, col, str(escape_cell(str(value))), fmt)


def _headers(sheet, data: LedgerData, fmt: Formats, top: int) -> None:
    columns = (LedgerColumn("序号", width=6), *data.columns)
    col = 0
    while col < len(columns):
        column = columns[col]
        sheet.set_column(col, col, column.width)
        if not column.group:
            sheet.merge_range(top, col, top + 1, col, column.label, fmt.head)
            col += 1
            continue
        end = col
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        label = f"{column.group}(万元)" if any(c.kind == "money" for c in columns[col:end + 1]) else column.group
        if end > col:
            sheet.merge_range(top, col, top, end, label, fmt.head)
        else:
            sheet.write_string(top, col, label, fmt.head)
        for i in range(col, end + 1):
            sheet.set_column(i, i, columns[i].width)
            sheet.write_string(top + 1, i, columns[i].label, fmt.head)
        col = end + 1


def _summary_row(sheet, row: int, label: str, values: list, data: LedgerData, text_fmt, money_fmt) -> None:
    sheet.write_string(row, 0, "", text_fmt)
    sheet.write_string(row, 1, label, text_fmt)
    for i in range(2, len(data.columns) + 1):
        value = values[i - 1]
        write_cell(sheet, row, i, value, money_fmt if value is not None else text_fmt)


def write_ledger_sheet(book: xlsxwriter.Workbook, data: LedgerData, fmt: Formats | None = None) -> None:
    fmt = fmt or Formats(book)
    sheet = book.add_worksheet(data.sheet[:31])
    last = len(data.columns)
    sheet.merge_range(0, 0, 0, last, data.title, fmt.title)
    sheet.set_row(0, 28)
    sheet.merge_range(1, 0, 1, last, data.unit, fmt.unit)
    _headers(sheet, data, fmt, 2)
    _summary_row(sheet, 4, f"合计({data.row_count}个)", data.total, data, fmt.total, fmt.total_money)
    row, number = 5, 0
    for index, group in enumerate(data.groups, start=1):
        _summary_row(sheet, row, group_label(index, group.label, len(group.rows)), data.sums(group.rows), data,
                     fmt.group, fmt.group_money)
        row += 1
        for values in group.rows:
            number += 1
            sheet.write_number(row, 0, number, fmt.number)
            for col, (column, value) in enumerate(zip(data.columns, values, strict=True), start=1):
                write_cell(sheet, row, col, value, fmt.cell(column.kind))
            row += 1
    sheet.freeze_panes(5, 2)


def ledger_xlsx(data: LedgerData) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    write_ledger_sheet(book, data)
    book.close()
    return buffer.getvalue()


def ledger_response(data: LedgerData) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(ledger_xlsx(data), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{data.title}-{stamp}.xlsx')}"
    return response


# --- list-page hooks (render_list(..., ledger=...)) ----------------------------------------------------------

def projects_response(queryset, as_of: date) -> HttpResponse:
    return ledger_response(project_ledger_of(queryset[:MAX_LEDGER_ROWS], as_of=as_of, title=project_title(as_of)))


def leads_response(queryset) -> HttpResponse:
    return ledger_response(lead_ledger_of(queryset[:MAX_LEDGER_ROWS]))


def problems_response(queryset) -> HttpResponse:
    return ledger_response(problem_ledger_of(queryset[:MAX_LEDGER_ROWS], title=PROBLEM_TITLE))
