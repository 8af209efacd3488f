"""Enterprise pages: list with filters, sort, paging and export; detail; create and edit; query counts."""

from __future__ import annotations

import io

from python_calamine import CalamineWorkbook
from tests_support import make_credit_code

from devzone.enterprises.models import Enterprise


def test_list_is_scoped_and_filtered(org, login, make_enterprise):
    tech = make_enterprise(high_tech=True)
    plain = make_enterprise()
    other = make_enterprise(region=org.county2)
    client = login(org.county1_user)
    page = client.get("/enterprises/").content.decode()
    assert tech.name in page and plain.name in page and other.name not in page
    page = client.get("/enterprises/", {"flag": "high_tech"}).content.decode()
    assert tech.name in page and plain.name not in page


def test_list_query_count_is_constant(org, login, make_enterprise, django_assert_max_num_queries):
    client = login(org.city_user)
    for _ in range(3):
        make_enterprise()
    with django_assert_max_num_queries(25) as few:
        assert client.get("/enterprises/").status_code == 200
    for _ in range(20):
        make_enterprise(region=org.county2, zone=org.zone2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/enterprises/").status_code == 200


def test_pagination_keeps_filters(org, login, make_enterprise):
    for _ in range(55):
        make_enterprise(above_size=True)
    response = login(org.city_user).get("/enterprises/", {"flag": "above_size", "sort": "name"})
    listing = response.context["listing"]
    assert listing.total == 55 and len(listing.page.object_list) == 50
    assert "flag=above_size" in listing.next_url and "sort=name" in listing.next_url and "page=2" in listing.next_url


def test_export_holds_every_filtered_row_and_escapes_formulas(org, login, make_enterprise):
    make_enterprise(name="=cmd|' /C calc'!A0")
    make_enterprise()
    make_enterprise(region=org.county2)
    response = login(org.county1_user).get("/enterprises/", {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "单位:万元" and rows[2][0] == "统一社会信用代码"
    names = sorted(r[1] for r in rows[3:])
    assert len(names) == 2 and names[0].startswith("'=cmd")
    assert rows[3][9] == 100.0


def test_detail_and_neighbour_404(org, login, make_enterprise, django_assert_max_num_queries):
    mine = make_enterprise()
    other = make_enterprise(region=org.county2)
    client = login(org.county1_user)
    with django_assert_max_num_queries(10):
        page = client.get(f"/enterprises/{mine.pk}/")
    assert page.status_code == 200 and "year-chart" in page.content.decode()
    assert client.get(f"/enterprises/{other.pk}/").status_code == 404
    assert client.get(f"/enterprises/{other.pk}/edit/").status_code == 404


def test_create_with_wrong_code_shows_reason_and_writes_nothing(org, login):
    code = make_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = login(org.county1_user).post("/enterprises/new/", {
        "credit_code": wrong, "name": "错码企业", "region": org.county1.pk, "size": "small",
        "stats_status": "none"})
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(name="错码企业").exists()


def test_create_and_edit(org, login):
    client = login(org.county1_user)
    response = client.post("/enterprises/new/", {
        "credit_code": make_credit_code(), "name": "澜江新企业有限公司", "region": org.county1.pk, "size": "small",
        "stats_status": "none", "above_size": "on"})
    enterprise = Enterprise.objects.get(name="澜江新企业有限公司")
    assert response.status_code == 302 and enterprise.above_size
    stamp = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]["updated_at"].value()
    response = client.post(f"/enterprises/{enterprise.pk}/edit/", {
        "credit_code": enterprise.credit_code, "name": "澜江新企业股份有限公司", "region": org.county1.pk,
        "size": "medium", "stats_status": "in", "updated_at": stamp})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "澜江新企业股份有限公司" and not enterprise.above_size
