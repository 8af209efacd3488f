"""The economic-indicator adapter of the Excel import (devzone.intake): the two table layouts counties send.

Layout A, one indicator per row with months across (月度进度表):
    2026年澜江区主要经济指标
    指标名称 | 单位 | 1月 | 1-2月 | 1-3月 | … | 1-10月 | 同比增长(%)
Layout B, one month with indicators down (月报表):
    2026年1-10月主要经济指标完成情况
    [县区 |] 指标 | 单位 | 本月 | 累计 | 同比增长(%)
A month column ("10月", "1-10月", "2026年10月") carries the figure of that month in the indicator's own basis
(year to date for 累计 indicators); layout B's 本月/累计 columns are picked by the indicator's basis, and its month
comes from a 统计期 column or from the title. The year comes from a 年度/统计期 column, the month header or the
title. The place comes from a 县区 column, a place named in the title, or the user's own jurisdiction; the source
from a 数据来源 column (default: reported; official figures only for the statistics bureau). Units are converted
to the catalog's (万元 ↔ 亿元, 千瓦时 ↔ 万千瓦时 …), a unit written in a cell ("1.2亿") included. The growth
column is kept as the stated growth of the latest month of the row. Rows are written through
`indicators.services.value_save` (validation, jurisdiction, audit per figure).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from devzone.core.errors import DomainError
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Role, Zone
from devzone.core.services import role_codes
from devzone.indicators import services
from devzone.indicators.models import Indicator, IndicatorValue
from devzone.indicators.periods import Period
from devzone.intake import cells
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.cells import CellError
from devzone.intake.registry import register

CN_NUMBERS = "一二三四五六七八九十"
PLACES = Decimal("0.0001")
LIMIT = Decimal(10) ** 14
# unit families: unit → its size in the family's smallest unit
UNIT_FAMILIES: tuple[dict[str, Decimal], ...] = (
    {"元": Decimal(1), "千元": Decimal(10**3), "万元": Decimal(10**4), "十万元": Decimal(10**5),
     "百万元": Decimal(10**6), "千万元": Decimal(10**7), "亿元": Decimal(10**8)},
    {"美元": Decimal(1), "千美元": Decimal(10**3), "万美元": Decimal(10**4), "百万美元": Decimal(10**6),
     "亿美元": Decimal(10**8)},
    {"千瓦时": Decimal(1), "度": Decimal(1), "kwh": Decimal(1), "万千瓦时": Decimal(10**4),
     "万度": Decimal(10**4), "亿千瓦时": Decimal(10**8), "亿度": Decimal(10**8)},
    {"个": Decimal(1), "家": Decimal(1), "户": Decimal(1)},
    {"%": Decimal(1)},
)
MAGNITUDE_WORDS = {"千": Decimal(10**3), "万": Decimal(10**4), "十万": Decimal(10**5), "百万": Decimal(10**6),
                   "千万": Decimal(10**7), "亿": Decimal(10**8)}
SOURCE_CHOICES = {"上报": "reported", "县区上报": "reported", "报送": "reported", "自报": "reported",
                  "reported": "reported", "统计": "official", "统计局": "official", "统计部门": "official",
                  "官方": "official", "official": "official", "统计数": "official", "上报数": "reported"}
_TITLE_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:1\s*[-—–~至到]\s*)?(\d{1,2})\s*月")
_ALIAS_CUT = re.compile(r"\(.*?\)|（.*?）|\[.*?\]")
WHOLE_CITY = ("全市", "本市")
WHOLE_COUNTY = ("全县", "全区", "本县", "本区", "全县(市、区)")


def _cn(n: int) -> str:
    return CN_NUMBERS[n - 1] if n <= 10 else "十" + CN_NUMBERS[n - 11]


def _month_names(n: int) -> tuple[str, ...]:
    names = [f"{n}月", f"{n}月份", f"{_cn(n)}月", f"{n}月当月"]
    if n > 1:
        for dash in ("-", "—", "–", "~", "至", "到"):
            names += [f"1{dash}{n}月", f"1{dash}{n}月累计", f"1{dash}{n}月份"]
        names += [f"一至{_cn(n)}月", f"1-{n}月累计完成"]
    if n == 12:
        names += ["全年", "全年累计"]
    return tuple(dict.fromkeys(names))


def parse_figure(value) -> tuple[Decimal, str] | None:
    """A figure and the unit written in its cell ("1.2亿" → (1.2, "亿")); None for an empty cell."""
    number, suffix = cells.split_number(value)
    if number is None:
        return None
    return number, suffix.strip()


def parse_growth(value) -> Decimal | None:
    """A growth rate in percent as typed: "6.5", "6.5%", "-1.2", "△1.2" (never scaled: 0.5 is 0.5%)."""
    number, suffix = cells.split_number(value)
    if number is None:
        return None
    if suffix not in ("", "%"):
        raise CellError(f"「{cells.shown(value)}」不是增速(百分数)")
    return number


def parse_period(value) -> Period | None:
    text = cells.parse_text(value)
    if text is None:
        return None
    folded = cells.fold(text)
    match = _TITLE_PERIOD.search(folded) or re.match(r"^\s*(\d{4})\s*[-/.]\s*(\d{1,2})\s*$", folded)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError(f"「{cells.shown(value)}」不是统计期(应为 2026-10 或 2026年1-10月)")
    return Period(int(match.group(1)), int(match.group(2)))


MONTH_FIELDS = tuple(Field(f"m{n}", f"{n}月", _month_names(n)[1:], parser=parse_figure, export_width=10)
                     for n in range(1, 13))
INDICATOR_FIELDS: tuple[Field, ...] = (
    Field("region", "地区", ("县区", "县(市、区)", "县(市区)", "县市区", "地区名称", "区域", "行政区划", "所属县区",
                           "县区名称", "开发区", "园区", "开发区(园区)"), export_width=12),
    Field("indicator", "指标名称", ("指标", "指标名", "项目", "主要指标", "经济指标", "指标项目", "统计指标"),
          required=True, export_width=24),
    Field("unit", "单位", ("计量单位", "计算单位", "单位名"), export_width=8),
    Field("source", "数据来源", ("来源", "口径", "数据口径"), kind="choice", choices=SOURCE_CHOICES, export_width=10),
    Field("year", "年度", ("年份", "统计年度"), kind="year", export_width=8),
    Field("period", "统计期", ("月份", "期别", "报告期", "统计月份", "年月", "所属期"), parser=parse_period),
    Field("month_value", "本月", ("当月", "本月数", "当月数", "本月完成", "当月完成", "当月值", "本月值"),
          parser=parse_figure),
    Field("ytd_value", "累计", ("本年累计", "累计数", "累计完成", "累计值", "自年初累计", "本年累计完成", "完成值",
                              "完成数", "数值", "本期"), parser=parse_figure),
    *MONTH_FIELDS,
    Field("stated_growth", "同比增长", ("同比增长(%)", "增长(%)", "增速", "增速(%)", "同比增速", "比上年同期增长",
                                    "增长", "同比", "增幅", "累计增长", "累计增速", "同比增减", "同比±%",
                                    "同比增长%", "比上年增长"), parser=parse_growth, export_width=10),
)


def _squash(text: str) -> str:
    return "".join(cells.fold(text).split()).lower()


def _alias(text: str) -> str:
    """An indicator name for matching: no brackets, no spaces, 规模以上 → 规上."""
    return _squash(_ALIAS_CUT.sub("", cells.fold(text))).replace("规模以上", "规上")


def _family(unit: str) -> dict[str, Decimal] | None:
    unit = unit.lower()
    return next((family for family in UNIT_FAMILIES if unit in family), None)


@register
class IndicatorValueAdapter(Adapter):
    kind = "indicators"
    title = "经济指标"
    description = ("县区报送的经济指标表:一行一个指标、各月横排,或一个月份、指标竖排;按指标、地区、统计期和"
                   "数据来源匹配已有数据(更新),其余新增")
    fields = INDICATOR_FIELDS
    label_fields = ("indicator", "region")
    preview_fields = ("region", "indicator", "unit", "source", "period")
    list_url_name = "indicators:values"

    # --- lookups ------------------------------------------------------------------------------------
    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        super().prepare(rows, hints)
        self.scope = scope_for(self.actor)
        self.may_enter_official = bool(self.actor.is_superuser
                                       or Role.Code.STATISTICS in role_codes(self.actor))
        self.indicators: dict[str, Indicator] = {}
        for indicator in Indicator.objects.filter(active=True):
            for name in (indicator.name, indicator.short_name, indicator.code):
                if name:
                    self.indicators.setdefault(_alias(name), indicator)
        self.places: dict[str, list[Region | Zone]] = {}
        self.regions = list(Region.objects.filter(self.scope.region_q("")).order_by("path"))
        for region in self.regions:
            self.places.setdefault(_squash(region.name), []).append(region)
        for zone in Zone.objects.filter(self.scope.region_q()).select_related("region"):
            for name in {zone.name, zone.short_name} - {""}:
                self.places.setdefault(_squash(name), []).append(zone)
        self.title_period = self._title_period(hints.title)
        self.title_place = self._title_place(hints.title) if "region" not in hints.mapped else None
        self.own = next((r for r in self.regions if r.pk == self.scope.region_id), None)
        if "region" not in hints.mapped and self.title_place is None and self.own is not None:
            self.warn(None, f"文件没有「地区」列,标题中也没有地区名,数据记入您所在的{self.own.name}")
        self.existing = self._existing_keys(rows)
        self.seen: dict[tuple, int] = {}

    def _title_period(self, title: str) -> Period | None:
        match = _TITLE_PERIOD.search(cells.fold(title or ""))
        if match and 1 <= int(match.group(2)) <= 12:
            return Period(int(match.group(1)), int(match.group(2)))
        return None

    def _title_place(self, title: str) -> Region | Zone | None:
        text = _squash(title or "")
        found = [places[0] for name, places in self.places.items() if len(places) == 1 and name and name in text]
        longest = sorted(found, key=lambda p: -len(p.name))
        return longest[0] if longest else None

    def _existing_keys(self, rows: Sequence[RowInput]) -> set[tuple]:
        years = {row.values["year"] for row in rows if row.values.get("year")}
        years |= {row.values["period"].year for row in rows if row.values.get("period")}
        years |= set(self.hints.column_years.values())
        if self.title_period:
            years.add(self.title_period.year)
        if self.hints.title_year:
            years.add(self.hints.title_year)
        found = IndicatorValue.objects.filter(year__in=sorted(years)).filter(
            self.scope.region_q("region") | self.scope.region_q("zone__region")).values_list(
            "indicator_id", "region_id", "zone_id", "year", "month", "source")
        return set(found)

    # --- resolving ----------------------------------------------------------------------------------
    def _place(self, text: str | None) -> tuple[Region | Zone | None, str | None]:
        if not text:
            if self.title_place is not None:
                return self.title_place, None
            if self.own is not None:
                return self.own, None
            return None, "缺少「地区」(请增加地区列,或在标题中写明地区)"
        name = _squash(text)
        if name in WHOLE_CITY:
            cities = [r for r in self.regions if r.level == Region.Level.CITY]
            if len(cities) == 1:
                return cities[0], None
        if name in WHOLE_COUNTY and self.own is not None and self.own.level == Region.Level.COUNTY:
            return self.own, None
        places = self.places.get(name, [])
        if len(places) == 1:
            return places[0], None
        if len(places) > 1:
            return None, f"地区「{text}」有重名,请写全称"
        return None, f"未找到地区「{text}」,或不在您的管辖范围内"

    def _indicator(self, text: str) -> tuple[Indicator | None, str | None]:
        indicator = self.indicators.get(_alias(text))
        if indicator is None:
            return None, f"指标「{text}」不在指标目录中"
        return indicator, None

    def _factor(self, unit: str | None, indicator: Indicator) -> tuple[Decimal | None, str | None]:
        """Factor from the row's unit to the catalog's."""
        target = _family(indicator.unit)
        if not unit:
            return Decimal(1), None
        family = _family(_squash(unit))
        if family is None or target is None or family is not target:
            return None, f"单位「{unit}」与指标「{indicator.name}」的单位「{indicator.unit}」不一致"
        return family[_squash(unit)] / target[indicator.unit.lower()], None

    def _cell_value(self, figure: tuple[Decimal, str], factor: Decimal, indicator: Indicator,
                    label: str) -> tuple[Decimal | None, str | None]:
        number, suffix = figure
        if suffix:
            family = _family(indicator.unit)
            scale = family.get(suffix.lower()) if family else None
            if scale is None and family is not None and suffix in MAGNITUDE_WORDS:
                scale = MAGNITUDE_WORDS[suffix] * min(family.values())
            if scale is None:
                return None, f"{label}的单位「{suffix}」与指标单位「{indicator.unit}」不一致"
            value = number * scale / family[indicator.unit.lower()]
        else:
            value = number * factor
        value = value.quantize(PLACES, rounding=ROUND_HALF_UP)
        if abs(value) >= LIMIT:
            return None, f"{label}数值过大"
        return value, None

    def _year(self, values: dict, key: str) -> int | None:
        if values.get("year"):
            return values["year"]
        if values.get("period"):
            return values["period"].year
        return self.hints.column_years.get(key) or (self.title_period.year if self.title_period else None) \
            or self.hints.title_year

    # --- validation ---------------------------------------------------------------------------------
    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        indicator, problem = self._indicator(values["indicator"]) if values.get("indicator") else (None, None)
        reasons += [problem] if problem else []
        place, problem = self._place(values.get("region"))
        reasons += [problem] if problem else []
        source = values.get("source") or IndicatorValue.Source.REPORTED
        if source == IndicatorValue.Source.OFFICIAL and not self.may_enter_official:
            reasons.append("只有统计部门可以导入统计部门(官方)数据")
        if indicator is None:
            return reasons or ["缺少「指标名称」"]
        factor, problem = self._factor(values.get("unit"), indicator)
        if problem:
            return [*reasons, problem]
        figures = self._month_figures(values, indicator, factor, reasons) or \
            self._single_figure(values, indicator, factor, reasons)
        if not figures and not reasons and "ytd_value" not in row.failed and "month_value" not in row.failed \
                and not any(f"m{n}" in row.failed for n in range(1, 13)):
            reasons.append("该行没有数值")
        if reasons or place is None:
            return reasons or ["缺少「地区」"]
        key_base = (indicator.pk, place.pk if isinstance(place, Region) else None,
                    place.pk if isinstance(place, Zone) else None)
        for period, _value in figures:
            key = (*key_base, period.year, period.month, source)
            if key in self.seen:
                reasons.append(f"{indicator.name}{period.label}的数据与第 {self.seen[key]} 行重复")
            self.seen.setdefault(key, row.row)
        if reasons:
            return reasons
        stated = values.get("stated_growth")
        return {"indicator": indicator, "place": place, "source": source, "figures": figures,
                "stated_growth": stated, "update": any((*key_base, p.year, p.month, source) in self.existing
                                                       for p, _v in figures)}

    def _month_figures(self, values: dict, indicator: Indicator, factor: Decimal,
                       reasons: list[str]) -> list[tuple[Period, Decimal]]:
        figures = []
        for n in range(1, 13):
            figure = values.get(f"m{n}")
            if figure is None:
                continue
            year = self._year(values, f"m{n}")
            if year is None:
                reasons.append("无法确定年份(请在标题、表头或“年度”列写明年份)")
                return []
            if (indicator.frequency == Indicator.Frequency.QUARTERLY and n % 3) or \
                    (indicator.frequency == Indicator.Frequency.ANNUAL and n != 12):
                reasons.append(f"「{indicator.name}」按{indicator.get_frequency_display()}统计,{n}月不应有数值")
                continue
            value, problem = self._cell_value(figure, factor, indicator, f"{n}月")
            if problem:
                reasons.append(problem)
            else:
                figures.append((Period(year, n), value))
        return figures

    def _single_figure(self, values: dict, indicator: Indicator, factor: Decimal,
                       reasons: list[str]) -> list[tuple[Period, Decimal]]:
        month, ytd = values.get("month_value"), values.get("ytd_value")
        if month is None and ytd is None:
            return []
        period = values.get("period") or self.title_period
        if period is None and values.get("year") and self.title_period:
            period = Period(values["year"], self.title_period.month)
        if period is None:
            reasons.append("无法确定统计期(请在标题中写明“2026年1-10月”,或增加“统计期”列)")
            return []
        basis = indicator.basis
        if basis == Indicator.Basis.YTD:
            figure = ytd if ytd is not None else (month if period.month == 1 else None)
            wanted = "累计"
        elif basis == Indicator.Basis.MONTH:
            figure = month if month is not None else (ytd if period.month == 1 else None)
            wanted = "本月"
        else:
            figure, wanted = (ytd if ytd is not None else month), "数值"
        if figure is None:
            reasons.append(f"「{indicator.name}」按{indicator.get_basis_display()}统计,请填写「{wanted}」")
            return []
        value, problem = self._cell_value(figure, factor, indicator, wanted)
        if problem:
            reasons.append(problem)
            return []
        return [(period, value)]

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean["update"]

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        periods = [p for p, _v in clean["figures"]]
        span = str(periods[0]) if len(periods) == 1 else f"{periods[0]}…{periods[-1]}({len(periods)} 个月)"
        return [str(clean["place"]), clean["indicator"].name, clean["indicator"].unit,
                str(IndicatorValue.Source(clean["source"]).label), span]

    # --- writing ------------------------------------------------------------------------------------
    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        created = updated = 0
        for done, row in enumerate(rows, start=1):
            data = row.data
            place = data["place"]
            last = data["figures"][-1][0]
            for period, value in data["figures"]:
                try:
                    _obj, is_new = services.value_save(
                        actor=context.actor, indicator=data["indicator"], period=period, value=value,
                        region=place if isinstance(place, Region) else None,
                        zone=place if isinstance(place, Zone) else None, source=data["source"],
                        stated_growth=data["stated_growth"] if period == last else None,
                        channel=IndicatorValue.Channel.IMPORT)
                except DomainError as exc:
                    raise type(exc)(f"第 {row.row} 行:{exc.message}", details=exc.details) from exc
                created, updated = created + is_new, updated + (not is_new)
            if done % 100 == 0 or done == len(rows):
                context.report(done, len(rows))
        return {"created": created, "updated": updated}

    def export(self) -> ExportTable:
        """The user's figures in layout A: one row per place, indicator, source and year; months across."""
        scope = scope_for(self.actor)
        qs = (IndicatorValue.objects.filter(scope.region_q("region") | scope.region_q("zone__region"))
              .select_related("indicator", "region", "zone")
              .order_by("-year", "region__path", "zone__name", "indicator__sort_order", "source", "month"))
        fields = (*INDICATOR_FIELDS[:5], *MONTH_FIELDS, INDICATOR_FIELDS[-1])
        return ExportTable(title="经济指标数据", unit="", fields=fields, rows=_export_rows(qs), sheet_name="经济指标")


def _export_rows(qs):
    """Group the ordered values into rows: 序号, place, indicator, unit, source, year, 1月…12月, and the stated
    growth of the row's latest month."""
    current, line, number = None, None, 0
    for value in qs.iterator(chunk_size=2000):
        key = (value.region_id, value.zone_id, value.indicator_id, value.source, value.year)
        if key != current:
            if line is not None:
                yield line
            current, number = key, number + 1
            line = [number, str(value.place), value.indicator.name, value.indicator.unit,
                    value.get_source_display(), value.year, *([None] * 12), None]
        line[5 + value.month] = value.value
        line[-1] = value.stated_growth
    if line is not None:
        yield line
