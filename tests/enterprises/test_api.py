"""Enterprise API: create with a checked credit code, detail with years, update with optimistic locking."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from tests_support import make_credit_code

from devzone.core.services import api_token_create


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_create_and_read_back(org, client_for):
    client = client_for(org.county1_user)
    response = _post(client, "/api/v1/enterprises", {
        "credit_code": make_credit_code(), "name": "澜江瑞丰电子有限公司", "region_id": org.county1.pk,
        "zone_id": org.zone1.pk, "industry_code": "C39", "above_size": True})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["industry_code"] == "C39" and body["years"] == [] and body["region_name"] == "澜江区"
    assert client.get(f"/api/v1/enterprises/{body['id']}").json()["name"] == "澜江瑞丰电子有限公司"


def test_wrong_credit_code_is_422_with_the_reason(org, client_for):
    code = make_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = _post(client_for(org.admin), "/api/v1/enterprises",
                     {"credit_code": wrong, "name": "错码", "region_id": org.county1.pk})
    assert response.status_code == 422
    body = response.json()
    assert "校验位错误" in body["message"] and body["details"][0]["field"] == "credit_code"


def test_unknown_industry_is_422(org, client_for):
    response = _post(client_for(org.admin), "/api/v1/enterprises", {
        "credit_code": make_credit_code(), "name": "未知行业", "region_id": org.county1.pk, "industry_code": "Z99"})
    assert response.status_code == 422


def test_duplicate_is_409(org, client_for, make_enterprise):
    existing = make_enterprise()
    response = _post(client_for(org.admin), "/api/v1/enterprises", {
        "credit_code": existing.credit_code, "name": "重复", "region_id": org.county1.pk})
    assert response.status_code == 409


def test_detail_includes_annual_data(org, client_for, make_enterprise):
    enterprise = make_enterprise()
    body = client_for(org.city_user).get(f"/api/v1/enterprises/{enterprise.pk}").json()
    assert body["years"][0]["year"] == 2025 and body["years"][0]["tax"] == "100.00"


def test_list_filters_and_latest_figures(org, client_for, make_enterprise):
    make_enterprise(high_tech=True)
    make_enterprise()
    body = client_for(org.city_user).get("/api/v1/enterprises", {"flag": "high_tech"}).json()
    assert body["count"] == 1 and body["items"][0]["latest_tax"] == "100.00"


def test_patch_and_stale_patch(org, client_for, make_enterprise):
    enterprise = make_enterprise()
    client = client_for(org.county1_user)
    url = f"/api/v1/enterprises/{enterprise.pk}"
    stamp = client.get(url).json()["updated_at"]
    ok = client.patch(url, data=json.dumps({"updated_at": stamp, "specialised": True}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["specialised"] is True
    stale = client.patch(url, data=json.dumps({"updated_at": stamp, "listed": True}),
                         content_type="application/json")
    assert stale.status_code == 409


def test_county_cannot_patch_or_move_into_neighbour(org, client_for, make_enterprise):
    other = make_enterprise(region=org.county2)
    mine = make_enterprise()
    client = client_for(org.county1_user)
    response = client.patch(f"/api/v1/enterprises/{other.pk}", data=json.dumps(
        {"updated_at": other.updated_at.isoformat(), "name": "x"}), content_type="application/json")
    assert response.status_code == 404
    response = client.patch(f"/api/v1/enterprises/{mine.pk}", data=json.dumps(
        {"updated_at": mine.updated_at.isoformat(), "region_id": org.county2.pk}), content_type="application/json")
    assert response.status_code == 404
