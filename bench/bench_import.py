"""Benchmark: importing a 100,000-row enterprise ledger — devzone's import vs a straightforward openpyxl import.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--seed 7]

The script writes one ledger-style workbook with XlsxWriter (constant_memory): a title row, a unit row
(单位:万元), a header, then `--rows` enterprises over 8 counties, their townships and 10 zones, with one year
of figures; 0.2% of the rows carry a wrong credit-code check character and 0.1% repeat an earlier code.

Each implementation then runs in its own subprocess on its own fresh SQLite database (DEVZONE_DATA_DIR
points at a new temporary directory; the child runs `migrate` and creates the same organisation), in the
same run, one after the other, on the same file. What is timed is the import alone: read the file, find the
header, parse and validate every row, write the valid rows in one transaction.

- devzone: `devzone.intake.services.import_file(..., mode="valid")`, exactly what `devzone import` runs:
  magic-byte and zip-bomb checks, python-calamine, header detection by synonyms, unit handling, formula
  check on every cell, cell parsers, duplicate check, jurisdiction and lookups, the batch record with its
  stored file and preview, bulk_create/bulk_update in one transaction, one audit event.
- openpyxl: `load_workbook(read_only=True)`, the header found by its first cell, the same checks per row
  (credit code check character, duplicates in the file, county/township/zone/industry lookups in
  dictionaries, numbers with thousands separators, one `exists()` query per code), then
  `Enterprise.objects.create` and `EnterpriseYear.objects.create` per row, inside one transaction.

Both databases are compared afterwards (the same enterprises and figures must have been written).
Results go to bench/results/import.json. openpyxl is needed for the baseline (pip install openpyxl).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "import.json"
COUNTIES = ("澜江区", "北湖区", "云台县", "石门县", "青川县", "龙泉市", "白沙县", "临江区")
TOWNS_PER_COUNTY = 6
HEADER = ("序号", "统一社会信用代码", "企业名称", "所在县区", "所在乡镇", "所在园区", "行业代码", "企业规模",
          "是否规上", "高新技术企业", "专精特新", "年度", "用地面积(亩)", "营业收入", "工业总产值", "工业增加值",
          "实缴税金", "利润", "从业人员", "综合能耗", "排放当量", "R&D经费", "用电量")
INDUSTRIES = ("C13", "C14", "C17", "C18", "C26", "C30", "C33", "C34", "C35", "C38", "C39", "I65")
SIZES = ("大型", "中型", "小型", "微型")


# --- the workbook ---------------------------------------------------------------------------------------

def credit_code(rng: random.Random, region_code: str, taken: set[str]) -> str:
    from devzone.enterprises.credit_code import ALPHABET, check_character

    while True:
        body = "91" + region_code + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code not in taken:
            taken.add(code)
            return code


def write_workbook(path: Path, rows: int, seed: int) -> dict[str, int]:
    """The ledger; returns how many rows are meant to be rejected."""
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("企业台账")
    sheet.write_string(0, 0, "2025年度全市工业企业台账")
    sheet.write_string(1, 0, "单位:万元")
    for c, label in enumerate(HEADER):
        sheet.write_string(2, c, label)
    taken: set[str] = set()
    codes: list[str] = []
    bad = duplicate = 0
    for i in range(rows):
        county = rng.randrange(len(COUNTIES))
        code = credit_code(rng, f"99{county + 1:02d}01", taken)
        roll = rng.random()
        if roll < 0.002:
            code = code[:17] + ("0" if code[17] != "0" else "1")
            bad += 1
        elif roll < 0.003 and codes:
            code = rng.choice(codes)
            duplicate += 1
        codes.append(code)
        _write_row(sheet, 3 + i, i + 1, code, county, rng)
    book.close()
    return {"bad_check_character": bad, "duplicates": duplicate}


def _write_row(sheet, r: int, number: int, code: str, county: int, rng: random.Random) -> None:
    town = f"{COUNTIES[county][:2]}第{rng.randrange(TOWNS_PER_COUNTY) + 1}镇" if rng.random() < 0.6 else ""
    zone = f"{COUNTIES[county][:2]}产业园" if rng.random() < 0.5 else ""
    revenue = round(rng.lognormvariate(8.5, 1.1), 2)
    values = [number, code, f"测试企业{number:06d}有限公司", COUNTIES[county], town, zone, rng.choice(INDUSTRIES),
              rng.choice(SIZES), "是" if rng.random() < 0.3 else "否", "是" if rng.random() < 0.1 else "否",
              "否", 2025, round(rng.uniform(5, 300), 2), revenue, round(revenue * rng.uniform(0.9, 1.1), 2),
              round(revenue * rng.uniform(0.2, 0.35), 2), round(revenue * rng.uniform(0.02, 0.07), 2),
              round(revenue * rng.uniform(-0.03, 0.12), 2), rng.randint(8, 2000), round(rng.uniform(1, 900), 2),
              round(rng.uniform(0, 5), 3), round(revenue * rng.uniform(0, 0.05), 2), rng.randint(1000, 9_000_000)]
    if rng.random() < 0.05:  # some figures typed as text the way counties do
        values[13] = f"{revenue:,.2f}"
    for c, value in enumerate(values):
        if isinstance(value, str):
            sheet.write_string(r, c, value)
        else:
            sheet.write_number(r, c, value)


# --- the child process: a fresh database and one implementation --------------------------------------------

def setup_database() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devzone.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def make_organisation():
    """Province, city, 8 counties with townships, one zone per county, an administrator (the importer)."""
    from devzone.core import services as core
    from devzone.core.reference import ensure_reference_data

    ensure_reference_data()
    admin = core.user_create(actor=None, username="bench-admin", password=None, is_superuser=True)
    province = core.region_create(actor=None, name="江北省", level="province", code="990000")
    city = core.region_create(actor=None, name="云澜市", level="city", parent=province, code="990100")
    for n, name in enumerate(COUNTIES, start=1):
        county = core.region_create(actor=None, name=name, level="county", parent=city, code=f"99{n:02d}01")
        for t in range(1, TOWNS_PER_COUNTY + 1):
            core.region_create(actor=None, name=f"{name[:2]}第{t}镇", level="township", parent=county,
                               code=f"99{n:02d}01{t:03d}")
        core.zone_create(actor=admin, data={"name": f"{name[:2]}产业园", "level": "county", "kind": "park",
                                            "region": county})
    return admin


def run_devzone(path: Path, admin) -> dict:
    from devzone.intake import services

    data = path.read_bytes()
    batch, _parsed = services.import_file(actor=admin, kind="enterprises", data=data, filename=path.name,
                                          mode="valid")
    return {"created": batch.created_count, "updated": batch.updated_count, "rejected": batch.rejected_rows}


def run_openpyxl(path: Path, admin) -> dict:
    from django.db import transaction
    from openpyxl import load_workbook

    from devzone.core.jurisdiction import scope_for
    from devzone.core.models import Region, Zone
    from devzone.enterprises.credit_code import credit_code_problem
    from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry

    scope = scope_for(admin)
    counties = {r.name: r for r in Region.objects.filter(level="county")}
    towns = {(r.parent_id, r.name): r for r in Region.objects.filter(level="township")}
    zones = {z.name: z for z in Zone.objects.select_related("region")}
    industries = {i.code: i for i in Industry.objects.all()}
    sizes = {"大型": "large", "中型": "medium", "小型": "small", "微型": "micro"}
    sheet = load_workbook(str(path), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    for row in rows:
        if row and row[0] == "序号":
            columns = {label: index for index, label in enumerate(row)}
            break
    seen: set[str] = set()
    created = rejected = 0
    with transaction.atomic():
        for row in rows:
            clean = _baseline_row(row, columns, seen, counties, towns, zones, industries, sizes, scope,
                                  credit_code_problem)
            if clean is None or Enterprise.objects.filter(credit_code=clean["credit_code"]).exists():
                rejected += 1
                continue
            figures = clean.pop("figures")
            enterprise = Enterprise.objects.create(**clean)
            EnterpriseYear.objects.create(enterprise=enterprise, year=2025, **figures)
            created += 1
    return {"created": created, "updated": 0, "rejected": rejected}


def _number(value):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.replace(",", "").strip()
    return Decimal(str(value))


def _baseline_row(row, columns, seen, counties, towns, zones, industries, sizes, scope, problem_of) -> dict | None:
    code = str(row[columns["统一社会信用代码"]] or "").strip().upper()
    if problem_of(code) or code in seen:
        return None
    seen.add(code)
    county = counties.get(row[columns["所在县区"]])
    if county is None or not scope.covers_path(county.path):
        return None
    region = towns.get((county.pk, row[columns["所在乡镇"]]), county) if row[columns["所在乡镇"]] else county
    zone = zones.get(row[columns["所在园区"]]) if row[columns["所在园区"]] else None
    industry = industries.get(row[columns["行业代码"]])
    size = sizes.get(row[columns["企业规模"]])
    if (row[columns["所在园区"]] and zone is None) or industry is None or size is None:
        return None
    money = {"revenue": "营业收入", "output": "工业总产值", "value_added": "工业增加值", "tax": "实缴税金",
             "profit": "利润", "rd_expense": "R&D经费", "land_mu": "用地面积(亩)", "energy_tce": "综合能耗"}
    figures = {key: _number(row[columns[label]]).quantize(Decimal("0.01")) for key, label in money.items()}
    if figures["tax"] < 0 or figures["land_mu"] < 0 or figures["energy_tce"] < 0:
        return None
    figures["emission_eq"] = _number(row[columns["排放当量"]]).quantize(Decimal("0.001"))
    figures["employees"] = int(row[columns["从业人员"]])
    figures["electricity_kwh"] = _number(row[columns["用电量"]]).quantize(Decimal("1"))
    return {"credit_code": code, "name": row[columns["企业名称"]], "region": region, "zone": zone,
            "industry": industry, "size": size, "above_size": row[columns["是否规上"]] == "是",
            "high_tech": row[columns["高新技术企业"]] == "是", "specialised": row[columns["专精特新"]] == "是",
            "figures": figures}


def fingerprint() -> dict:
    """What was written, to check both implementations agree."""
    from django.db.models import Count, Sum

    from devzone.enterprises.models import Enterprise, EnterpriseYear

    totals = EnterpriseYear.objects.aggregate(revenue=Sum("revenue"), tax=Sum("tax"), land=Sum("land_mu"),
                                              employees=Sum("employees"), kwh=Sum("electricity_kwh"))
    return {"enterprises": Enterprise.objects.count(), "years": EnterpriseYear.objects.count(),
            "above_size": Enterprise.objects.filter(above_size=True).count(),
            "in_townships": Enterprise.objects.filter(region__level="township").count(),
            "in_zones": Enterprise.objects.exclude(zone=None).count(),
            "by_size": dict(Enterprise.objects.values_list("size").annotate(n=Count("pk")).order_by("size")),
            **{k: str(v) for k, v in totals.items()}}


def child(implementation: str, path: Path) -> None:
    setup_database()
    admin = make_organisation()
    run = {"devzone": run_devzone, "openpyxl": run_openpyxl}[implementation]
    start = time.perf_counter()
    counts = run(path, admin)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": round(seconds, 2), **counts, "fingerprint": fingerprint()}, ensure_ascii=False))


# --- the parent -----------------------------------------------------------------------------------------

def run_child(implementation: str, path: Path, script: str = __file__) -> dict:
    """Run `script --child implementation --file path` on a fresh SQLite database; its last line of JSON."""
    with tempfile.TemporaryDirectory(prefix=f"bench-import-{implementation}-") as data_dir:
        env = {**os.environ, "DEVZONE_DATA_DIR": data_dir, "DEVZONE_DEBUG": "0", "DEVZONE_DATABASE_URL": "",
               "DEVZONE_SECRET_KEY": "bench-only-" + "k" * 40}
        done = subprocess.run([sys.executable, script, "--child", implementation, "--file", str(path)], env=env,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{implementation} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--child", choices=("devzone", "openpyxl"))
    parser.add_argument("--file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT.parent / "src"))
    if args.child:
        child(args.child, Path(args.file))
        return
    with tempfile.TemporaryDirectory(prefix="bench-import-") as work:
        path = Path(work) / "enterprises.xlsx"
        started = time.perf_counter()
        planted = write_workbook(path, args.rows, args.seed)
        generated = time.perf_counter() - started
        print(f"workbook: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB, written in {generated:.1f} s",
              flush=True)
        results = {}
        for implementation in ("devzone", "openpyxl"):
            load_before = os.getloadavg()[0]
            results[implementation] = run_child(implementation, path)
            results[implementation]["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            print(f"{implementation}: {results[implementation]['seconds']} s", flush=True)
        size = path.stat().st_size
    agree = results["devzone"]["fingerprint"] == results["openpyxl"]["fingerprint"]
    report = {
        "benchmark": "enterprise ledger import, parse + validate + write, fresh SQLite database each",
        "rows": args.rows, "file_bytes": size, "seed": args.seed, "planted_rejections": planted,
        "devzone_seconds": results["devzone"]["seconds"], "openpyxl_seconds": results["openpyxl"]["seconds"],
        "speedup": round(results["openpyxl"]["seconds"] / results["devzone"]["seconds"], 2),
        "same_result": agree, "results": results,
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
                    "note": "shared with other engineers' jobs; load_average_1min is sampled before/after each run"},
        "command": f"python bench/bench_import.py --rows {args.rows} --seed {args.seed}",
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: report[k] for k in ("devzone_seconds", "openpyxl_seconds", "speedup", "same_result")}))
    if not agree:
        raise SystemExit("the two implementations wrote different data")


if __name__ == "__main__":
    main()
