"""Benchmark: the leaders' cockpit and the project map on the scale-1 demo (600 projects, 5,109 reports, 400 leads,
160 problems, 8,640 indicator values, two evaluation runs), devzone's assembly side by side with baselines.

    .venv/bin/python bench/bench_cockpit.py [--data-dir DIR] [--repeat 5]

Without --data-dir the script loads `devzone demo --scale 1 --no-serve` into a new temporary data directory
(SQLite) first. Then, signed in as the demo's city user, it times (median of --repeat runs, after one warm-up):

- cockpit: `web.cockpit.board(user=city)` — the whole cockpit's data (KPIs, funnel, monthly investment, county
  ranking, attraction, overdue by unit, indicators, latest evaluation); baseline: the same project KPIs computed
  county by county (`project_kpis(region_id=county)` once per county, the way a page would loop), plus the rest;
- county board: `web.cockpit.board(user=city, region=county)` for the first county;
- map layer: `maps.projects_layer` (the ledger's light only, through values()); baseline: the same features built
  from the fully annotated ledger rows (`project_list(...)` model instances), which the first version used.

Query counts come from Django's CaptureQueriesContext. Results go to bench/results/cockpit.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "cockpit.json"


def timed(fn, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm-up
    times = []
    with CaptureQueriesContext(connection) as queries:
        fn()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries.captured_queries)


def baseline_layer(user) -> dict:
    from django.urls import reverse

    from devzone.projects import selectors
    from devzone.web.maps import feature_collection

    features = []
    for p in selectors.project_list(user=user, filters={}).filter(lon__isnull=False, lat__isnull=False):
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(p.lon), float(p.lat)]},
                         "properties": {"id": p.pk, "name": p.name, "url": reverse("projects:detail", args=[p.pk]),
                                        "stage": p.stage, "light": p.light}})
    return feature_collection(features)


def baseline_cockpit(user) -> None:
    from django.utils import timezone

    from devzone.core import selectors as core_selectors
    from devzone.projects import selectors
    from devzone.web import cockpit

    today = timezone.localdate()
    for county in core_selectors.counties_in_scope(user=user):
        selectors.project_kpis(user=user, cohort=str(today.year), as_of=today, region_id=county.pk)
    cockpit.board(user=user)


def measure(repeat: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devzone.settings")
    django.setup()
    from devzone.core.models import Region, User
    from devzone.projects.models import Project
    from devzone.web import cockpit, maps

    city = User.objects.get(username="city")
    county = Region.objects.filter(level="county").order_by("sort_order", "path").first()
    figures = {}
    for name, fn in (
            ("cockpit", lambda: cockpit.board(user=city)),
            ("cockpit_baseline_per_county_kpis", lambda: baseline_cockpit(city)),
            ("county_board", lambda: cockpit.board(user=city, region=county)),
            ("map_projects_layer", lambda: maps.projects_layer(city, {})),
            ("map_projects_layer_baseline_full_ledger", lambda: baseline_layer(city))):
        seconds, queries = timed(fn, repeat)
        figures[name] = {"seconds": round(seconds, 4), "queries": queries}
        print(f"{name:45s} {seconds * 1000:9.1f} ms {queries:4d} queries", flush=True)
    assert len(maps.projects_layer(city, {})["features"]) == len(baseline_layer(city)["features"])
    return {"projects": Project.objects.count(), "figures": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat)))
        return
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="devzone-bench-cockpit-")
    env = {**os.environ, "DEVZONE_DATA_DIR": data_dir, "DEVZONE_DEBUG": "1"}
    src = str(ROOT.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    if not args.data_dir:
        subprocess.run([sys.executable, "-m", "devzone.cli", "demo", "--scale", "1", "--no-serve"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([sys.executable, __file__, "--child", "--repeat", str(args.repeat)], env=env, check=True,
                         capture_output=True, text=True)
    print(out.stdout.rsplit("\n", 2)[0])
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result.update({"scale": 1, "database": "sqlite", "repeat": args.repeat, "python": platform.python_version(),
                   "machine": platform.machine(), "cpus": os.cpu_count()})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
