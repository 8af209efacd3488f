"""Health, readiness and the deployment check."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from django.test import Client
from django.utils import timezone

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
