"""API: the closed loop over HTTP, error codes (404 out of jurisdiction, 409 wrong state or stale, 422 missing
written explanation), lists with filters and pagination, tasks, meetings, notifications, KPIs."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from devzone.core.services import api_token_create
from devzone.dispatch import services
from devzone.dispatch.models import Problem


@pytest.fixture
def bearer(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_closed_loop_over_the_api(org, units, bearer):
    city, county = bearer(org.city_user), bearer(org.county1_user)
    response = _post(city, "/api/v1/problems", {"title": "项目供电线路迁改", "source": "project",
                                                "source_ref": "XM2026-001 澜江智能装备产业园", "category": "utilities",
                                                "region_id": org.county1.pk})
    assert response.status_code == 201, response.content
    problem = response.json()
    assert problem["status"] == "submitted" and problem["light"] == "none" and problem["actions"]
    pid = problem["id"]
    response = _post(city, f"/api/v1/problems/{pid}/assign", {"lead_unit_id": units.c1_ndrc.pk,
                                                              "helping_unit_ids": [units.c1_land.pk]})
    body = response.json()
    assert response.status_code == 200 and body["status"] == "assigned" and body["sla_days"] == 7
    assert body["helping_unit_ids"] == [units.c1_land.pk] and body["light"] == "green"
    assert _post(county, f"/api/v1/problems/{pid}/start", {}).json()["status"] == "in_progress"
    assert _post(county, f"/api/v1/problems/{pid}/notes", {"note": "已联系供电公司"}).status_code == 200
    body = _post(county, f"/api/v1/problems/{pid}/resolve", {"result": "solved", "resolution": "已迁改"}).json()
    assert body["status"] == "resolved" and body["light"] == "done"
    body = _post(city, f"/api/v1/problems/{pid}/close", {"satisfaction": "satisfied"}).json()
    assert body["status"] == "closed"
    assert [e["kind"] for e in body["events"]] == ["created", "assigned", "started", "note", "resolved", "closed"]


def test_wrong_state_is_409_and_neighbour_is_404(org, units, bearer, assigned_problem):
    problem = assigned_problem()
    response = _post(bearer(org.city_user), f"/api/v1/problems/{problem.pk}/close", {"satisfaction": "basic"})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    for url in (f"/api/v1/problems/{problem.pk}", ):
        assert bearer(org.county2_user).get(url).status_code == 404
    response = _post(bearer(org.county2_user), f"/api/v1/problems/{problem.pk}/start")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = _post(bearer(org.county1_user), f"/api/v1/problems/{problem.pk}/start",
                     {"updated_at": (problem.updated_at - timedelta(seconds=1)).isoformat()})
    assert response.status_code == 409


def test_late_resolution_without_explanation_is_422(org, units, bearer, assigned_problem):
    problem = assigned_problem(now=timezone.now() - timedelta(days=40))
    client = bearer(org.county1_user)
    response = _post(client, f"/api/v1/problems/{problem.pk}/resolve", {"result": "solved", "resolution": "已解决"})
    assert response.status_code == 422
    body = response.json()
    assert body["details"][0]["field"] == "late_explanation" and "书面说明" in body["message"]
    response = _post(client, f"/api/v1/problems/{problem.pk}/resolve", {
        "result": "solved", "resolution": "已解决", "late_explanation": "需报省政府批准"})
    assert response.status_code == 200


def test_assigning_to_a_unit_outside_jurisdiction_is_404(org, units, bearer):
    problem = services.problem_create(actor=org.county1_user, data={"title": "x", "source": "hotline",
                                                                    "category": "other"})
    response = _post(bearer(org.county1_user), f"/api/v1/problems/{problem.pk}/assign",
                     {"lead_unit_id": units.c2_ndrc.pk})
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/problems", "/api/v1/tasks", "/api/v1/meetings", "/api/v1/notifications"])
def test_lists_paginate_and_hold_only_own_objects(org, units, bearer, assigned_problem, make_task, url):
    assigned_problem()
    assigned_problem(unit=units.c2_ndrc, region=org.county2)
    make_task()
    make_task(region=org.county2, lead_unit=units.c2_ndrc)
    services.meeting_create(actor=org.county1_user, data={"title": "澜江周例会", "kind": "weekly",
                                                          "held_on": timezone.localdate()})
    services.meeting_create(actor=org.county2_user, data={"title": "北湖周例会", "kind": "weekly",
                                                          "held_on": timezone.localdate()})
    body = bearer(org.county1_user).get(url, {"limit": 100}).json()
    assert set(body) == {"items", "count"} and body["count"] >= 1
    assert {"id"} <= set(body["items"][0])
    if url != "/api/v1/notifications":
        assert {"updated_at"} <= set(body["items"][0])
        assert body["count"] == 1
        other = bearer(org.county2_user).get(url, {"limit": 100}).json()["items"][0]["id"]
        assert bearer(org.county1_user).get(f"{url}/{other}").status_code == 404
        assert bearer(org.county2_user).get(f"{url}/{other}").status_code == 200


def test_problem_list_filters_and_query_count(org, units, bearer, assigned_problem, make_problem,
                                              django_assert_max_num_queries):
    client = bearer(org.city_user)
    assigned_problem()
    make_problem()
    with django_assert_max_num_queries(20) as few:
        body = client.get("/api/v1/problems", {"status": "open"}).json()
    assert body["count"] == 1
    for _ in range(10):
        assigned_problem(helping=[units.c1_land])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/problems", {"status": "open"}).json()["count"] == 11
    assert client.get("/api/v1/problems", {"status": "submitted"}).json()["count"] == 1
    assert client.get("/api/v1/problems", {"helping_unit": units.c1_land.pk}).json()["count"] == 10


def test_patch_before_assignment_only(org, units, bearer, make_problem):
    problem = make_problem()
    client = bearer(org.city_user)
    stamp = client.get(f"/api/v1/problems/{problem.pk}").json()["updated_at"]
    response = client.patch(f"/api/v1/problems/{problem.pk}", data=json.dumps(
        {"updated_at": stamp, "difficulty": "hard"}), content_type="application/json")
    assert response.status_code == 200 and response.json()["difficulty"] == "hard"
    stale = client.patch(f"/api/v1/problems/{problem.pk}", data=json.dumps({"updated_at": stamp, "title": "y"}),
                         content_type="application/json")
    assert stale.status_code == 409
    services.problem_assign(actor=org.city_user, problem=Problem.objects.get(pk=problem.pk),
                            lead_unit=units.c1_ndrc)
    fresh = client.get(f"/api/v1/problems/{problem.pk}").json()["updated_at"]
    late = client.patch(f"/api/v1/problems/{problem.pk}", data=json.dumps({"updated_at": fresh, "title": "z"}),
                        content_type="application/json")
    assert late.status_code == 409


def test_tasks_over_the_api(org, units, bearer):
    city, county = bearer(org.city_user), bearer(org.county1_user)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = _post(city, "/api/v1/tasks", {"title": "完成供地", "commitment": "月底前完成土地挂牌",
                                             "source": "instruction", "lead_unit_id": units.c1_land.pk,
                                             "responsible_person_id": org.county1_user.pk, "due_date": due})
    assert response.status_code == 201, response.content
    tid = response.json()["id"]
    assert _post(county, f"/api/v1/tasks/{tid}/progress", {"note": "已挂牌", "percent": 70}).json()[
        "progress_percent"] == 70
    assert _post(county, f"/api/v1/tasks/{tid}/complete", {"note": "已成交"}).json()["status"] == "completed"
    assert _post(county, f"/api/v1/tasks/{tid}/close", {}).status_code == 403
    body = _post(city, f"/api/v1/tasks/{tid}/close", {}).json()
    assert body["status"] == "closed" and [e["kind"] for e in body["events"]] == [
        "created", "progress", "completed", "closed"]
    response = _post(city, "/api/v1/tasks", {"title": "每月报送", "commitment": "每月25日前报送", "source": "document",
                                             "lead_unit_id": units.c1_ndrc.pk, "recurrence": "monthly",
                                             "starts_on": timezone.localdate().isoformat(), "due_day": 25})
    series = response.json()
    assert response.status_code == 201 and series["light"] == "series" and series["due_date"] is None
    assert city.get("/api/v1/tasks", {"series": series["id"]}).json()["count"] == 1


def test_meetings_and_decisions_over_the_api(org, units, bearer):
    client = bearer(org.city_user)
    response = _post(client, "/api/v1/meetings", {"title": "季度观摩会", "kind": "inspection", "held_on": "2026-03-20",
                                                  "attendee_ids": [org.county1_user.pk], "minutes": "观摩点评"})
    assert response.status_code == 201, response.content
    mid = response.json()["id"]
    response = _post(client, f"/api/v1/meetings/{mid}/decisions", {
        "text": "澜江区6月底前完成厂房建设", "lead_unit_id": units.c1_ndrc.pk, "due_date": "2026-06-30"})
    assert response.status_code == 201
    did = response.json()["id"]
    response = _post(client, f"/api/v1/meetings/{mid}/decisions/{did}/task")
    assert response.status_code == 201 and response.json()["source"] == "meeting"
    assert _post(client, f"/api/v1/meetings/{mid}/decisions/{did}/task").status_code == 409
    detail = client.get(f"/api/v1/meetings/{mid}").json()
    assert detail["decisions"][0]["task_id"] == response.json()["id"] and detail["decision_count"] == 1


def test_notifications_and_kpis(org, units, bearer, assigned_problem):
    assigned_problem(now=timezone.now())
    client = bearer(org.county1_user)
    items = client.get("/api/v1/notifications", {"unread": True}).json()["items"]
    assert len(items) == 1 and items[0]["kind"] == "assigned"
    assert _post(client, f"/api/v1/notifications/{items[0]['id']}/read").json()["read_at"]
    assert _post(bearer(org.county2_user), f"/api/v1/notifications/{items[0]['id']}/read").status_code == 404
    assert _post(client, "/api/v1/notifications/read-all").json() == {"count": 0}
    body = bearer(org.city_user).get("/api/v1/problems/kpis").json()
    assert body["total"]["assigned"] == 1 and body["units"][0]["unit_name"] == "澜江区发改局"
    assert len(bearer(org.city_user).get("/api/v1/problems/sla").json()) == 18
