"""The ledger and the stage workflow: every transition allowed or refused, declared-not-verified, evidence checks,
suspension, cancellation and replacement, jurisdiction and roles, audit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devzone.core import audit
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.enterprises.models import EnterpriseYear
from devzone.projects import services, workflow
from devzone.projects.models import (
    LIFECYCLE,
    BatchEntry,
    Evidence,
    Project,
    ProjectStage,
    Stage,
    StageEvent,
)

TODAY = date.today()
D = TODAY - timedelta(days=200)  # a start date well in the past


# --- the transition table -----------------------------------------------------------------------------

EXPECTED_DECLARABLE = {
    Stage.PLANNED: {Stage.SIGNED},  # and STARTED for government-invested projects
    Stage.SIGNED: {Stage.STARTED},
    Stage.STARTED: {Stage.COMPLETED},
    Stage.COMPLETED: {Stage.PRODUCING},
    Stage.PRODUCING: {Stage.EFFECTIVE},
    Stage.EFFECTIVE: set(),
    Stage.SUSPENDED: set(),
    Stage.CANCELLED: set(),
}


@pytest.mark.parametrize("current", list(Stage))
@pytest.mark.parametrize("target", list(Stage))
def test_every_declaration_in_the_table(current, target):
    allowed = workflow.refusal_to_declare(current=current, target=target, government_invested=False) is None
    assert allowed == (target in EXPECTED_DECLARABLE[current])
    gov = workflow.refusal_to_declare(current=current, target=target, government_invested=True) is None
    assert gov == (target in EXPECTED_DECLARABLE[current] or (current == Stage.PLANNED and target == Stage.STARTED))


@pytest.mark.parametrize("current", list(Stage))
def test_side_moves_in_the_table(current):
    can_suspend = workflow.refusal_to_move(current=current, target=Stage.SUSPENDED) is None
    can_cancel = workflow.refusal_to_move(current=current, target=Stage.CANCELLED) is None
    assert can_suspend == (current in LIFECYCLE and current != Stage.EFFECTIVE)
    assert can_cancel == (current not in (Stage.EFFECTIVE, Stage.CANCELLED))


# --- entering the ledger ------------------------------------------------------------------------------

def test_create_enters_at_planned_with_history_and_audit(org, make_project):
    project = make_project(actor=org.county1_user)
    assert project.stage == Stage.PLANNED and project.declared_stage == ""
    row = project.stages.get(stage=Stage.PLANNED)
    assert row.status == ProjectStage.Status.VERIFIED and row.actual_date == TODAY
    assert StageEvent.objects.filter(project=project, action="enter").exists()
    assert AuditEvent.objects.filter(object_type="projects.project", object_id=str(project.pk),
                                     action="create").exists()


def test_create_at_signed_is_declared_not_verified(org, make_project):
    project = make_project(actor=org.county1_user, stage="signed", stage_date=D)
    assert project.stage == Stage.PLANNED and project.declared_stage == Stage.SIGNED
    assert project.stages.get(stage=Stage.SIGNED).status == ProjectStage.Status.DECLARED


def test_create_refuses_other_entry_stages_and_neighbours(org, make_project):
    with pytest.raises(ValidationFailed):
        make_project(stage="started")
    with pytest.raises(NotFound):
        make_project(actor=org.county1_user, region=org.county2)
    with pytest.raises(PermissionDenied):
        make_project(actor=org.observer)
    assert not Project.objects.exists()


def test_code_is_unique_and_owner_name_follows_owner(org, make_project, make_enterprise):
    owner = make_enterprise()
    project = make_project(code="XM-2026-001", owner=owner, owner_name="")
    assert project.owner_name == owner.name
    with pytest.raises(Conflict):
        make_project(code="XM-2026-001")


def test_zone_must_lie_in_region(org, make_project):
    with pytest.raises(ValidationFailed, match="园区"):
        make_project(zone=org.zone2)


def test_update_with_stale_stamp_is_409_and_audited(org, make_project):
    project = make_project()
    seen = project.updated_at
    services.project_update(actor=org.county1_user, project=project, data={"name": "改名"}, expected_updated_at=seen)
    with pytest.raises(Conflict):
        services.project_update(actor=org.county1_user, project=project, data={"name": "再改"},
                                expected_updated_at=seen)
    event = AuditEvent.objects.filter(object_id=str(project.pk), action="update").first()
    assert event.after == {"name": "改名"}


def test_update_cannot_touch_workflow_fields(org, make_project):
    project = make_project()
    with pytest.raises(ValidationFailed):
        services.project_update(actor=org.admin, project=project, data={"stage": "effective"})


# --- declare and verify -------------------------------------------------------------------------------

def test_signing_declared_by_county_verified_by_office(org, make_project):
    project = make_project()
    project = services.project_declare_stage(actor=org.county1_user, project=project, stage="signed", date=D)
    assert project.declared_stage == "signed" and project.stage == "planned"
    with pytest.raises(PermissionDenied):
        services.project_verify_stage(actor=org.county1_user, project=project, stage="signed")
    project = services.project_verify_stage(actor=org.city_user, project=project, stage="signed")
    assert project.stage == "signed" and project.declared_stage == ""
    row = project.stages.get(stage="signed")
    assert row.status == "verified" and row.verified_by == org.city_user and row.actual_date == D
    assert AuditEvent.objects.filter(action="verify_stage", object_id=str(project.pk)).exists()


def test_signing_needs_the_agreement(org, make_project):
    project = make_project(agreement_amount=None, agreement_counterpart="")
    services.project_declare_stage(actor=org.county1_user, project=project, stage="signed", date=D)
    with pytest.raises(ValidationFailed) as exc:
        services.project_verify_stage(actor=org.city_user, project=project, stage="signed")
    assert exc.value.message == "手续不全的项目不予认定:缺少协议投资额、签约对象"


def test_start_without_papers_stays_declared_not_verified(org, make_project, advance):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    project = services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed) as exc:
        services.project_verify_stage(actor=org.city_user, project=project, stage="started")
    message = exc.value.message
    assert message.startswith("手续不全的项目不予认定:缺少")
    for words in ("审批", "用地手续", "施工许可证", "施工合同", "现场照片"):
        assert words in message
    assert {d["field"] for d in exc.value.details} == {"approval", "land", "construction_permit",
                                                        "construction_contract", "site_photo"}
    project.refresh_from_db()
    assert project.stage == "signed" and project.declared_stage == "started"
    assert project.stages.get(stage="started").status == ProjectStage.Status.DECLARED


def test_start_verified_with_every_paper(org, make_project, advance, start_evidence):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    start_evidence(project, D, org.county1_user)
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    project = services.project_verify_stage(actor=org.city_user, project=project, stage="started")
    assert project.stage == "started"


def test_photo_outside_the_window_is_not_enough(org, make_project, advance, start_evidence, photo_upload):
    project = advance(make_project(), {"signed": D - timedelta(days=60)})
    start_evidence(project, D - timedelta(days=40), org.county1_user)  # photo taken before the start
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed) as exc:
        services.project_verify_stage(actor=org.city_user, project=project, stage="started")
    assert [d["field"] for d in exc.value.details] == ["site_photo"]
    services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo",
                             upload=photo_upload(D + timedelta(days=30)))
    assert services.project_verify_stage(actor=org.city_user, project=project, stage="started").stage == "started"


def test_window_comes_from_the_rules(org, make_project, advance, start_evidence):
    project = advance(make_project(), {"signed": D - timedelta(days=60)})
    start_evidence(project, D + timedelta(days=20), org.county1_user)
    rules = services.rules_get()
    rules.photo_window_days = 10
    rules.save()
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed, match="10日内"):
        services.project_verify_stage(actor=org.city_user, project=project, stage="started")


def test_renovation_on_own_land_needs_no_land_document(org, make_project, advance, pdf_upload, photo_upload):
    project = advance(make_project(nature="renovation", own_land=True), {"signed": D - timedelta(days=30)})
    for kind in ("approval", "construction_permit", "construction_contract"):
        services.evidence_upload(actor=org.county1_user, project=project, kind=kind, upload=pdf_upload(),
                                 document_number="技改备案001")
    services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo", upload=photo_upload(D))
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    assert services.project_verify_stage(actor=org.city_user, project=project, stage="started").stage == "started"


def test_approval_needs_its_document_number(org, make_project, advance, start_evidence):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    start_evidence(project, D, org.county1_user)
    Evidence.objects.filter(project=project, kind="approval").update(document_number="")
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed, match="文号"):
        services.project_verify_stage(actor=org.city_user, project=project, stage="started")


def test_skipping_signing_is_refused_except_for_government_projects(org, make_project, advance):
    project = make_project()
    with pytest.raises(ValidationFailed, match="须先签约"):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    road = make_project(government_invested=True, category="infrastructure")
    road = advance(road, {"started": D})
    assert road.stage == "started"


def test_stages_cannot_be_skipped_or_repeated(org, make_project, advance):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    for target in ("completed", "producing", "effective", "signed", "planned"):
        with pytest.raises(ValidationFailed):
            services.project_declare_stage(actor=org.county1_user, project=project, stage=target, date=D)


def test_dates_must_be_past_and_in_order(org, make_project, advance):
    project = advance(make_project(), {"signed": D})
    with pytest.raises(ValidationFailed, match="未来"):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="started",
                                       date=TODAY + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="早于"):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="started",
                                       date=D - timedelta(days=1))


def test_return_with_reason_then_declare_again(org, make_project, advance):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed):
        services.project_return_stage(actor=org.city_user, project=project, stage="started", reason=" ")
    project = services.project_return_stage(actor=org.city_user, project=project, stage="started",
                                            reason="现场未见施工")
    row = project.stages.get(stage="started")
    assert project.declared_stage == "" and row.status == "returned" and row.return_reason == "现场未见施工"
    project = services.project_declare_stage(actor=org.county1_user, project=project, stage="started",
                                             date=D + timedelta(days=5))
    assert project.declared_stage == "started"
    assert project.stages.get(stage="started").return_reason == ""


def test_verify_needs_a_pending_declaration(org, make_project):
    project = make_project()
    with pytest.raises(ValidationFailed, match="没有待认定"):
        services.project_verify_stage(actor=org.city_user, project=project, stage="signed")


def test_full_lifecycle_with_effectiveness_from_enterprise_figures(org, make_project, make_enterprise, advance):
    owner = make_enterprise(years={TODAY.year - 1: {"output": Decimal("9000")},  # before production: ignored
                                   TODAY.year: {"output": Decimal("8000"), "tax": Decimal("50")}})
    project = make_project(owner=owner, committed_output=Decimal("10000"), committed_tax=Decimal("500"))
    start = D - timedelta(days=100)
    project = advance(project, {"signed": start - timedelta(days=30), "started": start,
                                "completed": start + timedelta(days=40), "producing": start + timedelta(days=50)})
    services.project_declare_stage(actor=org.county1_user, project=project, stage="effective", date=TODAY)
    project = services.project_verify_stage(actor=org.city_user, project=project, stage="effective")
    assert project.stage == "effective"  # output 8000 ≥ 10000 × 80%, no document needed
    assert [r.stage for r in project.stages.filter(status="verified").order_by("pk")] == list(LIFECYCLE)


def test_effectiveness_threshold_comes_from_the_rules(org, make_project, make_enterprise, advance):
    owner = make_enterprise(years={TODAY.year: {"output": Decimal("8000")}})
    project = make_project(owner=owner, committed_output=Decimal("10000"))
    start = D - timedelta(days=100)
    project = advance(project, {"signed": start - timedelta(days=30), "started": start,
                                "completed": start + timedelta(days=10), "producing": start + timedelta(days=20)})
    rules = services.rules_get()
    rules.effective_percent = Decimal("90")
    rules.save()
    services.project_declare_stage(actor=org.county1_user, project=project, stage="effective", date=TODAY)
    with pytest.raises(ValidationFailed, match="90%"):
        services.project_verify_stage(actor=org.city_user, project=project, stage="effective")
    EnterpriseYear.objects.filter(enterprise=owner).update(output=Decimal("9000"))
    assert services.project_verify_stage(actor=org.city_user, project=project, stage="effective").stage == "effective"


def test_a_second_different_declaration_waits(org, make_project, advance):
    project = make_project(government_invested=True)
    services.project_declare_stage(actor=org.county1_user, project=project, stage="signed", date=D)
    with pytest.raises(Conflict):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)


def test_county_cannot_declare_in_neighbour_county(org, make_project):
    project = make_project(region=org.county2)
    with pytest.raises(NotFound):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="signed", date=D)


# --- suspension, cancellation, replacement ------------------------------------------------------------

def test_suspend_withdraws_declaration_and_resume_restores_stage(org, make_project, advance):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    project = services.project_suspend(actor=org.county1_user, project=project, date=D, reason="资金未到位")
    assert project.stage == "suspended" and project.resume_stage == "signed" and project.declared_stage == ""
    with pytest.raises(ValidationFailed, match="停缓建"):
        services.project_declare_stage(actor=org.county1_user, project=project, stage="started", date=D)
    with pytest.raises(ValidationFailed):
        services.project_suspend(actor=org.county1_user, project=project, date=D, reason="再停")
    project = services.project_resume(actor=org.county1_user, project=project, date=TODAY)
    assert project.stage == "signed" and project.resume_stage == "" and project.suspended_on is None
    with pytest.raises(ValidationFailed):
        services.project_resume(actor=org.county1_user, project=project, date=TODAY)


def test_cancel_needs_office_and_reason_and_links_replacement(org, make_project, advance):
    batch = services.batch_create(actor=org.city_user, name="2026年第一批", year=TODAY.year, held_on=D)
    old = advance(make_project(), {"signed": D})
    services.batch_entry_add(actor=org.city_user, batch=batch, project=old, list_kind="signed")
    new = make_project()
    with pytest.raises(PermissionDenied):
        services.project_cancel(actor=org.county1_user, project=old, date=TODAY, reason="无法落地")
    with pytest.raises(ValidationFailed):
        services.project_cancel(actor=org.city_user, project=old, date=TODAY, reason="")
    old = services.project_cancel(actor=org.city_user, project=old, date=TODAY, reason="投资方撤资,无法开工",
                                  replacement=new)
    new.refresh_from_db()
    assert old.stage == "cancelled" and old.cancel_reason == "投资方撤资,无法开工"
    assert new.replaces == old and old.replacement == new
    assert BatchEntry.objects.filter(batch=batch, project=new, list_kind="signed").exists()
    assert StageEvent.objects.filter(project=new, action="replace").exists()
    for target in ("signed", "started"):
        with pytest.raises(ValidationFailed):
            services.project_declare_stage(actor=org.county1_user, project=old, stage=target, date=TODAY)
    with pytest.raises(ValidationFailed):
        services.project_cancel(actor=org.city_user, project=old, date=TODAY, reason="再终止")
    other = make_project()
    with pytest.raises(Conflict):
        services.project_link_replacement(actor=org.city_user, old=old, new=other)


def test_replacement_must_follow_a_cancellation(org, make_project):
    old, new = make_project(), make_project()
    with pytest.raises(ValidationFailed, match="先终止"):
        services.project_link_replacement(actor=org.city_user, old=old, new=new)


def test_effective_projects_cannot_be_cancelled(org, make_project):
    project = make_project()
    Project.objects.filter(pk=project.pk).update(stage="effective")
    with pytest.raises(ValidationFailed):
        services.project_cancel(actor=org.city_user, project=project, date=TODAY, reason="x")


# --- evidence -----------------------------------------------------------------------------------------

def test_exif_date_wins_over_the_typed_one(org, make_project, photo_upload):
    project = make_project()
    evidence = services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo",
                                        upload=photo_upload(D), taken_on=D - timedelta(days=3))
    assert evidence.taken_on == D and evidence.taken_on_source == "exif"
    assert evidence.content_type == "image/jpeg" and evidence.file.name.endswith(".jpg")


def test_photo_without_exif_needs_a_date(org, make_project, photo_upload):
    project = make_project()
    with pytest.raises(ValidationFailed, match="拍摄日期"):
        services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo",
                                 upload=photo_upload(None))
    evidence = services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo",
                                        upload=photo_upload(None), taken_on=D)
    assert evidence.taken_on == D and evidence.taken_on_source == "declared"


def test_content_decides_the_type_not_the_name(org, make_project, pdf_upload):
    project = make_project()
    fake = SimpleUploadedFile("permit.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    with pytest.raises(ValidationFailed, match="按文件内容判断"):
        services.evidence_upload(actor=org.county1_user, project=project, kind="construction_permit", upload=fake)
    with pytest.raises(ValidationFailed, match="图片"):
        services.evidence_upload(actor=org.county1_user, project=project, kind="site_photo", upload=pdf_upload(),
                                 taken_on=D)
    renamed = SimpleUploadedFile("scan.jpg", pdf_upload().read(), content_type="image/jpeg")
    evidence = services.evidence_upload(actor=org.county1_user, project=project, kind="land", upload=renamed)
    assert evidence.content_type == "application/pdf" and evidence.file.name.endswith(".pdf")
    assert not Evidence.objects.filter(kind="construction_permit").exists()


def test_size_limit_comes_from_the_rules(org, make_project):
    project = make_project()
    rules = services.rules_get()
    rules.max_upload_mb = 1
    rules.save()
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ValidationFailed, match="1 MB"):
        services.evidence_upload(actor=org.county1_user, project=project, kind="land", upload=big)


def test_evidence_of_a_verified_stage_cannot_be_deleted(org, make_project, advance, pdf_upload):
    project = advance(make_project(), {"signed": D - timedelta(days=30), "started": D})
    permit = project.evidence.get(kind="construction_permit")
    with pytest.raises(Conflict):
        services.evidence_delete(actor=org.county1_user, evidence=permit)
    spare = services.evidence_upload(actor=org.county1_user, project=project, kind="completion", upload=pdf_upload())
    services.evidence_delete(actor=org.county1_user, evidence=spare)
    assert not Evidence.objects.filter(pk=spare.pk).exists()


# --- import helpers, plans ---------------------------------------------------------------------------

def test_find_for_import_by_code_then_name_and_owner(org, make_project):
    coded = make_project(code="XM-001", name="云澜智能装备产业园", owner_name="云澜装备有限公司")
    plain = make_project(name="澜江食品加工(二期)项目", owner_name="澜江食品有限公司")
    find = services.project_find_for_import
    assert find(user=org.county1_user, code="XM-001", name="随便", owner_name="") == coded
    assert find(user=org.county1_user, code=None, name="澜江食品加工(二期) 项目",
                owner_name="澜江食品有限公司") == plain
    assert find(user=org.county1_user, code="XM-999", name="澜江食品加工(二期)项目", owner_name="") == plain
    assert find(user=org.county1_user, code="XM-999", name="云澜智能装备产业园", owner_name="云澜装备有限公司") is None
    assert find(user=org.county1_user, code=None, name="澜江食品加工(二期)项目", owner_name="别的公司") is None
    assert find(user=org.county2_user, code="XM-001", name="", owner_name="") is None
    make_project(name="澜江食品加工(二期)项目", owner_name="澜江食品有限公司")
    with pytest.raises(Conflict):
        find(user=org.county1_user, code=None, name="澜江食品加工(二期)项目", owner_name="澜江食品有限公司")


def test_year_plan_within_total_and_audited(org, make_project):
    project = make_project(total_investment=Decimal("1000"))
    with pytest.raises(ValidationFailed, match="超过项目总投资"):
        services.project_year_plan_set(actor=org.county1_user, project=project, year=2026,
                                       planned_investment=Decimal("1200"))
    plan = services.project_year_plan_set(actor=org.county1_user, project=project, year=2026,
                                          planned_investment=Decimal("600"))
    services.project_year_plan_set(actor=org.county1_user, project=project, year=2026,
                                   planned_investment=Decimal("700"))
    plan.refresh_from_db()
    assert plan.planned_investment == Decimal("700")
    assert AuditEvent.objects.filter(object_type="projects.projectyearplan", object_id=str(plan.pk),
                                     action="update").exists()


def test_month_plan_must_not_go_down(org, make_project):
    project = make_project()
    services.project_year_plan_set(actor=org.admin, project=project, year=2026, planned_investment=Decimal("1200"))
    with pytest.raises(ValidationFailed, match="不能减少"):
        services.project_month_plan_set(actor=org.admin, project=project, year=2026,
                                        cumulative={3: Decimal("300"), 6: Decimal("200")})
    rows = services.project_month_plan_set(actor=org.admin, project=project, year=2026,
                                           cumulative={3: Decimal("300"), 6: Decimal("700")})
    assert [r.month for r in rows] == [3, 6]


def test_rules_only_for_administrators(org):
    with pytest.raises(PermissionDenied):
        services.rules_update(actor=org.city_user, data={"lag_red_points": Decimal("25")})
    rules = services.rules_update(actor=org.admin, data={"lag_red_points": Decimal("25")})
    assert rules.lag_red_points == Decimal("25")
    with pytest.raises(ValidationFailed):
        services.rules_update(actor=org.admin, data={"lag_yellow_points": Decimal("30")})


def test_the_audit_chain_holds_after_a_workflow(org, make_project, advance):
    advance(make_project(), {"signed": D - timedelta(days=30), "started": D})
    assert audit.verify_chain().ok
