"""Jurisdiction in selectors: a county sees its subtree (and its ancestors for context), never a neighbour."""

from __future__ import annotations

import pytest

from devzone.core import selectors
from devzone.core.errors import NotFound
from devzone.core.jurisdiction import scope_for


def test_city_user_sees_every_county(org):
    names = set(selectors.region_list(user=org.city_user).values_list("name", flat=True))
    assert {"澜江区", "北湖区", "新桥街道"} <= names


def test_county_user_sees_own_subtree_and_ancestors_only(org):
    names = set(selectors.region_list(user=org.county1_user).values_list("name", flat=True))
    assert names == {"江北省", "云澜市", "澜江区", "新桥街道"}


def test_county_user_cannot_get_neighbour_region(org):
    with pytest.raises(NotFound):
        selectors.region_get(user=org.county1_user, region_id=org.county2.pk)


def test_zones_are_scoped(org):
    assert list(selectors.zone_list(user=org.county1_user)) == [org.zone1]
    assert set(selectors.zone_list(user=org.city_user)) == {org.zone1, org.zone2}
    with pytest.raises(NotFound):
        selectors.zone_get(user=org.county1_user, zone_id=org.zone2.pk)


def test_departments_in_subtree_and_above(org):
    visible = set(selectors.department_list(user=org.county1_user))
    assert org.dept_industry in visible and org.dept_county2 not in visible
    with pytest.raises(NotFound):
        selectors.department_get(user=org.county1_user, department_id=org.dept_county2.pk)


def test_department_user_scope_is_the_departments_region(org):
    scope = scope_for(org.industry_user)
    assert scope.region_path == org.city.path
    assert set(selectors.zone_list(user=org.industry_user)) == {org.zone1, org.zone2}


def test_user_without_jurisdiction_sees_nothing(org):
    from devzone.core.services import user_create

    nobody = user_create(actor=None, username="nobody", password=None)
    assert scope_for(nobody).empty
    assert not selectors.zone_list(user=nobody).exists()
    assert not selectors.region_list(user=nobody).exists()


def test_zone_filters_and_sort(org):
    assert list(selectors.zone_list(user=org.city_user, filters={"kind": "cluster"})) == [org.zone2]
    assert list(selectors.zone_list(user=org.city_user, filters={"region": org.county1.pk})) == [org.zone1]
    by_name_desc = list(selectors.zone_list(user=org.city_user, filters={"sort": "-name"}))
    assert [z.name for z in by_name_desc] == sorted([z.name for z in by_name_desc], reverse=True)


def test_audit_list_is_for_administrators_only(org):
    assert selectors.audit_event_list(user=org.admin).exists()
    assert not selectors.audit_event_list(user=org.city_user).exists()
