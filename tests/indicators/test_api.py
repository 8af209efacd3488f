"""Indicator API: values (create, read, patch with optimistic locking, delete), targets, derived tables, flags;
a jurisdiction test per list and detail endpoint."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from devzone.core.services import api_token_create
from devzone.indicators import services


@pytest.fixture
def bearer(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _patch(client: Client, url: str, body: dict):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_create_read_patch_delete_a_value(org, ind, bearer):
    client = bearer(org.county1_user)
    response = _post(client, "/api/v1/indicators/values", {
        "indicator": "fixed_investment", "region_id": org.county1.pk, "period": "2026-10", "value": "123.4",
        "stated_growth": "6.5"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["indicator_code"], body["period"], body["source"], body["channel"], body["entered_by"]) == (
        "fixed_investment", "2026-10", "reported", "api", "county1")
    assert body["value"] == "123.4000" and body["place_name"] == "澜江区"
    url = f"/api/v1/indicators/values/{body['id']}"
    ok = _patch(client, url, {"updated_at": body["updated_at"], "value": "125"})
    assert ok.status_code == 200 and ok.json()["value"] == "125.0000"
    assert _patch(client, url, {"updated_at": body["updated_at"], "value": "126"}).status_code == 409
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_value_errors_have_the_error_shape(org, ind, bearer):
    client = bearer(org.county1_user)
    body = {"indicator": "fixed_investment", "region_id": org.county1.pk, "period": "2026-10", "value": "1"}
    assert _post(client, "/api/v1/indicators/values", body).status_code == 201
    duplicate = _post(client, "/api/v1/indicators/values", body)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "conflict"
    bad = _post(client, "/api/v1/indicators/values", {**body, "period": "2026-13"})
    assert bad.status_code == 422 and "统计期" in bad.json()["message"]
    official = _post(client, "/api/v1/indicators/values", {**body, "source": "official"})
    assert official.status_code == 403
    neighbour = _post(client, "/api/v1/indicators/values", {**body, "region_id": org.county2.pk})
    assert neighbour.status_code == 404
    unknown = _post(client, "/api/v1/indicators/values", {**body, "indicator": "nope"})
    assert unknown.status_code == 404


LISTS = ["/api/v1/indicators/values", "/api/v1/indicators/targets", "/api/v1/indicators/flags",
         "/api/v1/indicators/catalog"]


@pytest.fixture
def both_counties(org, ind, put):
    """A value, a target and a flag in each county."""
    for county in (org.county1, org.county2):
        put("tax_share", county, "2026-09", "101.5", "reported")
        services.target_save(actor=org.city_user, data={"indicator": ind["gdp"], "region": county, "year": 2026,
                                                        "growth": "6.5"})
    services.run_consistency_checks(period="2026-09")


@pytest.mark.parametrize("url", LISTS)
def test_lists_paginate_and_carry_id_and_updated_at(org, both_counties, bearer, url):
    body = bearer(org.city_user).get(url, {"limit": 1}).json()
    assert set(body) == {"items", "count"} and len(body["items"]) == 1 and body["count"] >= 2
    assert {"id", "updated_at"} <= set(body["items"][0])


@pytest.mark.parametrize("url", LISTS[:3])
def test_county_lists_hold_only_own_objects(org, both_counties, bearer, url):
    items = bearer(org.county1_user).get(url, {"limit": 100}).json()["items"]
    assert items and all(item["region_id"] == org.county1.pk for item in items)


@pytest.mark.parametrize("kind", ["values", "targets", "flags"])
def test_county_cannot_read_neighbours_objects(org, both_counties, bearer, kind):
    from devzone.indicators.models import ConsistencyFlag, IndicatorValue, Target

    model = {"values": IndicatorValue, "targets": Target, "flags": ConsistencyFlag}[kind]
    theirs = model.objects.filter(region=org.county2).first()
    url = f"/api/v1/indicators/{kind}/{theirs.pk}"
    assert bearer(org.county2_user).get(url).status_code == 200
    response = bearer(org.county1_user).get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_flags_explain_and_close(org, ind, both_counties, bearer):
    from devzone.indicators.models import ConsistencyFlag

    flag = ConsistencyFlag.objects.get(region=org.county1)
    county = bearer(org.county1_user)
    response = _post(county, f"/api/v1/indicators/flags/{flag.pk}/explain", {"explanation": "录入时多打一位"})
    assert response.status_code == 200 and response.json()["status"] == "explained"
    assert _post(county, f"/api/v1/indicators/flags/{flag.pk}/close", {}).status_code == 403
    other = ConsistencyFlag.objects.get(region=org.county2)
    assert _post(county, f"/api/v1/indicators/flags/{other.pk}/explain", {"explanation": "x"}).status_code == 404
    closed = _post(bearer(ind.stats), f"/api/v1/indicators/flags/{flag.pk}/close", {"note": "同意"})
    assert closed.status_code == 200 and closed.json()["closed_by"] == "stats"


def test_checks_endpoint(org, ind, both_counties, bearer):
    assert _post(bearer(org.county1_user), "/api/v1/indicators/checks", {"period": "2026-09"}).status_code == 403
    body = _post(bearer(ind.stats), "/api/v1/indicators/checks", {"period": "2026-09"}).json()
    assert sorted(flag["rule"] for flag in body) == ["share_over_100", "share_over_100"]


def test_monitor_for_a_county_names_no_neighbour(org, ind, series, bearer):
    series("fixed_investment", org.county1, "2025-09", [90, 100, 110, 120, 10, 20, 30, 40, 50, 60, 70, 80, 90, 108])
    series("fixed_investment", org.county2, "2025-09", [180, 200, 220, 240, 20, 40, 60, 80, 100, 120, 140, 160, 180,
                                                        210])
    body = bearer(org.county1_user).get("/api/v1/indicators/monitor", {"period": "2026-10"}).json()
    assert [c["name"] for c in body["columns"]] == ["澜江区"]
    row = next(r for r in body["rows"] if r["indicator"] == "fixed_investment")
    assert row["cells"][0]["rank"] == 1 and row["cells"][0]["ranked"] == 2  # +8% against +5%
    assert "北湖区" not in json.dumps(body, ensure_ascii=False) and "210" not in json.dumps(body)
    assert bearer(org.county1_user).get("/api/v1/indicators/monitor",
                                        {"place": f"r{org.county2.pk}"}).status_code == 404


def test_trend_reconciliation_and_breakdown(org, ind, series, put, bearer):
    series("retail_sales", org.county1, "2025-01", [5 * m for m in range(1, 13)] + [6, 12])
    series("retail_sales", org.county2, "2025-01", [15 * m for m in range(1, 13)])
    put("retail_sales", org.county1, "2026-02", 14, "reported")
    client = bearer(org.city_user)
    trend = client.get("/api/v1/indicators/trend", {"indicator": "retail_sales", "place": f"r{org.county1.pk}",
                                                    "year": 2026}).json()
    assert len(trend["points"]) == 12 and trend["points"][1]["ytd_value"] == 12.0
    recon = client.get("/api/v1/indicators/reconciliation", {"period": "2026-02"}).json()
    assert recon["gaps"][0]["diff_pct"] == pytest.approx(16.67, abs=0.01) and recon["exceeding"] == 1
    lines = client.get("/api/v1/indicators/breakdown", {"indicator": "retail_sales", "place": f"r{org.city.pk}",
                                                        "year": 2026, "total": "100"}).json()
    assert [line["annual"] for line in lines] == ["25.00", "75.00"]
    assert bearer(org.county1_user).get("/api/v1/indicators/trend", {
        "indicator": "retail_sales", "place": f"r{org.county2.pk}"}).status_code == 404
    profile = bearer(org.county1_user).get("/api/v1/indicators/profile", {"place": f"r{org.county1.pk}",
                                                                          "period": "2026-02"}).json()
    row = next(r for r in profile["rows"] if r["indicator"] == "retail_sales")
    # 北湖区 has no 2026 figures: 澜江区 has no one to rank against
    assert (row["reported"], row["official"], row["cell"]["rank"]) == (14.0, 12.0, None)
    assert bearer(org.county1_user).get("/api/v1/indicators/profile",
                                        {"place": f"r{org.county2.pk}"}).status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/indicators/values" in schema["paths"] and "/api/v1/indicators/profile" in schema["paths"]


def test_targets_api(org, ind, bearer):
    body = {"indicator": "gdp", "region_id": org.county1.pk, "year": 2026, "growth": "6.5"}
    assert _post(bearer(org.county1_user), "/api/v1/indicators/targets", body).status_code == 403
    created = _post(bearer(org.city_user), "/api/v1/indicators/targets", body)
    assert created.status_code == 201 and created.json()["growth"] == "6.50"
    url = f"/api/v1/indicators/targets/{created.json()['id']}"
    patched = _patch(bearer(org.city_user), url, {"updated_at": created.json()["updated_at"], "amount": "300"})
    assert patched.status_code == 200 and patched.json()["amount"] == "300.0000"
    assert bearer(org.county1_user).get(url).status_code == 200
    assert bearer(org.county2_user).get(url).status_code == 404
