"""Background jobs: one mechanism for imports, evaluation runs and document generation.

A job kind is a function registered with `@job_kind("name")`; it receives the Job and a `Progress` to report
through, and returns a JSON-able result (and may attach a result file). `job_enqueue` stores the Job and hands
its id to django-tasks (database backend); `devzone worker` runs them. A job function does its database writes
in its own transaction, so a failure publishes nothing; a worker that dies mid-job leaves a stale heartbeat,
and `jobs_recover_stale` (run by every worker at start and between tasks) marks such jobs failed with their
log, after which `job_retry` runs them again.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from devzone.core import audit
from devzone.core.errors import Conflict, DomainError, ValidationFailed
from devzone.core.models import Job, User
from devzone.ops.metrics import observe_job

STALE_AFTER = timedelta(minutes=10)
LOG_LIMIT = 50_000


@dataclass
class JobOutcome:
    result: dict[str, Any]
    file_name: str | None = None
    file_content: bytes | None = None


JobFunction = Callable[[Job, "Progress"], JobOutcome]
_KINDS: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register a job function under `name` (each app registers its kinds in its jobs.py)."""

    def register(func: JobFunction) -> JobFunction:
        _KINDS[name] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_KINDS)


class Progress:
    """Reports progress (0–100) and log lines; each report is a small UPDATE that also beats the heart."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, percent: float, message: str = "") -> None:
        percent = max(0, min(100, int(percent)))
        now = timezone.now()
        Job.objects.filter(pk=self.job.pk).update(progress=percent, message=message[:200], heartbeat_at=now,
                                                  updated_at=now)
        self.job.progress, self.job.message = percent, message

    def log(self, line: str) -> None:
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self.job.log = (self.job.log + f"[{stamp}] {line}\n")[-LOG_LIMIT:]
        Job.objects.filter(pk=self.job.pk).update(log=self.job.log, heartbeat_at=timezone.now())


def job_enqueue(*, actor: User | None, kind: str, title: str, params: dict[str, Any] | None = None,
                retry_of: Job | None = None) -> Job:
    """Store a queued job and hand it to the worker queue once the transaction commits."""
    if kind not in _KINDS:
        raise ValidationFailed(f"未知的后台作业类型:{kind}")
    job = Job.objects.create(kind=kind, title=title[:200], params=params or {}, created_by=actor,
                             retry_of=retry_of)
    audit.record(actor=actor, action="job_enqueue", instance=job, after={"kind": kind, "params": job.params})
    transaction.on_commit(lambda: run_job_task.enqueue(job.pk))
    return job


def job_retry(*, actor: User, job: Job) -> Job:
    if job.status != Job.Status.FAILED:
        raise Conflict("只有失败的作业可以重试")
    return job_enqueue(actor=actor, kind=job.kind, title=job.title, params=job.params, retry_of=job)


@task()
def run_job_task(job_id: int) -> None:
    run_job(job_id)


def _claim(job_id: int) -> Job | None:
    """Move a queued job to running; None if another worker took it or it no longer waits."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, heartbeat_at=now, updated_at=now)
    return Job.objects.get(pk=job_id) if claimed else None


def run_job(job_id: int) -> Job | None:
    """Run one job to the end; its outcome is stored whatever happens."""
    jobs_recover_stale()
    job = _claim(job_id)
    if job is None:
        return None
    progress = Progress(job)
    progress.log(f"开始:{job.title}")
    try:
        outcome = _KINDS[job.kind](job, progress)
    except Exception as exc:  # the job failed: record why, publish nothing
        _finish_failed(job, progress, exc)
    else:
        _finish_succeeded(job, progress, outcome)
    job.refresh_from_db()
    observe_job(job)
    return job


def _finish_succeeded(job: Job, progress: Progress, outcome: JobOutcome) -> None:
    progress.log("完成")
    job.status, job.progress, job.result, job.finished_at = Job.Status.SUCCEEDED, 100, outcome.result, timezone.now()
    job.message = "已完成"
    if outcome.file_name and outcome.file_content is not None:
        job.result_file.save(outcome.file_name, ContentFile(outcome.file_content), save=False)
    job.save(update_fields=["status", "progress", "result", "finished_at", "message", "result_file", "log",
                            "updated_at"])


def _finish_failed(job: Job, progress: Progress, exc: Exception) -> None:
    reason = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, DomainError):
        progress.log(traceback.format_exc(limit=8))
    progress.log(f"失败:{reason}")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, finished_at=timezone.now(),
                                         message=reason[:200], updated_at=timezone.now())


def jobs_recover_stale(*, now: datetime | None = None, stale_after: timedelta = STALE_AFTER) -> int:
    """Mark running jobs whose worker stopped beating as failed; returns how many."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - stale_after)
    count = 0
    for job in stale:
        stamp = timezone.localtime(now).strftime("%H:%M:%S")
        line = f"[{stamp}] 作业进程中断(超过 {stale_after} 无心跳),已标记为失败\n"
        count += Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
            status=Job.Status.FAILED, finished_at=now, message="作业进程中断,可重试", log=job.log + line,
            updated_at=now)
    return count
