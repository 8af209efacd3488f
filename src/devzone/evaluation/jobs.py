"""The "evaluation.run" background job: input frame → engine → one result row per unit, written at once.

The job reads the run's frozen scheme, builds the input frame (the registry for enterprise schemes, the
uploaded file otherwise, read with the engine's own reader), evaluates it with the engine, turns the engine's
tables into rows, and writes them with `bulk_create` inside one transaction together with the run's counts:
a failure anywhere leaves no rows and the run unchanged, and the job records why.

Per-row explanations are built from the engine's public tables (`results`, `explanations()`, `benchmarks`,
`group_summary()`) in one vectorised pass; calling `result.explain()` per unit would scan the whole result
once per unit. tests/evaluation check that the stored explanation equals `explain()` for every unit.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from devzone.core import audit
from devzone.core.errors import NotFound, ValidationFailed
from devzone.core.jobs import JobOutcome, Progress, job_kind
from devzone.core.models import Job, Region, Zone
from devzone.enterprises.models import Enterprise
from devzone.evaluation.engine import EvaluationInputError, EvaluationResult, Scheme, evaluate
from devzone.evaluation.engine.tables import HEADER_ROWS
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun
from devzone.evaluation.population import (
    LINK_COLUMNS,
    county_index,
    county_of,
    describe,
    enterprise_population,
    industry_division,
)

STATS = ("benchmark", "min", "max", "mean", "std")
BATCH = 1000
GROUP_SEPARATOR = " / "
ROW_IN_MESSAGE = re.compile(r"第(\d+)行")


@job_kind("evaluation.run")
def run_evaluation(job: Job, progress: Progress) -> JobOutcome:
    run_id = job.params.get("run_id")
    run = EvaluationRun.objects.select_related("scope_region").filter(pk=run_id).first()
    if run is None:
        raise NotFound("要计算的评价已被删除")
    EvaluationRun.objects.filter(pk=run.pk).update(job=job)  # a retried job takes the run over
    summary = execute(run, progress)
    return JobOutcome(result=summary)


def execute(run: EvaluationRun, progress: Progress) -> dict[str, Any]:
    scheme = Scheme.from_yaml(run.scheme_yaml)
    progress(5, "读取评价对象")
    frame, first_row = input_frame(run, scheme)
    progress.log(f"评价对象 {frame.height} 行")
    progress(20, f"共 {frame.height} 行,开始计算")
    try:
        result = evaluate(scheme, frame, first_row=first_row, history=history_frame(run, scheme))
    except EvaluationInputError as exc:
        raise ValidationFailed(_locate(str(exc), run, frame, first_row)) from exc
    progress(45, "整理结果")
    rows = result_rows(run, scheme, result, frame)
    summary = group_summary(result)
    progress(70, f"写入 {len(rows)} 条结果")
    participants = sum(1 for row in rows if row.participates)
    with transaction.atomic():
        EvaluationResultRow.objects.filter(run=run).delete()
        EvaluationResultRow.objects.bulk_create(rows, batch_size=BATCH)
        EvaluationRun.objects.filter(pk=run.pk).update(
            units=len(rows), participants=participants, group_columns=result.groups, group_summary=summary,
            computed_at=timezone.now(), updated_at=timezone.now())
        audit.record(actor=run.created_by, action="evaluate", instance=run,
                     after={"units": len(rows), "participants": participants, "groups": len(summary)})
    classes = {}
    for row in rows:
        if row.klass:
            classes[row.klass] = classes.get(row.klass, 0) + 1
    progress.log(f"参评 {participants} 个,不参评 {len(rows) - participants} 个;等级 {classes}")
    return {"run_id": run.pk, "units": len(rows), "participants": participants, "classes": classes}


# --- input -------------------------------------------------------------------------------------------------

def input_frame(run: EvaluationRun, scheme: Scheme) -> tuple[pl.DataFrame, int]:
    """The frame to evaluate and the number of its first row in messages (2 for a file with a header)."""
    if run.source == EvaluationRun.Source.UPLOAD:
        from devzone.evaluation.services import read_uploaded

        if not run.input_file:
            raise ValidationFailed("评价的输入文件已不存在")
        with run.input_file.open("rb") as handle:
            content = handle.read()
        return read_uploaded(content, PurePath(run.input_file.name).suffix.lower()), HEADER_ROWS + 1
    frame = enterprise_population(year=run.year, region=run.scope_region)
    if frame.height == 0:
        raise ValidationFailed(f"{run.year} 年没有可评价的企业:企业库中没有该年度有年度数据的规上工业企业")
    description = describe(frame, year=run.year, region=run.scope_region)
    EvaluationRun.objects.filter(pk=run.pk).update(population=description[:300])
    return frame, 1


def history_frame(run: EvaluationRun, scheme: Scheme) -> pl.DataFrame | None:
    """Ranks of earlier published runs of the scheme, for flags that need consecutive periods."""
    if scheme.period is None or not any(flag.periods > 1 for flag in scheme.flags):
        return None
    rows = (EvaluationResultRow.objects.filter(run__scheme_key=run.scheme_key, run__published=True,
                                               participates=True)
            .exclude(run=run).values_list("unit_key", "group_values", "rank", "score"))
    records = [{scheme.unit_key: unit, **values, "rank": rank, "score": score}
               for unit, values, rank, score in rows if scheme.period in (values or {})]
    if not records:
        return None
    frame = pl.DataFrame(records, infer_schema_length=None)
    return frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns if c not in ("rank", "score"))


def _locate(message: str, run: EvaluationRun, frame: pl.DataFrame, first_row: int) -> str:
    """Registry rows have no row numbers users know: name the enterprise behind "第N行" instead."""
    if run.source != EvaluationRun.Source.DATABASE:
        return message
    match = ROW_IN_MESSAGE.search(message)
    if not match:
        return message
    index = int(match.group(1)) - first_row
    if 0 <= index < frame.height:
        code, name = frame["credit_code"][index], frame["name"][index]
        return f"{message}(企业:{name},{code},请在企业库中更正其年度数据)"
    return message


# --- output ------------------------------------------------------------------------------------------------

def plain(value: Any) -> Any:
    """A JSON-safe value: NaN → None, ±inf → "inf"/"-inf" (PostgreSQL's jsonb refuses both)."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


def money(value: float | None) -> Decimal | None:
    if value is None or not math.isfinite(value):
        return None
    try:
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def group_label(values: dict[str, Any]) -> str:
    return GROUP_SEPARATOR.join("" if v is None else str(v) for v in values.values())


def group_summary(result: EvaluationResult) -> list[dict[str, Any]]:
    """Per group: units, participants, score quantiles and class counts, with the group's label."""
    out = []
    for row in result.group_summary().to_dicts():
        values = {column: row.pop(column) for column in result.groups}
        out.append({"group": group_label(values), "group_values": values,
                    **{key: plain(value) for key, value in row.items()}})
    return out


def _per_row_stats(result: EvaluationResult, keys: pl.DataFrame) -> pl.DataFrame:
    """The group statistics (n, benchmarks, min/max …) broadcast to each result row, in result order."""
    stats = result.benchmarks
    indexed = keys.with_row_index("__i")
    if result.groups:
        joined = indexed.join(stats, on=result.groups, how="left", nulls_equal=True)
    else:
        joined = indexed.join(stats, how="cross")  # one group: its statistics apply to every row
    return joined.sort("__i").drop("__i")


def result_rows(run: EvaluationRun, scheme: Scheme, result: EvaluationResult,
                frame: pl.DataFrame) -> list[EvaluationResultRow]:
    results = result.results
    unit = scheme.unit_key
    height = results.height
    stats = _per_row_stats(result, results.select(unit, *result.groups))
    explanations = result.explanations()
    indicators = scheme.indicators
    blocks = []
    for index, indicator in enumerate(indicators):
        block = explanations.slice(index * height, height)
        if block["indicator"][0] != indicator.key or not block[unit].equals(results[unit]):
            raise RuntimeError("评价引擎的解释表与结果表顺序不一致")
        blocks.append(block.select("value", "normalised", "score", "share").to_dicts())
    stat_columns = {indicator.key: [s for s in STATS if f"{s}_{indicator.key}" in stats.columns]
                    for indicator in indicators}
    stat_rows = stats.to_dicts()
    inputs = _inputs(result, scheme)
    links = _links(run, scheme, results, frame)
    levels = {level.key: level.label for level in scheme.classes.levels} if scheme.classes else {}
    lever = scheme.lever
    position = {indicator.key: k for k, indicator in enumerate(indicators)}
    rows = []
    for i, record in enumerate(results.iter_rows(named=True)):
        key = str(record[unit])
        group_values = {column: plain(record[column]) for column in result.groups}
        figures = []
        for k, indicator in enumerate(indicators):
            cell = blocks[k][i]
            item = {"key": indicator.key, "name": indicator.name, "category": indicator.category,
                    "unit": indicator.unit, "weight": indicator.weight, "direction": indicator.direction,
                    "normalisation": indicator.normalisation.method, "value": plain(cell["value"]),
                    "normalised": plain(cell["normalised"]), "score": plain(cell["score"]),
                    "share": plain(cell["share"])}
            for stat in stat_columns[indicator.key]:
                item[stat] = plain(stat_rows[i][f"{stat}_{indicator.key}"])
            figures.append(item)
        categories = []
        for category in scheme.categories:
            scores = [figures[position[ind.key]]["score"] for ind in category.indicators]
            total = None if any(s is None for s in scores) else sum(scores)
            categories.append({"key": category.key, "name": category.name, "weight": category.weight,
                               "score": total})
        flags = record["flags"] or ""
        explanation: dict[str, Any] = {
            "n": stat_rows[i]["n"], "class_label": levels.get(record["class"]),
            "flags": [f for f in flags.split(";") if f], "indicators": figures, "categories": categories,
        }
        if "raters" in record:
            explanation["raters"] = record["raters"]
        extra = None
        if lever is not None:
            extra = record[lever.output]
            explanation["lever"] = {"column": lever.column, "indicator": lever.indicator, "label": lever.label,
                                    "extra": plain(extra)}
        enterprise_id, county_id, division, name = links[i]
        rows.append(EvaluationResultRow(
            run=run, unit_key=key[:100], unit_name=(name or key)[:200], enterprise_id=enterprise_id,
            region_id=county_id, industry_division=division or "", group=group_label(group_values)[:200],
            group_values=group_values, participates=bool(record["participates"]), n=stat_rows[i]["n"] or 0,
            score=plain(record["score"]) if record["participates"] else None,
            rank=record["rank"] if record["participates"] else None, klass=record["class"] or "",
            scores={f["key"]: f["score"] for f in figures}, values={f["key"]: f["value"] for f in figures},
            benchmarks={f["key"]: {s: f[s] for s in stat_columns[f["key"]]} for f in figures},
            inputs=inputs[i] if inputs else {}, flags=flags[:1000],
            tax_to_next_class=money(extra) if lever is not None else None, explanation=explanation))
    return rows


def _inputs(result: EvaluationResult, scheme: Scheme) -> list[dict[str, Any]] | None:
    """The typed inputs behind each row; never for rater-level schemes (ratings stay anonymous)."""
    if scheme.aggregate is not None:
        return None
    columns = [name for name in scheme.inputs if name in result.details.columns]
    return [{k: plain(v) for k, v in row.items()} for row in result.details.select(columns).iter_rows(named=True)]


def _links(run: EvaluationRun, scheme: Scheme, results: pl.DataFrame,
           frame: pl.DataFrame) -> list[tuple[int | None, int | None, str, str | None]]:
    """Per result row: (enterprise id, county id, industry division, display name)."""
    keys = [str(k) for k in results[scheme.unit_key].to_list()]
    names = {}
    if "name" in frame.columns and scheme.aggregate is None and frame.height == results.height:
        names = dict(zip(frame[scheme.unit_key].cast(pl.String).to_list(), frame["name"].to_list(), strict=True))
    if all(column in frame.columns for column in LINK_COLUMNS) and frame.height == results.height:
        by_key = {str(k): (e, c, d) for k, e, c, d in frame.select(scheme.unit_key, *LINK_COLUMNS).iter_rows()}
        return [(*by_key[k], names.get(k)) for k in keys]
    if scheme.unit == "enterprise":
        return _link_enterprises(keys, names)
    if scheme.unit == "county":
        counties = {r.name: r.pk for r in Region.objects.filter(level=Region.Level.COUNTY, name__in=set(keys))}
        return [(None, counties.get(k), "", names.get(k)) for k in keys]
    if scheme.unit == "zone":
        zones = Zone.objects.filter(name__in=set(keys)).select_related("region")
        counties = county_index()
        by_name = {}
        for zone in zones:
            county = county_of(zone.region.path, counties)
            by_name[zone.name] = county.pk if county else None
        return [(None, by_name.get(k), "", names.get(k)) for k in keys]
    return [(None, None, "", names.get(k)) for k in keys]


def _link_enterprises(keys: list[str], names: dict[str, str]) -> list[tuple[int | None, int | None, str, str | None]]:
    counties = county_index()
    found: dict[str, tuple[int, int | None, str, str]] = {}
    unique = sorted(set(keys))
    for start in range(0, len(unique), 2000):
        chunk = unique[start:start + 2000]
        for enterprise in (Enterprise.objects.filter(credit_code__in=chunk)
                           .select_related("region", "industry").only("pk", "credit_code", "name", "region__path",
                                                                      "industry__code")):
            county = county_of(enterprise.region.path, counties)
            found[enterprise.credit_code] = (enterprise.pk, county.pk if county else None,
                                             industry_division(enterprise.industry.code if enterprise.industry
                                                               else None), enterprise.name)
    out = []
    for key in keys:
        if key in found:
            pk, county, division, name = found[key]
            out.append((pk, county, division, names.get(key) or name))
        else:
            out.append((None, None, "", names.get(key)))
    return out
