"""我包抓的项目 from the cockpit: the leader's light counts link to the ledger filtered to exactly those rows."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from devzone.projects import selectors
from devzone.projects import services as project_services


def test_sponsored_counts_link_to_their_rows(org, login, make_project):
    year = timezone.localdate().year
    mine = [make_project(("signed", "started"), leader=org.city_user, name=f"包抓项目{n}") for n in range(3)]
    make_project(("signed", "started"), name="别人的项目")
    for project in mine[:2]:
        project_services.project_year_plan_set(actor=org.admin, project=project, year=year,
                                               planned_investment=Decimal("1200"))
    client = login(org.city_user)
    page = client.get("/projects/mine/")
    assert page.status_code == 200
    expected = {light: {p.pk for p in selectors.sponsored_projects(user=org.city_user) if p.light == light}
                for light in ("red", "yellow", "green")}
    assert any(expected.values())
    text = page.content.decode()
    for light, pks in expected.items():
        assert f'data-testid="sponsored-{light}"' in text
        start = text.index(f'data-testid="sponsored-{light}"')
        href = text[text.rindex('href="', 0, start) + 6:text.index('"', text.rindex('href="', 0, start) + 6)]
        listing = client.get(href.replace("&amp;", "&")).context["listing"]
        assert {p.pk for p in listing.page.object_list} == pks, light
    everything = client.get(f"/projects/?leader={org.city_user.pk}").context["listing"]
    assert {p.pk for p in everything.page.object_list} == {p.pk for p in mine}
    assert "/projects/mine/" in client.get("/cockpit/").content.decode()
