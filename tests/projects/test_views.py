"""Project pages: ledger list (filters, lights, sort, export, funnel), detail with timeline, create and edit,
declaring and verifying, evidence served only inside the jurisdiction, monthly reports and the approval queue,
warnings, the sponsoring leader's page, KPIs; query counts that do not grow with rows."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from python_calamine import CalamineWorkbook

from devzone.projects import services
from devzone.projects.models import Evidence, ProgressReport, Project

TODAY = date.today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
D = TODAY - timedelta(days=150)


def _lagging(org, make_project, name: str, completed: str, region=None, county=None, **fields) -> Project:
    """A project planned at 1200 this year with `completed` approved in January (a known time-sequence lag)."""
    project = make_project(name=name, region=region or org.county1, **fields)
    services.project_year_plan_set(actor=org.admin, project=project, year=LAST_MONTH.year,
                                   planned_investment=Decimal("1200"))
    if Decimal(completed):
        report = services.report_submit(actor=county or org.county1_user, project=project,
                                        period=date(LAST_MONTH.year, 1, 1), investment_month=Decimal(completed))
        services.report_approve(actor=org.city_user, report=report)
    return project


def test_list_is_scoped_and_filtered(org, login, make_project, advance):
    signed = advance(make_project(name="澜江签约项目"), {"signed": D})
    planned = make_project(name="澜江储备项目")
    other = make_project(name="北湖项目", region=org.county2)
    client = login(org.county1_user)
    page = client.get("/projects/").content.decode()
    assert signed.name in page and planned.name in page and other.name not in page
    page = client.get("/projects/", {"stage": "signed"}).content.decode()
    assert signed.name in page and planned.name not in page
    services.project_declare_stage(actor=org.county1_user, project=planned, stage="signed", date=D)
    page = client.get("/projects/", {"verification": "declared"}).content.decode()
    assert planned.name in page and signed.name not in page and "签约申报未认定" in page


def test_lights_follow_the_time_sequence(org, login, make_project):
    month = LAST_MONTH.month  # expected by now: 1200 × month / 12 = 100 × month
    red = _lagging(org, make_project, "红灯项目", "0")
    green = _lagging(org, make_project, "绿灯项目", str(100 * month))
    client = login(org.city_user)
    listing = client.get("/projects/", {"light": "red"}).context["listing"]
    if month >= 3:  # a lag of 100 × month / 1200 × 100 points ≥ 20 from March on
        assert [p.pk for p in listing.page.object_list] == [red.pk]
    greens = client.get("/projects/", {"light": "green"}).context["listing"]
    assert green.pk in [p.pk for p in greens.page.object_list]
    page = client.get(f"/projects/{green.pk}/").content.decode()
    assert "绿灯" in page


def test_list_query_count_is_constant(org, login, make_project, django_assert_max_num_queries):
    client = login(org.city_user)
    for n in range(3):
        _lagging(org, make_project, f"项目{n}", "100")
    with django_assert_max_num_queries(30) as few:
        assert client.get("/projects/").status_code == 200
    for n in range(15):
        _lagging(org, make_project, f"北湖项目{n}", "50", region=org.county2, county=org.county2_user,
                 zone=org.zone2, leader=org.city_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/projects/").status_code == 200


def test_export_holds_the_ledger_columns_and_escapes_formulas(org, login, make_project):
    _lagging(org, make_project, "=cmd|' /C calc'!A0", "300", owner_name="@恶意单位")
    make_project(name="北湖项目", region=org.county2)
    response = login(org.county1_user).get("/projects/", {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "单位:万元"
    header = rows[2]
    assert header[:3] == ["项目编号", "项目名称", "阶段"] and "形象进度" in header and "包抓领导" in header
    assert len(rows) == 4
    row = dict(zip(header, rows[3], strict=True))
    assert row["项目名称"].startswith("'=cmd") and row["建设单位"] == "'@恶意单位"
    assert row[f"{LAST_MONTH.year}年计划投资"] == 1200.0 and row[f"1-{LAST_MONTH.month}月完成投资"] == 300.0


def test_funnel_data_on_the_list(org, login, make_project, advance):
    advance(make_project(), {"signed": D})
    make_project()
    response = login(org.city_user).get("/projects/")
    funnel = response.context["funnel"]
    counts = {s["key"]: s["count"] for s in funnel["stages"]}
    assert counts["signed"] == 1 and counts["planned"] == 1 and 'id="stage-funnel"' in response.content.decode()


def test_detail_query_count_is_constant(org, login, make_project, advance, photo_upload,
                                        django_assert_max_num_queries):
    project = advance(make_project(), {"signed": D - timedelta(days=30), "started": D})
    first = services.report_submit(actor=org.county1_user, project=project, period=date(2024, 12, 1),
                                   investment_month=Decimal("10"), photos=[photo_upload(date(2024, 12, 2))])
    services.report_approve(actor=org.city_user, report=first)
    services.milestone_create(actor=org.county1_user, project=project, name="开工仪式", planned_date=D)
    client = login(org.county1_user)
    with django_assert_max_num_queries(40) as few:
        page = client.get(f"/projects/{project.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="timeline"' in text and "已认定" in text and "施工许可证" in text
    for n in range(6):
        period = date(2025, n + 1, 1)
        report = services.report_submit(actor=org.county1_user, project=project, period=period,
                                        investment_month=Decimal("10"), image_percent=n,
                                        photos=[photo_upload(period + timedelta(days=2))])
        services.report_approve(actor=org.city_user, report=report)
        services.milestone_create(actor=org.county1_user, project=project, name=f"节点{n}", planned_date=period)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/projects/{project.pk}/").status_code == 200


def test_neighbour_gets_404_everywhere(org, login, make_project, pdf_upload):
    other = make_project(region=org.county2)
    evidence = services.evidence_upload(actor=org.county2_user, project=other, kind="land", upload=pdf_upload())
    report = services.report_submit(actor=org.county2_user, project=other, period=LAST_MONTH,
                                    investment_month=Decimal("1"))
    client = login(org.county1_user)
    for url in (f"/projects/{other.pk}/", f"/projects/{other.pk}/edit/", f"/projects/{other.pk}/declare/",
                f"/projects/{other.pk}/verify/", f"/projects/{other.pk}/evidence/",
                f"/projects/{other.pk}/reports/new/", f"/projects/evidence/{evidence.pk}/",
                f"/projects/reports/{report.pk}/", f"/projects/reports/{report.pk}/fix/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/projects/reports/{report.pk}/review/", {"decision": "approve"}).status_code == 404
    assert other.name not in client.get("/projects/reports/").content.decode()


def test_evidence_is_served_by_a_scoped_view_only(org, login, make_project, pdf_upload):
    project = make_project()
    evidence = services.evidence_upload(actor=org.county1_user, project=project, kind="approval",
                                        upload=pdf_upload(), document_number="备案001")
    response = login(org.county1_user).get(f"/projects/evidence/{evidence.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert login(org.county1_user).get(f"/media/{evidence.file.name}").status_code == 404


def test_create_and_edit(org, login):
    client = login(org.county1_user)
    response = client.post("/projects/new/", {
        "name": "澜江智能制造产业园", "region": org.county1.pk, "total_investment": "35000", "category": "industry",
        "nature": "new", "owner_name": "澜江智造有限公司", "stage": "signed", "stage_date": D.isoformat(),
        "agreement_amount": "35000", "agreement_counterpart": "某集团"})
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="澜江智能制造产业园")
    assert project.declared_stage == "signed"
    stamp = client.get(f"/projects/{project.pk}/edit/").context["form"]["updated_at"].value()
    response = client.post(f"/projects/{project.pk}/edit/", {
        "name": "澜江智能制造产业园(一期)", "region": org.county1.pk, "total_investment": "36000",
        "category": "industry", "nature": "new", "owner_name": "澜江智造有限公司", "updated_at": stamp})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.total_investment == Decimal("36000") and project.name.endswith("(一期)")


def test_declare_and_verify_pages(org, login, make_project, advance, start_evidence):
    project = advance(make_project(), {"signed": D - timedelta(days=30)})
    county, office = login(org.county1_user), login(org.city_user)
    response = county.post(f"/projects/{project.pk}/declare/", {"stage": "started", "date": D.isoformat()})
    assert response.status_code == 302
    assert "开工申报未认定" in county.get(f"/projects/{project.pk}/").content.decode()
    page = office.get(f"/projects/{project.pk}/verify/").content.decode()
    assert 'data-testid="missing-evidence"' in page and "施工合同" in page
    refused = office.post(f"/projects/{project.pk}/verify/", {"decision": "verify"})
    assert refused.status_code == 200 and "手续不全的项目不予认定" in refused.content.decode()
    assert county.post(f"/projects/{project.pk}/verify/", {"decision": "verify"}).status_code == 200
    project.refresh_from_db()
    assert project.stage == "signed"
    start_evidence(project, D, org.county1_user)
    assert office.post(f"/projects/{project.pk}/verify/", {"decision": "verify"}).status_code == 302
    project.refresh_from_db()
    assert project.stage == "started" and project.declared_stage == ""


def test_upload_evidence_page(org, login, make_project, photo_upload):
    project = make_project()
    client = login(org.county1_user)
    response = client.post(f"/projects/{project.pk}/evidence/", {"kind": "site_photo", "stage": "started",
                                                                 "file": photo_upload(D)})
    assert response.status_code == 302
    assert Evidence.objects.get(project=project).taken_on == D
    bad = client.post(f"/projects/{project.pk}/evidence/", {"kind": "land", "file": photo_upload(None, "x.exe")})
    assert bad.status_code == 302  # a JPEG named .exe is still a JPEG: accepted by content
    fake = client.post(f"/projects/{project.pk}/evidence/", {
        "kind": "land", "file": io.BytesIO(b"<html>not a document</html>")})
    assert fake.status_code == 200


def test_report_submission_and_approval_pages(org, login, make_project, photo_upload):
    project = make_project()
    county, office = login(org.county1_user), login(org.city_user)
    response = county.post(f"/projects/{project.pk}/reports/new/", {
        "period": f"{LAST_MONTH:%Y-%m}", "investment_month": "250", "image_percent": "20",
        "image_progress": "基础施工完成", "problems": "施工用水待接入",
        "photos": [photo_upload(LAST_MONTH + timedelta(days=5))]})
    assert response.status_code == 302, response.content.decode()[:3000]
    report = ProgressReport.objects.get(project=project)
    assert report.status == "submitted" and report.photos.count() == 1
    queue = office.get("/projects/reports/", {"status": "submitted"})
    assert project.name in queue.content.decode() and queue.context["pending"] == 1
    page = office.get(f"/projects/reports/{report.pk}/").content.decode()
    assert "审核" in page and f"/projects/evidence/{report.photos.get().pk}/" in page
    assert county.post(f"/projects/reports/{report.pk}/review/", {"decision": "approve"}).status_code == 200
    missing_reason = office.post(f"/projects/reports/{report.pk}/review/", {"decision": "return"})
    assert missing_reason.context["review_form"].errors["reason"] == ["必填"]
    assert office.post(f"/projects/reports/{report.pk}/review/", {"decision": "approve"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"
    fix = county.post(f"/projects/reports/{report.pk}/fix/", {"investment_month": "240", "image_percent": "20"})
    assert fix.status_code == 302
    assert ProgressReport.objects.filter(corrects=report, status="submitted").exists()


def test_report_pages_query_count_is_constant(org, login, make_project, django_assert_max_num_queries):
    client = login(org.city_user)
    for n in range(2):
        services.report_submit(actor=org.county1_user, project=make_project(), period=LAST_MONTH,
                               investment_month=Decimal(n))
    with django_assert_max_num_queries(25) as few:
        assert client.get("/projects/reports/").status_code == 200
    for n in range(12):
        services.report_submit(actor=org.county2_user, project=make_project(region=org.county2),
                               period=LAST_MONTH, investment_month=Decimal(n))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/projects/reports/").status_code == 200


def test_verification_queue_warnings_and_kpi_pages(org, login, make_project, advance,
                                                    django_assert_max_num_queries):
    old = advance(make_project(name="签而未落项目", leader=org.city_user), {"signed": TODAY - timedelta(days=300)})
    declared = make_project(name="待认定项目")
    services.project_declare_stage(actor=org.county1_user, project=declared, stage="signed", date=D)
    services.milestone_create(actor=org.county1_user, project=old, name="主体封顶", planned_date=D)
    client = login(org.city_user)
    with django_assert_max_num_queries(20):
        queue = client.get("/projects/verifications/").content.decode()
    assert declared.name in queue and old.name not in queue
    with django_assert_max_num_queries(25):
        warnings = client.get("/projects/warnings/").content.decode()
    assert old.name in warnings and "主体封顶" in warnings
    mine = client.get("/projects/mine/")
    assert mine.context["rows"][0]["p"] == old and "签而未落项目" in mine.content.decode()
    assert login(org.county2_user).get("/projects/mine/").context["rows"] == []
    kpi = client.get("/projects/kpis/", {"cohort": str(old.stages.get(stage="signed").actual_date.year),
                                         "as_of": TODAY.isoformat(), "group_by": "county"})
    assert kpi.status_code == 200
    text = kpi.content.decode()
    assert "开工率" in text and "kpi=start_rate" in text and "澜江区" in text


def test_suspend_resume_and_cancel_pages(org, login, make_project):
    project, spare = make_project(), make_project(name="替换项目")
    county, office = login(org.county1_user), login(org.city_user)
    assert county.post(f"/projects/{project.pk}/suspend/", {"date": TODAY.isoformat(),
                                                            "reason": "资金"}).status_code == 302
    assert county.post(f"/projects/{project.pk}/resume/", {"date": TODAY.isoformat()}).status_code == 302
    assert county.post(f"/projects/{project.pk}/cancel/", {"date": TODAY.isoformat(), "reason": "x"}).status_code == 200
    response = office.post(f"/projects/{project.pk}/cancel/", {"date": TODAY.isoformat(), "reason": "无法开工",
                                                               "replacement": spare.pk})
    assert response.status_code == 302
    spare.refresh_from_db()
    assert spare.replaces_id == project.pk
    assert "替换项目" in office.get(f"/projects/{project.pk}/").content.decode()
