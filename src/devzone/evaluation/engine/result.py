"""What an evaluation returns: the result table, the statistics used, and explanations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from devzone.evaluation.engine.aggregate import RATERS, TRIMMED
from devzone.evaluation.engine.errors import EvaluationInputError
from devzone.evaluation.engine.flags import SEPARATOR
from devzone.evaluation.engine.pipeline import (
    GROUP,
    PARTICIPATES,
    STATS_BY_METHOD,
    TARGET,
    norm_col,
    score_col,
    stat_col,
    value_col,
)
from devzone.evaluation.engine.scheme import Scheme

QUANTILES = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass
class EvaluationResult:
    scheme: Scheme
    details: pl.DataFrame  # every input row with values, normalised values and scores (internal columns)
    stats: pl.DataFrame  # per group (row i = group id i): n and the statistics each normalisation used
    groups: list[str]  # the grouping columns (period first), [] for one group

    # --- tables -----------------------------------------------------------------------------------------

    @property
    def results(self) -> pl.DataFrame:
        """One row per input row (per unit when raters are aggregated), in input order."""
        scheme = self.scheme
        columns = [scheme.unit_key, *self.groups]
        if scheme.aggregate is not None:
            columns.append(RATERS)
        columns += [PARTICIPATES, "score", "rank", "class"]
        columns += [score_col(indicator.key) for indicator in scheme.indicators]
        columns.append("flags")
        if scheme.lever is not None:
            columns.append(scheme.lever.output)
        return self.details.lazy().select(columns).collect()

    @property
    def benchmarks(self) -> pl.DataFrame:
        """The statistics frame; pass it back as `evaluate(..., benchmarks=...)` to hold it fixed."""
        return self.stats.drop(GROUP)

    def explanations(self) -> pl.DataFrame:
        """Long table: per unit and indicator the raw value, benchmark, normalised value, score, share."""
        scheme = self.scheme
        frames = []
        base = [scheme.unit_key, *self.groups, PARTICIPATES]
        for indicator in scheme.indicators:
            benchmark = (
                pl.col(stat_col("benchmark", indicator.key))
                if indicator.normalisation.method == "benchmark_ratio"
                else pl.lit(None, dtype=pl.Float64)
            )
            score = pl.col(score_col(indicator.key))
            frames.append(
                self.details.lazy().select(
                    *base,
                    pl.lit(indicator.key).alias("indicator"),
                    pl.lit(indicator.name).alias("indicator_name"),
                    pl.lit(indicator.category).alias("category"),
                    pl.lit(indicator.weight).alias("weight"),
                    pl.col(value_col(indicator.key)).alias("value"),
                    benchmark.alias("benchmark"),
                    pl.col(norm_col(indicator.key)).alias("normalised"),
                    score.alias("score"),
                    pl.when(pl.col("score") != 0).then(score / pl.col("score")).alias("share"),
                )
            )
        return pl.concat(frames).collect()

    def group_summary(self) -> pl.DataFrame:
        """Per group: units, participants, class counts and score quantiles (p0, p25, p50, p75, p100)."""
        frame = self.details
        aggs: list[pl.Expr] = [
            pl.len().alias("units"),
            pl.col(PARTICIPATES).sum().cast(pl.Int64).alias("participants"),
            pl.col("score").mean().alias("score_mean"),
        ]
        aggs += [
            pl.col("score").quantile(q, interpolation="linear").alias(f"score_p{round(q * 100):02d}")
            for q in QUANTILES
        ]
        if self.scheme.classes is not None:
            aggs += [
                (pl.col("class") == level.key).sum().cast(pl.Int64).alias(f"class_{level.key}")
                for level in self.scheme.classes.levels
            ]
        summary = frame.lazy().group_by(GROUP, *self.groups).agg(aggs).sort(GROUP)
        return summary.drop(GROUP).collect()

    # --- one unit ---------------------------------------------------------------------------------------

    def explain(self, unit: str, period: Any = None) -> dict[str, Any]:
        """Everything behind one unit's result, as plain Python values (JSON-ready; inf → "inf")."""
        row = self._row(unit, period)
        scheme = self.scheme
        group = {column: row[column] for column in self.groups}
        explanation: dict[str, Any] = {
            "scheme": scheme.key,
            "unit": row[scheme.unit_key],
            "group": group,
            "participates": row[PARTICIPATES],
            "score": row["score"],
            "rank": row["rank"],
            "n": row["n"],
            "class": row["class"],
            "class_label": self._class_label(row["class"]),
            "flags": [flag for flag in (row["flags"] or "").split(SEPARATOR) if flag],
            "indicators": [self._indicator(row, i) for i in scheme.indicators],
            "categories": self._categories(row),
            "group_summary": self._group_summary(row),
        }
        if scheme.aggregate is not None:
            explanation["raters"] = row[RATERS]
            explanation["trimmed"] = row[TRIMMED]
        if scheme.lever is not None:
            explanation["lever"] = {
                "column": scheme.lever.column,
                "indicator": scheme.lever.indicator,
                "label": scheme.lever.label,
                "extra": row[scheme.lever.output],
                "target_score": row.get(TARGET),
            }
        return explanation

    def _row(self, unit: str, period: Any) -> dict[str, Any]:
        condition = pl.col(self.scheme.unit_key) == unit
        if period is not None and self.scheme.period in self.details.columns:
            condition = condition & (pl.col(self.scheme.period) == period)
        rows = self.details.filter(condition)
        if rows.height == 0:
            raise EvaluationInputError(f"结果中没有 {unit}")
        if rows.height > 1:
            raise EvaluationInputError(f"{unit} 在结果中出现多次, 请指定期别")
        return rows.row(0, named=True)

    def _class_label(self, key: str | None) -> str | None:
        if key is None or self.scheme.classes is None:
            return None
        return {level.key: level.label for level in self.scheme.classes.levels}.get(key)

    def _indicator(self, row: dict[str, Any], indicator: Any) -> dict[str, Any]:
        key = indicator.key
        score = row[score_col(key)]
        total = row["score"]
        item: dict[str, Any] = {
            "key": key,
            "name": indicator.name,
            "category": indicator.category,
            "unit": indicator.unit,
            "weight": indicator.weight,
            "direction": indicator.direction,
            "normalisation": indicator.normalisation.method,
            "value": _plain(row[value_col(key)]),
            "normalised": _plain(row[norm_col(key)]),
            "score": score,
            "share": None if not total or score is None else score / total,
        }
        for stat in STATS_BY_METHOD[indicator.normalisation.method]:
            item[stat] = _plain(row[stat_col(stat, key)])
        return item

    def _categories(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for category in self.scheme.categories:
            scores = [row[score_col(i.key)] for i in category.indicators]
            total = None if any(s is None for s in scores) else sum(scores)
            out.append(
                {"key": category.key, "name": category.name, "weight": category.weight, "score": total}
            )
        return out

    def _group_summary(self, row: dict[str, Any]) -> dict[str, Any]:
        members = self.details.filter(pl.col(GROUP) == row[GROUP])
        summary = EvaluationResult(self.scheme, members, self.stats, self.groups).group_summary()
        return summary.row(0, named=True)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value
