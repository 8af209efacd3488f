"""The import pipeline through its services: the exact preview of a messy ledger, both commit modes, rollback
on failure, jurisdiction, re-validation at commit, the bulk path, and the batch lifecycle."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from tests_support import make_credit_code

from devzone.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.enterprises import services as enterprise_services
from devzone.enterprises.credit_code import check_character
from devzone.enterprises.models import Enterprise, EnterpriseYear
from devzone.intake import services
from devzone.intake.models import ImportBatch

KIND = "enterprises"


def preview(user, content: bytes, name: str = "台账.xlsx"):
    return services.preview_file(actor=user, kind=KIND, data=content, filename=name)


def create_batch(user, content: bytes, name: str = "台账.xlsx") -> ImportBatch:
    return services.batch_create(actor=user, kind=KIND, data=content, filename=name)


def registry_state() -> list[tuple]:
    """Every enterprise and annual figure, without ids and timestamps (to compare two databases' content)."""
    enterprises = [
        (e.credit_code, e.name, e.region.name, e.zone.name if e.zone else None,
         e.industry.code if e.industry else None, e.size, *(getattr(e, f) for f in Enterprise.FLAG_FIELDS))
        for e in Enterprise.objects.select_related("region", "zone", "industry").order_by("credit_code")]
    years = [(y.enterprise.credit_code, y.year, *(getattr(y, f) for f in EnterpriseYear.FIGURE_FIELDS), y.sources)
             for y in EnterpriseYear.objects.select_related("enterprise").order_by("enterprise__credit_code", "year")]
    return enterprises + years


# --- the preview ----------------------------------------------------------------------------------------

def test_messy_ledger_preview_is_exact(org, messy_ledger):
    result = preview(org.county1_user, messy_ledger.content).to_json()
    bad = messy_ledger.bad_code
    assert result["header_rows"] == [3, 4] and result["unit"] == "亿元" and result["sheet"] == "Sheet1"
    assert result["title"] == "2025年度澜江区重点工业企业台账"
    assert result["counts"] == {"data_rows": 8, "valid": 3, "rejected": 5, "create": 2, "update": 1,
                                "skipped": {"group": 2, "blank": 1, "total": 1, "note": 1}}
    assert result["rejected"] == [
        {"row": 8, "label": "错码企业有限公司",
         "reasons": [f"统一社会信用代码(B 列):校验位错误:第 18 位应为 {check_character(bad[:17])},而不是 {bad[17]}"]},
        {"row": 11, "label": "澜江瑞丰纺织有限公司",
         "reasons": [f"与第 6 行的统一社会信用代码重复({messy_ledger.code_a})"]},
        {"row": 12, "label": "东山县远大化工有限公司", "reasons": ["未找到县区或乡镇「东山县」"]},
        {"row": 13, "label": "北湖新材料有限公司", "reasons": ["「北湖区」不在您的管辖范围内"]},
        {"row": 14, "label": messy_ledger.injected_code,
         "reasons": ['C 列「企业名称」的内容“=HYPERLINK("http://evil.example/x","点击领…”以“=”开头,疑似公式注入,已拒绝']},
    ]
    assert result["warnings"] == [{"row": 2, "message": "表格单位为亿元,金额已换算为万元"},
                                  {"row": None, "message": "未识别的列,未导入:N 列「备注」"}]
    rows = result["sample"]["rows"]
    assert [(r["row"], r["action"]) for r in rows] == [(6, "create"), (9, "create"), (15, "update")]
    assert rows[0]["values"] == [messy_ledger.code_a, "澜江瑞丰纺织有限公司", "澜江区", "澜江经开区", "C17", "2025",
                                 "12,500.00", "3,500.00"]
    assert rows[1]["values"][2:8] == ["澜江区新桥街道", "", "C34", "2025", "12,000.00", "500.00"]
    fields = {c["column"]: c["field"] for c in result["columns"]}
    assert fields == {"B": "credit_code", "C": "name", "D": "region", "E": "zone", "F": "industry", "G": "size",
                      "H": "above_size", "I": "high_tech", "J": "revenue", "K": "tax", "L": "land_mu",
                      "M": "employees"}


def test_preview_writes_nothing(org, messy_ledger):
    before = (Enterprise.objects.count(), EnterpriseYear.objects.count(), AuditEvent.objects.count())
    preview(org.county1_user, messy_ledger.content)
    assert (Enterprise.objects.count(), EnterpriseYear.objects.count(), AuditEvent.objects.count()) == before


# --- committing -----------------------------------------------------------------------------------------

def test_commit_valid_rows_writes_exactly_the_valid_ones(org, messy_ledger):
    before = Enterprise.objects.count()
    batch = create_batch(org.county1_user, messy_ledger.content)
    batch = services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
    assert batch.status == "committed" and (batch.created_count, batch.updated_count) == (2, 1)
    assert batch.result["rejected_skipped"] == 5 and batch.result["path"] == "services"
    assert Enterprise.objects.count() == before + 2
    for code in (messy_ledger.bad_code, messy_ledger.unknown_code, messy_ledger.neighbour_code,
                 messy_ledger.injected_code):
        assert not Enterprise.objects.filter(credit_code=code).exists()
    a = Enterprise.objects.get(credit_code=messy_ledger.code_a)
    assert (a.region, a.zone, a.industry.code, a.size, a.above_size, a.high_tech) == (
        org.county1, org.zone1, "C17", "medium", True, False)
    year = a.years.get(year=2025)
    assert (year.revenue, year.tax, year.land_mu, year.employees) == (
        Decimal("12500.00"), Decimal("3500.00"), Decimal("1234.50"), 356)
    b = Enterprise.objects.get(credit_code=messy_ledger.code_b)
    assert (b.region, b.industry.code, b.above_size, b.high_tech) == (org.town1, "C34", True, False)
    year = b.years.get(year=2025)
    assert (year.revenue, year.tax, year.land_mu, year.employees) == (
        Decimal("12000.00"), Decimal("500.00"), Decimal("86.50"), 1200)
    old = Enterprise.objects.get(pk=messy_ledger.existing.pk)
    assert (old.name, old.size, old.above_size, old.high_tech) == ("澜江老厂有限公司", "large", True, True)
    year = old.years.get(year=2025)
    assert (year.revenue, year.tax, year.land_mu, year.employees) == (  # a blank ("—") tax keeps the stored 100
        Decimal("20000.00"), Decimal("100.00"), Decimal("50.00"), 120)
    imports = AuditEvent.objects.filter(action="import", object_type="intake.importbatch", object_id=str(batch.pk))
    assert imports.count() == 1 and imports.get().after["created"] == 2
    assert AuditEvent.objects.filter(action="create", object_type="enterprises.enterprise").count() >= 2


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(org, messy_ledger):
    before = registry_state()
    batch = create_batch(org.county1_user, messy_ledger.content)
    with pytest.raises(ValidationFailed) as exc:
        services.batch_commit(actor=org.county1_user, batch=batch, mode="all")
    assert "有 5 行未通过校验" in exc.value.message and "第 8 行" in exc.value.message
    assert "\n" not in exc.value.message and len(exc.value.details) == 5
    assert registry_state() == before
    batch.refresh_from_db()
    assert batch.status == "previewed" and not AuditEvent.objects.filter(action="import").exists()


def test_all_or_nothing_commits_a_clean_file(org, simple_rows, make_xlsx):
    batch = create_batch(org.county1_user, make_xlsx(simple_rows(4)))
    batch = services.batch_commit(actor=org.county1_user, batch=batch, mode="all")
    assert batch.created_count == 4 and Enterprise.objects.filter(name__startswith="批量企业").count() == 4


def _failing_progress(stage: str, done: int, total: int) -> None:
    if stage == "write":
        raise RuntimeError("worker stopped")


@pytest.mark.parametrize("threshold", [0, 1000], ids=["bulk", "services"])
def test_failure_mid_commit_leaves_nothing(org, messy_ledger, settings, threshold):
    settings.INTAKE_BULK_THRESHOLD = threshold
    before = registry_state()
    batch = create_batch(org.county1_user, messy_ledger.content)
    with pytest.raises(RuntimeError):
        services.batch_commit(actor=org.county1_user, batch=batch, mode="valid", progress=_failing_progress)
    assert registry_state() == before
    batch.refresh_from_db()
    assert batch.status == "failed" and "已全部回滚" in batch.error and "worker stopped" in batch.error
    assert not AuditEvent.objects.filter(action="import").exists()
    assert AuditEvent.objects.filter(action="import_failed", object_id=str(batch.pk)).exists()
    retried = services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")  # failed batches may retry
    assert retried.status == "committed" and retried.created_count == 2


def _install_failing_trigger(name: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION dz_test_fail() RETURNS trigger AS $$ BEGIN IF NEW.name = %s THEN "
                "RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql", [name])
            cursor.execute("CREATE TRIGGER dz_test_fail BEFORE INSERT ON enterprises_enterprise FOR EACH ROW "
                           "EXECUTE FUNCTION dz_test_fail()")
        else:
            cursor.execute("CREATE TRIGGER dz_test_fail BEFORE INSERT ON enterprises_enterprise "
                           f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END")


@pytest.mark.parametrize("threshold", [0, 1000], ids=["bulk", "services"])
def test_database_failure_on_a_later_row_rolls_back_earlier_rows(org, messy_ledger, settings, threshold):
    """The database refuses the second new enterprise (row 9) after the first (row 6) was written."""
    settings.INTAKE_BULK_THRESHOLD = threshold
    _install_failing_trigger("新桥精密机械有限公司")
    before = registry_state()
    batch = create_batch(org.county1_user, messy_ledger.content)
    with pytest.raises((DomainError, DatabaseError)):
        services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
    assert registry_state() == before
    batch.refresh_from_db()
    assert batch.status == "failed" and batch.created_count == 0


def test_bulk_path_writes_the_same_as_the_services_path(org, messy_ledger, settings):
    settings.INTAKE_BULK_THRESHOLD = 1000
    batch = services.batch_commit(actor=org.county1_user, batch=create_batch(org.county1_user, messy_ledger.content),
                                  mode="valid")
    by_services = registry_state()
    assert batch.result["path"] == "services"
    Enterprise.objects.filter(credit_code__in=[messy_ledger.code_a, messy_ledger.code_b]).delete()
    enterprise_services.enterprise_update(actor=org.admin, enterprise=Enterprise.objects.get(
        pk=messy_ledger.existing.pk), data={"name": "澜江老厂", "size": "small", "above_size": False,
                                            "high_tech": False})
    EnterpriseYear.objects.filter(enterprise=messy_ledger.existing, year=2025).update(revenue=2000, employees=None)
    settings.INTAKE_BULK_THRESHOLD = 0
    batch = services.batch_commit(actor=org.county1_user, batch=create_batch(org.county1_user, messy_ledger.content),
                                  mode="valid")
    assert batch.result["path"] == "bulk" and (batch.created_count, batch.updated_count) == (2, 1)
    assert registry_state() == by_services


def test_reimporting_the_same_file_changes_nothing(org, messy_ledger, settings):
    services.batch_commit(actor=org.county1_user, batch=create_batch(org.county1_user, messy_ledger.content),
                          mode="valid")
    state = registry_state()
    for threshold in (1000, 0):
        settings.INTAKE_BULK_THRESHOLD = threshold
        batch = create_batch(org.county1_user, messy_ledger.content)
        assert batch.preview["counts"]["update"] == 3
        batch = services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
        assert (batch.created_count, batch.updated_count, batch.result["unchanged"]) == (0, 0, 3)
        assert registry_state() == state


# --- validation at commit time, lifecycle, permissions --------------------------------------------------

def test_commit_validates_again_against_the_current_database(org, messy_ledger):
    batch = create_batch(org.county1_user, messy_ledger.content)
    assert batch.preview["counts"]["create"] == 2
    enterprise_services.enterprise_create(actor=org.county1_user, data={
        "credit_code": messy_ledger.code_a, "name": "抢先登记的企业", "region": org.county1})
    batch = services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
    assert (batch.created_count, batch.updated_count) == (1, 2)
    assert batch.preview["counts"]["create"] == 1
    assert Enterprise.objects.get(credit_code=messy_ledger.code_a).name == "澜江瑞丰纺织有限公司"


def test_a_batch_commits_once_and_cancelled_batches_never(org, messy_ledger, simple_rows, make_xlsx):
    batch = services.batch_commit(actor=org.county1_user, batch=create_batch(org.county1_user, messy_ledger.content),
                                  mode="valid")
    with pytest.raises(Conflict):
        services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")
    other = create_batch(org.county1_user, make_xlsx(simple_rows(2)))
    other = services.batch_cancel(actor=org.county1_user, batch=other)
    assert other.status == "cancelled"
    with pytest.raises(Conflict):
        services.batch_commit(actor=org.county1_user, batch=other, mode="valid")
    assert not Enterprise.objects.filter(name__startswith="批量企业").exists()
    assert AuditEvent.objects.filter(action="cancel", object_id=str(other.pk)).exists()


def test_only_the_uploader_or_an_administrator_commits(org, messy_ledger):
    batch = create_batch(org.county1_user, messy_ledger.content)
    with pytest.raises(NotFound):
        services.batch_commit(actor=org.county2_user, batch=batch, mode="valid")
    with pytest.raises(NotFound):
        services.batch_cancel(actor=org.county2_user, batch=batch)


def test_read_only_users_cannot_import(org, messy_ledger):
    with pytest.raises(PermissionDenied):
        create_batch(org.observer, messy_ledger.content)
    assert not ImportBatch.objects.exists()


def test_no_valid_rows_is_refused(org, make_xlsx):
    rows = [["统一社会信用代码", "企业名称", "所在县区"], ["91990102XXXXXXXXX1", "某企业", "澜江区"]]
    batch = create_batch(org.county1_user, make_xlsx(rows))
    with pytest.raises(ValidationFailed, match="没有可导入的有效行"):
        services.batch_commit(actor=org.county1_user, batch=batch, mode="valid")


# --- jurisdiction ---------------------------------------------------------------------------------------

def test_county_cannot_touch_a_neighbours_enterprise(org, make_enterprise, make_xlsx):
    neighbour = make_enterprise(region=org.county2)
    mine = make_enterprise()
    rows = [["统一社会信用代码", "企业名称", "所在县区"],
            [neighbour.credit_code, "改名", None],
            [mine.credit_code, "搬走", "北湖区"],
            [make_credit_code(), "北湖新企业", "北湖区"]]
    result = preview(org.county1_user, make_xlsx(rows)).to_json()
    reasons = {r["row"]: r["reasons"] for r in result["rejected"]}
    assert reasons == {2: [f"统一社会信用代码 {neighbour.credit_code} 已登记为您管辖范围以外的企业,不能修改"],
                       3: ["「北湖区」不在您的管辖范围内"], 4: ["「北湖区」不在您的管辖范围内"]}
    city = preview(org.city_user, make_xlsx(rows)).to_json()
    assert city["counts"]["valid"] == 3 and city["counts"]["update"] == 2


def test_county_user_without_region_column_registers_in_own_county(org, make_xlsx):
    code = make_credit_code()
    rows = [["统一社会信用代码", "企业名称", "行业代码"], [code, "无县区列企业", "17"]]
    parsed = preview(org.county1_user, make_xlsx(rows))
    assert parsed.counts()["valid"] == 1
    assert any("记入您所在的澜江区" in message for _row, message in parsed.warnings)
    city = preview(org.city_user, make_xlsx(rows)).to_json()
    assert city["rejected"][0]["reasons"] == ["新登记的企业须填写「所在县区」"]


# --- the one-pass import ----------------------------------------------------------------------------------

def test_import_file_in_all_mode_stores_nothing_when_rows_are_rejected(org, messy_ledger):
    with pytest.raises(ValidationFailed):
        services.import_file(actor=org.county1_user, kind=KIND, data=messy_ledger.content, filename="a.xlsx",
                             mode="all")
    assert not ImportBatch.objects.exists()


def test_progress_is_reported_for_large_files(org, simple_rows, settings, make_xlsx):
    settings.INTAKE_BULK_THRESHOLD = 100
    seen: list[tuple[str, int, int]] = []
    batch, _parsed = services.import_file(actor=org.admin, kind=KIND, data=make_xlsx(simple_rows(2500)),
                                          filename="big.xlsx", mode="valid",
                                          progress=lambda *event: seen.append(event))
    assert batch.created_count == 2500 and batch.result["path"] == "bulk"
    stages = {stage for stage, _done, _total in seen}
    assert stages == {"read", "validate", "write"} and seen[-1] == ("write", 2500, 2500)
    assert EnterpriseYear.objects.filter(enterprise__name__startswith="批量企业", year=2025).count() == 2500
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert not AuditEvent.objects.filter(object_type="enterprises.enterprise", action="create",
                                         object_repr__startswith="批量企业").exists()
