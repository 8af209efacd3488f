"""The population of a database-backed evaluation: the engine's input frame built from the enterprise registry.

For 亩均 (`mujun`) and year Y the population is every 规上 (above designated size) industrial enterprise in the
run's region that has annual data for Y:

- industrial = GB/T 4754 sections B (mining), C (manufacturing) and D (utilities), or no industry recorded
  (an unclassified enterprise is evaluated rather than silently dropped);
- `group` = the name of the enterprise's county (the default grouping of DOMAIN.md §8.1); an enterprise
  registered directly on a city-level region is grouped under that region's name;
- `years_in_production` = Y − production_start_year + 1, counting the start year as the first year (an
  enterprise that started in Y − 2 has 3 years and takes part), never below 0 (a start after Y means not yet in
  production). An unknown start year gives null, which the scheme's population rule treats as not taking part,
  so the enterprise is listed among the non-participants with the missing value visible instead of being
  guessed from its date of establishment;
- `veto` = at least one `VetoRecord` for the enterprise and Y.

Money stays in 万元; the frame carries floats because the engine computes in floats. Besides the engine's
inputs the frame has `enterprise_id`, `county_id` and `industry_division`, which the engine ignores and the
run uses to link result rows back to the registry.
"""

from __future__ import annotations

import polars as pl
from django.db.models import Q

from devzone.core.models import Region
from devzone.enterprises.models import EnterpriseYear

FIGURES = ("land_mu", "tax", "value_added", "employees", "energy_tce", "emission_eq", "rd_expense", "revenue")
POPULATION_INPUTS = frozenset({"credit_code", "name", "group", *FIGURES, "years_in_production", "veto"})
LINK_COLUMNS = ("enterprise_id", "county_id", "industry_division")
INDUSTRIAL = Q(enterprise__industry__isnull=True) | Q(enterprise__industry__code__regex=r"^[BCD]") | Q(
    enterprise__industry__code__regex=r"^(0[6-9]|[1-3][0-9]|4[0-6])")

SCHEMA: dict[str, pl.DataType] = {
    "credit_code": pl.String(), "name": pl.String(), "group": pl.String(),
    **{name: pl.Float64() for name in FIGURES},
    "years_in_production": pl.Float64(), "veto": pl.Boolean(),
    "enterprise_id": pl.Int64(), "county_id": pl.Int64(), "industry_division": pl.String(),
}


def database_population_supported(scheme) -> bool:
    """Whether every column the scheme needs can be built from the registry (mujun and its edited copies)."""
    return scheme.unit == "enterprise" and set(scheme.required_columns()) <= POPULATION_INPUTS


def industry_division(code: str | None) -> str:
    """GB/T 4754 division (大类) of an industry code: "C1711" → "C17", "C17" → "C17", "C" → "C"."""
    if not code:
        return ""
    return code[:3] if code[0].isalpha() else code[:2]


def county_index() -> dict[int, Region]:
    """Every county-level region by id (one query), to find an enterprise's county from its region path."""
    return {region.pk: region for region in Region.objects.filter(level=Region.Level.COUNTY).only(
        "pk", "name", "path", "level")}


def county_of(path: str, counties: dict[int, Region]) -> Region | None:
    for part in path.strip("/").split("/"):
        if part and int(part) in counties:
            return counties[int(part)]
    return None


def enterprise_population(*, year: int, region: Region | None = None) -> pl.DataFrame:
    """The mujun input frame for `year`, one row per enterprise, ordered by credit code (three queries)."""
    from devzone.evaluation.models import VetoRecord

    rows = EnterpriseYear.objects.filter(year=year, enterprise__above_size=True).filter(INDUSTRIAL)
    if region is not None:
        rows = rows.filter(enterprise__region__path__startswith=region.path)
    records = rows.order_by("enterprise__credit_code").values(
        "enterprise_id", "enterprise__credit_code", "enterprise__name", "enterprise__production_start_year",
        "enterprise__region__name", "enterprise__region__path", "enterprise__industry__code", *FIGURES)
    vetoed = set(VetoRecord.objects.filter(year=year).values_list("enterprise_id", flat=True))
    counties = county_index()
    columns: dict[str, list] = {name: [] for name in SCHEMA}
    for record in records.iterator(chunk_size=5000):
        county = county_of(record["enterprise__region__path"], counties)
        start = record["enterprise__production_start_year"]
        columns["credit_code"].append(record["enterprise__credit_code"])
        columns["name"].append(record["enterprise__name"])
        columns["group"].append(county.name if county else record["enterprise__region__name"])
        for name in FIGURES:
            value = record[name]
            columns[name].append(None if value is None else float(value))
        columns["years_in_production"].append(None if start is None else float(max(0, year - start + 1)))
        columns["veto"].append(record["enterprise_id"] in vetoed)
        columns["enterprise_id"].append(record["enterprise_id"])
        columns["county_id"].append(county.pk if county else None)
        columns["industry_division"].append(industry_division(record["enterprise__industry__code"]))
    return pl.DataFrame(columns, schema=SCHEMA)


def describe(frame: pl.DataFrame, *, year: int, region: Region | None) -> str:
    where = region.name if region is not None else "全部地区"
    return f"{where} {year} 年有年度数据的规上工业企业 {frame.height} 家"

