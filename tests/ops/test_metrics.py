"""/metrics: request latency and status by route, job counts and durations, and who may read it."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings

from devzone.core import jobs
from devzone.core.models import Job

METRICS_TOKEN = "metrics-scraper-token-0123456789"


def _value(text: str, name: str, **labels: str) -> float:
    """The value of one sample in the exposition text (0 when absent)."""
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _scrape() -> str:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_request_latency_histogram_and_status_counter_by_route(org, login):
    client = login(org.county1_user)
    before = _scrape()
    count_name = "devzone_http_request_duration_seconds_count"
    requests_name = "devzone_http_requests_total"
    start_count = _value(before, count_name, route="enterprises:list", method="GET")
    start_ok = _value(before, requests_name, route="enterprises:list", method="GET", status="200")
    start_404 = _value(before, requests_name, route="enterprises:detail", method="GET", status="404")
    for _ in range(3):
        assert client.get("/enterprises/").status_code == 200
    assert client.get("/enterprises/999999/").status_code == 404
    after = _scrape()
    assert _value(after, count_name, route="enterprises:list", method="GET") == start_count + 3
    assert _value(after, requests_name, route="enterprises:list", method="GET", status="200") == start_ok + 3
    assert _value(after, requests_name, route="enterprises:detail", method="GET", status="404") == start_404 + 1
    assert 'devzone_http_request_duration_seconds_bucket{le="0.005",method="GET",route="enterprises:list"}' in after


def test_unknown_paths_share_one_label(db):
    Client().get("/no-such-page-1")
    Client().get("/no-such-page-2")
    text = _scrape()
    assert _value(text, "devzone_http_requests_total", route="<unresolved>", status="404") >= 2
    assert "no-such-page" not in text


@pytest.mark.django_db(transaction=True)
def test_job_counts_and_durations(org, make_enterprise):
    make_enterprise(name="度量企业")
    before = _scrape()
    finished_before = _value(before, "devzone_jobs_finished_total", kind="enterprises.export", status="succeeded")
    job = jobs.job_enqueue(actor=org.admin, kind="enterprises.export", title="导出", params={"filters": {}})
    assert _value(_scrape(), "devzone_jobs", kind="enterprises.export", status="queued") == 1
    jobs.run_job(job.pk)
    after = _scrape()
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
    assert _value(after, "devzone_jobs", kind="enterprises.export", status="succeeded") == 1
    assert _value(after, "devzone_jobs", kind="enterprises.export", status="queued") == 0
    assert _value(after, "devzone_jobs_finished_total", kind="enterprises.export",
                  status="succeeded") == finished_before + 1
    assert _value(after, "devzone_job_duration_seconds_count", kind="enterprises.export",
                  status="succeeded") >= 1


def test_metrics_refused_from_other_addresses(db):
    response = Client(REMOTE_ADDR="10.1.2.3").get("/metrics")
    assert response.status_code == 403
    assert "禁止" in response.content.decode()
    assert b"devzone_http" not in response.content


@override_settings(METRICS_TOKEN=METRICS_TOKEN)
def test_metrics_token_lets_a_remote_scraper_in(db):
    remote = Client(REMOTE_ADDR="10.1.2.3")
    assert remote.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 403
    response = remote.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}")
    assert response.status_code == 200 and b"devzone_http_requests_total" in response.content


@override_settings(METRICS_ALLOWED_IPS=["10.1.0.0/16"])
def test_metrics_allowed_network(db):
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 403


def test_metrics_needs_no_login_and_one_query(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the job table summary
        _scrape()


def test_multiprocess_mode_adds_up_files(tmp_path, monkeypatch, db):
    """With PROMETHEUS_MULTIPROC_DIR (gunicorn), /metrics aggregates the per-process files in that directory."""
    import subprocess
    import sys

    code = ("from prometheus_client import Counter; c = Counter('devzone_http_requests', 'x', "
            "['route', 'method', 'status']); c.labels('drill:route', 'GET', '200').inc(7)")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    text = _scrape()
    assert _value(text, "devzone_http_requests_total", route="drill:route", status="200") == 7
