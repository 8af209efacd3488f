"""Drill: PostgreSQL is restarted while the application is under write load.

    PYTHONPATH=src .venv/bin/python bench/faults/drill_pg_restart.py [--writers 4] [--seconds 40]

Careful: this restarts the local PostgreSQL cluster (`pg_ctlcluster 15 main restart`, or DEVZONE_DRILL_RESTART),
which every database on it shares. A fresh database gets a small organisation; gunicorn serves it; WRITERS threads
create zones through the API (each 201 answer names a committed row) and read /readyz; after a few seconds the
cluster is restarted; the writers go on for SECONDS in all. Expected: the application recovers by itself (requests
succeed again after the restart, gunicorn is never restarted) and every write that was answered 201 is in the
database afterwards. Errors during the outage itself are counted and reported, not hidden.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from common import ROOT, VENV_BIN, django_eval, drop_database, environment, fresh_database, record

DATABASE = "dz_drill_restart"
PORT = 8766
RESTART = os.environ.get("DEVZONE_DRILL_RESTART", "pg_ctlcluster 15 main restart")
SEED = """
from devzone.core.reference import ensure_reference_data
from devzone.core import services
ensure_reference_data()
province = services.region_create(actor=None, name="江北省", level="province", code="990000")
city = services.region_create(actor=None, name="云澜市", level="city", parent=province, code="990100")
admin = services.user_create(actor=None, username="drill", password=None, is_superuser=True)
print(services.api_token_create(actor=None, user=admin, name="drill", days=1)[1] + " " + str(city.pk))
"""


class Writers:
    def __init__(self, token: str, region_id: int) -> None:
        self.token, self.region_id = token, region_id
        self.lock = threading.Lock()
        self.created: list[int] = []
        self.log: list[tuple[float, str, int]] = []  # (start time, kind, status; 0 = no answer in time)
        self.stop = threading.Event()
        self.counter = 0

    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, {}
        except (urllib.error.URLError, OSError, TimeoutError):
            return 0, {}

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                self.counter += 1
                n = self.counter
            started = time.time()
            status, body = self._request("POST", "/api/v1/zones", {
                "name": f"演练园区{n:05d}", "level": "county", "kind": "park", "region_id": self.region_id})
            with self.lock:
                self.log.append((started, "write", status))
                if status == 201:
                    self.created.append(body["id"])
            started = time.time()
            status, _ = self._request("GET", "/readyz")
            with self.lock:
                self.log.append((started, "readyz", status))
            time.sleep(0.05)


def wait_for_health() -> None:
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--restart-after", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="devzone-drill-restart-"))
    fresh_database(DATABASE)
    env = environment(DATABASE, work / "var", DEVZONE_BIND=f"127.0.0.1:{PORT}", DEVZONE_WEB_WORKERS="3",
                      PROMETHEUS_MULTIPROC_DIR=str(work / "metrics"))
    (work / "metrics").mkdir()
    server = None
    try:
        subprocess.run([str(VENV_BIN / "python"), "-m", "devzone.cli", "migrate"], env=env, check=True,
                       capture_output=True)
        token, region_id = django_eval(env, SEED).split()
        server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                                  env=env, stdout=open(work / "gunicorn.log", "w"),  # noqa: SIM115
                                  stderr=subprocess.STDOUT,
                                  start_new_session=True)
        wait_for_health()
        writers = Writers(token, int(region_id))
        threads = [threading.Thread(target=writers.run) for _ in range(args.writers)]
        for thread in threads:
            thread.start()
        time.sleep(args.restart_after)
        restart_at = time.time()
        restart = subprocess.run(shlex.split(RESTART), capture_output=True, text=True)
        restart_done = time.time()
        time.sleep(max(args.seconds - args.restart_after, 5))
        writers.stop.set()
        for thread in threads:
            thread.join()
        server_pid_unchanged = server.poll() is None
        stored = set(json.loads(django_eval(env, "from devzone.core.models import Zone\nimport json\n"
                                                 "print(json.dumps(list(Zone.objects.values_list('id', flat=True))))")))
        lost = sorted(set(writers.created) - stored)
        after = [s for t, kind, s in writers.log if t > restart_done + 5]
        before = [s for t, kind, s in writers.log if t < restart_at]
        during = [s for t, kind, s in writers.log if restart_at <= t <= restart_done + 5]
        result = {
            "command": "PYTHONPATH=src .venv/bin/python bench/faults/drill_pg_restart.py " +
                       f"--writers {args.writers} --seconds {args.seconds}",
            "ran_at": datetime.now(UTC).isoformat(timespec="seconds"), "restart_command": RESTART,
            "restart_exit_code": restart.returncode, "restart_seconds": round(restart_done - restart_at, 1),
            "writes_answered_201": len(writers.created), "committed_writes_lost": len(lost),
            "requests_before_restart": {"total": len(before), "errors": sum(1 for s in before if s >= 500 or s == 0)},
            "classified_by": "request start time; the window is the restart plus 5 s; status 0 = no answer in 15 s",
            "requests_during_restart_window": {"total": len(during),
                                               "errors": sum(1 for s in during if s >= 500 or s == 0)},
            "requests_after_recovery": {"total": len(after), "errors": sum(1 for s in after if s >= 500 or s == 0)},
            "gunicorn_kept_running": server_pid_unchanged,
        }
        result["passed"] = (restart.returncode == 0 and not lost and server_pid_unchanged and after
                            and result["requests_after_recovery"]["errors"] == 0)
        record("postgresql_restart_under_load", result)
        print(json.dumps(result, ensure_ascii=False))
        return 0 if result["passed"] else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True)  # make sure it is up
        drop_database(DATABASE)


if __name__ == "__main__":
    raise SystemExit(main())
