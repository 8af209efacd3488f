"""Benchmark: importing a 100,000-row key-project ledger — devzone's import vs a plain openpyxl row-by-row import.

    .venv/bin/python bench/bench_project_import.py [--rows 100000] [--seed 11]

The workbook is the layout counties send (DOMAIN.md §10), written with XlsxWriter: a title row, 单位:万元, a
two-row header (2026年 merged over 年度计划投资 and 1-10月完成投资), four group rows (一、产业项目(N个) …), the
projects spread over 8 counties and their zones, and a 合计 row. 5% of the totals are typed as text
("12,345.6" or "1.2亿"); 0.2% of the rows carry an unreadable total and 0.1% repeat an earlier project.

Each implementation runs in its own subprocess on a fresh SQLite database, in the same run, on the same file
(bench_import.py's child runner and organisation). What is timed is the import alone: read, find the header,
parse and validate every row, write the valid rows in one transaction.

- devzone: `devzone.intake.services.import_file(kind="projects", mode="valid")`, what `devzone import projects`
  runs: file checks, python-calamine, two-row header detection by synonyms, group/total rows, cell parsers with
  units, formula check, duplicate check, jurisdiction and lookups, the bulk path (executemany) writing projects,
  their planned stage and stage event, year plans and the October reports, the batch record and one audit event.
- openpyxl: `load_workbook(read_only=True)`, the header found by its 序号 cell, group and total rows skipped by
  their first cells, the same parsing (numbers with separators and 亿), lookups in dictionaries, duplicates in
  the file, one `exists()` query per row for an existing project, then `objects.create` per row for the
  project, its stage, its stage event, its year plan and its report, inside one transaction.

Both databases are compared afterwards. Results go to bench/results/project_import.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from bench_import import COUNTIES, make_organisation, run_child, setup_database  # noqa: E402

RESULTS = ROOT / "results" / "project_import.json"
HEADER_TOP = ("序号", "项目名称", "建设单位", "所在县区", "所在园区", "建设性质", "建设内容及规模", "建设起止年限",
              "总投资", "截至上年底累计完成投资", "2026年", None, "占年度计划%", "形象进度", "包抓领导", "责任单位",
              "存在问题")
HEADER_BOTTOM = {10: "年度计划投资", 11: "1-10月完成投资"}
GROUPS = ("产业项目", "基础设施项目", "社会民生项目", "房地产项目")
NATURES = ("新建", "扩建", "技改", "续建")
NATURE_CODES = {"新建": "new", "扩建": "expansion", "技改": "renovation", "续建": "continued"}
CATEGORY_CODES = {"产业项目": "industry", "基础设施项目": "infrastructure", "社会民生项目": "livelihood",
                  "房地产项目": "real_estate"}


# --- the workbook ---------------------------------------------------------------------------------------

def write_workbook(path: Path, rows: int, seed: int) -> dict[str, int]:
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("重点项目台账")
    sheet.write_string(0, 0, "2026年全市重点项目推进情况表")
    sheet.write_string(1, 0, "单位:万元")
    for c, label in enumerate(HEADER_TOP):
        if label:
            sheet.write_string(2, c, label)
    for c, label in HEADER_BOTTOM.items():
        sheet.write_string(3, c, label)
    r, planted = 4, {"unreadable_total": 0, "duplicates": 0}
    names: list[tuple[str, str]] = []
    per_group = rows // len(GROUPS)
    for g, group in enumerate(GROUPS):
        count = per_group if g < len(GROUPS) - 1 else rows - per_group * (len(GROUPS) - 1)
        sheet.write_string(r, 0, f"{'一二三四'[g]}、{group}({count}个)")
        r += 1
        for i in range(count):
            r = _write_project(sheet, r, i + 1, len(names), rng, names, planted)
    sheet.write_string(r, 1, "合计")
    book.close()
    return planted


def _write_project(sheet, r: int, number: int, serial: int, rng: random.Random, names: list, planted: dict) -> int:
    county = rng.randrange(len(COUNTIES))
    name, owner = f"测试项目{serial:06d}", f"测试建设单位{serial:06d}有限公司"
    roll = rng.random()
    if roll < 0.001 and names:
        name, owner = rng.choice(names)
        planted["duplicates"] += 1
    names.append((name, owner))
    total = round(rng.uniform(2000, 300000), 1)
    plan = round(total * rng.uniform(0.1, 0.5), 1)
    ytd = round(plan * rng.uniform(0, 1.1), 1)
    start = rng.randint(2024, 2026)
    total_cell: object = total
    if 0.001 <= roll < 0.003:
        total_cell = "待定"
        planted["unreadable_total"] += 1
    elif rng.random() < 0.05:
        total_cell = f"{total / 10000:.6g}亿" if rng.random() < 0.5 else f"{total:,.1f}"
    values = [number, name, owner, COUNTIES[county], f"{COUNTIES[county][:2]}产业园" if rng.random() < 0.5 else "",
              rng.choice(NATURES), "新建厂房及配套设施", f"{start}-{start + rng.randint(1, 3)}", total_cell, None, plan,
              ytd, None, f"主体施工{rng.randint(0, 100)}%", f"领导{county + 1}", "市发改委",
              "用地手续办理中" if rng.random() < 0.1 else ""]
    for c, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, str):
            sheet.write_string(r, c, value)
        else:
            sheet.write_number(r, c, value)
    return r + 1


# --- the implementations ----------------------------------------------------------------------------------

def run_devzone(path: Path, admin) -> dict:
    from devzone.intake import services

    batch, _parsed = services.import_file(actor=admin, kind="projects", data=path.read_bytes(), filename=path.name,
                                          mode="valid")
    return {"created": batch.created_count, "updated": batch.updated_count, "rejected": batch.rejected_rows}


_NUMBER = re.compile(r"^-?[\d,]+(?:\.\d+)?$")
_GROUP = re.compile(r"^[一二三四五六七八九十]+、")


def baseline_number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return Decimal(repr(float(value)))
    text = str(value).strip()
    if text.endswith("亿") and _NUMBER.match(text[:-1]):
        return Decimal(text[:-1].replace(",", "")) * 10000
    if _NUMBER.match(text):
        return Decimal(text.replace(",", ""))
    raise ValueError(text)


def run_openpyxl(path: Path, admin) -> dict:
    from datetime import date

    from django.db import transaction
    from django.utils import timezone
    from openpyxl import load_workbook

    from devzone.core.models import Region, Zone
    from devzone.projects.models import ProgressReport, Project, ProjectStage, ProjectYearPlan, Stage, StageEvent

    counties = {r.name: r for r in Region.objects.filter(level="county")}
    zones = {z.name: z for z in Zone.objects.all()}
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    for row in rows:
        if row and row[0] == "序号":
            next(rows)  # the second header row
            break
    created = rejected = 0
    seen: set[tuple[str, str]] = set()
    category, now, today = "industry", timezone.now(), timezone.localdate()
    with transaction.atomic():
        for row in rows:
            first = row[0]
            if isinstance(first, str) and _GROUP.match(first):
                category = CATEGORY_CODES.get(re.sub(r"[一二三四、]|\(.*\)", "", first), "industry")
                continue
            if row[1] == "合计" or not row[1]:
                continue
            try:
                total, plan, ytd = (baseline_number(row[i]) for i in (8, 10, 11))
            except ValueError:
                rejected += 1
                continue
            key = (row[1], row[2])
            if key in seen or total is None:
                rejected += 1
                continue
            seen.add(key)
            if Project.objects.filter(name=row[1], owner_name=row[2]).exists():
                rejected += 1
                continue
            start, end = (int(part) for part in str(row[7]).split("-"))
            project = Project.objects.create(
                name=row[1], owner_name=row[2], region=counties[row[3]], zone=zones.get(row[4]) if row[4] else None,
                nature=NATURE_CODES[row[5]], content_scale=row[6] or "", start_year=start, end_year=end,
                total_investment=total.quantize(Decimal("0.01")), category=category, leader_name=row[14] or "",
                responsible_unit_name=row[15] or "")
            ProjectStage.objects.create(project=project, stage=Stage.PLANNED, actual_date=today, status="verified",
                                        declared_by=admin, declared_at=now, verified_by=admin, verified_at=now)
            StageEvent.objects.create(project=project, action="enter", stage=Stage.PLANNED, on=today, actor=admin)
            ProjectYearPlan.objects.create(project=project, year=2026, planned_investment=plan)
            percent = int(re.search(r"(\d+)%", row[13]).group(1)) if row[13] else 0
            ProgressReport.objects.create(project=project, period=date(2026, 10, 1), investment_month=ytd,
                                          image_progress=row[13] or "", image_percent=percent,
                                          problems=row[16] or "", submitted_by=admin, submitted_at=now)
            created += 1
    return {"created": created, "updated": 0, "rejected": rejected}


def fingerprint() -> dict:
    from django.db.models import Count, Sum

    from devzone.projects.models import ProgressReport, Project, ProjectStage, ProjectYearPlan

    sums = Project.objects.aggregate(total=Sum("total_investment"))
    return {"projects": Project.objects.count(), "stages": ProjectStage.objects.count(),
            "plans": ProjectYearPlan.objects.count(), "reports": ProgressReport.objects.count(),
            "in_zones": Project.objects.exclude(zone=None).count(),
            "by_category": dict(Project.objects.values_list("category").annotate(n=Count("pk")).order_by("category")),
            "total": str(sums["total"]),
            "plan": str(ProjectYearPlan.objects.aggregate(s=Sum("planned_investment"))["s"]),
            "reported": str(ProgressReport.objects.aggregate(s=Sum("investment_month"))["s"])}


def child(implementation: str, path: Path) -> None:
    setup_database()
    admin = make_organisation()
    run = {"devzone": run_devzone, "openpyxl": run_openpyxl}[implementation]
    start = time.perf_counter()
    counts = run(path, admin)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": round(seconds, 2), **counts, "fingerprint": fingerprint()}, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--child", choices=("devzone", "openpyxl"))
    parser.add_argument("--file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT.parent / "src"))
    if args.child:
        child(args.child, Path(args.file))
        return
    with tempfile.TemporaryDirectory(prefix="bench-project-import-") as work:
        path = Path(work) / "projects.xlsx"
        planted = write_workbook(path, args.rows, args.seed)
        size = path.stat().st_size
        print(f"workbook: {args.rows} rows, {size / 1e6:.1f} MB", flush=True)
        results = {}
        for implementation in ("devzone", "openpyxl"):
            load_before = os.getloadavg()[0]
            results[implementation] = run_child(implementation, path, script=__file__)
            results[implementation]["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            print(f"{implementation}: {results[implementation]['seconds']} s", flush=True)
    agree = results["devzone"]["fingerprint"] == results["openpyxl"]["fingerprint"]
    report = {
        "benchmark": "key-project ledger import (DOMAIN.md §10 layout), parse + validate + write, fresh SQLite each",
        "rows": args.rows, "file_bytes": size, "seed": args.seed, "planted_rejections": planted,
        "devzone_seconds": results["devzone"]["seconds"], "openpyxl_seconds": results["openpyxl"]["seconds"],
        "speedup": round(results["openpyxl"]["seconds"] / results["devzone"]["seconds"], 2),
        "targets": {"at_least_5x": results["openpyxl"]["seconds"] >= 5 * results["devzone"]["seconds"],
                    "under_20_s": results["devzone"]["seconds"] < 20},
        "same_result": agree, "results": results,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "note": "shared with other engineers' jobs; load_average_1min is sampled before/after each run"},
        "command": f"python bench/bench_project_import.py --rows {args.rows} --seed {args.seed}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("devzone_seconds", "openpyxl_seconds", "speedup", "same_result")}))
    if not agree:
        raise SystemExit("the two implementations wrote different data")


if __name__ == "__main__":
    main()
