"""The leaders' cockpit and the county boards: numbers against a known fixture, every number's link opens a list
of exactly the rows behind it, county boards are scoped (404 outside), query counts do not grow with rows."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from devzone.web import cockpit

TODAY = timezone.localdate()
JAN1 = TODAY.replace(month=1, day=1)


def _list_pks(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {obj.pk for obj in response.context["listing"].page.object_list}


@pytest.fixture
def fixture_data(org, make_project, sign_agreement, overdue_problem, county1_unit):
    p = {
        "signed": make_project(("signed",), name="澜江签约未开工"),
        "started": make_project(("signed", "started"), name="澜江已开工"),
        "producing": make_project(("signed", "started", "producing"), name="澜江已投产"),
        "planned": make_project(name="澜江储备项目", total_investment=Decimal("3000")),
        "north": make_project(("signed", "started"), region=org.county2, name="北湖已开工",
                              total_investment=Decimal("150000")),
    }
    agreements = [sign_agreement("150000"), sign_agreement("8000"),
                  sign_agreement("30000", region=org.county2, responsible=org.county2_user)]
    problems = [overdue_problem(unit=county1_unit, title="澜江问题一"), overdue_problem(unit=county1_unit),
                overdue_problem(unit=org.dept_county2, region=org.county2, title="北湖问题")]
    return {"projects": p, "agreements": agreements, "problems": problems}


def test_project_figures_match_the_fixture(org, fixture_data):
    p = fixture_data["projects"]
    board = cockpit.board(user=org.city_user)
    batches = {f.label: f.value for f in board.batches}
    # signing a lead creates a signed project too: 4 signed by hand + 3 from agreements (unverified stages don't count)
    assert batches["开工一批"] == 3 and batches["投产一批"] == 1
    rates = {r["key"]: r for r in board.rates}
    start = rates["start_rate"]
    assert start["numerator"] == 3 and start["denominator"] == batches["签约一批"]
    assert rates["production_rate"]["numerator"] == 1 and rates["production_rate"]["denominator"] == 3
    tiers = {f.label: f for f in board.tiers}
    assert p["north"].pk and tiers["10亿元以上"].value >= 1
    stages = {s["key"]: s["count"] for s in board.funnel["stages"]}
    assert stages["started"] == 2 and stages["producing"] == 1 and stages["planned"] >= 1


def test_each_number_links_to_exactly_its_rows(org, login, fixture_data):
    p = fixture_data["projects"]
    client = login(org.city_user)
    board = cockpit.board(user=org.city_user)
    rates = {r["key"]: r for r in board.rates}
    assert _list_pks(client, rates["start_rate"]["num_url"]) == {p["started"].pk, p["producing"].pk, p["north"].pk}
    assert _list_pks(client, rates["production_rate"]["num_url"]) == {p["producing"].pk}
    assert len(_list_pks(client, board.batches[0].url)) == board.batches[0].value
    funnel = {s["key"]: s for s in board.funnel["stages"]}
    assert _list_pks(client, funnel["started"]["url"]) == {p["started"].pk, p["north"].pk}
    for tier in board.tiers:
        assert len(_list_pks(client, tier.url)) == tier.value, tier.label
    attraction = {f.label: f for f in board.attraction}
    signed = attraction["本年签约项目"]
    assert signed.value == 3 and signed.extra["amount"] == Decimal("188000")
    response = client.get(signed.url)
    assert {a.pk for a in response.context["listing"].page.object_list} == {a.pk for a in fixture_data["agreements"]}
    large = attraction["1亿元以上"]
    assert large.value == 2
    assert len(client.get(large.url).context["listing"].page.object_list) == 2
    assert board.overdue_total.value == 3
    by_unit = {f.label: f for f in board.overdue}
    assert by_unit["澜江区发改局"].value == 2 and by_unit["北湖区发改局"].value == 1
    rows = client.get(by_unit["澜江区发改局"].url).context["listing"].page.object_list
    assert {r.pk for r in rows} == {x.pk for x in fixture_data["problems"][:2]}


def test_cockpit_page_renders_charts_and_links(org, login, fixture_data):
    response = login(org.city_user).get("/cockpit/")
    assert response.status_code == 200
    text = response.content.decode()
    for testid in ("funnel-chart", "investment-chart", "ranking-chart", "overdue-chart", "cockpit-attraction",
                   "cockpit-indicators", "cockpit-evaluation", "county-boards"):
        assert f'data-testid="{testid}"' in text, testid
    assert 'id="funnel-chart"' in text and "/projects/?cohort=" in text and "kpi=start_rate" in text
    assert f"/cockpit/county/{org.county1.pk}/" in text


def test_county_board_is_one_county(org, login, fixture_data):
    p = fixture_data["projects"]
    board = cockpit.board(user=org.city_user, region=org.county1)
    rates = {r["key"]: r for r in board.rates}
    assert rates["production_rate"]["denominator"] == 2  # the started 北湖 project is not on 澜江's board
    client = login(org.county1_user)
    assert _list_pks(client, rates["start_rate"]["num_url"]) == {p["started"].pk, p["producing"].pk}
    assert {f.label for f in board.overdue} == {"澜江区发改局"}
    signed = next(f for f in board.attraction if f.label == "本年签约项目")
    assert signed.value == 2 and "region=" in signed.url
    assert board.ranking is None
    response = client.get(f"/cockpit/county/{org.county1.pk}/")
    assert response.status_code == 200 and "澜江区" in response.content.decode()


def test_county_board_jurisdiction(org, login, fixture_data):
    county1 = login(org.county1_user)
    assert county1.get(f"/cockpit/county/{org.county2.pk}/").status_code == 404
    assert county1.get(f"/cockpit/county/{org.city.pk}/").status_code == 404  # not a county
    assert county1.get("/cockpit/county/999999/").status_code == 404
    assert login(org.city_user).get(f"/cockpit/county/{org.county2.pk}/").status_code == 200
    page = county1.get("/cockpit/").content.decode()
    assert "北湖已开工" not in page and "北湖区发改局" not in page
    board = cockpit.board(user=org.county1_user)
    assert board.batches[1].value == 2  # 北湖's started project is outside county1's jurisdiction
    assert {f.label for f in board.overdue} == {"澜江区发改局"}
    assert next(f for f in board.attraction if f.label == "本年签约项目").value == 2


def test_investment_series_follow_approved_reports(org, make_project):
    from devzone.projects import services

    project = make_project(("signed", "started"))
    services.project_year_plan_set(actor=org.admin, project=project, year=TODAY.year,
                                   planned_investment=Decimal("1200"))
    report = services.report_submit(actor=org.county1_user, project=project, period=JAN1,
                                    investment_month=Decimal("300"))
    services.report_approve(actor=org.city_user, report=report)
    if TODAY.month > 1:  # submitted, not approved: does not count
        services.report_submit(actor=org.county1_user, project=project, period=JAN1.replace(month=2),
                               investment_month=Decimal("50"))
    data = cockpit.board(user=org.city_user).investment
    this_year = data["series"][0]["data"]
    assert this_year[0] == 300.0  # only approved reports count
    assert data["plan"] == Decimal("1200") and data["series"][1]["data"][11] == 1200.0
    assert data["completed"] == Decimal("300")
    link = urlsplit(data["links"][0])
    assert parse_qs(link.query)["period"] == [f"{TODAY.year}-01"]


def test_cockpit_query_count_is_constant(org, login, make_project, sign_agreement, overdue_problem, county1_unit,
                                         django_assert_max_num_queries):
    client = login(org.city_user)
    make_project(("signed",))
    sign_agreement("20000")
    overdue_problem(unit=county1_unit)
    with django_assert_max_num_queries(80) as few:
        assert client.get("/cockpit/").status_code == 200
    for n in range(8):
        make_project(("signed", "started"), region=org.county2 if n % 2 else org.county1)
        sign_agreement("50000")
        overdue_problem(unit=county1_unit if n % 2 else org.dept_county2, region=org.county1 if n % 2
                        else org.county2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/cockpit/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/cockpit/county/{org.county1.pk}/").status_code == 200
