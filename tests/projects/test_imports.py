"""The key-project ledger import (DOMAIN.md §10 layout): header detection with two-row headers and synonyms, group
rows giving the category, the total row skipped, numbers like "1,234.5" and "1.2亿", updates by code or by name and
owner, the 1-N月 figures submitted as that month's report, rejected rows with their Excel row numbers, all-or-none,
jurisdiction, and an export that reads back."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook
from tests_support import xlsx_bytes

from devzone.core.errors import ValidationFailed
from devzone.intake import services as intake
from devzone.intake.cli import export_command, import_command
from devzone.projects import services
from devzone.projects.imports import category_from_groups, image_percent, ytd_month
from devzone.projects.models import ProgressReport, Project, ProjectStage, ProjectYearPlan

KIND = "projects"
TITLE = "2026年澜江区重点项目推进情况表(1-10月)"
# Two header rows: 2026年 merged over 年度计划投资 and 1-10月完成投资 (DOMAIN.md §10).
HEAD_TOP = ["序号", "项目名称", "项目单位", "建设性质", "主要建设内容", "起止年限", "计划总投资",
            "截至上年底累计完成投资", "2026年", None, "占年度计划%", "工程形象进度", "包抓领导", "牵头单位",
            "存在的问题"]
HEAD_BOTTOM = [None, None, None, None, None, None, None, None, "年度计划投资", "1-10月完成投资"]


def ledger(*rows: list) -> bytes:
    top = ["2026年澜江区重点项目推进情况表"]
    merged = [(2, c, 3, c, HEAD_TOP[c]) for c in range(len(HEAD_TOP)) if c not in (8, 9)]
    merged.append((2, 8, 2, 9, "2026年"))
    return xlsx_bytes([top, ["单位:万元"], HEAD_TOP, HEAD_BOTTOM, *rows], merged=merged)


@pytest.fixture
def existing(org, make_project):
    coded = make_project(code="LJ-2026-001", name="智能装备产业园", owner_name="云澜智造有限公司",
                         total_investment=Decimal("50000"))
    named = make_project(name="滨江污水处理厂", owner_name="澜江水务公司", total_investment=Decimal("8000"),
                         category="infrastructure")
    return coded, named


def rows_ok(org) -> list[list]:
    return [
        ["一、产业项目(2个)"],
        [1, "智能装备产业园(二期)", "云澜智造有限公司", "新建", "年产10万台套", "2026-2028", "1.2亿", None, 3000,
         "1,234.5", None, "主体结构完工60%", "王市长", "市工信局", "用地指标未落实"],
        [2, "新材料项目", "云澜新材料公司", "扩建", "新建厂房5万平方米", "2026-2027", 20000, None, 8000, 2000, None,
         "基础施工", "李副市长", "市发改委", None],
        ["二、基础设施项目(1个)"],
        [1, "滨江污水处理厂", "澜江水务公司", "续建", None, None, None, None, 2000, 500, None, "管网铺设", None,
         None, None],
        [None, "合计", None, None, None, None, 152000, None, 13000, 3734.5],
    ]


def test_helpers_read_the_ledger_conventions():
    assert category_from_groups(("一、产业项目(35个)",)) == "industry"
    assert category_from_groups(("二、基础设施项目",)) == "infrastructure"
    assert category_from_groups(("三、社会民生",)) == "livelihood"
    assert category_from_groups(()) is None
    assert ytd_month("1-10月完成投资", "") == (None, 10)
    assert ytd_month("本年完成投资", "2026年1-9月重点项目") == (2026, 9)
    assert image_percent("主体结构完工60%", 10) == 60 and image_percent("基础施工", 25) == 25


def test_preview_maps_two_row_headers_groups_and_totals(org, existing):
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=ledger(*rows_ok(org)), filename="台账.xlsx")
    assert not parsed.rejected, [(r.row, r.reasons) for r in parsed.rejected]
    assert [row.row for row in parsed.valid] == [6, 7, 9]  # group rows 5 and 8 and the total row 10 skipped
    first, second, third = (row.data for row in parsed.valid)
    assert second["data"]["nature"] == "expansion" and second["progress"]["investment_month"] == Decimal("2000")
    assert first["project"] is None  # "智能装备产业园(二期)" is a different name: a new project
    assert first["data"]["total_investment"] == Decimal("12000")  # 1.2亿 → 万元
    assert first["data"]["category"] == "industry" and first["data"]["nature"] == "new"
    assert (first["data"]["start_year"], first["data"]["end_year"]) == (2026, 2028)
    assert first["data"]["region"] == org.county1  # the county user's own county
    assert first["progress"]["investment_month"] == Decimal("1234.5") and first["progress"]["image_percent"] == 60
    assert first["progress"]["period"] == date(2026, 10, 1)
    assert third["project"] == existing[1] and parsed.valid[2].update  # matched by name and owner
    assert third["data"]["category"] == "infrastructure" and "total_investment" not in third["data"]
    assert Project.objects.count() == 2  # a preview writes nothing


def test_commit_creates_updates_and_submits_month_reports(org, existing):
    batch, _parsed = intake.import_file(actor=org.county1_user, kind=KIND, data=ledger(*rows_ok(org)),
                                        filename="台账.xlsx", mode="all")
    assert (batch.created_count, batch.updated_count) == (2, 1)
    new = Project.objects.get(name="智能装备产业园(二期)")
    assert (new.owner_name, new.leader_name, new.responsible_unit_name, new.stage) == (
        "云澜智造有限公司", "王市长", "市工信局", "planned")
    assert ProjectYearPlan.objects.get(project=new, year=2026).planned_investment == Decimal("3000")
    report = ProgressReport.objects.get(project=new)
    assert (report.period, report.investment_month, report.status, report.problems) == (
        date(2026, 10, 1), Decimal("1234.50"), "submitted", "用地指标未落实")
    water = Project.objects.get(pk=existing[1].pk)
    assert water.nature == "continued" and water.total_investment == Decimal("8000")  # blank never overwrites


def test_month_figure_is_net_of_earlier_reports_and_never_decreases(org, existing):
    project = existing[0]
    earlier = services.report_submit(actor=org.county1_user, project=project, period="2026-09",
                                     investment_month=Decimal("900"), image_percent=40)
    services.report_approve(actor=org.city_user, report=earlier)
    row = [1, "智能装备产业园", "云澜智造有限公司", None, None, None, None, None, None, 1500, None, "主体施工",
           None, None, None]
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=ledger(["项目编号"], row),
                                 filename="a.xlsx")
    assert parsed.valid[0].data["progress"]["investment_month"] == Decimal("600")
    assert parsed.valid[0].data["progress"]["image_percent"] == 40  # no percent in the text: the last one kept
    lower = [*row[:9], 800, *row[10:]]
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=ledger(lower), filename="a.xlsx")
    assert "累计完成投资不能减少" in parsed.rejected[0].reasons[0] and parsed.rejected[0].row == 5


def test_update_by_code_and_existing_month_report(org, existing):
    project = existing[0]
    head = ["序号", "项目编号", "项目名称", "建设单位", "总投资", "1-10月完成投资", "形象进度"]
    row = [1, "LJ-2026-001", "智能装备产业园(更名)", "云澜智造有限公司", 60000, 700, "封顶"]
    data = xlsx_bytes([[TITLE], head, row])
    intake.import_file(actor=org.county1_user, kind=KIND, data=data, filename="b.xlsx", mode="all")
    project.refresh_from_db()
    assert (project.name, project.total_investment) == ("智能装备产业园(更名)", Decimal("60000"))
    again = intake.preview_file(actor=org.county1_user, kind=KIND, data=data, filename="b.xlsx")
    assert again.valid and again.valid[0].data["progress"] is None  # same figure: the report is left alone
    changed = xlsx_bytes([[TITLE], head, [1, "LJ-2026-001", "智能装备产业园", "云澜智造有限公司", None, 750, None]])
    refused = intake.preview_file(actor=org.county1_user, kind=KIND, data=changed, filename="b.xlsx")
    assert "已有月报" in refused.rejected[0].reasons[0] and "更正" in refused.rejected[0].reasons[0]


def test_rejected_rows_name_their_excel_row_and_all_or_none_writes_nothing(org, existing):
    rows = [
        [1, "无总投资项目", "某公司", None, None, None, None, None, None, None],
        [2, "外县项目", "某公司", None, None, None, 100, None, None, None],
        [3, "注入项目", "=cmd|' /C calc'!A0", None, None, None, 100, None, None, None],
        [4, "坏数字项目", "某公司", None, None, None, "一百万", None, None, None],
        [5, "正常项目", "某公司", None, None, None, 100, None, None, None],
        [6, "正常项目", "某公司", None, None, None, 100, None, None, None],
    ]
    head = ["序号", "项目名称", "建设单位", "县区", "建设性质", "建设起止年限", "总投资", "年度计划投资",
            "1-10月完成投资", "形象进度"]
    rows[1][3] = "北湖区"
    data = xlsx_bytes([[TITLE], ["单位:万元"], head, *rows])
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=data, filename="c.xlsx")
    reasons = {row.row: ";".join(row.reasons) for row in parsed.rejected}
    assert set(reasons) == {4, 5, 6, 7, 9}
    assert "须填写「总投资」" in reasons[4]
    assert "不在您的管辖范围内" in reasons[5]
    assert "公式注入" in reasons[6]
    assert "一百万" in reasons[7]
    assert "与第 8 行重复" in reasons[9]
    with pytest.raises(ValidationFailed):
        intake.import_file(actor=org.county1_user, kind=KIND, data=data, filename="c.xlsx", mode="all")
    assert Project.objects.count() == 2


def test_future_month_is_refused(org, existing):
    data = xlsx_bytes([["2099年1-10月重点项目推进情况"], ["项目名称", "建设单位", "总投资", "1-10月完成投资"],
                       ["未来项目", "某公司", 100, 10]])
    parsed = intake.preview_file(actor=org.county1_user, kind=KIND, data=data, filename="d.xlsx")
    assert "尚未到来" in parsed.rejected[0].reasons[0]


def test_export_writes_the_ledger_layout_and_reads_back(org, existing):
    intake.import_file(actor=org.county1_user, kind=KIND, data=ledger(*rows_ok(org)), filename="台账.xlsx",
                       mode="all")
    content, count = intake.export_workbook(actor=org.county1_user, kind=KIND)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "单位:万元"
    header = rows[2]
    assert header[:3] == ["序号", "项目编号", "项目名称"] and "建设起止年限" in header and "形象进度" in header
    assert rows[3][0] == "一、产业项目(3个)"
    total = next(row for row in rows if row[2] == "合计")
    assert total[header.index("总投资")] == pytest.approx(50000 + 12000 + 20000 + 8000)
    assert count == 2 + 4 + 1  # two group rows, four projects, the total
    reread = intake.preview_file(actor=org.county1_user, kind=KIND, data=content, filename="export.xlsx")
    assert len(reread.valid) == 4 and not reread.rejected
    assert all(row.update for row in reread.valid)
    other = intake.export_workbook(actor=org.county2_user, kind=KIND)[1]
    assert other == 0  # county2 sees none of county1's projects


def test_cli_dry_run_writes_nothing_and_export_round_trips(org, existing, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger(*rows_ok(org)))
    text = import_command(KIND, str(path), username="county1", dry_run=True, mode="all")
    assert "有效 3" in text and text.endswith("试运行:未写入任何数据。")
    assert Project.objects.count() == 2
    import_command(KIND, str(path), username="county1", dry_run=False, mode="all")
    assert Project.objects.count() == 4
    out = tmp_path / "导出.xlsx"
    export_command(KIND, str(out), username="county1")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(out.read_bytes())).get_sheet_by_index(0).to_python()
    assert any(row[2] == "智能装备产业园(二期)" for row in rows)


def _ledger_state() -> list[tuple]:
    projects = sorted((p.name, p.code, p.owner_name, p.region_id, p.category, p.nature, p.total_investment,
                       p.start_year, p.end_year, p.leader_name, p.responsible_unit_name, p.stage)
                      for p in Project.objects.all())
    stages = sorted((s.project.name, s.stage, s.status) for s in ProjectStage.objects.select_related("project"))
    plans = sorted((p.project.name, p.year, p.planned_investment) for p in ProjectYearPlan.objects.select_related(
        "project"))
    reports = sorted((r.project.name, r.period, r.investment_month, r.image_percent, r.status, r.problems)
                     for r in ProgressReport.objects.select_related("project"))
    return [projects, stages, plans, reports]


@pytest.mark.parametrize("threshold", [0, 1000], ids=["bulk", "services"])
def test_bulk_path_writes_what_the_services_write(org, existing, settings, threshold):
    services.project_year_plan_set(actor=org.admin, project=existing[1], year=2026,
                                   planned_investment=Decimal("100"))
    settings.INTAKE_BULK_THRESHOLD = threshold
    batch, _parsed = intake.import_file(actor=org.county1_user, kind=KIND, data=ledger(*rows_ok(org)),
                                        filename="台账.xlsx", mode="all")
    assert batch.result["path"] == ("bulk" if threshold == 0 else "services")
    projects, stages, plans, reports = _ledger_state()
    assert len(projects) == 4 and all(stage == ("planned") for *_rest, stage in projects)
    assert ("新材料项目", "", "云澜新材料公司", org.county1.pk, "industry", "expansion", Decimal("20000.00"), 2026,
            2027, "李副市长", "市发改委", "planned") in projects
    assert [s for s in stages if s[0] == "新材料项目"] == [("新材料项目", "planned", "verified")]
    assert ("滨江污水处理厂", 2026, Decimal("2000.00")) in plans  # the existing plan replaced
    assert [r[:5] for r in reports] == [
        ("新材料项目", date(2026, 10, 1), Decimal("2000.00"), 0, "submitted"),
        ("智能装备产业园(二期)", date(2026, 10, 1), Decimal("1234.50"), 60, "submitted"),
        ("滨江污水处理厂", date(2026, 10, 1), Decimal("500.00"), 0, "submitted"),
    ]
    assert Project.objects.get(pk=existing[1].pk).nature == "continued"
