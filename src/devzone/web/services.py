"""Writes made from the web app's own pages: uploading a county's or zone's boundary for the map."""

from __future__ import annotations

from django.db import transaction

from devzone.core import audit
from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.models import Region, User, Zone
from devzone.core.services import ensure_can_write
from devzone.web.maps import parse_boundary

BOUNDARY_LEVELS = (Region.Level.PROVINCE, Region.Level.CITY)


def can_upload_boundaries(user: User) -> bool:
    """Boundaries are the city's base map: the superuser or a city-level writer uploads them."""
    if user.is_superuser:
        return True
    return bool(user.region_id and user.region.level in BOUNDARY_LEVELS)


@transaction.atomic
def boundary_upload(*, actor: User, target: Region | Zone, geojson: bytes | str | dict) -> Region | Zone:
    """Validate `geojson` and store it as the boundary of a county or a zone (audited)."""
    if not can_upload_boundaries(actor):
        raise PermissionDenied("只有系统管理员或市级用户可以上传边界")
    region = target if isinstance(target, Region) else target.region
    ensure_can_write(actor, region)
    if isinstance(target, Region) and target.level != Region.Level.COUNTY:
        raise ValidationFailed("只能为县(市、区)上传边界", details=[{"field": "target", "message": "不是县级区划"}])
    boundary = parse_boundary(geojson)
    before = {"boundary": target.boundary is not None}
    target.boundary = boundary
    target.save(update_fields=["boundary", "updated_at"])
    audit.record(actor=actor, action="update", instance=target, before=before, after={"boundary": True})
    return target
