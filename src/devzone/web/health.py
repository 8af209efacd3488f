"""Liveness and readiness for load balancers and monitoring.

/healthz answers while the process serves requests (no database). /readyz checks the database with one query
and that background jobs are being picked up: a job queued for longer than READY_QUEUE_DELAY means no worker is
draining the queue.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

READY_QUEUE_DELAY = timedelta(minutes=5)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    from devzone.core.models import Job

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        waiting = Job.objects.filter(status=Job.Status.QUEUED,
                                     created_at__lt=timezone.now() - READY_QUEUE_DELAY).count()
        checks["worker"] = "ok" if waiting == 0 else f"{waiting} 个作业排队超过 5 分钟,后台作业进程可能未运行"
    except DatabaseError as exc:
        checks["database"] = f"数据库不可用:{type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
