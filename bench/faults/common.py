"""Shared pieces of the fault drills: a throwaway PostgreSQL database, devzone subprocesses, results file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "faults.json"
PG = os.environ.get("DEVZONE_DRILL_PG", "postgres://postgres@127.0.0.1:5432")


def fresh_database(name: str) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)


def drop_database(name: str) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", name], check=False)


def environment(database: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "DEVZONE_DATABASE_URL": f"{PG}/{database}",
            "DEVZONE_DATA_DIR": str(data_dir), "DEVZONE_DEBUG": "0", "DEVZONE_HTTPS": "0",
            "DEVZONE_SECRET_KEY": "fault-drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz", **extra}


def devzone(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "python"), "-m", "devzone.cli", *args], env=env, check=check,
                          capture_output=True, text=True)


def django_eval(env: dict[str, str], code: str) -> str:
    """Run `code` with Django set up in a fresh interpreter; returns its last printed line."""
    script = "from devzone.cli import setup_django\nsetup_django()\n" + code
    out = subprocess.run([str(VENV_BIN / "python"), "-c", script], env=env, check=True, capture_output=True,
                         text=True).stdout
    return out.strip().splitlines()[-1] if out.strip() else ""


def record(name: str, result: dict) -> None:
    """Merge one drill's result into bench/results/faults.json."""
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data[name] = result
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
