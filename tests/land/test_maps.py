"""The parcels layer of the project map: positions (point, else polygon centre), properties, filters, jurisdiction
and a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

from devzone.land.maps import polygon_centre

SQUARE = {"type": "Polygon", "coordinates": [[[113.0, 34.0], [113.2, 34.0], [113.2, 34.2], [113.0, 34.2],
                                               [113.0, 34.0]]]}


def test_polygon_centre_of_outer_ring():
    assert polygon_centre(SQUARE) == (113.1, 34.1)
    assert polygon_centre({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}) == (113.1, 34.1)
    assert polygon_centre({"type": "Polygon", "coordinates": []}) is None


def test_parcels_layer_scoped_and_filtered(org, login, make_parcel, django_assert_max_num_queries):
    point = make_parcel(lon=Decimal("113.5"), lat=Decimal("34.5"), area_mu=Decimal("120"))
    shaped = make_parcel(geometry=SQUARE, zone=org.zone1)
    make_parcel()  # no location: not on the map
    other = make_parcel(region=org.county2, lon=Decimal("114"), lat=Decimal("35"))
    city = login(org.city_user)
    data = city.get("/cockpit/map/layers/parcels.geojson").json()
    by_id = {f["properties"]["id"]: f for f in data["features"]}
    assert set(by_id) == {point.pk, shaped.pk, other.pk}
    assert by_id[point.pk]["geometry"]["coordinates"] == [113.5, 34.5]
    assert by_id[shaped.pk]["geometry"]["coordinates"] == [113.1, 34.1]
    props = by_id[point.pk]["properties"]
    assert (props["size"], props["unit"], props["county"], props["url"]) == (120.0, "亩", "澜江区",
                                                                          f"/land/parcels/{point.pk}/")
    zone_only = city.get("/cockpit/map/layers/parcels.geojson", {"zone": org.zone1.pk}).json()
    assert [f["properties"]["id"] for f in zone_only["features"]] == [shaped.pk]
    mine = login(org.county1_user)
    with django_assert_max_num_queries(12):
        ids = {f["properties"]["id"] for f in mine.get("/cockpit/map/layers/parcels.geojson").json()["features"]}
    assert ids == {point.pk, shaped.pk}
    page = city.get("/cockpit/map/")
    assert any(layer["key"] == "parcels" and layer["kind"] == "markers" for layer in page.context["config"]["layers"])
