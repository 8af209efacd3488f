"""Fixes found by the schemathesis run (test_fuzz_openapi.py), pinned by deterministic tests."""

from __future__ import annotations

from django.test import Client

from devzone.api.urls import api
from devzone.core import services as core_services


def _bearer(org) -> Client:
    _token, raw = core_services.api_token_create(actor=org.admin, user=org.county1_user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _ref(schema: dict, path: str, method: str = "get", status: int = 200) -> str:
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return content.get("$ref") or content.get("items", {}).get("$ref", "")


def test_openapi_components_do_not_collide():
    """Two apps' schemas (or two models' choices) with one name used to overwrite each other in the document."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    assert components["RegionLevel"]["enum"] == ["province", "city", "county", "township"]
    assert components["ZoneLevel"]["enum"] == ["national", "provincial", "county"]
    dispatch_kpis = components[_ref(schema, "/api/v1/problems/kpis").rsplit("/", 1)[1]]
    assert "period" in dispatch_kpis["properties"]
    assert "KpiOut" not in components  # every KpiOut is qualified by its app


def test_malformed_path_parameter_answers_json_404(org):
    response = _bearer(org).get("/api/v1/evaluation/runs/null,null")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert Client().get("/no-such-page/").status_code == 404


def test_out_of_range_numbers_are_422_not_500(org):
    client = _bearer(org)
    response = client.get("/api/v1/activities/quota", {"year": 0})
    assert response.status_code == 422 and "年份" in response.json()["message"]
    response = client.get(f"/api/v1/enterprises/{10**30}")
    assert response.status_code in (404, 422)
