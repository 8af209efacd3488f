"""Attraction API: leads (create, list, detail, patch with optimistic locking, move, follow-ups, sign with the
negative list), alerts, agreements, activities and quota, directories, commitments, negative list, KPIs; each list and
detail endpoint proves a county cannot see its neighbour's rows."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from devzone.attraction import services
from devzone.attraction.rules import apply_lead_rules
from devzone.core.services import api_token_create


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body, default=str), content_type="application/json")


def test_create_lead_warns_and_reads_back(org, client_for, negative_rules):
    client = client_for(org.county1_user)
    response = _post(client, "/api/v1/leads", {
        "name": "焦化项目", "investor_name": "远方能源", "source": "expo", "region_id": org.county1.pk,
        "industry_code": "C25", "intended_investment": "30000", "intended_land_mu": "100",
        "responsible_person_id": org.county1_user.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == "clue" and body["negative_warnings"][0]["kind"] == "industry"
    assert body["allowed_moves"] == ["contacted", "visited", "negotiating", "dropped"]
    assert client.get(f"/api/v1/leads/{body['id']}").json()["stage_changes"][0]["to_stage"] == "clue"


def test_lists_and_details_are_scoped(org, client_for, make_lead):
    mine = make_lead("negotiating", since=date(2026, 1, 1))
    other = make_lead("negotiating", since=date(2026, 1, 1), region=org.county2,
                      responsible_person=org.county2_user)
    for lead in (mine, other):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": date(2026, 3, 1),
                                                                       "amount": Decimal("20000")})
    activity = services.activity_create(actor=org.admin, data={"title": "北湖推介会", "kind": "promotion",
                                                               "region": org.county2,
                                                               "start_date": date(2026, 3, 1)})
    client = client_for(org.county1_user)
    leads = client.get("/api/v1/leads").json()
    assert [x["id"] for x in leads["items"]] == [mine.pk]
    assert client.get(f"/api/v1/leads/{other.pk}").status_code == 404
    agreements = client.get("/api/v1/agreements").json()["items"]
    assert [a["lead_id"] for a in agreements] == [mine.pk]
    assert client.get(f"/api/v1/agreements/{other.agreement.pk}").status_code == 404
    assert client.get("/api/v1/activities").json()["count"] == 0
    assert client.get(f"/api/v1/activities/{activity.pk}").status_code == 404
    assert client.get(f"/api/v1/leads/{other.pk}/follow-ups").status_code == 404
    city = client_for(org.city_user)
    assert city.get("/api/v1/leads").json()["count"] == 2


def test_patch_with_stale_timestamp_is_409_and_neighbour_404(org, client_for, make_lead):
    lead = make_lead()
    other = make_lead(region=org.county2)
    client = client_for(org.county1_user)
    stamp = client.get(f"/api/v1/leads/{lead.pk}").json()["updated_at"]
    ok = client.patch(f"/api/v1/leads/{lead.pk}", data=json.dumps({"updated_at": stamp, "name": "改名"}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["name"] == "改名"
    stale = client.patch(f"/api/v1/leads/{lead.pk}", data=json.dumps({"updated_at": stamp, "name": "再改"}),
                         content_type="application/json")
    assert stale.status_code == 409
    assert client.patch(f"/api/v1/leads/{other.pk}", data=json.dumps(
        {"updated_at": other.updated_at.isoformat(), "name": "x"}), content_type="application/json").status_code == 404


def test_move_follow_up_and_refusals(org, client_for, make_lead):
    lead = make_lead()
    client = client_for(org.county1_user)
    assert _post(client, f"/api/v1/leads/{lead.pk}/move", {"stage": "negotiating"}).json()["stage"] == "negotiating"
    refused = _post(client, f"/api/v1/leads/{lead.pk}/move", {"stage": "clue"})
    assert refused.status_code == 422 and "不能从" in refused.json()["message"]
    response = _post(client, f"/api/v1/leads/{lead.pk}/follow-ups", {"way": "visit", "content": "上门拜访"})
    assert response.status_code == 201 and response.json()["way"] == "visit"
    assert len(client.get(f"/api/v1/leads/{lead.pk}/follow-ups").json()) == 1


def test_sign_refusal_and_override(org, client_for, make_lead, negative_rules, industry, investment_user):
    lead = make_lead("negotiating", industry=industry("C25"))
    body = {"signed_on": "2026-03-01", "amount": "52000"}
    refused = _post(client_for(org.county1_user), f"/api/v1/leads/{lead.pk}/sign", body)
    assert refused.status_code == 403 and "负面清单" in refused.json()["message"]
    investment = client_for(investment_user)
    missing = _post(investment, f"/api/v1/leads/{lead.pk}/sign", body)
    assert missing.status_code == 422 and missing.json()["code"] == "negative_list"
    signed = _post(investment, f"/api/v1/leads/{lead.pk}/sign", {**body, "override_reason": "专题会议同意"})
    assert signed.status_code == 201, signed.content
    agreement = signed.json()
    assert agreement["override_reason"] == "专题会议同意" and agreement["project_id"]
    progress = _post(investment, f"/api/v1/agreements/{agreement['id']}/progress", {
        "as_of": "2026-06-30", "funds_in_place": "10000", "status": "on_track"})
    assert progress.status_code == 201
    assert investment.get(f"/api/v1/agreements/{agreement['id']}").json()["progress"][0]["funds_in_place"] \
        == "10000.00"


def test_alerts_endpoint(org, client_for, make_lead):
    make_lead("negotiating", since=date(2026, 1, 1))
    make_lead("negotiating", since=date(2026, 1, 1), region=org.county2, responsible_person=org.county2_user)
    apply_lead_rules(today=date(2026, 6, 1))
    body = client_for(org.county1_user).get("/api/v1/lead-alerts", {"rule": "reminder"}).json()
    assert body["count"] == 1 and body["items"][0]["days"] == 151


def test_activities_and_quota(org, client_for):
    leader = services.leader_create(actor=org.admin, name="张县长", post="县长", region=org.county1)
    client = client_for(org.county1_user)
    response = _post(client, "/api/v1/activities", {
        "title": "赴深圳招商", "kind": "outbound", "region_id": org.county1.pk, "start_date": "2026-08-03",
        "leader_ids": [leader.pk], "person_times": 6})
    assert response.status_code == 201 and response.json()["leader_ids"] == [leader.pk]
    quota = client.get("/api/v1/activities/quota", {"year": 2026, "half": 2}).json()
    assert quota == [{"leader_id": leader.pk, "leader_name": "张县长", "post": "县长", "region_id": org.county1.pk,
                      "outbound": 1, "required": 1, "met": True}]
    assert client.get("/api/v1/activities/quota", {"year": 2026, "half": 1}).json()[0]["met"] is False
    other = services.leader_create(actor=org.admin, name="李区长", post="区长", region=org.county2)
    refused = _post(client, "/api/v1/activities", {"title": "x", "kind": "outbound", "region_id": org.county1.pk,
                                                   "start_date": "2026-08-03", "leader_ids": [other.pk]})
    assert refused.status_code == 404


def test_directories_commitments_rules_and_kpis(org, client_for, make_lead, investment_user):
    client = client_for(org.county1_user)
    target = _post(client, "/api/v1/directory/targets", {"name": "远方重工", "region_id": org.county1.pk,
                                                          "industry_code": "C34", "china500": True})
    assert target.status_code == 201 and target.json()["industry_code"] == "C34"
    assert client.get("/api/v1/directory/targets", {"tag": "china500"}).json()["count"] == 1
    assert client_for(org.county2_user).get("/api/v1/directory/targets").json()["count"] == 0
    assert _post(client, "/api/v1/directory/contacts", {"name": "陈会长", "kind": "chamber",
                                                        "region_id": org.county1.pk}).status_code == 201
    assert _post(client, "/api/v1/directory/agents", {"name": "周代表", "region_id": org.county1.pk}).status_code == 201
    commitment = _post(client, "/api/v1/commitments", {
        "region_id": org.county1.pk, "meeting": "推进会", "meeting_date": "2026-01-03", "period_start": "2026-01-01",
        "period_end": "2026-06-30", "signed_amount": "50000", "project_count": 2})
    assert commitment.status_code == 201
    lead = make_lead("negotiating")
    services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": date(2026, 3, 1),
                                                                   "amount": Decimal("120000")})
    rows = client.get("/api/v1/commitments").json()
    assert rows[0]["achieved_amount"] == "120000.00" and rows[0]["achieved_projects"] == 1
    assert _post(client, "/api/v1/negative-list", {"name": "x", "kind": "industry",
                                                   "industry_codes": "C25"}).status_code == 403
    assert _post(client_for(investment_user), "/api/v1/negative-list", {
        "name": "炼焦", "kind": "industry", "industry_codes": "C25"}).status_code == 201
    assert len(client.get("/api/v1/negative-list").json()) == 1
    kpis = client.get("/api/v1/attraction/kpis", {"date_from": "2026-01-01", "date_to": "2026-12-31"}).json()
    county = next(r for r in kpis if r["region_id"] == org.county1.pk)
    assert county["signed"] == 1 and county["major"] == 1 and county["large"] == 1
    assert county["new_leads"] == 1 and county["lead_to_sign"] == "100.0"


def test_list_query_count_is_constant(org, client_for, make_lead, django_assert_max_num_queries):
    client = client_for(org.city_user)
    make_lead("negotiating")
    with django_assert_max_num_queries(20) as few:
        assert client.get("/api/v1/leads").status_code == 200
    first = len(few.captured_queries)
    for _ in range(10):
        make_lead("visited", region=org.county2)
    with django_assert_max_num_queries(first):
        assert client.get("/api/v1/leads").status_code == 200
