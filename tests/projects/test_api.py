"""Project API: jurisdiction on every list and detail endpoint (404, never leaked in lists), create and patch with
optimistic locking, the stage workflow, evidence upload and download, reports and approval, warnings, KPIs."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from devzone.core.services import api_token_create
from devzone.projects import services
from devzone.projects.samplefiles import make_pdf, site_photo

LAST_MONTH = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
D = date.today() - timedelta(days=120)


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def test_create_and_read_back(org, client_for, make_enterprise):
    owner = make_enterprise()
    client = client_for(org.county1_user)
    response = _post(client, "/api/v1/projects", {
        "name": "澜江新能源电池项目", "region_id": org.county1.pk, "zone_id": org.zone1.pk, "owner_id": owner.pk,
        "total_investment": "52000", "industry_code": "C38", "leader_id": org.city_user.pk, "nature": "new",
        "stage": "signed", "stage_date": D.isoformat(), "agreement_amount": "52000",
        "agreement_counterpart": "某新能源集团"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner_name"] == owner.name and body["leader_name"] == str(org.city_user)
    assert body["stage"] == "planned" and body["declared_stage"] == "signed"
    assert body["status_text"] == "谋划储备 · 签约申报未认定"
    assert [s["stage"] for s in body["stages"]] == ["planned", "signed"]
    assert client.get(f"/api/v1/projects/{body['id']}").json()["total_investment"] == "52000.00"


def test_create_outside_jurisdiction_is_404(org, client_for):
    response = _post(client_for(org.county1_user), "/api/v1/projects", {
        "name": "越界项目", "region_id": org.county2.pk, "total_investment": "100"})
    assert response.status_code == 404


def test_list_and_detail_are_scoped(org, client_for, make_project):
    mine = make_project()
    other = make_project(region=org.county2)
    client = client_for(org.county1_user)
    body = client.get("/api/v1/projects").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert client.get(f"/api/v1/projects/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/projects/{other.pk}/reports").status_code == 404
    assert client_for(org.city_user).get("/api/v1/projects").json()["count"] == 2


def test_list_filters(org, client_for, make_project, advance):
    signed = advance(make_project(city_key=True), {"signed": D})
    declared = make_project()
    services.project_declare_stage(actor=org.county1_user, project=declared, stage="signed", date=D)
    client = client_for(org.city_user)

    def ids(**params):
        return [item["id"] for item in client.get("/api/v1/projects", params).json()["items"]]

    assert ids(stage="signed") == [signed.pk]
    assert ids(verification="declared") == [declared.pk]
    assert ids(level="city_key") == [signed.pk]
    assert ids(region=org.county2.pk) == []


def test_patch_and_stale_patch(org, client_for, make_project):
    project = make_project()
    client = client_for(org.county1_user)
    url = f"/api/v1/projects/{project.pk}"
    stamp = client.get(url).json()["updated_at"]
    ok = client.patch(url, data=json.dumps({"updated_at": stamp, "hundred_major": True, "land_mu": "120"}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["hundred_major"] is True and ok.json()["land_mu"] == "120.00"
    stale = client.patch(url, data=json.dumps({"updated_at": stamp, "name": "x"}), content_type="application/json")
    assert stale.status_code == 409


def test_county_cannot_patch_or_move_into_neighbour(org, client_for, make_project):
    other, mine = make_project(region=org.county2), make_project()
    client = client_for(org.county1_user)
    response = client.patch(f"/api/v1/projects/{other.pk}", data=json.dumps(
        {"updated_at": other.updated_at.isoformat(), "name": "x"}), content_type="application/json")
    assert response.status_code == 404
    response = client.patch(f"/api/v1/projects/{mine.pk}", data=json.dumps(
        {"updated_at": mine.updated_at.isoformat(), "region_id": org.county2.pk}), content_type="application/json")
    assert response.status_code == 404


def test_workflow_over_the_api(org, client_for, make_project):
    project = make_project()
    county, office = client_for(org.county1_user), client_for(org.city_user)
    base = f"/api/v1/projects/{project.pk}"
    assert _post(county, f"{base}/stages/declare", {"stage": "signed", "date": (D - timedelta(days=30)).isoformat()}
                 ).json()["declared_stage"] == "signed"
    assert _post(county, f"{base}/stages/verify", {"stage": "signed"}).status_code == 403
    assert _post(office, f"{base}/stages/verify", {"stage": "signed"}).json()["stage"] == "signed"
    assert _post(county, f"{base}/stages/declare", {"stage": "completed", "date": D.isoformat()}).status_code == 422
    _post(county, f"{base}/stages/declare", {"stage": "started", "date": D.isoformat()})
    refused = _post(office, f"{base}/stages/verify", {"stage": "started"})
    assert refused.status_code == 422
    assert refused.json()["message"].startswith("手续不全的项目不予认定:缺少")
    assert len(refused.json()["details"]) == 5
    detail = county.get(base).json()
    assert detail["status_text"] == "签约 · 开工申报未认定"
    returned = _post(office, f"{base}/stages/return", {"stage": "started", "reason": "要件不全"})
    assert returned.json()["declared_stage"] == "" and returned.json()["stages"][2]["status"] == "returned"


def test_neighbour_cannot_declare_or_verify(org, client_for, make_project):
    other = make_project(region=org.county2)
    response = _post(client_for(org.county1_user), f"/api/v1/projects/{other.pk}/stages/declare",
                     {"stage": "signed", "date": D.isoformat()})
    assert response.status_code == 404


def test_evidence_upload_and_scoped_download(org, client_for, make_project):
    project = make_project()
    client = client_for(org.county1_user)
    photo = site_photo(3, taken_at=None)
    response = client.post(f"/api/v1/projects/{project.pk}/evidence", {
        "kind": "site_photo", "taken_on": D.isoformat(), "file": _file("现场.jpg", photo)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["taken_on"] == D.isoformat() and body["taken_on_source"] == "declared"
    download = client.get(body["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == photo
    assert client_for(org.county2_user).get(body["url"]).status_code == 404
    bad = client.post(f"/api/v1/projects/{project.pk}/evidence", {"kind": "land", "file": _file("x.pdf", b"hello")})
    assert bad.status_code == 422


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_reports_submit_approve_correct(org, client_for, make_project):
    project = make_project()
    county, office = client_for(org.county1_user), client_for(org.city_user)
    response = _post(county, f"/api/v1/projects/{project.pk}/reports", {
        "period": f"{LAST_MONTH:%Y-%m}", "investment_month": "350.5", "image_progress": "主体结构施工",
        "image_percent": 35, "problems": "施工用电待协调"})
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["status"] == "submitted" and report["period"] == f"{LAST_MONTH:%Y-%m}"
    photo = county.post(f"/api/v1/projects/reports/{report['id']}/photos",
                        {"file": _file("p.jpg", site_photo(1, taken_at=None)), "taken_on": LAST_MONTH.isoformat()})
    assert photo.status_code == 201
    queue = office.get("/api/v1/projects/reports", {"status": "submitted"}).json()
    assert [r["id"] for r in queue["items"]] == [report["id"]] and len(queue["items"][0]["photos"]) == 1
    assert _post(county, f"/api/v1/projects/reports/{report['id']}/approve", {}).status_code == 403
    approved = _post(office, f"/api/v1/projects/reports/{report['id']}/approve", {})
    assert approved.json()["status"] == "approved"
    correction = _post(county, f"/api/v1/projects/reports/{report['id']}/correct",
                       {"investment_month": "300", "image_progress": "主体结构施工", "image_percent": 35})
    assert correction.status_code == 201 and correction.json()["corrects_id"] == report["id"]
    assert client_for(org.county2_user).get(f"/api/v1/projects/reports/{report['id']}").status_code == 404
    assert report["id"] not in [r["id"] for r in client_for(org.county2_user).get(
        "/api/v1/projects/reports").json()["items"]]


def test_return_and_resubmit(org, client_for, make_project):
    project = make_project()
    county, office = client_for(org.county1_user), client_for(org.city_user)
    report = _post(county, f"/api/v1/projects/{project.pk}/reports",
                   {"period": f"{LAST_MONTH:%Y-%m}", "investment_month": "10"}).json()
    assert _post(office, f"/api/v1/projects/reports/{report['id']}/return", {"reason": ""}).status_code == 422
    returned = _post(office, f"/api/v1/projects/reports/{report['id']}/return", {"reason": "数据有误"}).json()
    assert returned["status"] == "returned" and returned["return_reason"] == "数据有误"
    again = _post(county, f"/api/v1/projects/reports/{report['id']}/resubmit", {"investment_month": "12"})
    assert again.json()["status"] == "submitted" and again.json()["investment_month"] == "12.00"


def test_over_total_investment_is_422(org, client_for, make_project):
    project = make_project(total_investment=Decimal("100"))
    response = _post(client_for(org.county1_user), f"/api/v1/projects/{project.pk}/reports",
                     {"period": f"{LAST_MONTH:%Y-%m}", "investment_month": "101"})
    assert response.status_code == 422 and "超过项目总投资" in response.json()["message"]


def test_kpis_endpoint_returns_numerators_denominators_and_ids(org, client_for, make_project, advance):
    year = D.year
    started = advance(make_project(), {"signed": date(year, 1, 2), "started": D})
    waiting = advance(make_project(region=org.county2), {"signed": date(year, 1, 3)}, county=org.county2_user)
    services.project_year_plan_set(actor=org.admin, project=started, year=year, planned_investment=Decimal("800"))
    response = client_for(org.city_user).get("/api/v1/projects/kpis", {
        "cohort": str(year), "as_of": date.today().isoformat(), "group_by": "county"})
    assert response.status_code == 200, response.content
    body = response.json()
    rate = body["start_rate"]
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (1, 2, "50.00")
    assert rate["numerator_ids"] == [started.pk] and rate["denominator_ids"] == sorted([started.pk, waiting.pk])
    assert body["investment_rate"]["denominator"] == "800.00" and body["investment_rate"]["label"] == "投资完成率"
    assert {g["name"]: g["start_rate"]["denominator"] for g in body["groups"]} == {"澜江区": 1, "北湖区": 1}
    scoped = client_for(org.county1_user).get("/api/v1/projects/kpis", {
        "cohort": str(year), "as_of": date.today().isoformat()}).json()
    assert scoped["start_rate"]["denominator_ids"] == [started.pk]
    assert client_for(org.county1_user).get("/api/v1/projects/kpis", {
        "cohort": str(year), "as_of": date.today().isoformat(), "region": org.county2.pk}).status_code == 404
    assert client_for(org.city_user).get("/api/v1/projects/kpis", {
        "cohort": "x", "as_of": "2026-01-01"}).status_code == 422


def test_warnings_endpoint(org, client_for, make_project, advance):
    old = advance(make_project(leader=org.city_user), {"signed": date.today() - timedelta(days=400)})
    advance(make_project(region=org.county2), {"signed": date.today() - timedelta(days=400)},
            county=org.county2_user)
    body = client_for(org.county1_user).get("/api/v1/projects/warnings").json()
    assert [p["id"] for p in body["signed_not_started"]] == [old.pk]
    mine = client_for(org.city_user).get("/api/v1/projects/warnings", {"mine": True}).json()
    assert [p["id"] for p in mine["signed_not_started"]] == [old.pk]


def test_milestones_and_year_plans(org, client_for, make_project):
    project = make_project()
    client = client_for(org.county1_user)
    milestone = _post(client, f"/api/v1/projects/{project.pk}/milestones",
                      {"name": "主体封顶", "planned_date": D.isoformat()})
    assert milestone.status_code == 201
    done = _post(client, f"/api/v1/projects/milestones/{milestone.json()['id']}/done",
                 {"done_on": date.today().isoformat()})
    assert done.json()["done_on"] == date.today().isoformat()
    assert _post(client_for(org.county2_user), f"/api/v1/projects/milestones/{milestone.json()['id']}/done",
                 {"done_on": date.today().isoformat()}).status_code == 404
    plan = _post(client, f"/api/v1/projects/{project.pk}/year-plans", {"year": 2026, "planned_investment": "5000"})
    assert plan.json()["year_plans"] == [{"year": 2026, "planned_investment": "5000.00",
                                          "updated_at": plan.json()["year_plans"][0]["updated_at"]}]


def test_verification_queue_is_scoped(org, client_for, make_project):
    mine, other = make_project(), make_project(region=org.county2)
    services.project_declare_stage(actor=org.county1_user, project=mine, stage="signed", date=D)
    services.project_declare_stage(actor=org.county2_user, project=other, stage="signed", date=D)
    assert client_for(org.city_user).get("/api/v1/projects/verifications").json()["count"] == 2
    items = client_for(org.county1_user).get("/api/v1/projects/verifications").json()["items"]
    assert [i["id"] for i in items] == [mine.pk]


def test_pdf_evidence_roundtrip(org, client_for, make_project):
    project = make_project()
    client = client_for(org.county1_user)
    pdf = make_pdf(["施工许可证", "编号 001"])
    body = client.post(f"/api/v1/projects/{project.pk}/evidence", {
        "kind": "construction_permit", "document_number": "施许001", "file": _file("许可证.pdf", pdf)}).json()
    assert body["content_type"] == "application/pdf" and body["document_number"] == "施许001"
    download = client.get(body["url"])
    assert download["Content-Type"] == "application/pdf" and "sandbox" in download["Content-Security-Policy"]


def test_openapi_documents_the_project_endpoints(org, client_for):
    schema = client_for(org.city_user).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/projects", "/api/v1/projects/kpis", "/api/v1/projects/{project_id}/stages/verify",
                 "/api/v1/projects/reports/{report_id}/approve", "/api/v1/projects/{project_id}/evidence"):
        assert path in paths, path
