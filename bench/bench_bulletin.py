"""Benchmark: the monthly bulletin (月通报) at demo scale 1 and scale 10, in all three formats.

    .venv/bin/python bench/bench_bulletin.py [--scales 1 10] [--period 2026-09] [--repeat 3]

Each scale runs in its own subprocess on its own fresh SQLite database (DEVZONE_DATA_DIR points at a new temporary
directory; the child runs `migrate` and `demo_load(scale=N)`, timed as setup). Then, for the city-wide user, it
times, best of `--repeat`:

- content: `build_bulletin` — every figure and table read from the apps' selectors and KPI modules (the data
  queries; this is the baseline "raw data" cost every format pays);
- docx / pdf / xlsx: `bulletin_render` end to end, exactly what `devzone bulletin` and the job run (content +
  charts + writer: python-docx with the 公文 layout, Typst typesetting with embedded CJK fonts, XlsxWriter with the
  tables and the ledgers), with the size of the file;
- baselines, side by side on the same content: a plain python-docx document with the same tables (no header,
  fonts or charts) and a plain openpyxl workbook with the same tables and ledger rows.

Results go to bench/results/bulletin.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "bulletin.json"


def best(func, repeat: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return min(times), value


def plain_docx(bulletin) -> bytes:
    import io

    from docx import Document

    from devzone.reports.content import display

    document = Document()
    for table in bulletin.tables:
        document.add_paragraph(table.title)
        grid = document.add_table(rows=1, cols=len(table.columns) + 1)
        for cell, label in zip(grid.rows[0].cells, ["序号", *(c.label for c in table.columns)], strict=True):
            cell.text = label
        for number, row in enumerate(table.rows, start=1):
            cells = grid.add_row().cells
            cells[0].text = str(number)
            for cell, column, value in zip(cells[1:], table.columns, row, strict=True):
                cell.text = display(value, column.kind)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_openpyxl(bulletin) -> bytes:
    import io
    from decimal import Decimal

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)

    def cell(value):
        return float(value) if isinstance(value, Decimal) else value

    for index, table in enumerate(bulletin.tables):
        sheet = book.create_sheet(f"t{index}")
        sheet.append(["序号", *(c.label for c in table.columns)])
        for number, row in enumerate(table.rows, start=1):
            sheet.append([number, *(cell(v) for v in row)])
    for index, ledger in enumerate(bulletin.appendix):
        sheet = book.create_sheet(f"l{index}")
        sheet.append(["序号", *(c.label for c in ledger.columns)])
        number = 0
        for group in ledger.groups:
            sheet.append([None, group.label])
            for row in group.rows:
                number += 1
                sheet.append([number, *(cell(v) for v in row)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def child(scale: int, period: str, repeat: int) -> dict:
    """Runs inside the subprocess: build the demo, then time everything."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devzone.settings")
    django.setup()
    from django.core.management import call_command

    from devzone.core.models import User
    from devzone.demo.loader import demo_load
    from devzone.reports.content import build_bulletin
    from devzone.reports.periods import parse_period
    from devzone.reports.services import bulletin_render

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    demo_load(scale=scale)
    setup = time.perf_counter() - start
    user = User(username="bench", is_superuser=True, is_active=True)
    parsed = parse_period(period)
    content_s, bulletin = best(lambda: build_bulletin(user=user, period=parsed), repeat)
    out: dict = {"scale": scale, "period": period, "setup_s": round(setup, 2), "content_s": round(content_s, 3),
                 "tables": len(bulletin.tables), "table_rows": sum(len(t.rows) for t in bulletin.tables),
                 "ledger_rows": sum(ledger.row_count for ledger in bulletin.appendix), "formats": {}}
    for fmt in ("docx", "pdf", "xlsx"):
        seconds, rendered = best(lambda f=fmt: bulletin_render(user=user, kind="monthly", period=parsed, fmt=f),
                                 repeat)
        out["formats"][fmt] = {"seconds": round(seconds, 3), "bytes": len(rendered.content)}
    docx_s, docx_bytes = best(lambda: plain_docx(bulletin), repeat)
    xlsx_s, xlsx_bytes = best(lambda: plain_openpyxl(bulletin), repeat)
    out["baselines"] = {"plain_python_docx_tables": {"seconds": round(docx_s, 3), "bytes": len(docx_bytes)},
                        "plain_openpyxl_tables_and_ledgers": {"seconds": round(xlsx_s, 3), "bytes": len(xlsx_bytes)}}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.period, args.repeat), ensure_ascii=False))
        return
    runs = []
    for scale in args.scales:
        with tempfile.TemporaryDirectory(prefix="devzone-bench-bulletin-") as data_dir:
            env = {**os.environ, "DEVZONE_DATA_DIR": data_dir, "DEVZONE_DATABASE_URL": "",
                   "DEVZONE_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                   "PYTHONPATH": str(ROOT.parent / "src")}
            done = subprocess.run([sys.executable, __file__, "--child", str(scale), "--period", args.period,
                                   "--repeat", str(args.repeat)], env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"scale {scale} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
            run = json.loads(done.stdout.strip().splitlines()[-1])
            print(json.dumps(run, ensure_ascii=False), flush=True)
            runs.append(run)
            write_results(runs)  # after each scale, so a long scale-10 run keeps the scale-1 figures
    print(f"written {RESULTS}")


def write_results(runs: list[dict]) -> None:
    """Write this invocation's runs, keeping the recorded runs of scales it did not measure."""
    RESULTS.parent.mkdir(exist_ok=True)
    measured = {run["scale"] for run in runs}
    if RESULTS.exists():
        kept = [run for run in json.loads(RESULTS.read_text(encoding="utf-8")).get("runs", [])
                if run.get("scale") not in measured]
        runs = sorted([*kept, *runs], key=lambda run: run["scale"])
    RESULTS.write_text(json.dumps({"benchmark": "bulletin", "python": platform.python_version(),
                                   "machine": platform.machine(), "cpus": os.cpu_count(), "database": "sqlite",
                                   "runs": runs}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
