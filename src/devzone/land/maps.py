"""The parcels layer of the project map (挂图作战): one diamond per parcel in the user's jurisdiction, at its point
or at the centre of its polygon, linked to the parcel page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.models import Region, User
from devzone.land.models import Parcel
from devzone.land.selectors import parcel_queryset, today
from devzone.web.maps import MapLayer, feature_collection, register_layer


def polygon_centre(geometry: Mapping[str, Any]) -> tuple[float, float] | None:
    """The mean of the outer ring's vertices (of the first polygon): inside any convex parcel, near enough for a
    marker on a city map."""
    coordinates = geometry.get("coordinates") or []
    if geometry.get("type") == "MultiPolygon":
        coordinates = coordinates[0] if coordinates else []
    ring = coordinates[0] if coordinates else []
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def parcel_position(parcel: Parcel) -> tuple[float, float] | None:
    if parcel.lon is not None and parcel.lat is not None:
        return float(parcel.lon), float(parcel.lat)
    if parcel.geometry:
        return polygon_centre(parcel.geometry.get("geometry", parcel.geometry))
    return None


def parcels_layer(user: User, filters: Mapping[str, Any]) -> dict:
    """Parcels with a location, filtered by county and zone like the projects layer."""
    qs = parcel_queryset(user=user).exclude(lon__isnull=True, geometry__isnull=True).order_by("code")
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.get("zone"):
        qs = qs.filter(zone_id=filters["zone"])
    as_of, labels = today(), dict(Parcel.State.choices)
    features = []
    for parcel in qs:
        position = parcel_position(parcel)
        if position is None:
            continue
        region = parcel.region
        county = region.parent.name if region.level == Region.Level.TOWNSHIP and region.parent_id else region.name
        state = parcel.state_on(as_of)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": list(position)},
                         "properties": {"id": parcel.pk, "name": f"{parcel.code} {parcel.name}".strip(),
                                        "url": reverse("land:parcel", args=[parcel.pk]), "state": state,
                                        "state_label": str(labels.get(state, state)), "size": float(parcel.area_mu),
                                        "unit": "亩", "county": county,
                                        "zone": parcel.zone.name if parcel.zone_id else ""}})
    return feature_collection(features)


def register() -> None:
    register_layer(MapLayer("parcels", _("Land parcels"), "markers", parcels_layer, default_on=False,
                            color="#e8590c"))
