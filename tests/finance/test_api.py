"""Financing API: needs, events (with the quarterly proposal), loans and the KPI; jurisdiction 404s, 409 on a
stale updated_at, 422 with a readable reason."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from devzone.core.services import api_token_create
from devzone.finance import services


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _patch(client: Client, url: str, body: dict):
    return client.patch(url, data=json.dumps(body), content_type="application/json")


def test_create_need_event_loan_and_read_kpi(org, client_for, banks, make_enterprise):
    client = client_for(org.county1_user)
    enterprise = make_enterprise()
    response = _post(client, "/api/v1/financing/needs", {
        "enterprise_id": enterprise.pk, "amount": "800", "purpose": "购置设备", "term_months": 36,
        "raised_on": "2026-02-01"})
    assert response.status_code == 201, response.content
    need = response.json()
    assert need["region_id"] == org.county1.pk and need["status"] == "open" and need["granted"] == "0.00"
    proposal = client.get("/api/v1/financing/events/proposal",
                          {"region_id": org.county1.pk, "today": "2026-02-20"}).json()
    assert (proposal["year"], proposal["quarter"], proposal["held_on"]) == (2026, 2, "2026-05-15")
    assert proposal["need_ids"] == [need["id"]] and len(proposal["bank_ids"]) == 3
    response = _post(client, "/api/v1/financing/events", {
        "title": proposal["title"], "held_on": proposal["held_on"], "region_id": org.county1.pk,
        "bank_ids": proposal["bank_ids"], "need_ids": proposal["need_ids"]})
    assert response.status_code == 201, response.content
    event = response.json()
    assert event["quarter"] == 2 and event["need_ids"] == [need["id"]]
    assert client.get(f"/api/v1/financing/needs/{need['id']}").json()["status"] == "matched"
    response = _post(client, "/api/v1/financing/loans", {
        "need_id": need["id"], "bank_id": banks[0].pk, "event_id": event["id"], "amount": "800",
        "granted_on": "2026-05-20"})
    assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/financing/needs/{need['id']}").json()
    assert detail["status"] == "met" and detail["granted"] == "800.00" and len(detail["loans"]) == 1
    kpi = client.get("/api/v1/financing/kpis", {"as_of": "2026-06-30"}).json()
    assert kpi["overall"]["count_met"]["value"] == "100.00"
    assert kpi["counties"][0]["amount_met"]["numerator_ids"] == [need["id"]]


def test_bad_amount_is_422_in_chinese(org, client_for, make_enterprise):
    response = _post(client_for(org.county1_user), "/api/v1/financing/needs", {
        "enterprise_id": make_enterprise().pk, "amount": "0", "purpose": "x", "term_months": 12,
        "raised_on": "2026-02-01"})
    assert response.status_code == 422 and "应大于 0" in response.json()["message"]


def test_jurisdiction_needs_events_and_loans(org, client_for, banks, make_need):
    other = make_need(region=org.county2)
    mine = make_need()
    services.loan_create(actor=org.admin, data={"need": other, "bank": banks[0], "amount": Decimal("10"),
                                                "granted_on": date(2026, 3, 1)})
    event = services.event_create(actor=org.admin, data={"title": "北湖区对接会", "held_on": date(2026, 3, 5),
                                                         "region": org.county2}, needs=[other])
    client = client_for(org.county1_user)
    assert client.get(f"/api/v1/financing/needs/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/financing/events/{event.pk}").status_code == 404
    ids = [row["id"] for row in client.get("/api/v1/financing/needs").json()["items"]]
    assert ids == [mine.pk]
    assert client.get("/api/v1/financing/events").json()["items"] == []
    assert client.get("/api/v1/financing/loans").json()["items"] == []
    stamp = other.updated_at.isoformat()
    assert _patch(client, f"/api/v1/financing/needs/{other.pk}", {"updated_at": stamp, "note": "x"}).status_code == 404
    assert _post(client, "/api/v1/financing/loans", {"need_id": other.pk, "bank_id": banks[0].pk, "amount": "1",
                                                     "granted_on": "2026-03-01"}).status_code == 404


def test_city_event_is_visible_to_counties_but_shows_only_their_needs(org, client_for, make_need):
    c1, c2 = make_need(), make_need(region=org.county2)
    event = services.event_create(actor=org.city_user, data={"title": "全市对接会", "held_on": date(2026, 3, 5),
                                                             "region": org.city}, needs=[c1, c2])
    body = client_for(org.county1_user).get(f"/api/v1/financing/events/{event.pk}").json()
    assert body["need_ids"] == [c1.pk]


def test_stale_updated_at_is_409(org, client_for, make_need):
    need = make_need()
    client = client_for(org.county1_user)
    url = f"/api/v1/financing/needs/{need.pk}"
    stamp = client.get(url).json()["updated_at"]
    assert _patch(client, url, {"updated_at": stamp, "purpose": "扩大产能"}).status_code == 200
    stale = _patch(client, url, {"updated_at": stamp, "purpose": "还旧借新"})
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"


def test_list_endpoints_query_counts_do_not_grow(org, client_for, banks, make_need, django_assert_max_num_queries):
    client = client_for(org.city_user)
    urls = ["/api/v1/financing/needs", "/api/v1/financing/events", "/api/v1/financing/loans",
            "/api/v1/financing/banks", "/api/v1/financing/kpis"]

    def grow() -> None:
        need = make_need(region=org.county2)
        services.loan_create(actor=org.admin, data={"need": need, "bank": banks[0], "amount": Decimal("5"),
                                                    "granted_on": date(2026, 3, 1)})
        services.event_create(actor=org.admin, data={"title": "对接会", "held_on": date(2026, 3, 5),
                                                     "region": org.county2}, banks=banks, needs=[need])

    grow()
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(15) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    for _ in range(6):
        grow()
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_kpis_refuse_an_impossible_year(org, login):
    response = login(org.city_user).get("/api/v1/financing/kpis", {"year": 0})
    assert response.status_code == 422 and "年份" in response.json()["message"]
