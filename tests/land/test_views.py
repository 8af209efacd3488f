"""Land pages: render, stay at a fixed number of queries whatever the rows, and hide other counties' objects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from devzone.land import services

D = date(2026, 3, 1)


def _used(**extra):
    return {"approved_on": date(2024, 1, 1), "expropriated_on": date(2024, 1, 1), "supplied_on": date(2024, 1, 1),
            "used_on": date(2024, 6, 1), **extra}


@pytest.mark.parametrize("url", ["/land/parcels/", "/land/parcels/?category=idle", "/land/standard/",
                                 "/land/low-efficiency/", "/land/quotas/"])
def test_list_pages_query_count_is_constant(org, login, make_parcel, make_enterprise, published_run, url,
                                            django_assert_max_num_queries):
    client = login(org.city_user)

    def add(n):
        for _ in range(n):
            enterprise = make_enterprise()
            parcel = make_parcel(enterprise=enterprise, standard_land=True, **_used())
            services.standard_condition_set(actor=org.admin, parcel=parcel, data={"min_tax_per_mu": Decimal("5")})
            published_run({enterprise: (1.0, "D")})
            account = services.account_for(year=2026, region=org.county1 if n % 2 else org.county2)
            services.quota_grant(actor=org.city_user, account=account, area_mu=10, on=D)
            services.account_for(year=2025 - n, region=org.county1)

    add(1)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    add(4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_parcel_list_shows_only_own_county(org, login, make_parcel):
    make_parcel(code="MINE-1")
    make_parcel(code="THEIRS-1", region=org.county2)
    body = login(org.county1_user).get("/land/parcels/").content.decode()
    assert "MINE-1" in body and "THEIRS-1" not in body


def test_parcel_detail_and_jurisdiction(org, login, make_parcel, django_assert_max_num_queries):
    parcel = make_parcel(approved_on=date(2025, 1, 1))
    other = make_parcel(region=org.county2)
    client = login(org.county1_user)
    with django_assert_max_num_queries(30):
        response = client.get(f"/land/parcels/{parcel.pk}/")
    assert response.status_code == 200 and parcel.code in response.content.decode()
    assert client.get(f"/land/parcels/{other.pk}/").status_code == 404
    assert client.get(f"/land/parcels/{other.pk}/edit/").status_code == 404


def test_account_detail_and_jurisdiction(org, login, django_assert_max_num_queries):
    mine = services.account_for(year=2026, region=org.county1)
    services.quota_grant(actor=org.city_user, account=mine, area_mu=10, on=D)
    other = services.account_for(year=2026, region=org.county2)
    client = login(org.county1_user)
    with django_assert_max_num_queries(30):
        response = client.get(f"/land/quotas/{mine.pk}/")
    assert response.status_code == 200 and "10.00" in response.content.decode()
    assert client.get(f"/land/quotas/{other.pk}/").status_code == 404


def test_create_parcel_through_the_form(org, login):
    client = login(org.county1_user)
    assert client.get("/land/parcels/new/").status_code == 200
    response = client.post("/land/parcels/new/", {
        "code": "FORM-1", "name": "表单地块", "region": org.county1.pk, "area_mu": "12.5", "use": "industrial",
        "approved_on": "2025-01-01", "supplied_on": "2025-03-01"})
    assert response.status_code == 200
    assert "须先有征收日期" in response.content.decode()
    response = client.post("/land/parcels/new/", {
        "code": "FORM-1", "name": "表单地块", "region": org.county1.pk, "area_mu": "12.5", "use": "industrial",
        "approved_on": "2025-01-01"})
    assert response.status_code == 302


def test_transfer_form_refuses_overdraw(org, login):
    a = services.account_for(year=D.year, region=org.county1)
    b = services.account_for(year=D.year, region=org.county2)
    services.quota_grant(actor=org.city_user, account=a, area_mu=10, on=D)
    client = login(org.city_user)
    response = client.post("/land/quotas/transfer/", {"source": a.pk, "target": b.pk, "area_mu": "11",
                                                      "on": D.isoformat()})
    assert response.status_code == 200 and "不足" in response.content.decode()


def test_proposal_page_and_adopt(org, login):
    client = login(org.city_user)
    response = client.get("/land/quotas/proposal/?year=2025&total_mu=100&weight_count=40&weight_amount=60")
    assert response.status_code == 200 and "share-" in response.content.decode()
    response = client.post("/land/quotas/proposal/?year=2025", {
        "grant_year": "2026", f"share-{org.county1.pk}": "55", f"share-{org.county2.pk}": "45"})
    assert response.status_code == 302
    assert services.account_balance(services.account_for(year=2026, region=org.county2)) == Decimal("45.00")


def test_disposal_through_the_page(org, login, make_parcel):
    parcel = make_parcel(approved_on=date(2025, 1, 1))
    client = login(org.county1_user)
    response = client.post(f"/land/parcels/{parcel.pk}/disposals/", {
        "category": "approved_not_expropriated", "action": "rectify", "responsible": "澜江区自然资源局"})
    assert response.status_code == 302
    disposal = parcel.disposals.get()
    client.post(f"/land/disposals/{disposal.pk}/progress/", {"status": "done", "done_on": "2026-01-05",
                                                              "result": "已完成征收"})
    disposal.refresh_from_db()
    assert disposal.status == "done"
    other = make_parcel(region=org.county2)
    assert client.post(f"/land/parcels/{other.pk}/disposals/", {"category": "idle", "action": "reclaim"}
                       ).status_code == 404


def test_project_page_shows_the_standard_land_check(org, login, make_project, make_parcel):
    project = make_project()
    parcel = make_parcel(project=project)
    services.standard_condition_set(actor=org.admin, parcel=parcel, data={"min_tax_per_mu": Decimal("10")})
    services.standard_checks_run(actor=org.admin, project=project, on=date(2026, 6, 1))
    body = login(org.county1_user).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="project-standard-land"' in body and parcel.code in body and "未达标" in body
