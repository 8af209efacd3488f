"""Drill: the process running an Excel import is killed (SIGKILL) in the middle of writing the rows.

    PYTHONPATH=src .venv/bin/python bench/faults/drill_kill_import.py [--rows 20000]

A fresh PostgreSQL database gets a small organisation; a workbook of ROWS valid enterprises is imported with
`devzone import enterprises FILE --mode all`; when PostgreSQL shows that process inserting enterprise rows, it is
killed. Expected: no enterprise row at all (the commit is one transaction), the batch not marked committed, and
the same import run again afterwards writes every row once. The result goes to bench/results/faults.json.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter
from common import VENV_BIN, devzone, django_eval, drop_database, environment, fresh_database, record

from devzone.enterprises.credit_code import ALPHABET, check_character

DATABASE = "dz_drill_import"
SEED = """
from devzone.core.reference import ensure_reference_data
from devzone.core import services
ensure_reference_data()
province = services.region_create(actor=None, name="江北省", level="province", code="990000")
city = services.region_create(actor=None, name="云澜市", level="city", parent=province, code="990100")
services.region_create(actor=None, name="澜江区", level="county", parent=city, code="990102")
print("ok")
"""
COUNT = "from devzone.enterprises.models import Enterprise\nprint(Enterprise.objects.count())"
BATCHES = ("from devzone.intake.models import ImportBatch\n"
           "print(sorted(ImportBatch.objects.values_list('status', flat=True)))")


def credit_code(rng: random.Random) -> str:
    first17 = "91" + "990102" + "".join(rng.choice(ALPHABET) for _ in range(9))
    return first17 + check_character(first17)


def workbook(path: Path, rows: int) -> None:
    rng = random.Random(42)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("企业")
    for c, label in enumerate(["统一社会信用代码", "企业名称", "所在县区", "联系电话"]):
        sheet.write_string(0, c, label)
    codes: set[str] = set()
    while len(codes) < rows:
        codes.add(credit_code(rng))
    for r, code in enumerate(sorted(codes), start=1):
        sheet.write_string(r, 0, code)
        sheet.write_string(r, 1, f"演练企业{r:06d}有限公司")
        sheet.write_string(r, 2, "澜江区")
        sheet.write_string(r, 3, f"138{r:08d}")
    book.close()


def inserting(database: str) -> bool:
    sql = (f"select count(*) from pg_stat_activity where datname = '{database}' and state = 'active' "
           "and query ilike 'insert into \"enterprises_enterprise\"%'")
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", sql, "postgres"],
                         capture_output=True, text=True).stdout.strip()
    return out not in ("", "0")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="devzone-drill-import-"))
    fresh_database(DATABASE)
    env = environment(DATABASE, work / "var")
    try:
        devzone(env, "migrate")
        django_eval(env, SEED)
        book = work / "演练企业.xlsx"
        workbook(book, args.rows)
        process = subprocess.Popen([str(VENV_BIN / "python"), "-m", "devzone.cli", "import", "enterprises", str(book),
                                    "--mode", "all"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        started, killed_after = time.perf_counter(), None
        while process.poll() is None:
            if inserting(DATABASE):
                time.sleep(0.5)  # well inside the transaction
                process.send_signal(signal.SIGKILL)
                killed_after = round(time.perf_counter() - started, 1)
                break
            time.sleep(0.1)
        process.wait()
        rows_after_kill = int(django_eval(env, COUNT))
        batches_after_kill = django_eval(env, BATCHES)
        rerun = devzone(env, "import", "enterprises", str(book), "--mode", "all", check=False)
        rows_after_rerun = int(django_eval(env, COUNT))
        result = {
            "command": "PYTHONPATH=src .venv/bin/python bench/faults/drill_kill_import.py --rows " + str(args.rows),
            "ran_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows_in_workbook": args.rows,
            "killed": killed_after is not None, "killed_after_seconds": killed_after,
            "exit_code_of_killed_process": process.returncode,
            "enterprise_rows_after_kill": rows_after_kill,
            "import_batches_after_kill": batches_after_kill,
            "rerun_exit_code": rerun.returncode, "rerun_output": (rerun.stdout or rerun.stderr).strip()[-300:],
            "enterprise_rows_after_rerun": rows_after_rerun,
        }
        result["passed"] = (killed_after is not None and rows_after_kill == 0 and "committed" not in batches_after_kill
                            and rerun.returncode == 0 and rows_after_rerun == args.rows)
        record("kill_during_import", result)
        print(result)
        return 0 if result["passed"] else 1
    finally:
        drop_database(DATABASE)


if __name__ == "__main__":
    raise SystemExit(main())
