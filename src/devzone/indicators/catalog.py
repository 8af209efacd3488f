"""The built-in indicator catalog of DOMAIN.md §9. A data migration loads it; `ensure_catalog()` restores it
idempotently (the demo and the tests call it again after a transactional test has flushed the database).
Rows that exist are left as administrators edited them; only missing codes are added."""

from __future__ import annotations

# code, name, short name, unit, frequency, basis, aggregation, direction, rank by, is_share, description
CATALOG: list[tuple[str, str, str, str, str, str, str, str, str, bool, str]] = [
    ("gdp", "地区生产总值", "GDP", "亿元", "quarterly", "ytd", "sum", "higher", "growth", False,
     "按季度发布的累计值"),
    ("industry_va", "规上工业增加值", "规上工业增加值", "亿元", "monthly", "ytd", "sum", "higher", "growth", False,
     "规模以上工业,增速按可比价"),
    ("fixed_investment", "固定资产投资", "固投", "亿元", "monthly", "ytd", "sum", "higher", "growth", False,
     "500万元以上项目"),
    ("industrial_investment", "工业投资", "工业投资", "亿元", "monthly", "ytd", "sum", "higher", "growth", False, ""),
    ("renovation_investment", "技改投资", "技改投资", "亿元", "monthly", "ytd", "sum", "higher", "growth", False,
     "工业技术改造投资"),
    ("retail_sales", "社会消费品零售总额", "社零", "亿元", "monthly", "ytd", "sum", "higher", "growth", False, ""),
    ("budget_revenue", "一般公共预算收入", "一般公共预算收入", "万元", "monthly", "ytd", "sum", "higher", "growth",
     False, ""),
    ("tax_revenue", "税收收入", "税收收入", "万元", "monthly", "ytd", "sum", "higher", "growth", False, ""),
    ("tax_share", "税收占比", "税收占比", "%", "monthly", "point", "none", "higher", "value", True,
     "税收收入占一般公共预算收入比重(累计)"),
    ("foreign_capital", "实际利用外资", "利用外资", "万美元", "monthly", "ytd", "sum", "higher", "growth", False, ""),
    ("domestic_capital", "实际利用省外资金", "省外资金", "亿元", "monthly", "ytd", "sum", "higher", "growth", False,
     ""),
    ("foreign_trade", "进出口总额", "进出口", "亿元", "monthly", "ytd", "sum", "higher", "growth", False, ""),
    ("industrial_power", "工业用电量", "工业用电", "万千瓦时", "monthly", "month", "sum", "higher", "growth", False,
     "当月值"),
    ("above_size_count", "规上工业企业数", "规上企业数", "个", "monthly", "point", "sum", "higher", "value", False,
     "月末在库数"),
]

FIELDS = ("code", "name", "short_name", "unit", "frequency", "basis", "aggregation", "direction", "rank_basis",
          "is_share", "description")


def load_catalog(indicator_model) -> int:
    """Add the catalog's indicators that are missing (by code); returns how many were added."""
    existing = set(indicator_model.objects.values_list("code", flat=True))
    rows = [indicator_model(sort_order=(position + 1) * 10, **dict(zip(FIELDS, row, strict=True)))
            for position, row in enumerate(CATALOG) if row[0] not in existing]
    indicator_model.objects.bulk_create(rows)
    return len(rows)


def load(apps, schema_editor) -> None:
    load_catalog(apps.get_model("indicators", "Indicator"))


def unload(apps, schema_editor) -> None:
    """Reverse of the data migration: nothing to undo (the table is dropped by the schema migration)."""


def ensure_catalog() -> None:
    from devzone.indicators.models import Indicator

    load_catalog(Indicator)
