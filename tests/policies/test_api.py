"""Policies API: policies with clauses, applications through approve and pay; jurisdiction 404s and 409."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from devzone.core.services import api_token_create


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_apply_approve_pay_with_lateness(org, client_for, policy, make_enterprise):
    client = client_for(org.county1_user)
    clause = policy.clauses.get(number="第5条")
    assert [c["number"] for c in client.get(f"/api/v1/policies/{policy.pk}").json()["clauses"]] == ["第5条", "第12条"]
    today = timezone.localdate()
    response = _post(client, "/api/v1/policies/applications", {
        "enterprise_id": make_enterprise().pk, "clause_id": clause.pk,
        "applied_on": (today - timedelta(days=60)).isoformat(), "claimed_amount": "120"})
    assert response.status_code == 201, response.content
    app = response.json()
    url = f"/api/v1/policies/applications/{app['id']}"
    approved_on = today - timedelta(days=40)
    response = _post(client, f"{url}/approve", {"updated_at": app["updated_at"], "amount": "100",
                                                "approved_on": approved_on.isoformat()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["due_date"] == (approved_on + timedelta(days=30)).isoformat()
    assert body["overdue"] is True and body["days_late"] == 10
    listed = client.get("/api/v1/policies/applications", {"overdue": "true"}).json()["items"]
    assert [row["id"] for row in listed] == [app["id"]]
    stale = _post(client, f"{url}/pay", {"updated_at": app["updated_at"], "amount": "100",
                                         "paid_on": today.isoformat()})
    assert stale.status_code == 409
    too_much = _post(client, f"{url}/pay", {"updated_at": body["updated_at"], "amount": "101",
                                            "paid_on": today.isoformat()})
    assert too_much.status_code == 422 and "超过核定金额" in too_much.json()["message"]
    paid = _post(client, f"{url}/pay", {"updated_at": body["updated_at"], "amount": "100",
                                        "paid_on": today.isoformat()}).json()
    assert paid["status"] == "paid" and paid["overdue"] is False and paid["days_late"] == 10


def test_claim_over_the_clause_cap_is_422(org, client_for, policy, make_enterprise):
    response = _post(client_for(org.county1_user), "/api/v1/policies/applications", {
        "enterprise_id": make_enterprise().pk, "clause_id": policy.clauses.get(number="第5条").pk,
        "applied_on": "2026-02-01", "claimed_amount": "600"})
    assert response.status_code == 422 and "上限 500.00 万元" in response.json()["message"]


def test_jurisdiction(org, client_for, policy, make_application):
    other = make_application(region=org.county2)
    mine = make_application()
    client = client_for(org.county1_user)
    assert client.get(f"/api/v1/policies/applications/{other.pk}").status_code == 404
    assert _post(client, f"/api/v1/policies/applications/{other.pk}/approve", {
        "updated_at": other.updated_at.isoformat(), "amount": "1", "approved_on": "2026-03-01"}).status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/policies/applications").json()["items"]]
    assert ids == [mine.pk]
    # the city policy is visible to the county, but the county may not change it
    assert client.get("/api/v1/policies").json()["count"] == 1
    response = client.patch(f"/api/v1/policies/{policy.pk}", data=json.dumps(
        {"updated_at": policy.updated_at.isoformat(), "name": "改名"}), content_type="application/json")
    assert response.status_code == 404
    county_policy = _post(client_for(org.county2_user), "/api/v1/policies", {
        "name": "北湖区稳增长十条", "issuer": "北湖区人民政府", "issued_on": "2026-01-05",
        "region_id": org.county2.pk})
    assert county_policy.status_code == 201
    assert client.get(f"/api/v1/policies/{county_policy.json()['id']}").status_code == 404


def test_stale_patch_is_409(org, client_for, make_application):
    app = make_application()
    client = client_for(org.county1_user)
    url = f"/api/v1/policies/applications/{app.pk}"
    stamp = client.get(url).json()["updated_at"]
    ok = client.patch(url, data=json.dumps({"updated_at": stamp, "claimed_amount": "90"}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["claimed_amount"] == "90.00"
    stale = client.patch(url, data=json.dumps({"updated_at": stamp, "claimed_amount": "80"}),
                         content_type="application/json")
    assert stale.status_code == 409


def test_approving_twice_is_409(org, client_for, make_application):
    app = make_application("approved", approved_on=date(2026, 3, 1))
    response = _post(client_for(org.county1_user), f"/api/v1/policies/applications/{app.pk}/approve",
                     {"updated_at": app.updated_at.isoformat(), "amount": "1", "approved_on": "2026-03-02"})
    assert response.status_code == 409 and "不能审核" in response.json()["message"]


def test_list_endpoints_query_counts_do_not_grow(org, client_for, make_application, django_assert_max_num_queries):
    client = client_for(org.city_user)
    urls = ["/api/v1/policies", "/api/v1/policies/applications"]
    make_application("approved")
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(15) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    for state in ("submitted", "approved", "paid", "rejected") * 2:
        make_application(state, region=org.county2)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
