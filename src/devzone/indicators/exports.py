"""Excel exports of the indicator pages, in the layout bulletins use: a title row, a unit/period row, one or two
header rows (a place over its sub-columns), then data. Text that a spreadsheet would run as a formula is escaped
(core.exports.escape_cell)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from devzone.core.exports import escape_cell

NUMBER = "#,##0.00"
RATE = "0.0"
INTEGER = "0"


@dataclass
class Sheet:
    name: str
    title: str
    note: str
    fixed: Sequence[str]                       # leading single columns (indicator, unit …)
    groups: Sequence[tuple[str, Sequence[str]]] = ()  # (group label, sub-column labels); none → one header row
    rows: list[list] = field(default_factory=list)
    formats: Sequence[str | None] = ()         # number format per column (None: text / general)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    title_fmt = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    head_fmt = book.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "align": "center",
                                "valign": "vcenter", "text_wrap": True})
    formats = {code: book.add_format({"num_format": code, "border": 1}) for code in (NUMBER, RATE, INTEGER)}
    text_fmt = book.add_format({"border": 1})
    def text(value) -> str:
        return str(escape_cell(str(value)))

    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        width = len(sheet.fixed) + sum(len(subs) for _label, subs in sheet.groups)
        last = max(width - 1, 0)
        if last:
            ws.merge_range(0, 0, 0, last, text(sheet.title), title_fmt)
        else:
            ws.write_string(0, 0, text(sheet.title), title_fmt)
        ws.write_string(1, 0, text(sheet.note))
        header_rows = 2 if sheet.groups else 1
        for col, label in enumerate(sheet.fixed):
            if header_rows == 2:
                ws.merge_range(2, col, 3, col, text(label), head_fmt)
            else:
                ws.write_string(2, col, text(label), head_fmt)
            ws.set_column(col, col, 16 if col == 0 else 10)
        col = len(sheet.fixed)
        for label, subs in sheet.groups:
            if len(subs) > 1:
                ws.merge_range(2, col, 2, col + len(subs) - 1, text(label), head_fmt)
            else:
                ws.write_string(2, col, text(label), head_fmt)
            for offset, sub in enumerate(subs):
                ws.write_string(3, col + offset, text(sub), head_fmt)
            ws.set_column(col, col + len(subs) - 1, 11)
            col += len(subs)
        first = 2 + header_rows
        for r, row in enumerate(sheet.rows, start=first):
            for c, value in enumerate(row):
                code = sheet.formats[c] if c < len(sheet.formats) else None
                if value is None or value == "":
                    ws.write_blank(r, c, None, text_fmt)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, float(value), formats.get(code, text_fmt))
                else:
                    ws.write_string(r, c, text(value), text_fmt)
        ws.freeze_panes(first, len(sheet.fixed))
    book.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.xlsx')}"
    return response


LIGHTS = {"green": "达到序时进度", "yellow": "滞后", "red": "严重滞后", "": ""}
CELL_LABELS = ("当月", "累计", "同比(%)", "排名", "目标完成(%)", "序时进度")
CELL_FORMATS = (NUMBER, NUMBER, RATE, None, RATE, None)


def _rank(cell) -> str:
    if cell is None or cell.rank is None:
        return ""
    change = cell.rank_change
    arrow = "" if not change else (f"↑{change}" if change > 0 else f"↓{-change}")
    tier = " 第一方阵" if cell.first_tier else ""
    return f"{cell.rank}/{cell.ranked}{arrow}{tier}"


def _r(value, places: int = 2):
    return None if value is None else round(value, places)


def monitor_sheet(table) -> Sheet:
    rows = []
    for row in table.rows:
        line: list = [row.indicator.name, row.indicator.unit, row.period.ytd_label if row.indicator.basis != "point"
                      else row.period.label]
        for cell in row.cells:
            if cell is None:
                line += [None] * len(CELL_LABELS)
                continue
            line += [_r(cell.month_value), _r(cell.ytd_value), _r(cell.yoy, 1), _rank(cell),
                     _r(cell.completion_pct, 1), LIGHTS.get(cell.light, "")]
        rows.append(line)
    return Sheet(name="监测表", title=f"经济运行监测表({table.period.label})",
                 note=f"{table.focus.name};同比为累计增速(标*者为报告所述增速);排名按统计部门数据",
                 fixed=("指标", "单位", "统计期"), groups=[(c.name, CELL_LABELS) for c in table.columns], rows=rows,
                 formats=(None, None, None, *CELL_FORMATS * len(table.columns)))


def trend_sheet(result) -> Sheet:
    rows = [[p.period.label, _r(p.month_value), _r(p.ytd_value), _r(p.yoy, 1), _r(p.last_year_ytd),
             _r(p.target_path), _r(p.projection_path), f"{p.rank}/{p.ranked}" if p.rank else ""]
            for p in result.points]
    return Sheet(name="走势", title=f"{result.place.name}{result.indicator.name}走势({result.year}年)",
                 note=f"单位:{result.indicator.unit}", rows=rows,
                 fixed=("月份", "当月", "累计", "同比(%)", "上年同期累计", "目标进度线", "年末预计线", "排名"),
                 formats=(None, NUMBER, NUMBER, RATE, NUMBER, NUMBER, NUMBER, None))


def profile_sheet(profile) -> Sheet:
    rows = []
    for row in profile.rows:
        cell = row.cell
        rows.append([row.indicator.name, row.indicator.unit, cell.period.label if cell else "",
                     _r(cell.month_value) if cell else None, _r(cell.ytd_value) if cell else None,
                     _r(cell.yoy, 1) if cell else None, _r(cell.two_year_avg, 1) if cell else None, _rank(cell),
                     _r(cell.gap, 1) if cell else None, _r(cell.target) if cell else None,
                     _r(cell.completion_pct, 1) if cell else None, _r(cell.elapsed_pct, 1) if cell else None,
                     LIGHTS.get(cell.light, "") if cell else "", _r(cell.projection) if cell else None,
                     _r(row.reported), _r(row.official)])
    return Sheet(name="画像", title=f"{profile.place.name}经济运行画像({profile.period.label})", note="", rows=rows,
                 fixed=("指标", "单位", "统计期", "当月", "累计", "同比(%)", "两年平均(%)", "排名",
                        "与上级差距(百分点)", "年度目标", "完成(%)", "序时进度(%)", "进度", "年末预计", "上报",
                        "统计"),
                 formats=(None, None, None, NUMBER, NUMBER, RATE, RATE, None, RATE, NUMBER, RATE, RATE, None, NUMBER,
                          NUMBER, NUMBER))


def reconciliation_sheets(result, flags) -> list[Sheet]:
    gaps = Sheet(name="数据比对", title=f"上报与统计数据比对({result.period.label})",
                 note=f"差异率阈值 ±{result.threshold}%;共 {result.total} 项,超阈值 {result.exceeding} 项",
                 fixed=("地区", "指标", "单位", "上报", "统计", "差额", "差异率(%)", "超阈值"),
                 rows=[[g.place_name, g.indicator.name, g.indicator.unit, _r(g.reported), _r(g.official),
                        _r(g.diff), _r(g.diff_pct, 2), "是" if g.exceeds else ""] for g in result.gaps],
                 formats=(None, None, None, NUMBER, NUMBER, NUMBER, RATE, None))
    issues = Sheet(name="核查问题", title=f"数据核查问题({result.period.label})", note="",
                   fixed=("地区", "指标", "规则", "说明", "状态", "情况说明"),
                   rows=[[str(f.place), f.indicator.name, f.get_rule_display(), f.message, f.get_status_display(),
                          f.explanation] for f in flags])
    return [gaps, issues]
