"""Export → import round trip: what the exporter writes, the importer reads back unchanged."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from python_calamine import CalamineWorkbook

from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry
from devzone.intake import services


def snapshot() -> list[tuple]:
    rows = []
    for e in Enterprise.objects.select_related("region", "zone", "industry").order_by("credit_code"):
        year = e.years.filter(year=2025).first()
        rows.append((e.credit_code, e.name, e.region_id, e.zone_id, e.industry_id, e.size, e.stats_status,
                     e.ladder_stage, e.legal_representative, e.address, e.phone, e.established_on,
                     e.production_start_year, *(getattr(e, f) for f in Enterprise.FLAG_FIELDS),
                     *((getattr(year, f) for f in EnterpriseYear.FIGURE_FIELDS) if year else ())))
    return rows


def make_registry(org, make_enterprise) -> None:
    figures = {"land_mu": Decimal("50.25"), "revenue": Decimal("12345.67"), "output": Decimal("11000.00"),
               "value_added": Decimal("3300.10"), "tax": Decimal("456.78"), "profit": Decimal("-12.50"),
               "employees": 321, "energy_tce": Decimal("88.88"), "emission_eq": Decimal("1.234"),
               "rd_expense": Decimal("99.99"), "electricity_kwh": Decimal("1234567")}
    make_enterprise(years={2025: figures}, zone=org.zone1, size="medium", above_size=True, high_tech=True,
                    little_giant=True, stats_status="in", ladder_stage="small_to_above", legal_representative="王五",
                    address="澜江区 新桥路 1 号", phone="+86 0731 1234567", established_on=date(2010, 5, 20),
                    production_start_year=2012)
    make_enterprise(region=org.town1, years={2025: {"tax": Decimal("1.00")}, 2024: {"tax": Decimal("2.00")}},
                    industry=Industry.objects.get(code="C39"))
    make_enterprise(years={})


def test_export_then_import_changes_nothing(org, make_enterprise):
    make_registry(org, make_enterprise)
    before = snapshot()
    content, rows = services.export_workbook(actor=org.county1_user, kind="enterprises")
    assert rows == 3
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert sheet[1][0] == "单位:万元" and "用地面积(亩)" in sheet[2] and sheet[3][0] == 1
    parsed = services.preview_file(actor=org.county1_user, kind="enterprises", data=content, filename="export.xlsx")
    assert parsed.counts() == {"data_rows": 3, "valid": 3, "rejected": 0, "create": 0, "update": 3}, parsed.rejected
    assert parsed.warnings == []
    batch, _parsed = services.import_file(actor=org.county1_user, kind="enterprises", data=content,
                                          filename="export.xlsx", mode="all")
    assert (batch.created_count, batch.updated_count, batch.result["unchanged"]) == (0, 0, 3)
    assert snapshot() == before


def test_export_imports_into_an_empty_registry_identically(org, make_enterprise, settings):
    make_registry(org, make_enterprise)
    before = snapshot()
    content, _rows = services.export_workbook(actor=org.city_user, kind="enterprises")
    Enterprise.objects.all().delete()
    for threshold in (1000, 0):
        settings.INTAKE_BULK_THRESHOLD = threshold
        batch, _parsed = services.import_file(actor=org.city_user, kind="enterprises", data=content,
                                              filename="export.xlsx", mode="all")
        assert batch.created_count == 3
        assert snapshot() == before  # the latest year's figures; the export carries no other year
        Enterprise.objects.all().delete()


def test_exported_formula_text_is_escaped_and_refused_on_import(org, make_enterprise):
    make_enterprise(name="=cmd|' /C calc'!A0", phone="+86 139 0000 0000")
    content, _rows = services.export_workbook(actor=org.county1_user, kind="enterprises")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert sheet[3][2] == "'=cmd|' /C calc'!A0"
    result = services.preview_file(actor=org.county1_user, kind="enterprises", data=content, filename="x.xlsx")
    assert result.rejected[0].reasons == ["C 列「企业名称」的内容“=cmd|' /C calc'!A0”以“=”开头,疑似公式注入,已拒绝"]


def test_template_has_every_column(org):
    content, rows = services.export_workbook(actor=org.county1_user, kind="enterprises", template=True)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows == 0 and sheet[0][0] == "企业库导入模板" and "企业标签" in sheet[2] and "数据来源" in sheet[2]
