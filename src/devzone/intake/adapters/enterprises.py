"""The enterprise registry (企业库) adapter: identity, flags and one year of annual data per row.

Rows match existing enterprises by 统一社会信用代码 (an update), otherwise they register one. A blank cell
never overwrites a stored value. Up to `bulk_threshold` rows are written through
devzone.enterprises.services (full model validation, one audit event per change); larger files take the
bulk path (enterprise_writes.write_bulk): the same checks done here in memory for every row, executemany
INSERT/UPDATE in the caller's transaction, and one audit event for the batch (written by intake.services).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Zone
from devzone.enterprises import selectors as enterprise_selectors
from devzone.enterprises.credit_code import credit_code_problem, normalise_credit_code
from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry
from devzone.intake import cells
from devzone.intake.adapters import enterprise_export, enterprise_writes
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.cells import CellError
from devzone.intake.registry import register

CHUNK = 900  # keys per IN (...) query: under SQLite's historical 999-parameter limit

SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
STATS_LABELS = {"in": "入库", "out": "退库", "kept": "留基", "none": "未入库"}
LADDER_LABELS = {"sole_to_firm": "个转企", "small_to_above": "小升规", "above_to_share": "规转股",
                 "share_to_listed": "股上市"}
SOURCE_LABELS = {"reported": "企业填报", "statistics": "统计局", "tax": "税务局", "power": "供电公司",
                 "land": "自然资源局"}
FLAG_LABELS = {
    "above_size": ("是否规上", ("规上", "规上企业", "规上工业", "是否规上企业", "规模以上", "是否规模以上",
                            "规上工业企业")),
    "high_tech": ("高新技术企业", ("是否高新技术企业", "高企", "是否高企", "高新企业", "高新")),
    "specialised": ("专精特新", ("专精特新企业", "是否专精特新", "专精特新中小企业")),
    "little_giant": ("小巨人", ("专精特新小巨人", "是否小巨人", "小巨人企业", "专精特新小巨人企业")),
    "single_champion": ("单项冠军", ("制造业单项冠军", "单项冠军企业", "是否单项冠军")),
    "chain_leader": ("链主企业", ("链主", "是否链主")),
    "listed": ("上市企业", ("是否上市", "上市", "上市公司")),
    "listing_reserve": ("上市后备", ("上市后备企业", "是否上市后备")),
    "global500_sub": ("世界500强", ("世界500强子公司", "世界500强投资企业", "世界五百强")),
    "china500_sub": ("中国500强", ("中国500强子公司", "中国500强投资企业", "中国五百强")),
}
TAG_WORDS = {
    "规上": "above_size", "规上企业": "above_size", "规模以上": "above_size", "高新": "high_tech",
    "高企": "high_tech", "高新技术企业": "high_tech", "专精特新": "specialised", "小巨人": "little_giant",
    "专精特新小巨人": "little_giant", "单项冠军": "single_champion", "链主": "chain_leader",
    "链主企业": "chain_leader", "上市": "listed", "上市企业": "listed", "上市公司": "listed",
    "上市后备": "listing_reserve", "世界500强": "global500_sub", "中国500强": "china500_sub",
}
NON_NEGATIVE = ("land_mu", "tax", "energy_tce", "emission_eq")
_SEPARATORS = re.compile(r"[,、;;/\s]+")
_JOINERS = re.compile(r"^[/\-·,,、]+")
_INDUSTRY = re.compile(r"^([A-T])?(\d{1,4})?(.*)$")


def _choices(labels: dict[str, str], extra: dict[str, str]) -> dict[str, str]:
    table = {label: value for value, label in labels.items()}
    table.update({value: value for value in labels})
    table.update(extra)
    return table


SIZE_CHOICES = _choices(SIZE_LABELS, {"大": "large", "中": "medium", "小": "small", "微": "micro",
                                      "大型企业": "large", "中型企业": "medium", "小型企业": "small",
                                      "微型企业": "micro"})
STATS_CHOICES = _choices(STATS_LABELS, {"在库": "in", "已入库": "in", "是": "in", "已退库": "out", "否": "none",
                                        "不在库": "none"})
LADDER_CHOICES = _choices(LADDER_LABELS, {"无": ""})
SOURCE_CHOICES = _choices(SOURCE_LABELS, {"企业": "reported", "填报": "reported", "统计": "statistics",
                                          "统计部门": "statistics", "税务": "tax", "税务部门": "tax",
                                          "电力": "power", "电力公司": "power", "国网": "power",
                                          "自然资源": "land", "自然资源部门": "land"})


def parse_credit_code(value) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("统一社会信用代码被 Excel 存成了数字(末几位可能已丢失),请把该列设为文本后重新填写")
    text = cells.parse_text(value)
    if text is None:
        return None
    code = normalise_credit_code(cells.fold(text))
    problem = credit_code_problem(code)
    if problem:
        raise CellError(problem)
    return code


def _max_length(name: str) -> int | None:
    return Enterprise._meta.get_field(name).max_length


def _flag_fields() -> tuple[Field, ...]:
    return tuple(Field(key, label, synonyms, kind="bool", export_width=10)
                 for key, (label, synonyms) in FLAG_LABELS.items())


ENTERPRISE_FIELDS: tuple[Field, ...] = (
    Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码", "统一代码",
                                      "统一社会信用代码(纳税人识别号)", "纳税人识别号", "社会统一信用代码"),
          required=True, parser=parse_credit_code, export_width=22),
    Field("name", "企业名称", ("名称", "单位名称", "企业全称", "企业(单位)名称", "公司名称", "企业"), required=True,
          max_length=_max_length("name"), export_width=34),
    Field("region", "所在县区", ("县区", "所在县区/乡镇", "所在县区(乡镇)", "县(市、区)", "县(市区)", "县市区",
                             "所在县(市、区)", "所在县(市区)", "所属县区", "区县", "所在区县", "所属区县", "所在地区",
                             "所属地区", "行政区划", "属地", "所在地", "县区名称", "所属县(市、区)"), export_width=12),
    Field("township", "所在乡镇", ("乡镇", "乡镇(街道)", "所在乡镇(街道)", "乡镇街道", "街道", "所属乡镇",
                               "所在街道", "所属乡镇(街道)"), export_width=12),
    Field("zone", "所在园区", ("园区", "所属园区", "所在开发区", "开发区", "所属开发区", "园区名称", "开发区名称",
                           "所在园区(开发区)", "产业园区", "所在集聚区", "所属园区(开发区)"), export_width=20),
    Field("industry", "行业代码", ("国民经济行业代码", "所属行业", "行业", "行业分类", "行业类别", "国民经济行业分类",
                               "所属行业代码", "行业门类", "国民经济行业分类代码"), export_width=10),
    Field("size", "企业规模", ("规模", "规模类型", "企业规模类型"), kind="choice", choices=SIZE_CHOICES,
          export_width=8),
    *_flag_fields(),
    Field("tags", "企业标签", ("企业类型", "标签", "荣誉资质", "企业资质")),
    Field("stats_status", "统计状态", ("入库状态", "是否入库"), kind="choice", choices=STATS_CHOICES,
          export_width=8),
    Field("ladder_stage", "培育阶段", ("梯度培育", "梯度培育阶段", "培育梯度"), kind="choice",
          choices=LADDER_CHOICES, export_width=8),
    Field("legal_representative", "法定代表人", ("法人代表", "法人", "企业法人"),
          max_length=_max_length("legal_representative"), export_width=10),
    Field("address", "企业地址", ("地址", "注册地址", "生产地址", "详细地址", "生产经营地址"),
          max_length=_max_length("address"), export_width=30),
    Field("phone", "联系电话", ("电话", "手机", "联系方式", "手机号码"), max_length=_max_length("phone")),
    Field("established_on", "成立日期", ("成立时间", "注册日期", "注册时间"), kind="date", export_width=12),
    Field("production_start_year", "投产年份", ("投产时间", "投产年度", "投产日期"), kind="year", export_width=10),
    Field("year", "年度", ("年份", "数据年度", "统计年度"), kind="year", export_width=8),
    Field("land_mu", "用地面积", ("占地面积", "用地", "土地面积", "实际用地面积", "占地", "用地面积(亩)"),
          kind="number", units={"亩": Decimal(1), "公顷": Decimal(15), "平方米": Decimal("0.0015")},
          export_header="用地面积(亩)"),
    Field("revenue", "营业收入", ("主营业务收入", "营收", "销售收入"), kind="money"),
    Field("output", "工业总产值", ("总产值", "产值", "工业产值"), kind="money"),
    Field("value_added", "工业增加值", ("增加值",), kind="money"),
    Field("tax", "实缴税金", ("税收", "实缴税收", "纳税额", "实缴税额", "税金", "入库税金", "税收收入", "纳税总额",
                          "实缴税金总额"), kind="money"),
    Field("profit", "利润", ("利润总额", "净利润"), kind="money"),
    Field("employees", "从业人员", ("年平均职工人数", "职工人数", "员工人数", "从业人数", "平均从业人员", "用工人数",
                                "从业人员数", "年末从业人员", "年平均从业人员"), kind="integer",
          units={"人": Decimal(1)}, export_header="从业人员(人)"),
    Field("energy_tce", "综合能耗", ("综合能源消费量", "能耗", "能源消费量", "综合能源消费"), kind="number",
          units={"吨标煤": Decimal(1), "吨标准煤": Decimal(1), "tce": Decimal(1), "千克标煤": Decimal("0.001")},
          export_header="综合能耗(吨标煤)"),
    Field("emission_eq", "排放当量", ("主要污染物排放当量", "污染物排放当量", "排放量"), kind="number",
          units={"吨": Decimal(1), "t": Decimal(1), "千克": Decimal("0.001"), "kg": Decimal("0.001")},
          export_header="排放当量(吨)"),
    Field("rd_expense", "R&D经费", ("研发经费", "研发投入", "R&D经费支出", "研究与试验发展经费", "研发费用"),
          kind="money"),
    Field("electricity_kwh", "用电量", ("年用电量", "用电", "电量", "总用电量"), kind="number",
          units={"千瓦时": Decimal(1), "kwh": Decimal(1), "度": Decimal(1)}, export_header="用电量(千瓦时)"),
    Field("source", "数据来源", ("来源",), kind="choice", choices=SOURCE_CHOICES),
)
IDENTITY_KEYS = ("name", "zone", "industry", "size", *FLAG_LABELS, "stats_status", "ladder_stage",
                 "legal_representative", "address", "phone", "established_on", "production_start_year")
IDENTITY_SET = frozenset(IDENTITY_KEYS)
FIGURES = EnterpriseYear.FIGURE_FIELDS
NOT_EXPORTED = {"tags", "source"}
CHOICE_LABELS = {"size": SIZE_LABELS, "stats_status": STATS_LABELS, "ladder_stage": LADDER_LABELS}


@dataclass(frozen=True)
class FigureSpec:
    """What a figure must satisfy to fit its database column (read from the model once)."""

    key: str
    label: str
    quantum: Decimal | None       # None for integers
    limit: Decimal | int
    non_negative: bool

    def check(self, value) -> tuple[Any, str | None]:
        if self.non_negative and value < 0:
            return None, f"「{self.label}」不能为负数"
        if self.quantum is not None:
            value = value.quantize(self.quantum, rounding=ROUND_HALF_UP)
        if abs(value) >= self.limit:
            shown = f"{value.normalize():f}" if self.quantum is not None else str(value)
            return None, f"「{self.label}」数值过大({shown})"
        return value, None


def _figure_spec(key: str, label: str) -> FigureSpec:
    field = EnterpriseYear._meta.get_field(key)
    if isinstance(field, models.DecimalField):
        return FigureSpec(key, label, Decimal(1).scaleb(-field.decimal_places),
                          Decimal(10) ** (field.max_digits - field.decimal_places), key in NON_NEGATIVE)
    return FigureSpec(key, label, None, 2_147_483_648, True)


FIGURE_SPECS = tuple(_figure_spec(f.key, f.label) for f in ENTERPRISE_FIELDS if f.key in FIGURES)


def squash(text: str) -> str:
    return "".join(cells.fold(text).split())


@register
class EnterpriseAdapter(Adapter):
    kind = "enterprises"
    title = "企业库"
    description = "企业名录与年度经济数据;按统一社会信用代码匹配已登记企业(更新),其余为新登记"
    fields = ENTERPRISE_FIELDS
    key_field = "credit_code"
    label_fields = ("name", "credit_code")
    list_url_name = "enterprises:list"
    preview_fields = ("credit_code", "name", "region", "zone", "industry", "year", "revenue", "tax")

    # --- lookups ------------------------------------------------------------------------------------
    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        super().prepare(rows, hints)
        self.scope = scope_for(self.actor)
        self._regions_seen: dict[tuple, tuple[Region | None, str | None]] = {}
        self._zones_seen: dict[str, tuple[Zone | None, str | None]] = {}
        self._industries_seen: dict[str, tuple[Industry | None, str | None]] = {}
        self._load_regions()
        self._load_zones()
        self._load_industries()
        self.existing = self._existing({row.values["credit_code"] for row in rows if "credit_code" in row.values})
        self.year = self._file_year(hints)
        self.default_region = self._default_region(hints)

    def _existing(self, codes: set[str]) -> dict[str, tuple[int, str]]:
        """Registered enterprises among `codes`: (id, region path) by code. When the registry is not much
        larger than the file, one scan is cheaper than thousands of IN (...) parameters."""
        columns = ("credit_code", "pk", "region__path")
        if Enterprise.objects.count() <= 2 * len(codes) + 10_000:
            found = Enterprise.objects.values_list(*columns)
            return {code: (pk, path) for code, pk, path in found if code in codes}
        ordered, existing = sorted(codes), {}
        for start in range(0, len(ordered), CHUNK):
            found = Enterprise.objects.filter(credit_code__in=ordered[start:start + CHUNK]).values_list(*columns)
            existing.update({code: (pk, path) for code, pk, path in found})
        return existing

    def _load_regions(self) -> None:
        levels = [Region.Level.COUNTY, Region.Level.TOWNSHIP]
        regions = list(Region.objects.filter(level__in=levels).only("id", "name", "code", "path", "level",
                                                                      "parent_id"))
        self.regions = {r.pk: r for r in regions}
        self.region_names: dict[str, list[Region]] = defaultdict(list)
        self.county_names: dict[str, list[Region]] = defaultdict(list)
        self.townships: dict[tuple[int, str], Region] = {}
        self.region_codes = {r.code: r for r in regions if r.code}
        for region in regions:
            self.region_names[squash(region.name)].append(region)
            if region.level == Region.Level.COUNTY:
                self.county_names[squash(region.name)].append(region)
            elif region.parent_id:
                self.townships[(region.parent_id, squash(region.name))] = region

    def _load_zones(self) -> None:
        self.zones: dict[str, list[Zone]] = defaultdict(list)
        for zone in Zone.objects.select_related("region").only("id", "name", "short_name", "region__path",
                                                               "region__name"):
            self.zones[squash(zone.name)].append(zone)
            if zone.short_name and squash(zone.short_name) != squash(zone.name):
                self.zones[squash(zone.short_name)].append(zone)

    def _load_industries(self) -> None:
        industries = list(Industry.objects.only("id", "code", "name"))
        self.industry_codes = {i.code.upper(): i for i in industries}
        self.industry_names = {squash(i.name): i for i in industries}
        self.divisions = {i.code[1:3]: i.code[0] for i in industries if re.fullmatch(r"[A-T]\d{2}", i.code)}

    def _file_year(self, hints: FileHints) -> int | None:
        """The year for figures when the file has no 年度 column: from a header, else from the title."""
        if "year" in hints.mapped:
            return None
        years = Counter(year for key, year in hints.column_years.items() if key in FIGURES)
        if years:
            return years.most_common(1)[0][0]
        if hints.title_year and any(key in hints.mapped for key in FIGURES):
            self.warn(None, f"文件没有「年度」列,经济数据按标题中的 {hints.title_year} 年导入")
            return hints.title_year
        return None

    def _default_region(self, hints: FileHints) -> Region | None:
        """With neither a county nor a township column, a county user's rows belong to their county."""
        if "region" in hints.mapped or "township" in hints.mapped or self.scope.region_id is None:
            return None
        region = self.regions.get(self.scope.region_id)
        if region is not None:
            self.warn(None, f"文件没有「所在县区」列,新登记的企业记入您所在的{region.name}")
        return region

    # --- resolving names ----------------------------------------------------------------------------
    def resolve_region(self, text: str | None, township: str | None) -> tuple[Region | None, str | None]:
        if not text and not township:
            return None, None
        candidates = self._region_candidates(text) if text else []
        if text and not candidates:
            return None, f"未找到县区或乡镇「{text}」"
        if township:
            if candidates:
                found = [self.townships.get((c.pk, squash(township))) for c in candidates]
                found = [t for t in found if t is not None]
                if not found:
                    return None, f"「{text}」下没有乡镇「{township}」"
                candidates = found
            else:
                candidates = [r for r in self.region_names.get(squash(township), [])
                              if r.level == Region.Level.TOWNSHIP]
                if not candidates:
                    return None, f"未找到乡镇「{township}」"
        return self._pick_in_scope(candidates, township or text or "")

    def _region_candidates(self, text: str) -> list[Region]:
        name = squash(text)
        if name in self.region_names:
            return self.region_names[name]
        if name in self.region_codes:
            return [self.region_codes[name]]
        for cut in range(2, len(name) - 1):  # "澜江区新桥街道", "澜江区/新桥街道"
            counties = self.county_names.get(name[:cut])
            rest = _JOINERS.sub("", name[cut:], count=1)
            if counties and rest:
                found = [self.townships.get((c.pk, rest)) for c in counties]
                if any(found):
                    return [t for t in found if t is not None]
        return []

    def _pick_in_scope(self, candidates: list[Region], shown: str) -> tuple[Region | None, str | None]:
        inside = [r for r in candidates if self.scope.covers_path(r.path)]
        if len(inside) == 1:
            return inside[0], None
        if len(inside) > 1:
            return None, f"「{shown}」有重名(在多个县区),请写成“县区+乡镇”,如「{self._county_of(inside[0])}{shown}」"
        return None, f"「{shown}」不在您的管辖范围内"

    def _county_of(self, region: Region) -> str:
        parent = self.regions.get(region.parent_id) if region.parent_id else None
        return parent.name if parent is not None else ""

    def resolve_zone(self, text: str) -> tuple[Zone | None, str | None]:
        zones = self.zones.get(squash(text), [])
        if not zones:
            return None, f"未找到园区「{text}」"
        inside = [z for z in zones if self.scope.covers_path(z.region.path)]
        if not inside:
            return None, f"园区「{text}」不在您的管辖范围内"
        return inside[0], None

    def resolve_industry(self, text: str) -> tuple[Industry | None, str | None]:
        folded = squash(text).upper()
        letter, digits, rest = _INDUSTRY.match(folded).groups()
        if digits:
            digits = digits.zfill(2)
            letter = letter or self.divisions.get(digits[:2])
            for code in (f"{letter}{digits}", f"{letter}{digits[:3]}", f"{letter}{digits[:2]}"):
                if letter and code in self.industry_codes:
                    return self.industry_codes[code], None
        elif letter and not rest:
            if letter in self.industry_codes:
                return self.industry_codes[letter], None
        elif squash(text) in self.industry_names:
            return self.industry_names[squash(text)], None
        return None, f"行业代码「{text}」不在国民经济行业分类(GB/T 4754)中"

    # --- validation ---------------------------------------------------------------------------------
    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        code = values.get("credit_code")
        existing = self.existing.get(code) if code else None
        if existing is not None and not self.scope.covers_path(existing[1]):
            reasons.append(f"统一社会信用代码 {code} 已登记为您管辖范围以外的企业,不能修改")
        data: dict[str, Any] = {k: v for k, v in values.items() if k in IDENTITY_SET}
        if values.get("tags"):
            self._apply_tags(row, data)
        region_path = self._check_region(values, existing, data, reasons, row)
        if "zone" in data:
            self._check_zone(data, region_path, reasons)
        if "industry" in data:
            data["industry"], problem = self._industry(data["industry"])
            if problem:
                reasons.append(problem)
        year, figures = self._figures(values, row, reasons)
        if reasons:
            return reasons
        return {"credit_code": code, "existing": existing, "enterprise": data, "year": year, "figures": figures,
                "source": values.get("source")}

    def _apply_tags(self, row: RowInput, data: dict[str, Any]) -> None:
        unknown = []
        for word in filter(None, _SEPARATORS.split(cells.fold(row.values["tags"]))):
            flag = TAG_WORDS.get(word)
            if flag is None:
                unknown.append(word)
            elif flag not in data:
                data[flag] = True
        if unknown:
            self.warn(row.row, f"「企业标签」中的「{'、'.join(unknown)}」未识别,已忽略")

    def _check_region(self, values: dict, existing, data: dict, reasons: list[str], row: RowInput) -> str | None:
        key = (values.get("region"), values.get("township"))
        if key not in self._regions_seen:  # a ledger names few places many times
            self._regions_seen[key] = self.resolve_region(*key)
        region, problem = self._regions_seen[key]
        if problem:
            reasons.append(problem)
            return None
        if region is None and existing is None:
            region = self.default_region
            if region is None and "region" not in row.failed:
                reasons.append("新登记的企业须填写「所在县区」")
                return None
        if region is not None:
            data["region"] = region
            return region.path
        return existing[1] if existing else None

    def _check_zone(self, data: dict, region_path: str | None, reasons: list[str]) -> None:
        text = data.pop("zone")
        if text not in self._zones_seen:
            self._zones_seen[text] = self.resolve_zone(text)
        zone, problem = self._zones_seen[text]
        if problem:
            reasons.append(problem)
            return
        zone_path = zone.region.path
        if region_path and not region_path.startswith(zone_path) and not zone_path.startswith(region_path):
            reasons.append(f"园区「{zone.name}」不在企业所在县区内(园区属于{zone.region.name})")
            return
        data["zone"] = zone

    def _industry(self, text: str) -> tuple[Industry | None, str | None]:
        if text not in self._industries_seen:
            self._industries_seen[text] = self.resolve_industry(text)
        return self._industries_seen[text]

    def _figures(self, values: dict, row: RowInput, reasons: list[str]) -> tuple[int | None, dict[str, Any]]:
        figures: dict[str, Any] = {}
        for spec in FIGURE_SPECS:
            value = values.get(spec.key)
            if value is not None:
                figures[spec.key], problem = spec.check(value)
                if problem:
                    reasons.append(problem)
        year = values.get("year") or self.year
        if figures and year is None and "year" not in row.failed:
            reasons.append("有经济数据但缺少「年度」(请增加「年度」列,或在表头、标题中注明年份)")
        return year, figures

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean["existing"] is not None

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        data, figures = clean["enterprise"], clean["figures"]
        region = data.get("region")
        region_text = ""
        if region is not None:
            county = self._county_of(region) if region.level == Region.Level.TOWNSHIP else ""
            region_text = f"{county}{region.name}"
        return [clean["credit_code"], data.get("name", ""), region_text,
                data["zone"].name if data.get("zone") else "", data["industry"].code if data.get("industry") else "",
                str(clean["year"] or "") if figures else "", _money_text(figures.get("revenue")),
                _money_text(figures.get("tax"))]

    # --- writing and export --------------------------------------------------------------------------
    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        if len(rows) > context.bulk_threshold:
            return enterprise_writes.write_bulk(rows, context)
        return enterprise_writes.write_each(rows, context)

    def export(self) -> ExportTable:
        year = enterprise_selectors.latest_year(user=self.actor)
        fields = [f for f in self.fields if f.key not in NOT_EXPORTED]
        return ExportTable(title=f"企业库({year}年度)" if year else "企业库", unit="单位:万元", fields=fields,
                           rows=enterprise_export.export_rows(self.actor, fields, year, CHOICE_LABELS),
                           sheet_name="企业库")


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"
