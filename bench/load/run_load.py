"""Load bench: demo data on PostgreSQL, gunicorn, locust headless with a mixed workload; writes bench/results/load.json.

    PYTHONPATH=src .venv/bin/python bench/load/run_load.py --scale 10 --users 50 --duration 10m

Steps: (1) a fresh PostgreSQL database loaded with `devzone demo --scale N` (skip with --reuse), (2) API tokens
for county1 … countyK, (3) gunicorn with deploy/gunicorn.conf.py, (4) `locust --headless -u USERS` with
bench/load/locustfile.py for DURATION, (5) per-page throughput and p50/p95/p99 from locust's CSV, each page's p95
divided by the p95 of the trivial view (/healthz) in the same run, against the target "p95 within 5×".
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TARGET_RATIO = 5.0
TRIVIAL = "trivial: /healthz"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--spawn-rate", type=float, default=5)
    p.add_argument("--duration", default="10m", help="locust run time, e.g. 10m, 180s")
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--database", default="dz_load", help="PostgreSQL database name on 127.0.0.1 (recreated)")
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--reuse", action="store_true", help="keep the database and data directory of a previous run")
    p.add_argument("--work-dir", default=str(Path(tempfile.gettempdir()) / "devzone-load"))
    p.add_argument("--output", default=str(ROOT / "bench" / "results" / "load.json"))
    return p.parse_args()


def environment(args: argparse.Namespace, work: Path) -> dict[str, str]:
    (work / "metrics").mkdir(parents=True, exist_ok=True)  # the demo and token steps record metrics too
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"),
            "DEVZONE_DATABASE_URL": f"{args.pg}/{args.database}", "DEVZONE_DATA_DIR": str(work / "var"),
            "DEVZONE_SECRET_KEY": "load-bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEVZONE_DEBUG": "0", "DEVZONE_HTTPS": "0", "DEVZONE_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DEVZONE_WEB_WORKERS": str(args.workers), "DEVZONE_BIND": f"127.0.0.1:{args.port}",
            "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}


def build_demo(args: argparse.Namespace, env: dict[str, str], work: Path) -> float:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", args.database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], check=True)
    shutil.rmtree(work / "var", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([str(VENV_BIN / "python"), "-m", "devzone.cli", "demo", "--scale", str(args.scale), "--no-serve"],
                   env=env, check=True, cwd=work)
    return time.perf_counter() - start


TOKEN_SCRIPT = """
import json, sys
from devzone.cli import setup_django
setup_django()
from devzone.core.models import User
from devzone.core.services import api_token_create
users = sorted(User.objects.filter(username__regex=r'^county[0-9]+$'), key=lambda u: int(u.username[6:]))
tokens = {u.username: api_token_create(actor=None, user=u, name='load bench', days=1)[1]
          for u in users[:int(sys.argv[1])]}
print(json.dumps(tokens))
"""


def make_tokens(args: argparse.Namespace, env: dict[str, str], work: Path) -> Path:
    out = subprocess.run([str(VENV_BIN / "python"), "-c", TOKEN_SCRIPT, str(args.users)], env=env, check=True,
                         capture_output=True, text=True, cwd=work).stdout
    path = work / "tokens.json"
    path.write_text(out.strip().splitlines()[-1], encoding="utf-8")
    return path


def start_server(env: dict[str, str], work: Path, port: int) -> subprocess.Popen:
    metrics = Path(env["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
                              env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 120 s; see " + str(work / "gunicorn.log"))


def run_locust(args: argparse.Namespace, env: dict[str, str], work: Path, tokens: Path) -> Path:
    prefix = work / "locust"
    locust_env = {**env, "DEVZONE_LOAD_TOKENS": str(tokens), "DEVZONE_LOAD_OUTCOMES": str(work / "outcomes.json")}
    subprocess.run([str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                    "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.duration,
                    "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
                    "--stop-timeout", "10"], env=locust_env, cwd=work, check=False)
    return Path(str(prefix) + "_stats.csv")


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def summarise(stats_csv: Path) -> dict:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    pages = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            continue
        pages[row["Name"]] = {
            "method": row["Type"], "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
            "throughput_rps": round(float(row["Requests/s"]), 2), "p50_ms": _ms(row["50%"]),
            "p95_ms": _ms(row["95%"]), "p99_ms": _ms(row["99%"]),
            "mean_ms": round(float(row["Average Response Time"]), 1),
        }
    total = next(r for r in rows if r["Name"] == "Aggregated")
    trivial_p95 = pages[TRIVIAL]["p95_ms"]
    for name, page in pages.items():
        ratio = page["p95_ms"] / trivial_p95 if page["p95_ms"] and trivial_p95 else None
        page["p95_ratio_to_trivial"] = round(ratio, 2) if ratio is not None else None
        page["within_target"] = name == TRIVIAL or (page["p95_ratio_to_trivial"] or 0) <= TARGET_RATIO
    return {"pages": pages, "trivial_p95_ms": trivial_p95,
            "total": {"requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
                      "throughput_rps": round(float(total["Requests/s"]), 2)}}


def main() -> int:
    args = parse_args()
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    env = environment(args, work)
    demo_seconds = None if args.reuse else build_demo(args, env, work)
    tokens = make_tokens(args, env, work)
    server = start_server(env, work, args.port)
    try:
        started = datetime.now(UTC)
        stats_csv = run_locust(args, env, work, tokens)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    summary = summarise(stats_csv)
    outcomes_file = work / "outcomes.json"
    result = {
        "benchmark": "load: mixed workload of county users (lists, details, dashboard, report submission, "
                     "problem handling) against gunicorn + PostgreSQL",
        "command": "PYTHONPATH=src .venv/bin/python bench/load/run_load.py " + " ".join(sys.argv[1:]),
        "started_at": started.isoformat(timespec="seconds"),
        "scale": args.scale, "users": args.users, "duration": args.duration, "gunicorn_workers": args.workers,
        "database": "PostgreSQL", "demo_build_seconds": round(demo_seconds, 1) if demo_seconds else None,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_after": os.getloadavg()},
        "write_outcomes": json.loads(outcomes_file.read_text()) if outcomes_file.exists() else {},
        "target": f"zero errors; p95 of every page within {TARGET_RATIO}x the trivial view's p95",
        **summary,
    }
    pages_ok = all(p["within_target"] for p in summary["pages"].values())
    result["target_met"] = {"zero_errors": summary["total"]["failures"] == 0, "p95_within_ratio": pages_ok}
    Path(args.output).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("total", "trivial_p95_ms", "target_met")}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
