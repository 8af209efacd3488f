"""Health, readiness and the deployment check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta

from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from devzone.core import services as core_services
from devzone.core.models import Job


def test_healthz_needs_no_login_and_no_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_reports_database_and_worker(db):
    response = Client().get("/readyz")
    assert response.status_code == 200 and response.json()["checks"] == {"database": "ok", "worker": "ok"}
    job = Job.objects.create(kind="enterprises.export", title="积压")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    response = Client().get("/readyz")
    assert response.status_code == 503 and "作业" in response.json()["checks"]["worker"]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DEVZONE_")}
    return subprocess.run([sys.executable, "-m", "devzone.cli", "check", "--deploy"], env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_lists_unsafe_settings(tmp_path):
    result = _check({"DEVZONE_DATA_DIR": str(tmp_path), "DEVZONE_SECRET_KEY": "short-but-32-characters-long-key!",
                     "DEVZONE_HTTPS": "0", "DEVZONE_ALLOWED_HOSTS": "*"})
    assert result.returncode == 2
    assert "DEVZONE_SECRET_KEY" in result.stdout and "DEVZONE_HTTPS=0" in result.stdout and "*" in result.stdout


def test_check_deploy_passes_a_sound_configuration(tmp_path):
    result = _check({"DEVZONE_DATA_DIR": str(tmp_path), "DEVZONE_SECRET_KEY": "k" * 60,
                     "DEVZONE_ALLOWED_HOSTS": "devzone.example.gov.cn"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SQLite" in result.stdout  # a warning, not an error


@contextmanager
def database_down():
    """Every query fails the way it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


def test_api_answers_503_json_while_the_database_is_down(org):
    """Token auth runs inside the API: the API's own handler answers 503 with its JSON error shape."""
    _token, raw = core_services.api_token_create(actor=org.admin, user=org.county1_user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    with database_down():
        response = client.get("/api/v1/projects")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json() == {"code": "unavailable", "message": "数据库暂时不可用,请稍后重试", "details": []}
    assert client.get("/api/v1/projects").status_code == 200  # and recovers with the database


def test_pages_and_session_api_answer_503_while_the_database_is_down(org, login):
    """With a session the middleware reads the database first; handler500 still answers 503 (JSON under /api/,
    a short Chinese page elsewhere), and other server errors under /api/ keep the JSON shape."""
    client = login(org.county1_user)
    client.raise_request_exception = False
    with database_down():
        api = client.get("/api/v1/projects")
        page = client.get("/projects/")
    assert api.status_code == 503 and api.json()["code"] == "unavailable" and api["Retry-After"] == "5"
    assert page.status_code == 503 and "系统暂时不可用" in page.content.decode()
    assert client.get("/projects/").status_code == 200


def test_api_server_error_keeps_the_json_shape(rf):
    from devzone.api.errors import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(rf.get("/api/v1/projects"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"
