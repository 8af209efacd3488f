"""Benchmark: the 亩均 (mujun) evaluation on generated enterprises, Polars engine vs pandas vs DuckDB.

    .venv/bin/python bench/bench_mujun.py [--rows 1000000] [--groups 100] [--repeat 3]

Each implementation runs in its own subprocess (so its peak RSS, read from getrusage, is its own) on the
same seeded data; times are the best of `--repeat` runs of the evaluation alone (no file I/O, data
already in memory). The three results are compared on score, rank and class. Results go to
bench/results/mujun.json. What each implementation covers:

- polars: the devzone engine, `evaluate(load_scheme("mujun"), frame)`, in full: input type/range checks,
  duplicate-key check, participation, six indicators with inf/undefined handling, group benchmarks,
  capped ratios, score, rank, class by exact rank shares, veto, the flags column and tax_to_next_class.
- pandas: a straightforward vectorised pandas implementation of the same rules for participation,
  indicators, benchmarks, score, rank, class and veto (no flags, no lever, no input checks).
- duckdb: one SQL query (CTEs + window functions) for participation, indicators, benchmarks, score, rank,
  class and veto (no flags, no lever, no input checks).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "mujun.json"
IMPLEMENTATIONS = ("polars", "pandas", "duckdb")
NUMERIC = (
    "land_mu",
    "tax",
    "value_added",
    "employees",
    "energy_tce",
    "emission_eq",
    "rd_expense",
    "revenue",
    "years_in_production",
)
# The mujun rules as the baselines hard-code them (the engine reads them from mujun.yaml).
INDICATORS = (
    ("tax_per_mu", "tax", "land_mu", 40.0),
    ("va_per_mu", "value_added", "land_mu", 20.0),
    ("labor_productivity", "value_added", "employees", 10.0),
    ("va_per_energy", "value_added", "energy_tce", 10.0),
    ("va_per_emission", "value_added", "emission_eq", 10.0),
    ("rd_intensity", "rd_expense", "revenue", 10.0),
)
CAP = 3.0
CLASS_SHARES = (("A", 20), ("B", 70), ("C", 95))  # percent; D is the rest


# --- data -----------------------------------------------------------------------------------------------


def generate(rows: int, groups: int, seed: int) -> pl.DataFrame:
    """Seeded enterprises with zeros (→ infinite or undefined indicators), nulls, vetoes, non-participants."""
    rng = np.random.default_rng(seed)

    def lognormal(mean: float, sigma: float) -> np.ndarray:
        return np.round(rng.lognormal(mean, sigma, rows), 2)

    def with_zeros(values: np.ndarray, share: float) -> np.ndarray:
        values[rng.random(rows) < share] = 0.0
        return values

    def with_nulls(values: np.ndarray, share: float) -> pl.Series:
        return pl.Series(values).set(pl.Series(rng.random(rows) < share), None)  # type: ignore[arg-type]

    value_added = lognormal(6.0, 1.2)
    frame = pl.DataFrame(
        {
            "group": rng.integers(0, groups, rows),
            "land_mu": with_zeros(lognormal(3.0, 1.0), 0.02),
            "tax": with_nulls(lognormal(4.0, 1.5), 0.01),
            "value_added": with_nulls(value_added, 0.005),
            "employees": with_zeros(np.round(rng.lognormal(4.0, 1.0, rows)), 0.01),
            "energy_tce": with_zeros(lognormal(5.0, 1.5), 0.03),
            "emission_eq": with_zeros(lognormal(2.0, 1.5), 0.05),
            "rd_expense": with_nulls(with_zeros(lognormal(3.0, 1.5), 0.2), 0.02),
            "revenue": with_zeros(np.round(value_added * rng.uniform(2.0, 6.0, rows), 2), 0.005),
            "years_in_production": rng.integers(0, 30, rows).astype(np.float64),
            "veto": rng.random(rows) < 0.01,
        }
    )
    codes = pl.format("91{}", pl.int_range(pl.len()).cast(pl.String).str.zfill(16))
    return frame.select(
        codes.alias("credit_code"),
        pl.format("企业{}", pl.int_range(pl.len())).alias("name"),
        pl.format("G{}", pl.col("group").cast(pl.String).str.zfill(3)).alias("group"),
        *[pl.col(column).cast(pl.Float64) for column in NUMERIC],
        pl.col("veto"),
    )


# --- implementations ------------------------------------------------------------------------------------


def run_polars(frame: pl.DataFrame) -> Callable[[], pl.DataFrame]:
    from devzone.evaluation.engine import evaluate, load_scheme

    scheme = load_scheme("mujun")

    def run() -> pl.DataFrame:
        return evaluate(scheme, frame).results

    return run


def run_pandas(frame: pl.DataFrame) -> Callable[[], pl.DataFrame]:
    import pandas as pd

    data = pd.DataFrame({name: frame[name].to_numpy() for name in frame.columns})

    def run() -> pl.DataFrame:
        out = pd.DataFrame(index=data.index)
        participates = (data["years_in_production"] >= 3) & (data["land_mu"] > 0)
        total = pd.Series(0.0, index=data.index)
        for key, numerator, denominator, weight in INDICATORS:
            num, den = data[numerator], data[denominator]
            with np.errstate(divide="ignore", invalid="ignore"):
                value = num / den
            value = value.where(~((den == 0) & (num > 0)), np.inf)
            value = value.where(~((den == 0) & (num <= 0)), np.nan)
            finite = value.where(participates & np.isfinite(value))
            benchmark = finite.groupby(data["group"]).transform("mean")
            usable = benchmark > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = (value / benchmark).clip(0.0, CAP)
            score = (ratio.where(usable & value.notna(), 0.0)) * weight
            score = score.where(participates)
            out[f"score_{key}"] = score
            total = total + score
        out["score"] = total.where(participates)
        rank = out["score"].groupby(data["group"]).rank(method="min", ascending=False)
        n = participates.groupby(data["group"]).transform("sum")
        klass = np.full(len(data), "D", dtype=object)
        for label, share in reversed(CLASS_SHARES):
            klass[(rank * 100 <= n * share).to_numpy()] = label
        klass[data["veto"].to_numpy()] = "D"
        klass[~participates.to_numpy()] = None
        out["rank"] = rank
        out["class"] = klass
        return pl.DataFrame(
            {
                "score": pl.Series(out["score"].to_numpy(), nan_to_null=True),
                "rank": pl.Series(out["rank"].to_numpy(), nan_to_null=True).cast(pl.Int64),
                "class": pl.Series(klass.tolist(), dtype=pl.String),
            }
        )

    return run


DUCKDB_SQL = """
WITH v AS (
  SELECT row_number() OVER () AS i, "group" AS g, veto,
         years_in_production >= 3 AND land_mu > 0 AS p,
         {values}
  FROM enterprises
), b AS (
  SELECT *, {benchmarks} FROM v
), s AS (
  SELECT i, g, p, veto, {scores} FROM b
), t AS (
  SELECT i, g, p, veto, CASE WHEN p THEN {total} END AS score FROM s
), r AS (
  SELECT *, CASE WHEN p THEN rank() OVER (PARTITION BY g, p ORDER BY score DESC) END AS rnk,
         count(*) FILTER (WHERE p) OVER (PARTITION BY g) AS n
  FROM t
)
SELECT score, rnk AS rank,
       CASE WHEN NOT p THEN NULL WHEN veto THEN 'D'
            WHEN rnk * 100 <= n * 20 THEN 'A' WHEN rnk * 100 <= n * 70 THEN 'B'
            WHEN rnk * 100 <= n * 95 THEN 'C' ELSE 'D' END AS class
FROM r ORDER BY i
"""


def duckdb_sql() -> str:
    values = ",\n         ".join(
        f"CASE WHEN {den} = 0 AND {num} > 0 THEN 'inf'::DOUBLE WHEN {den} = 0 THEN NULL "
        f"ELSE {num} / {den} END AS {key}"
        for key, num, den, _ in INDICATORS
    )
    benchmarks = ", ".join(
        f"avg({key}) FILTER (WHERE p AND isfinite({key})) OVER (PARTITION BY g) AS b_{key}"
        for key, *_ in INDICATORS
    )
    scores = ", ".join(
        f"CASE WHEN {key} IS NULL OR NOT (b_{key} > 0) THEN 0.0 "
        f"ELSE greatest(0.0, least({CAP}, {key} / b_{key})) END * {weight} AS s_{key}"
        for key, _, _, weight in INDICATORS
    )
    total = " + ".join(f"s_{key}" for key, *_ in INDICATORS)
    return DUCKDB_SQL.format(values=values, benchmarks=benchmarks, scores=scores, total=total)


def run_duckdb(frame: pl.DataFrame) -> Callable[[], pl.DataFrame]:
    import duckdb
    import pandas as pd

    connection = duckdb.connect()
    enterprises = pd.DataFrame({name: frame[name].to_numpy() for name in frame.columns})
    connection.register("enterprises", enterprises)
    query = duckdb_sql()

    def run() -> pl.DataFrame:
        arrays = connection.execute(query).fetchnumpy()
        return pl.DataFrame(
            {
                "score": np.ma.filled(np.ma.asarray(arrays["score"], dtype=np.float64), np.nan),
                "rank": pl.Series(arrays["rank"]).cast(pl.Int64),
                "class": pl.Series(arrays["class"]).cast(pl.String),
            },
            nan_to_null=True,
        )

    return run


RUNNERS: dict[str, Callable[[pl.DataFrame], Callable[[], pl.DataFrame]]] = {
    "polars": run_polars,
    "pandas": run_pandas,
    "duckdb": run_duckdb,
}


# --- worker and driver ----------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker(name: str, rows: int, groups: int, seed: int, repeat: int, out_file: str) -> dict[str, Any]:
    frame = generate(rows, groups, seed)
    after_data = peak_rss_mb()
    run = RUNNERS[name](frame)
    run()  # warm-up (thread pools, first allocations), not timed
    times, cpu_times = [], []
    result = None
    for _ in range(repeat):
        cpu_start, start = cpu_seconds(), time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
        cpu_times.append(cpu_seconds() - cpu_start)
    assert result is not None
    result.select(
        pl.col("score").cast(pl.Float64), pl.col("rank").cast(pl.Int64), pl.col("class").cast(pl.String)
    ).write_parquet(out_file)
    return {
        "best_s": min(times),
        "times_s": times,
        "cpu_s_of_best": cpu_times[times.index(min(times))],
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_after_data_mb": round(after_data, 1),
    }


def compare(reference: pl.DataFrame, other: pl.DataFrame) -> dict[str, Any]:
    both = pl.concat([reference, other.rename(lambda c: f"{c}_other")], how="horizontal")
    score_diff = both.select((pl.col("score") - pl.col("score_other")).abs().max()).item()
    null_mismatch = both.filter(pl.col("score").is_null() != pl.col("score_other").is_null()).height
    rank_mismatch = both.filter(pl.col("rank").ne_missing(pl.col("rank_other"))).height
    class_mismatch = both.filter(pl.col("class").ne_missing(pl.col("class_other"))).height
    return {
        "max_abs_score_difference": score_diff,
        "null_mismatches": null_mismatch,
        "rank_mismatches": rank_mismatch,
        "class_mismatches": class_mismatch,
        "agree": null_mismatch == 0
        and rank_mismatch == 0
        and class_mismatch == 0
        and (score_diff is None or score_diff < 1e-9),
    }


def drive(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "benchmark": "mujun evaluation (亩均效益综合评价)",
        "rows": args.rows,
        "groups": args.groups,
        "seed": args.seed,
        "repeat": args.repeat,
        "timing": "best of repeat after one warm-up run; evaluation only (data in memory, no file I/O)",
        "memory": "peak RSS of each implementation's subprocess (getrusage ru_maxrss), data included",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "polars": pl.__version__,
            "platform": platform.platform(),
        },
        "covers": {
            "polars": "devzone engine in full: input checks, scores, rank, class, veto, flags, lever",
            "pandas": "vectorised pandas: participation, indicators, benchmarks, score, rank, class, veto",
            "duckdb": "one SQL query: participation, indicators, benchmarks, score, rank, class, veto",
        },
        "implementations": {},
    }
    outputs: dict[str, pl.DataFrame] = {}
    report["machine"]["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as folder:
        for name in IMPLEMENTATIONS:
            out_file = str(Path(folder) / f"{name}.parquet")
            command = [
                sys.executable,
                __file__,
                "--worker",
                name,
                "--rows",
                str(args.rows),
                "--groups",
                str(args.groups),
                "--seed",
                str(args.seed),
                "--repeat",
                str(args.repeat),
                "--out",
                out_file,
            ]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            report["implementations"][name] = json.loads(done.stdout.strip().splitlines()[-1])
            outputs[name] = pl.read_parquet(out_file)
            print(f"{name:7s} {report['implementations'][name]}", file=sys.stderr)
    report["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    versions = report["machine"]
    import duckdb
    import pandas as pd

    versions["pandas"], versions["duckdb"] = pd.__version__, duckdb.__version__
    best = {name: report["implementations"][name]["best_s"] for name in IMPLEMENTATIONS}
    report["ratios"] = {
        f"{name}_over_polars": round(best[name] / best["polars"], 2)
        for name in IMPLEMENTATIONS
        if name != "polars"
    }
    report["agreement"] = {name: compare(outputs["polars"], outputs[name]) for name in IMPLEMENTATIONS[1:]}
    report["targets"] = {
        "polars_under_0_5_s": best["polars"] < 0.5,
        "polars_fastest": all(best["polars"] < best[name] for name in IMPLEMENTATIONS[1:]),
        "polars_peak_rss_under_1_5_gb": report["implementations"]["polars"]["peak_rss_mb"] < 1536,
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--worker", choices=IMPLEMENTATIONS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows, args.groups, args.seed, args.repeat, args.out)))
        return
    report = drive(args)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "best_s": {k: v["best_s"] for k, v in report["implementations"].items()},
                "peak_rss_mb": {k: v["peak_rss_mb"] for k, v in report["implementations"].items()},
                "ratios": report["ratios"],
                "targets": report["targets"],
                "agree": {k: v["agree"] for k, v in report["agreement"].items()},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
