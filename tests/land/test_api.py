"""Land API: quotas (grant, allocate, transfer, overdraw refused), parcels (create, patch with 409, lists,
jurisdiction 404) and the GeoJSON layer."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from devzone.core.services import api_token_create
from devzone.land import services


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _send(client: Client, method: str, url: str, body: dict):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_quota_flow_and_overdraw(org, client_for, make_project):
    city = client_for(org.city_user)
    response = _send(city, "post", "/api/v1/land/quotas/grants",
                     {"year": 2026, "region_id": org.county1.pk, "area_mu": "80", "on": "2026-02-01"})
    assert response.status_code == 201, response.content
    account_id = response.json()["account_id"]
    county = client_for(org.county1_user)
    project = make_project()
    response = _send(county, "post", "/api/v1/land/quotas/allocations",
                     {"account_id": account_id, "project_id": project.pk, "area_mu": "90", "on": "2026-03-01"})
    assert response.status_code == 422 and "不足" in response.json()["message"]
    response = _send(county, "post", "/api/v1/land/quotas/allocations",
                     {"account_id": account_id, "project_id": project.pk, "area_mu": "50", "on": "2026-03-01"})
    assert response.status_code == 201
    target = services.account_for(year=2026, region=org.county2)
    response = _send(city, "post", "/api/v1/land/quotas/transfers",
                     {"source_id": account_id, "target_id": target.pk, "area_mu": "20", "on": "2026-04-01",
                      "total_price": "300"})
    assert response.status_code == 201
    assert [m["kind"] for m in response.json()] == ["swap_out", "swap_in"]
    detail = county.get(f"/api/v1/land/quotas/{account_id}").json()
    assert Decimal(detail["balance"]) == Decimal("10") and len(detail["movements"]) == 3


def test_quota_jurisdiction(org, client_for):
    other = services.account_for(year=2026, region=org.county2)
    county1 = client_for(org.county1_user)
    assert county1.get(f"/api/v1/land/quotas/{other.pk}").status_code == 404
    assert county1.get("/api/v1/land/quotas").json()["items"] == []
    response = _send(county1, "post", "/api/v1/land/quotas/grants",
                     {"year": 2026, "region_id": org.county1.pk, "area_mu": "80", "on": "2026-02-01"})
    assert response.status_code == 404  # a county cannot grant itself quota


def test_parcel_create_patch_conflict(org, client_for):
    client = client_for(org.county1_user)
    response = _send(client, "post", "/api/v1/land/parcels", {
        "code": "LJ-2026-01", "name": "新桥路北", "region_id": org.county1.pk, "zone_id": org.zone1.pk,
        "area_mu": "56.5", "approved_on": "2025-05-01", "lon": "113.25", "lat": "34.75"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "approved"
    patched = _send(client, "patch", f"/api/v1/land/parcels/{body['id']}",
                    {"updated_at": body["updated_at"], "expropriated_on": "2025-08-01"})
    assert patched.status_code == 200 and patched.json()["state"] == "expropriated"
    stale = _send(client, "patch", f"/api/v1/land/parcels/{body['id']}",
                  {"updated_at": body["updated_at"], "name": "旧版本"})
    assert stale.status_code == 409
    bad = _send(client, "patch", f"/api/v1/land/parcels/{body['id']}",
                {"updated_at": patched.json()["updated_at"], "supplied_on": "2025-07-01"})
    assert bad.status_code == 422 and "早于征收日期" in bad.json()["message"]
    duplicate = _send(client, "post", "/api/v1/land/parcels", {
        "code": "LJ-2026-01", "name": "重复", "region_id": org.county1.pk, "area_mu": "1"})
    assert duplicate.status_code == 409


def test_parcel_jurisdiction(org, client_for, make_parcel):
    other = make_parcel(region=org.county2, lon=Decimal("113"), lat=Decimal("34"))
    mine = make_parcel(approved_on=date(2025, 1, 1))
    client = client_for(org.county1_user)
    assert client.get(f"/api/v1/land/parcels/{other.pk}").status_code == 404
    assert _send(client, "patch", f"/api/v1/land/parcels/{other.pk}",
                 {"updated_at": other.updated_at.isoformat(), "name": "x"}).status_code == 404
    items = client.get("/api/v1/land/parcels").json()["items"]
    assert [i["code"] for i in items] == [mine.code]
    features = client.get("/api/v1/land/parcels/geojson").json()["features"]
    assert features == []
    response = _send(client, "post", "/api/v1/land/parcels", {
        "code": "X", "name": "越界", "region_id": org.county2.pk, "area_mu": "1"})
    assert response.status_code == 404


def test_parcel_list_category_filter(org, client_for, make_parcel):
    make_parcel(code="A1", approved_on=date(2025, 1, 1))
    make_parcel(code="E1", approved_on=date(2025, 1, 1), expropriated_on=date(2025, 2, 1))
    client = client_for(org.city_user)
    items = client.get("/api/v1/land/parcels?category=approved_not_expropriated&as_of=2026-01-01").json()["items"]
    assert [i["code"] for i in items] == ["A1"]
    assert client.get("/api/v1/land/parcels?category=nonsense").status_code == 422


def test_list_query_count_is_constant(org, client_for, make_parcel, django_assert_max_num_queries):
    client = client_for(org.city_user)
    make_parcel()
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/land/parcels")
    for _ in range(8):
        make_parcel()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/v1/land/parcels").json()["items"]) == 9
