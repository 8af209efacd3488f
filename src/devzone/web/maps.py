"""The project map (挂图作战): layers of GeoJSON drawn offline over uploaded boundaries (no tiles).

A layer is a named source of a GeoJSON FeatureCollection for a user and the page's filters. The map page asks
every registered layer for its data at `/cockpit/map/layers/<key>.geojson`; another app adds a layer (land parcels,
enterprises …) with `register_layer(MapLayer(...))` from its AppConfig.ready().

Every feature carries `properties.url` (the page it links to) and `properties.name`; point layers also carry the
categories the page colours by (`stage`, `light`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.errors import ValidationFailed
from devzone.core.models import Region, User

MAX_GEOJSON_BYTES = 2 * 1024 * 1024
MAX_POSITIONS = 50_000
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class MapLayer:
    key: str
    label: str
    kind: str  # "areas" (the base map's boundaries), "points" (coloured by stage or light) or "markers"
    loader: Callable[[User, Mapping[str, Any]], dict]
    default_on: bool = True
    color: str = ""  # a "markers" layer's one colour


LAYERS: dict[str, MapLayer] = {}


def register_layer(layer: MapLayer) -> None:
    LAYERS[layer.key] = layer


def layer_get(key: str) -> MapLayer | None:
    return LAYERS.get(key)


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


# --- validation of uploaded boundaries -----------------------------------------------------------------------

def _fail(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": "geojson", "message": message}])


def _check_position(position: Any) -> None:
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise _fail("坐标应为 [经度, 纬度] 数组")
    lon, lat = position[0], position[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
        raise _fail("坐标必须是数字")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise _fail(f"坐标超出范围:经度应在 -180~180、纬度应在 -90~90 之间(收到 {lon}, {lat})")


def _check_polygon(rings: Any) -> int:
    if not isinstance(rings, list) or not rings:
        raise _fail("面(Polygon)至少要有一个环")
    positions = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise _fail("每个环至少要有 4 个坐标点")
        for position in ring:
            _check_position(position)
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise _fail("环的首尾坐标必须相同(闭合)")
        positions += len(ring)
    return positions


def _check_geometry(geometry: Any) -> int:
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_TYPES:
        raise _fail("边界的几何类型应为 Polygon 或 MultiPolygon")
    coordinates = geometry.get("coordinates")
    if geometry["type"] == "Polygon":
        return _check_polygon(coordinates)
    if not isinstance(coordinates, list) or not coordinates:
        raise _fail("MultiPolygon 至少要有一个面")
    return sum(_check_polygon(polygon) for polygon in coordinates)


def parse_boundary(raw: bytes | str | dict) -> dict:
    """Validate an uploaded boundary (size, JSON, GeoJSON type, closed rings, coordinate ranges) and return it
    as a Feature with a Polygon/MultiPolygon geometry. Raises ValidationFailed with a Chinese message."""
    if isinstance(raw, bytes | str):
        if len(raw) > MAX_GEOJSON_BYTES:
            raise _fail(f"文件过大:GeoJSON 不能超过 {MAX_GEOJSON_BYTES // (1024 * 1024)} MB")
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _fail("文件不是有效的 JSON") from exc
    else:
        data = raw
    if not isinstance(data, dict):
        raise _fail("GeoJSON 顶层应为对象")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise _fail("FeatureCollection 应只包含一个要素(一个边界)")
        data = features[0]
        kind = data.get("type") if isinstance(data, dict) else None
    if kind == "Feature":
        geometry = data.get("geometry")
    elif kind in GEOMETRY_TYPES:
        geometry = data
    else:
        raise _fail("不支持的 GeoJSON 类型:应为 Feature、FeatureCollection、Polygon 或 MultiPolygon")
    if _check_geometry(geometry) > MAX_POSITIONS:
        raise _fail(f"坐标点过多:不能超过 {MAX_POSITIONS} 个")
    return {"type": "Feature", "properties": {}, "geometry": geometry}


# --- built-in layers ---------------------------------------------------------------------------------------

def _area(name: str, kind: str, obj_id: int, boundary: dict, link: str) -> dict:
    geometry = boundary.get("geometry") if boundary.get("type") == "Feature" else boundary
    return {"type": "Feature", "geometry": geometry,
            "properties": {"name": name, "kind": kind, "id": obj_id, "url": link}}


def boundaries_layer(user: User, filters: Mapping[str, Any]) -> dict:
    """Counties (their boards) and zones (their pages) that have a boundary, in the user's jurisdiction."""
    from devzone.core import selectors as core_selectors

    counties = core_selectors.counties_in_scope(user=user).exclude(boundary__isnull=True)
    zones = core_selectors.zone_queryset(user=user).exclude(boundary__isnull=True)
    features = [_area(c.name, "county", c.pk, c.boundary, reverse("cockpit_county", args=[c.pk]))
                for c in counties]
    features += [_area(z.name, "zone", z.pk, z.boundary, z.get_absolute_url()) for z in zones]
    return feature_collection(features)


def projects_layer(user: User, filters: Mapping[str, Any]) -> dict:
    """Projects with a location, filtered like the ledger (stage, light, region, zone, level)."""
    from devzone.projects import selectors as project_selectors
    from devzone.projects.models import Stage

    wanted = {k: filters[k] for k in ("stage", "light", "region", "zone", "level", "q") if filters.get(k)}
    stages = dict(Stage.choices)
    # values(): only the annotations the map needs (the light) are computed, not the whole ledger
    rows = (project_selectors.project_list(user=user, filters=wanted)
            .filter(lon__isnull=False, lat__isnull=False)
            .values("pk", "name", "stage", "light", "total_investment", "lon", "lat", "region__name",
                    "region__level", "region__parent__name", "zone__name"))
    features = []
    for p in rows:
        county = p["region__parent__name"] if p["region__level"] == Region.Level.TOWNSHIP else p["region__name"]
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": [float(p["lon"]), float(p["lat"])]},
                         "properties": {"id": p["pk"], "name": p["name"],
                                        "url": reverse("projects:detail", args=[p["pk"]]),
                                        "stage": p["stage"], "stage_label": str(stages.get(p["stage"], p["stage"])),
                                        "light": p["light"], "investment": float(p["total_investment"]),
                                        "county": county, "zone": p["zone__name"] or ""}})
    return feature_collection(features)


register_layer(MapLayer("boundaries", _("Counties and zones"), "areas", boundaries_layer))
register_layer(MapLayer("projects", _("Key projects"), "points", projects_layer))
