"""The parcels (地块) adapter of the Excel import (devzone.intake): `devzone import parcels FILE [--dry-run]`,
`devzone export parcels FILE` and the web import page. Rows match existing parcels by 地块编号 (an update),
otherwise they register one; every row is written through land.services (validation, jurisdiction, audit)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from devzone.core.errors import DomainError
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, Zone
from devzone.intake import cells
from devzone.intake.adapters.base import Adapter, CommitContext, ExportTable, Field, FileHints, RowInput, ValidRow
from devzone.intake.registry import register
from devzone.land import services
from devzone.land.models import Parcel

USE_LABELS = {"industrial": "工业", "warehouse": "仓储物流", "commercial": "商服", "residential": "住宅",
              "public": "公共设施", "other": "其他"}
USE_CHOICES = {**{label: key for key, label in USE_LABELS.items()}, "工业用地": "industrial", "仓储": "warehouse",
               "物流": "warehouse", "商业": "commercial", "商服用地": "commercial", "住宅用地": "residential",
               "公共管理与公共服务": "public", **{key: key for key in USE_LABELS}}
AREA_UNITS = {"亩": Decimal(1), "公顷": Decimal(15), "平方米": Decimal("0.0015"), "㎡": Decimal("0.0015")}
DATE_KEYS = ("approved_on", "expropriated_on", "supplied_on", "used_on")

PARCEL_FIELDS: tuple[Field, ...] = (
    Field("code", "地块编号", ("编号", "宗地编号", "宗地号", "地块号"), required=True, max_length=40, export_width=16),
    Field("name", "坐落", ("地块名称", "位置", "地块位置", "宗地坐落", "坐落位置"), required=True, max_length=200,
          export_width=28),
    Field("region", "县区", ("县(市、区)", "行政区划", "所属县区", "地区", "乡镇"), export_width=12),
    Field("zone", "开发区", ("园区", "所属园区", "开发区(园区)"), export_width=20),
    Field("area_mu", "面积(亩)", ("面积", "用地面积", "宗地面积", "地块面积"), kind="number", required=True,
          units=AREA_UNITS, export_header="面积(亩)", export_width=10),
    Field("use", "用途", ("土地用途", "规划用途"), kind="choice", choices=USE_CHOICES, export_width=10),
    Field("approved_on", "批准日期", ("批", "农转用批准日期", "批准时间"), kind="date", export_width=12),
    Field("expropriated_on", "征收日期", ("征", "征收时间", "征收完成日期"), kind="date", export_width=12),
    Field("supplied_on", "供地日期", ("供", "供应日期", "出让日期", "划拨日期"), kind="date", export_width=12),
    Field("used_on", "开工日期", ("用", "开工使用日期", "动工日期", "使用日期"), kind="date", export_width=12),
    Field("project", "项目编号", ("项目代码",), max_length=32, export_width=14),
    Field("enterprise", "用地企业信用代码", ("统一社会信用代码", "信用代码", "企业信用代码"), max_length=18,
          export_width=22),
    Field("lon", "经度", ("lon", "longitude"), kind="number", export_width=11),
    Field("lat", "纬度", ("lat", "latitude"), kind="number", export_width=11),
    Field("standard_land", "标准地", ("是否标准地",), kind="bool", export_width=8),
    Field("note", "备注", ("说明",), max_length=1000, export_width=20),
)


def _squash(text: str) -> str:
    return "".join(cells.fold(text).split()).lower()


@register
class ParcelAdapter(Adapter):
    kind = "parcels"
    title = "地块"
    description = "地块台账:编号、坐落、面积(亩)、用途及批、征、供、用日期;按地块编号匹配已有地块(更新),其余新增"
    fields = PARCEL_FIELDS
    key_field = "code"
    label_fields = ("code", "name")
    preview_fields = ("code", "name", "region", "area_mu", "approved_on", "supplied_on")
    list_url_name = "land:parcels"

    def prepare(self, rows: Sequence[RowInput], hints: FileHints) -> None:
        from devzone.enterprises.models import Enterprise
        from devzone.projects.models import Project

        super().prepare(rows, hints)
        self.scope = scope_for(self.actor)
        regions = Region.objects.filter(self.scope.region_q("")).filter(
            level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP])
        self.regions: dict[str, list[Region]] = {}
        for region in regions:
            self.regions.setdefault(_squash(region.name), []).append(region)
        self.own = Region.objects.filter(pk=self.scope.region_id).first() if self.scope.region_id else None
        self.zones = {}
        for zone in Zone.objects.filter(self.scope.region_q()).select_related("region"):
            for name in {zone.name, zone.short_name} - {""}:
                self.zones[_squash(name)] = zone
        codes = {str(r.values["code"]) for r in rows if r.values.get("code")}
        self.existing = {p.code: p for p in Parcel.objects.filter(code__in=codes).select_related("region")}
        project_codes = {r.values["project"] for r in rows if r.values.get("project")}
        self.projects = {p.code: p for p in Project.objects.filter(self.scope.region_q(), code__in=project_codes)
                         .select_related("region")}
        credit_codes = {str(r.values["enterprise"]).upper() for r in rows if r.values.get("enterprise")}
        self.enterprises = {e.credit_code: e for e in Enterprise.objects.filter(
            self.scope.region_q(), credit_code__in=credit_codes).select_related("region")}

    def validate_row(self, row: RowInput) -> dict[str, Any] | list[str]:
        values, reasons = row.values, []
        data: dict[str, Any] = {k: values[k] for k in ("code", "name", "area_mu", "use", *DATE_KEYS, "lon", "lat",
                                                       "standard_land", "note") if values.get(k) is not None}
        existing = self.existing.get(str(values.get("code")))
        if existing is not None and not self.scope.covers_path(existing.region.path):
            return [f"地块编号「{values['code']}」已被管辖范围外的地块使用"]
        data["region"] = self._region(values.get("region"), existing, reasons)
        if values.get("zone"):
            data["zone"] = self.zones.get(_squash(values["zone"]))
            if data["zone"] is None:
                reasons.append(f"未找到开发区「{values['zone']}」")
        if values.get("project"):
            data["project"] = self.projects.get(values["project"])
            if data["project"] is None:
                reasons.append(f"未找到项目编号「{values['project']}」(或不在管辖范围内)")
        if values.get("enterprise"):
            data["enterprise"] = self.enterprises.get(str(values["enterprise"]).upper())
            if data["enterprise"] is None:
                reasons.append(f"未找到信用代码为「{values['enterprise']}」的企业(或不在管辖范围内)")
        if data.get("area_mu") is not None and data["area_mu"] <= 0:
            reasons.append("面积须大于 0 亩")
        merged = {**({k: getattr(existing, k) for k in DATE_KEYS} if existing else {}), **data}
        try:
            services._check_dates(merged)
        except DomainError as exc:
            reasons.append(exc.message)
        if reasons:
            return reasons
        return {**data, "_existing": existing}

    def _region(self, text: str | None, existing: Parcel | None, reasons: list[str]) -> Region | None:
        if not text:
            if existing is not None:
                return existing.region
            if self.own is not None and self.own.level in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
                return self.own
            reasons.append("请填写县区")
            return None
        found = self.regions.get(_squash(text), [])
        if len(found) == 1:
            return found[0]
        reasons.append(f"「{text}」有重名,请写明所属县区" if found else f"未找到县区或乡镇「{text}」(或不在管辖范围内)")
        return None

    def is_update(self, clean: dict[str, Any]) -> bool:
        return clean.get("_existing") is not None

    def preview_values(self, clean: dict[str, Any]) -> list[str]:
        return [cells.shown(clean.get(k)) if clean.get(k) is not None else "" for k in self.preview_fields]

    def commit(self, rows: Sequence[ValidRow], *, context: CommitContext) -> dict[str, int]:
        created = updated = 0
        for done, row in enumerate(rows, start=1):
            data = dict(row.data)
            existing = data.pop("_existing", None)
            if existing is None:
                services.parcel_create(actor=context.actor, data=data)
                created += 1
            else:
                data.pop("code", None)
                services.parcel_update(actor=context.actor, parcel=Parcel.objects.get(pk=existing.pk), data=data)
                updated += 1
            context.report(done, len(rows))
        return {"created": created, "updated": updated}

    def export(self) -> ExportTable:
        return ExportTable(title="地块台账", unit="面积单位:亩", fields=self.fields, rows=self._rows(),
                           sheet_name="地块")

    def _rows(self) -> Iterator[list]:
        qs = (Parcel.objects.filter(scope_for(self.actor).region_q())
              .select_related("region", "zone", "project", "enterprise").order_by("code"))
        for number, parcel in enumerate(qs.iterator(chunk_size=2000), start=1):
            yield [number, *(self._value(parcel, f.key) for f in self.fields)]

    @staticmethod
    def _value(parcel: Parcel, key: str):
        if key == "region":
            return parcel.region.name
        if key == "zone":
            return parcel.zone.name if parcel.zone_id else None
        if key == "use":
            return USE_LABELS.get(parcel.use)
        if key == "project":
            return parcel.project.code or None if parcel.project_id else None
        if key == "enterprise":
            return parcel.enterprise.credit_code if parcel.enterprise_id else None
        if key == "standard_land":
            return "是" if parcel.standard_land else "否"
        return getattr(parcel, key)
