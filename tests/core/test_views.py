"""Zone pages: list with filters, sort and export; detail; create and edit; jurisdiction; query counts."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from devzone.core import services
from devzone.core.models import Zone


def _make_zones(org, count: int, region) -> None:
    for index in range(count):
        services.zone_create(actor=org.admin, data={"name": f"{region.name}园区{Zone.objects.count()}{index}",
                                                    "level": "county", "kind": "park", "region": region})


def test_zone_list_shows_only_own_county(org, login):
    page = login(org.county1_user).get("/org/zones/").content.decode()
    assert "澜江经开区" in page and "北湖产业集聚区" not in page


def test_zone_list_filters_and_sorts(org, login):
    client = login(org.city_user)
    page = client.get("/org/zones/", {"kind": "cluster"}).content.decode()
    assert "北湖产业集聚区" in page and "澜江经开区" not in page
    page = client.get("/org/zones/", {"sort": "-name"}).content.decode()
    assert page.index("澜江经开区") < page.index("北湖产业集聚区") or page.index("北湖产业集聚区") > 0


def test_zone_list_query_count_is_constant(org, login, django_assert_max_num_queries):
    client = login(org.city_user)
    _make_zones(org, 2, org.county1)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/org/zones/").status_code == 200
    _make_zones(org, 15, org.county2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/org/zones/").status_code == 200


def test_zone_export_is_a_real_workbook(org, login):
    response = login(org.city_user).get("/org/zones/", {"export": "xlsx", "kind": "etdz"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "开发区" and rows[2][0] == "名称"
    assert [r[0] for r in rows[3:]] == ["澜江经开区"]


def test_zone_detail_of_neighbour_is_404(org, login):
    assert login(org.county1_user).get(f"/org/zones/{org.zone2.pk}/").status_code == 404
    assert login(org.county2_user).get(f"/org/zones/{org.zone2.pk}/").status_code == 200


def test_zone_detail_query_count(org, login, django_assert_max_num_queries):
    client = login(org.city_user)
    with django_assert_max_num_queries(10):
        assert client.get(f"/org/zones/{org.zone1.pk}/").status_code == 200


def test_zone_create_and_edit_through_the_form(org, login):
    client = login(org.county1_user)
    response = client.post("/org/zones/new/", {"name": "澜江数字园", "level": "county", "kind": "park",
                                               "region": org.county1.pk, "intensity_threshold": "200"})
    zone = Zone.objects.get(name="澜江数字园")
    assert response.status_code == 302 and response["Location"] == f"/org/zones/{zone.pk}/"
    edit = client.get(f"/org/zones/{zone.pk}/edit/")
    stamp = edit.context["form"]["updated_at"].value()
    response = client.post(f"/org/zones/{zone.pk}/edit/", {
        "name": "澜江数字经济园", "level": "county", "kind": "park", "region": org.county1.pk,
        "intensity_threshold": "200", "updated_at": stamp})
    assert response.status_code == 302
    stale = client.post(f"/org/zones/{zone.pk}/edit/", {
        "name": "过期修改", "level": "county", "kind": "park", "region": org.county1.pk,
        "intensity_threshold": "200", "updated_at": stamp})
    assert stale.status_code == 200 and "已被他人修改" in stale.content.decode()
    zone.refresh_from_db()
    assert zone.name == "澜江数字经济园"


def test_zone_form_shows_readable_errors(org, login):
    response = login(org.city_user).post("/org/zones/new/", {
        "name": "面积错误园", "level": "county", "kind": "park", "region": org.county1.pk,
        "intensity_threshold": "180", "planned_area_km2": "5", "built_area_km2": "8"})
    assert response.status_code == 200
    assert not Zone.objects.filter(name="面积错误园").exists()
    assert "数据校验未通过" in response.content.decode()


def test_county_cannot_edit_neighbours_zone(org, login):
    assert login(org.county1_user).get(f"/org/zones/{org.zone2.pk}/edit/").status_code == 404


def test_region_page_and_audit_page(org, login, django_assert_max_num_queries):
    county = login(org.county1_user)
    with django_assert_max_num_queries(10):
        assert "北湖区" not in county.get("/org/regions/").content.decode()
    assert login(org.city_user).get("/org/audit/").status_code == 403
    admin = login(org.admin)
    with django_assert_max_num_queries(12):
        page = admin.get("/org/audit/", {"object_type": "core.zone"}).content.decode()
    assert "core.zone" in page


def test_home_page_numbers_link_to_rows(org, login, make_enterprise, django_assert_max_num_queries):
    make_enterprise(above_size=True)
    make_enterprise(region=org.county2)
    client = login(org.county1_user)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    page = response.content.decode()
    assert response.context["summary"].enterprises == 1
    assert "/enterprises/?flag=above_size" in page and 'data-testid="county-chart"' in page


def test_form_pages_query_counts(org, login, make_enterprise, django_assert_max_num_queries):
    """Create and edit pages load their choices in a fixed number of queries."""
    client = login(org.city_user)
    enterprise = make_enterprise()
    for url in ["/org/zones/new/", f"/org/zones/{org.zone1.pk}/edit/", "/enterprises/new/",
                f"/enterprises/{enterprise.pk}/edit/"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200, url


def test_login_page_query_count(db, django_assert_max_num_queries):
    from django.test import Client

    with django_assert_max_num_queries(0):
        assert Client().get("/login/").status_code == 200


def test_admin_saves_are_audited(org, login):
    from devzone.core.models import AuditEvent

    client = login(org.admin)
    response = client.post(f"/admin/core/department/{org.dept_industry.pk}/change/", {
        "name": "市工业和信息化局", "short_name": "市工信局", "code": "industry", "region": org.city.pk})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="core.department", action="update").latest("seq")
    assert event.actor_username == "admin" and event.after["name"] == "市工业和信息化局"


def test_audit_history_link_for_administrators(org, login):
    page = login(org.admin).get(f"/org/zones/{org.zone1.pk}/").content.decode()
    assert f"object_id={org.zone1.pk}" in page
    assert "object_type=core.zone" not in login(org.city_user).get(f"/org/zones/{org.zone1.pk}/").content.decode()
