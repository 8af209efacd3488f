"""gunicorn settings for devzone (deploy/systemd/devzone-web.service runs `gunicorn -c this-file`).

Each worker process writes its Prometheus samples to PROMETHEUS_MULTIPROC_DIR; /metrics adds them up. When a
worker exits its live gauges are dropped (child_exit), counters and histograms keep their totals.
"""

import os

wsgi_app = "devzone.wsgi:application"
bind = os.environ.get("DEVZONE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DEVZONE_WEB_WORKERS", "4"))
timeout = 120
graceful_timeout = 30
max_requests = 2000          # recycle workers now and then (memory)
max_requests_jitter = 200
accesslog = None             # the application logs one JSON line per request (logger devzone.request)
errorlog = "-"
forwarded_allow_ips = "127.0.0.1,::1"   # trust X-Forwarded-* from nginx on this machine only
proxy_allow_ips = "127.0.0.1,::1"


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
