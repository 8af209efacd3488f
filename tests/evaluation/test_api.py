"""API under /api/v1/evaluation: runs, results and explanations, scoped by role and jurisdiction."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from devzone.core import jobs
from devzone.core.services import api_token_create
from devzone.evaluation import services
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun

YEAR = 2025


@pytest.fixture
def client_for(org):
    def make(user) -> Client:
        _token, raw = api_token_create(actor=None, user=user)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


def _post(client: Client, url: str, body: dict | None = None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def test_create_run_enqueues_the_job(org, mujun_city, client_for, django_capture_on_commit_callbacks):
    client = client_for(org.city_user)
    with django_capture_on_commit_callbacks(execute=False):
        response = _post(client, "/api/v1/evaluation/runs", {"scheme": "mujun", "year": YEAR})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued" and body["scheme_key"] == "mujun" and body["updated_at"]
    run = EvaluationRun.objects.get(pk=body["id"])
    jobs.run_job(run.job_id)
    body = client.get(f"/api/v1/evaluation/runs/{run.pk}").json()
    assert body["status"] == "succeeded" and body["units"] == 14 and body["progress"] == 100
    assert {g["group"] for g in body["group_summary"]} == {"澜江区", "北湖区"}
    assert _post(client_for(org.county1_user), "/api/v1/evaluation/runs",
                 {"scheme": "mujun", "year": YEAR}).status_code == 403
    assert _post(client, "/api/v1/evaluation/runs", {"scheme": "mujun", "year": 1800}).status_code == 422
    assert _post(client, "/api/v1/evaluation/runs", {"scheme": "window", "year": YEAR}).status_code == 422


def test_upload_run(org, client_for, django_capture_on_commit_callbacks):
    content = "unit,period,rater,rating\n窗口A,2026-01/02,企业1,满意\n窗口B,2026-01/02,企业1,不满意\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(org.city_user).post("/api/v1/evaluation/runs/upload", {
            "scheme": "window", "year": 2026, "period": "2026-01/02",
            "file": SimpleUploadedFile("评议.csv", content, content_type="text/csv")})
    assert response.status_code == 201, response.content
    run = EvaluationRun.objects.get(pk=response.json()["id"])
    jobs.run_job(run.job_id)
    assert EvaluationResultRow.objects.filter(run=run).count() == 2


def test_results_are_scoped_and_publishing_controls_visibility(org, mujun_city, run_now, client_for):
    run = run_now(org.city_user)
    county1 = client_for(org.county1_user)
    assert county1.get(f"/api/v1/evaluation/runs/{run.pk}").status_code == 404
    assert county1.get(f"/api/v1/evaluation/runs/{run.pk}/results").status_code == 404
    assert county1.get("/api/v1/evaluation/runs").json()["count"] == 0
    assert _post(county1, f"/api/v1/evaluation/runs/{run.pk}/publish").status_code == 404

    city = client_for(org.city_user)
    published = _post(city, f"/api/v1/evaluation/runs/{run.pk}/publish")
    assert published.status_code == 200 and published.json()["published"] is True
    assert county1.get("/api/v1/evaluation/runs").json()["count"] == 1
    assert _post(county1, f"/api/v1/evaluation/runs/{run.pk}/unpublish").status_code == 403

    body = county1.get(f"/api/v1/evaluation/runs/{run.pk}/results", {"participates": "all", "limit": 100}).json()
    codes = {item["unit_key"] for item in body["items"]}
    assert codes == {e.credit_code for e in [*mujun_city.county1, mujun_city.young]}
    assert all(item["region_id"] == org.county1.pk for item in body["items"])
    detail = county1.get(f"/api/v1/evaluation/runs/{run.pk}").json()
    assert [g["group"] for g in detail["group_summary"]] == ["澜江区"]

    own = EvaluationResultRow.objects.get(run=run, enterprise=mujun_city.county1[1])
    other = EvaluationResultRow.objects.get(run=run, enterprise=mujun_city.county2[1])
    explained = county1.get(f"/api/v1/evaluation/runs/{run.pk}/results/{own.pk}")
    assert explained.status_code == 200
    data = explained.json()
    assert data["explanation"]["indicators"][0]["key"] == "tax_per_mu"
    assert data["group_summary"]["group"] == "澜江区" and data["class_key"] == own.klass
    assert county1.get(f"/api/v1/evaluation/runs/{run.pk}/results/{other.pk}").status_code == 404
    assert client_for(org.county2_user).get(
        f"/api/v1/evaluation/runs/{run.pk}/results/{other.pk}").status_code == 200

    all_rows = city.get(f"/api/v1/evaluation/runs/{run.pk}/results", {"participates": "all", "limit": 100}).json()
    assert all_rows["count"] == 14
    d_class = city.get(f"/api/v1/evaluation/runs/{run.pk}/results", {"class_key": "D"}).json()
    assert d_class["count"] >= 1 and {item["class_key"] for item in d_class["items"]} == {"D"}
    vetoed = city.get(f"/api/v1/evaluation/runs/{run.pk}/results", {"flag": "override:veto"}).json()
    assert [item["unit_key"] for item in vetoed["items"]] == [mujun_city.vetoed.credit_code]
    by_rank = city.get(f"/api/v1/evaluation/runs/{run.pk}/results", {"group": "北湖区", "sort": "rank"}).json()
    assert [item["rank"] for item in by_rank["items"]] == sorted(item["rank"] for item in by_rank["items"])

    _post(city, f"/api/v1/evaluation/runs/{run.pk}/unpublish")
    assert county1.get(f"/api/v1/evaluation/runs/{run.pk}/results/{own.pk}").status_code == 404


def test_results_list_query_count_is_constant(org, mujun_city, run_now, client_for, make_enterprise, figures,
                                              django_assert_max_num_queries):
    client = client_for(org.city_user)
    first = run_now(org.city_user)
    with django_assert_max_num_queries(15) as few:
        assert client.get(f"/api/v1/evaluation/runs/{first.pk}/results", {"limit": 100}).status_code == 200
    for tax in range(15):
        make_enterprise(region=org.county1, above_size=True, production_start_year=2010,
                        years={YEAR: figures(20 + tax)})
    second = run_now(org.city_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/api/v1/evaluation/runs/{second.pk}/results", {"limit": 100}).status_code == 200


def test_a_published_run_stays_visible_to_observers_only_when_published(org, mujun_city, run_now, client_for):
    run = run_now(org.city_user)
    services.evaluation_run_publish(actor=org.city_user, run=run)
    body = client_for(org.observer).get(f"/api/v1/evaluation/runs/{run.pk}/results", {"limit": 100}).json()
    assert body["count"] == 12  # an observer of the city reads every participant
