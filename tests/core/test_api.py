"""API: authentication, error shape, pagination, jurisdiction per endpoint, optimistic locking, OpenAPI."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from devzone.core.services import api_token_create


@pytest.fixture
def bearer(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def test_unauthenticated_requests_get_401_in_the_error_shape(db):
    response = Client().get("/api/v1/zones")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "未登录或令牌无效", "details": []}


def test_bad_token_is_refused(org):
    response = Client(headers={"Authorization": "Bearer dz_nope"}).get("/api/v1/zones")
    assert response.status_code == 401


def test_session_auth_works_for_reads(org, login):
    response = login(org.city_user).get("/api/v1/zones")
    assert response.status_code == 200 and response.json()["count"] == 2


def test_session_auth_requires_csrf_for_writes(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.city_user)
    response = client.patch(f"/api/v1/zones/{org.zone1.pk}", data=json.dumps(
        {"updated_at": org.zone1.updated_at.isoformat(), "short_name": "x"}), content_type="application/json")
    assert response.status_code in (401, 403)


LIST_ENDPOINTS = ["/api/v1/regions", "/api/v1/zones", "/api/v1/departments", "/api/v1/enterprises"]


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_endpoints_paginate(org, bearer, make_enterprise, url):
    make_enterprise()
    body = bearer(org.city_user).get(url, {"limit": 1}).json()
    assert set(body) == {"items", "count"} and len(body["items"]) == 1
    assert {"id", "updated_at"} <= set(body["items"][0])


def _detail_urls(org, enterprise_other) -> dict[str, str]:
    return {
        "region": f"/api/v1/regions/{org.county2.pk}",
        "zone": f"/api/v1/zones/{org.zone2.pk}",
        "department": f"/api/v1/departments/{org.dept_county2.pk}",
        "enterprise": f"/api/v1/enterprises/{enterprise_other.pk}",
    }


@pytest.mark.parametrize("kind", ["region", "zone", "department", "enterprise"])
def test_county_cannot_read_neighbours_objects(org, bearer, make_enterprise, kind):
    other = make_enterprise(region=org.county2)
    url = _detail_urls(org, other)[kind]
    assert bearer(org.county2_user).get(url).status_code == 200
    response = bearer(org.county1_user).get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_county_lists_hold_only_own_objects(org, bearer, make_enterprise, url):
    make_enterprise(region=org.county1)
    make_enterprise(region=org.county2)
    items = bearer(org.county1_user).get(url, {"limit": 100}).json()["items"]
    region_ids = {item.get("region_id", item["id"]) for item in items}
    assert org.county2.pk not in region_ids


def test_county_cannot_change_neighbours_zone(org, bearer):
    response = bearer(org.county1_user).patch(
        f"/api/v1/zones/{org.zone2.pk}", data=json.dumps({"updated_at": org.zone2.updated_at.isoformat(),
                                                          "short_name": "x"}), content_type="application/json")
    assert response.status_code == 404


def test_zone_update_and_stale_update(org, bearer):
    client = bearer(org.city_user)
    url = f"/api/v1/zones/{org.zone1.pk}"
    first = client.get(url).json()
    ok = client.patch(url, data=json.dumps({"updated_at": first["updated_at"], "star_rating": 5}),
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["star_rating"] == 5
    stale = client.patch(url, data=json.dumps({"updated_at": first["updated_at"], "star_rating": 3}),
                         content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_update_without_updated_at_is_422(org, bearer):
    response = bearer(org.city_user).patch(f"/api/v1/zones/{org.zone1.pk}", data=json.dumps({"star_rating": 5}),
                                           content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["details"][0]["field"] == "updated_at"


def test_domain_validation_error_is_422_with_details(org, bearer):
    response = bearer(org.city_user).patch(
        f"/api/v1/zones/{org.zone1.pk}",
        data=json.dumps({"updated_at": org.zone1.updated_at.isoformat(), "star_rating": 9}),
        content_type="application/json")
    assert response.status_code == 422
    assert any(d["field"] == "star_rating" for d in response.json()["details"])


def test_create_zone_outside_jurisdiction_is_404(org, bearer):
    response = bearer(org.county1_user).post("/api/v1/zones", data=json.dumps(
        {"name": "越界", "level": "county", "kind": "park", "region_id": org.county2.pk}),
        content_type="application/json")
    assert response.status_code == 404


def test_create_zone(org, bearer):
    response = bearer(org.county1_user).post("/api/v1/zones", data=json.dumps(
        {"name": "澜江电子产业园", "level": "county", "kind": "park", "region_id": org.county1.pk,
         "parent_id": org.zone1.pk}), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["parent_id"] == org.zone1.pk


@pytest.mark.parametrize("url", ["/api/v1/zones", "/api/v1/enterprises"])
def test_list_query_count_does_not_grow_with_rows(org, bearer, make_enterprise, django_assert_max_num_queries,
                                                  url):
    client = bearer(org.city_user)
    for _ in range(3):
        make_enterprise()
    with django_assert_max_num_queries(8) as small:
        client.get(url, {"limit": 50})
    for _ in range(12):
        make_enterprise(region=org.county2)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url, {"limit": 50})


def test_openapi_and_docs_are_served_offline(org, login):
    client = login(org.city_user)
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/api/v1/zones", "/api/v1/enterprises/{enterprise_id}"} <= set(paths)
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content and b"/static/ninja/swagger-ui-bundle.js" in docs.content
