"""Background jobs: queue → worker → progress and result; failures recorded; dead workers detected; retry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from python_calamine import CalamineWorkbook

from devzone.core import jobs
from devzone.core.errors import Conflict, ValidationFailed
from devzone.core.models import Job


def run_worker() -> None:
    """What `devzone worker --batch` does: run every queued task, then stop (closes connections: use only in
    transactional tests)."""
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def run_queued() -> None:
    """Run queued jobs in this process and connection, as the worker's task does."""
    for job_id in Job.objects.filter(status=Job.Status.QUEUED).order_by("pk").values_list("pk", flat=True):
        jobs.run_job(job_id)


@pytest.fixture
def enqueue_export(org, make_enterprise, django_capture_on_commit_callbacks):
    def enqueue(user, filters=None) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            return jobs.job_enqueue(actor=user, kind="enterprises.export", title="企业库导出",
                                    params={"filters": filters or {}})

    return enqueue


@pytest.mark.django_db(transaction=True)
def test_export_job_runs_in_the_worker_and_respects_jurisdiction(org, make_enterprise):
    mine = make_enterprise(high_tech=True)
    make_enterprise()
    make_enterprise(region=org.county2, high_tech=True)
    job = jobs.job_enqueue(actor=org.county1_user, kind="enterprises.export", title="企业库导出",
                           params={"filters": {"flag": "high_tech"}})
    assert job.status == Job.Status.QUEUED
    run_worker()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100 and job.result == {"rows": 1}
    rows = CalamineWorkbook.from_filelike(io.BytesIO(job.result_file.read())).get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[3:]] == [mine.name]
    assert "开始" in job.log and "完成" in job.log


def test_failed_job_keeps_its_reason_and_can_be_retried(org, enqueue_export, django_capture_on_commit_callbacks):
    job = enqueue_export(org.county1_user)
    org.county1_user.is_active = False
    org.county1_user.save()
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "停用" in job.message and "失败" in job.log
    assert not job.result_file
    org.county1_user.is_active = True
    org.county1_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        again = jobs.job_retry(actor=org.county1_user, job=job)
    run_queued()
    again.refresh_from_db()
    assert again.retry_of == job and again.status == Job.Status.SUCCEEDED


def test_only_failed_jobs_are_retried(org, enqueue_export):
    job = enqueue_export(org.county1_user)
    with pytest.raises(Conflict):
        jobs.job_retry(actor=org.county1_user, job=job)


def test_unknown_kind_is_refused(org):
    with pytest.raises(ValidationFailed):
        jobs.job_enqueue(actor=org.admin, kind="nope", title="x")


def test_job_of_a_dead_worker_is_marked_failed(org):
    """A worker killed mid-job leaves a running job whose heartbeat stops; the next worker fails it."""
    now = timezone.now()
    dead = Job.objects.create(kind="enterprises.export", title="中断的导出", status=Job.Status.RUNNING,
                              started_at=now - timedelta(minutes=30), heartbeat_at=now - timedelta(minutes=11),
                              created_by=org.admin, progress=40)
    alive = Job.objects.create(kind="enterprises.export", title="进行中的导出", status=Job.Status.RUNNING,
                               started_at=now - timedelta(minutes=30), heartbeat_at=now - timedelta(minutes=9),
                               created_by=org.admin)
    assert jobs.jobs_recover_stale(now=now) == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == Job.Status.FAILED and "中断" in dead.log and dead.progress == 40
    assert alive.status == Job.Status.RUNNING


def test_a_job_is_claimed_once(org, enqueue_export):
    job = enqueue_export(org.county1_user)
    assert jobs.run_job(job.pk) is not None
    assert jobs.run_job(job.pk) is None


def test_job_pages_poll_and_are_private(org, login, enqueue_export, django_assert_max_num_queries):
    job = enqueue_export(org.county1_user)
    client = login(org.county1_user)
    with django_assert_max_num_queries(8):
        page = client.get(f"/jobs/{job.pk}/")
    assert 'hx-trigger="every 1s"' in page.content.decode()
    run_queued()
    partial = client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and 'data-status="succeeded"' in partial
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert login(org.county2_user).get(f"/jobs/{job.pk}/").status_code == 404
    with django_assert_max_num_queries(8):
        assert client.get("/jobs/").status_code == 200


def test_job_api(org, login, enqueue_export):
    job = enqueue_export(org.county1_user)
    body = login(org.county1_user).get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "queued" and body["progress"] == 0
    assert login(org.county2_user).get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_large_list_export_goes_to_the_background(org, login, make_enterprise, monkeypatch):
    from devzone.web import tables

    monkeypatch.setattr(tables, "INLINE_EXPORT_ROWS", 1)
    make_enterprise()
    make_enterprise()
    response = login(org.county1_user).get("/enterprises/", {"export": "xlsx"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "enterprises.export" and job.created_by == org.county1_user
