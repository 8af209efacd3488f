"""Organisation writes: validation, jurisdiction, optimistic locking, audit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from devzone.core import services
from devzone.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent, Zone


def test_region_paths_form_a_tree(org):
    assert org.town1.path.startswith(org.county1.path) and org.county1.path.startswith(org.city.path)
    assert org.town1.depth == 3


def test_region_code_must_be_digits(org):
    with pytest.raises(ValidationFailed):
        services.region_create(actor=org.admin, name="坏区", level="county", parent=org.city, code="12AB56")


def test_county_user_creates_zone_in_own_county(org):
    zone = services.zone_create(actor=org.county1_user, data={"name": "新园区", "level": "county", "kind": "park",
                                                              "region": org.county1})
    assert zone.intensity_threshold == Decimal("180")
    assert AuditEvent.objects.filter(object_type="core.zone", object_id=str(zone.pk), action="create").exists()


def test_county_user_cannot_create_zone_in_neighbour_county(org):
    with pytest.raises(NotFound):
        services.zone_create(actor=org.county1_user, data={"name": "越界园区", "level": "county", "kind": "park",
                                                           "region": org.county2})
    assert not Zone.objects.filter(name="越界园区").exists()


def test_county_user_cannot_move_zone_out_of_jurisdiction(org):
    with pytest.raises(NotFound):
        services.zone_update(actor=org.county1_user, zone=org.zone1, data={"region": org.county2})
    org.zone1.refresh_from_db()
    assert org.zone1.region == org.county1


def test_observer_is_read_only(org):
    with pytest.raises(PermissionDenied):
        services.zone_update(actor=org.observer, zone=org.zone1, data={"short_name": "x"})


def test_built_area_cannot_exceed_planned(org):
    with pytest.raises(ValidationFailed) as exc:
        services.zone_update(actor=org.admin, zone=org.zone1,
                             data={"planned_area_km2": Decimal("10"), "built_area_km2": Decimal("12")})
    assert "建成面积" in exc.value.message or "built" in exc.value.message.lower()


def test_stale_update_is_refused(org):
    seen = org.zone1.updated_at
    services.zone_update(actor=org.admin, zone=org.zone1, data={"short_name": "第一次"}, expected_updated_at=seen)
    with pytest.raises(Conflict):
        services.zone_update(actor=org.admin, zone=org.zone1, data={"short_name": "第二次"},
                             expected_updated_at=seen)
    org.zone1.refresh_from_db()
    assert org.zone1.short_name == "第一次"


def test_update_with_current_timestamp_succeeds(org):
    zone = services.zone_update(actor=org.admin, zone=org.zone1, data={"star_rating": 4},
                                expected_updated_at=org.zone1.updated_at)
    assert zone.star_rating == 4 and zone.updated_at > org.zone1.updated_at - timedelta(seconds=1)


def test_zone_cannot_be_its_own_ancestor(org):
    child = services.zone_create(actor=org.admin, data={"name": "子园", "level": "county", "kind": "park",
                                                        "region": org.county1, "parent": org.zone1})
    with pytest.raises(ValidationFailed):
        services.zone_update(actor=org.admin, zone=org.zone1, data={"parent": child})


def test_unknown_field_is_refused(org):
    with pytest.raises(ValidationFailed):
        services.zone_update(actor=org.admin, zone=org.zone1, data={"path": "/x/"})


def test_zone_in_use_cannot_be_deleted(org, make_enterprise):
    make_enterprise(zone=org.zone1)
    with pytest.raises(Conflict):
        services.zone_delete(actor=org.admin, zone=org.zone1)
    assert Zone.objects.filter(pk=org.zone1.pk).exists()


def test_delete_is_audited(org):
    services.zone_delete(actor=org.admin, zone=org.zone2)
    event = AuditEvent.objects.get(action="delete", object_type="core.zone")
    assert event.before["name"] == "北湖产业集聚区"


def test_user_create_checks_password_rules(org):
    with pytest.raises(ValidationFailed):
        services.user_create(actor=org.admin, username="weak", password="password1")
    with pytest.raises(ValidationFailed):
        services.user_create(actor=org.admin, username="x", password="Str0ng-Pass!", roles=["emperor"])


def test_api_token_round_trip(org):
    token, raw = services.api_token_create(actor=None, user=org.county1_user, name="t")
    assert raw.startswith("dz_") and token.key_hash != raw
    assert services.api_token_authenticate(raw) == org.county1_user
    assert services.api_token_authenticate(raw + "x") is None
    token.revoked = True
    token.save()
    assert services.api_token_authenticate(raw) is None


def test_expired_token_is_refused(org):
    token, raw = services.api_token_create(actor=None, user=org.county1_user, days=1)
    token.expires_at = token.created_at - timedelta(seconds=1)
    token.save()
    assert services.api_token_authenticate(raw) is None
