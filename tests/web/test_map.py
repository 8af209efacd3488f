"""The project map: layer endpoints (GeoJSON content, filters, jurisdiction, query counts), the layer registry,
boundary upload with validation (Chinese messages, nothing written on bad input), and the demo's generated
boundaries (closed rings, shared edges, projects inside their county or zone)."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from devzone.core.errors import ValidationFailed
from devzone.core.models import AuditEvent, Region, Zone
from devzone.demo.maps import Grid, zone_ring
from devzone.web import maps

SQUARE = {"type": "Polygon", "coordinates": [[[113.0, 34.0], [113.5, 34.0], [113.5, 34.5], [113.0, 34.5],
                                              [113.0, 34.0]]]}


def _upload(client, target: str, content: bytes | str, name: str = "b.geojson"):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/cockpit/map/boundaries/", {"target": target,
                                                     "file": SimpleUploadedFile(name, data, "application/geo+json")})


@pytest.fixture
def located(org, make_project):
    return {
        "red": make_project(("signed", "started"), name="澜江开工项目", lon=Decimal("113.2"), lat=Decimal("34.2"),
                            zone=org.zone1),
        "planned": make_project(name="澜江储备项目", lon=Decimal("113.3"), lat=Decimal("34.3")),
        "north": make_project(("signed",), region=org.county2, name="北湖签约项目", lon=Decimal("113.9"),
                              lat=Decimal("34.6")),
        "nowhere": make_project(name="未定位项目"),
    }


def test_projects_layer_is_geojson_scoped_and_filtered(org, login, located):
    city = login(org.city_user)
    response = city.get("/cockpit/map/layers/projects.geojson")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    assert set(by_name) == {"澜江开工项目", "澜江储备项目", "北湖签约项目"}  # no location, no point
    red = by_name["澜江开工项目"]
    assert red["geometry"] == {"type": "Point", "coordinates": [113.2, 34.2]}
    assert red["properties"]["url"] == f"/projects/{located['red'].pk}/"
    assert red["properties"]["stage"] == "started" and red["properties"]["stage_label"] == "开工"
    assert red["properties"]["county"] == "澜江区" and red["properties"]["zone"] == org.zone1.name
    assert red["properties"]["light"] in ("red", "yellow", "green", "none")
    names = lambda query: {f["properties"]["name"] for f in city.get(  # noqa: E731
        "/cockpit/map/layers/projects.geojson", query).json()["features"]}
    assert names({"stage": "signed"}) == {"北湖签约项目"}
    assert names({"region": org.county2.pk}) == {"北湖签约项目"}
    assert names({"zone": org.zone1.pk}) == {"澜江开工项目"}
    assert names({"light": "none"}) == {"澜江开工项目", "澜江储备项目", "北湖签约项目"}  # nobody has a plan
    county1 = login(org.county1_user).get("/cockpit/map/layers/projects.geojson").json()
    assert {f["properties"]["name"] for f in county1["features"]} == {"澜江开工项目", "澜江储备项目"}


def test_boundaries_layer_and_jurisdiction(org, login):
    Region.objects.filter(pk__in=[org.county1.pk, org.county2.pk]).update(boundary=maps.parse_boundary(SQUARE))
    Zone.objects.filter(pk=org.zone2.pk).update(boundary=maps.parse_boundary(SQUARE))
    data = login(org.city_user).get("/cockpit/map/layers/boundaries.geojson").json()
    kinds = {(f["properties"]["name"], f["properties"]["kind"]) for f in data["features"]}
    assert kinds == {("澜江区", "county"), ("北湖区", "county"), (org.zone2.name, "zone")}
    county = next(f for f in data["features"] if f["properties"]["name"] == "澜江区")
    assert county["geometry"] == SQUARE and county["properties"]["url"] == f"/cockpit/county/{org.county1.pk}/"
    mine = login(org.county1_user).get("/cockpit/map/layers/boundaries.geojson").json()
    assert [f["properties"]["name"] for f in mine["features"]] == ["澜江区"]
    assert login(org.city_user).get("/cockpit/map/layers/no-such-layer.geojson").status_code == 404


def test_map_page_lists_registered_layers(org, login):
    maps.register_layer(maps.MapLayer("test_layer", "测试图层", "points",
                                      lambda user, filters: maps.feature_collection([]), default_on=False))
    try:
        response = login(org.city_user).get("/cockpit/map/", {"stage": "started", "colour": "light"})
        assert response.status_code == 200
        config = response.context["config"]
        keys = [layer["key"] for layer in config["layers"]]
        assert keys[:2] == ["boundaries", "projects"] and "test_layer" in keys
        assert config["colour"] == "light"
        assert all("stage=started" in layer["url"] for layer in config["layers"])
        assert 'id="map-config"' in response.content.decode()
        assert login(org.city_user).get("/cockpit/map/layers/test_layer.geojson").json()["features"] == []
    finally:
        maps.LAYERS.pop("test_layer")


def test_map_query_counts_do_not_grow(org, login, make_project, django_assert_max_num_queries):
    client = login(org.city_user)
    make_project(lon=Decimal("113.2"), lat=Decimal("34.2"))
    with django_assert_max_num_queries(40) as page_few:
        assert client.get("/cockpit/map/").status_code == 200
    with django_assert_max_num_queries(20) as layer_few:
        assert client.get("/cockpit/map/layers/projects.geojson").status_code == 200
    for n in range(12):
        make_project(("signed",), region=org.county2 if n % 2 else org.county1, lon=Decimal("113.3"),
                     lat=Decimal("34.3"), zone=org.zone2 if n % 2 else org.zone1)
    Region.objects.filter(level="county").update(boundary=maps.parse_boundary(SQUARE))
    with django_assert_max_num_queries(len(page_few.captured_queries)):
        assert client.get("/cockpit/map/").status_code == 200
    with django_assert_max_num_queries(len(layer_few.captured_queries)):
        assert len(client.get("/cockpit/map/layers/projects.geojson").json()["features"]) == 13
    with django_assert_max_num_queries(len(layer_few.captured_queries)):
        assert client.get("/cockpit/map/layers/boundaries.geojson").status_code == 200


# --- upload --------------------------------------------------------------------------------------------------

def test_city_uploads_a_county_boundary(org, login):
    client = login(org.city_user)
    assert client.get("/cockpit/map/boundaries/").status_code == 200
    feature = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"名称": "澜江"},
                                                           "geometry": SQUARE}]}
    response = _upload(client, f"region:{org.county1.pk}", json.dumps(feature))
    assert response.status_code == 302 and response["Location"] == "/cockpit/map/"
    org.county1.refresh_from_db()
    assert org.county1.boundary["geometry"] == SQUARE
    assert AuditEvent.objects.filter(object_id=str(org.county1.pk), action="update").exists()
    response = _upload(client, f"zone:{org.zone1.pk}", json.dumps(SQUARE))
    assert response.status_code == 302
    org.zone1.refresh_from_db()
    assert org.zone1.boundary["geometry"] == SQUARE


@pytest.mark.parametrize(("content", "message"), [
    ("不是JSON", "文件不是有效的 JSON"),
    (json.dumps({"type": "Point", "coordinates": [113, 34]}), "不支持的 GeoJSON 类型"),
    (json.dumps({"type": "Polygon", "coordinates": [[[113, 34], [114, 34], [114, 35], [113, 35]]]}),
     "闭合"),
    (json.dumps({"type": "Polygon", "coordinates": [[[113, 34], [114, 34], [114, 95], [113, 34]]]}),
     "坐标超出范围"),
    (json.dumps({"type": "Polygon", "coordinates": [[[113, 34], ["a", 34], [114, 35], [113, 34]]]}),
     "坐标必须是数字"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "只包含一个要素"),
    (json.dumps({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}),
     "Polygon 或 MultiPolygon"),
])
def test_bad_geojson_is_refused_in_chinese(org, login, content, message):
    response = _upload(login(org.city_user), f"region:{org.county1.pk}", content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    org.county1.refresh_from_db()
    assert org.county1.boundary is None


def test_size_limit_and_permissions(org, login):
    big = b" " * (maps.MAX_GEOJSON_BYTES + 1)
    with pytest.raises(ValidationFailed, match="文件过大"):
        maps.parse_boundary(big)
    county1 = login(org.county1_user)
    assert county1.get("/cockpit/map/boundaries/").status_code == 403
    assert _upload(county1, f"region:{org.county1.pk}", json.dumps(SQUARE)).status_code == 403
    assert "upload-boundaries" not in county1.get("/cockpit/map/").content.decode()
    org.county1.refresh_from_db()
    assert org.county1.boundary is None
    # a target outside the choices (a township) is refused by the form
    response = _upload(login(org.city_user), f"region:{org.town1.pk}", json.dumps(SQUARE))
    assert response.status_code == 200 and response.context["form"].errors["target"]


def test_multipolygon_is_accepted():
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], SQUARE["coordinates"]]}
    assert maps.parse_boundary(multi)["geometry"] == multi


# --- the demo's generated boundaries -------------------------------------------------------------------------

def _inside(point: tuple[float, float], ring: list) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_demo_grid_cells_are_closed_share_edges_and_hold_their_points():
    grid = Grid(8, 1)
    rings = [grid.cell_ring(i) for i in range(8)]
    for ring in rings:
        assert ring[0] == ring[-1] and len(ring) == 4 * (1 + 3) + 1
        maps.parse_boundary({"type": "Polygon", "coordinates": [[list(p) for p in ring]]})
    # neighbours share their common edge exactly (no gaps, no overlaps)
    edges = [set(itertools.pairwise(r)) for r in rings]
    assert {(b, a) for a, b in edges[0]} & edges[1]  # cells 0 and 1 are neighbours in the top row
    for index in range(8):
        for u in (0.0, 0.5, 1.0):
            for v in (0.0, 0.5, 1.0):
                assert _inside(grid.inner(index, u, v), rings[index])
                others = [i for i in range(8) if i != index]
                assert not any(_inside(grid.inner(index, u, v), rings[i]) for i in others)
        for slot in range(4):
            ring, (u0, v0, u1, v1) = zone_ring(grid, index, slot)
            assert all(_inside(p, rings[index]) for p in ring[:-1])
            middle = grid.inner(index, (u0 + u1) / 2, (v0 + v1) / 2)
            assert _inside(middle, ring)
    assert Grid(8, 1).cell_ring(3) == rings[3]  # deterministic
