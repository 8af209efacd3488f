"""The "reports.bulletin" job: run like the worker runs it; a worker that dies mid-job leaves the job running with a
stale heartbeat, the next worker marks it failed, and a retry produces the file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from docx import Document

from devzone.core import jobs
from devzone.core.models import Job
from devzone.reports import services


def _start(user, django_capture_on_commit_callbacks, fmt: str = "docx") -> Job:
    with django_capture_on_commit_callbacks(execute=False):
        return services.bulletin_start(actor=user, kind="monthly", period="2026-10", fmt=fmt)


def test_job_produces_the_file_for_the_user_jurisdiction(org, month, django_capture_on_commit_callbacks):
    job = _start(org.county1_user, django_capture_on_commit_callbacks)
    assert job.kind == "reports.bulletin" and job.params == {"kind": "monthly", "period": "2026-10",
                                                              "format": "docx"}
    job = jobs.run_job(job.pk)
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100
    assert job.result["period"] == "2026-10" and job.result["bytes"] > 0
    assert job.result_file.name.endswith(".docx") and "澜江区2026年10月月通报" in job.result_file.name
    document = Document(io.BytesIO(job.result_file.read()))
    assert document.paragraphs[0].text == "澜江区重点项目建设工作领导小组办公室"
    assert "读取数据" in job.log or "完成" in job.log


def test_bad_requests_are_refused_before_queueing(org):
    from devzone.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.bulletin_start(actor=org.city_user, kind="monthly", period="2026/10", fmt="docx")
    with pytest.raises(ValidationFailed):
        services.bulletin_start(actor=org.city_user, kind="monthly", period="2026-10", fmt="odt")
    assert not Job.objects.exists()


def test_interrupted_job_is_marked_failed_and_retried(org, month, monkeypatch, django_capture_on_commit_callbacks):
    """The process stops while writing (a BaseException escapes like a kill: nothing after it runs)."""
    job = _start(org.city_user, django_capture_on_commit_callbacks)

    def die(bulletin, fmt):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "write", die)
    with pytest.raises(KeyboardInterrupt):
        jobs.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.progress == 50 and not job.result_file
    assert jobs.jobs_recover_stale(now=job.heartbeat_at + timedelta(minutes=11)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "中断" in job.message
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False):
        again = jobs.job_retry(actor=org.city_user, job=job)
    again = jobs.run_job(again.pk)
    assert again.status == Job.Status.SUCCEEDED and again.retry_of_id == job.pk and again.result_file


WORKER = """
import os, sys, time
import django
django.setup()
from devzone.reports import services
def stall(bulletin, fmt):
    time.sleep(600)
services.write = stall
from devzone.core.jobs import run_job
run_job(int(sys.argv[1]))
"""


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_job(org, month, django_capture_on_commit_callbacks):
    """A real worker process is killed (SIGKILL) while the bulletin is being written (PostgreSQL: the worker needs
    to share the test database, which an in-memory SQLite database cannot)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database another process can open (PostgreSQL)")
    job = _start(org.city_user, django_capture_on_commit_callbacks)
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "devzone.settings_test",
           "DEVZONE_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(job.pk)], env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == Job.Status.RUNNING and job.progress >= 50:
                break
            assert worker.poll() is None, "the worker stopped by itself"
            time.sleep(0.2)
        assert job.status == Job.Status.RUNNING and job.progress == 50
    finally:
        worker.kill()
        worker.wait()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # nobody told the database
    assert jobs.jobs_recover_stale(now=timezone.now() + timedelta(minutes=11)) == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "作业进程中断" in job.log
    with django_capture_on_commit_callbacks(execute=False):
        again = jobs.job_retry(actor=org.city_user, job=job)
    again = jobs.run_job(again.pk)
    assert again.status == Job.Status.SUCCEEDED and again.result_file
