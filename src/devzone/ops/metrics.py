"""Prometheus metrics at /metrics.

Request metrics (latency histogram and response counter, labelled by route name, method and status class) are
observed by `ops.middleware.RequestContextMiddleware`; job metrics come from two places: a duration histogram and
a finished counter observed where the job runs (`observe_job`, called by core.jobs.run_job in the worker), and the
current number of jobs per kind and status read from the database at scrape time (`JobTableCollector`), which is
right whichever process ran them.

Several processes (gunicorn workers, `devzone worker`): set PROMETHEUS_MULTIPROC_DIR to the same empty directory
for every process (see deploy/ and docs/deploy.md); prometheus-client then keeps one file per process there and
/metrics adds them up. Without it each process reports only its own counts (fine for `devzone serve`).

Access: /metrics answers only to addresses in DEVZONE_METRICS_ALLOWED_IPS (default the machine itself) or to
`Authorization: Bearer <DEVZONE_METRICS_TOKEN>` when that token is set; everyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

REQUEST_LATENCY = Histogram(
    "devzone_http_request_duration_seconds", "Time to answer an HTTP request, by route name and method.",
    ["route", "method"], buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "devzone_http_requests", "HTTP responses by route name, method and status code.",
    ["route", "method", "status"],
)
JOB_DURATION = Histogram(
    "devzone_job_duration_seconds", "Run time of background jobs, by kind and final status.",
    ["kind", "status"], buckets=JOB_BUCKETS,
)
JOBS_FINISHED = Counter("devzone_jobs_finished", "Background jobs that finished, by kind and status.",
                        ["kind", "status"])


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(route, method).observe(seconds)
    REQUESTS.labels(route, method, str(status)).inc()


def observe_job(job) -> None:
    """Count a finished job and its run time (started → finished)."""
    if job is None or job.started_at is None or job.finished_at is None:
        return
    seconds = max((job.finished_at - job.started_at).total_seconds(), 0.0)
    JOB_DURATION.labels(job.kind, job.status).observe(seconds)
    JOBS_FINISHED.labels(job.kind, job.status).inc()


class JobTableCollector(Collector):
    """`devzone_jobs{kind,status}`: how many jobs the database holds in each state, read at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from devzone.core.models import Job

        family = GaugeMetricFamily("devzone_jobs", "Background jobs in the database by kind and status.",
                                   labels=["kind", "status"])
        try:
            rows = list(Job.objects.values("kind", "status").annotate(n=Count("id")).order_by("kind", "status"))
        except DatabaseError:
            rows = []
        for row in rows:
            family.add_metric([row["kind"], row["status"]], row["n"])
        yield family


def render_metrics() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
        output = generate_latest(registry)
    else:
        output = generate_latest(REGISTRY)
    job_registry = CollectorRegistry()
    job_registry.register(JobTableCollector())
    return output + generate_latest(job_registry)


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    raw = getattr(settings, "METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
    return [ipaddress.ip_network(item, strict=False) for item in raw]


def metrics_access_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip(), token):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_access_allowed(request):
        return HttpResponse("403 禁止访问:监控指标仅对允许的地址或持有监控令牌的请求开放\n", status=403,
                            content_type="text/plain; charset=utf-8")
    return HttpResponse(render_metrics(), content_type=CONTENT_TYPE_LATEST)
