"""Matchmaking pages: lists scoped and with constant query counts, details 404 outside the jurisdiction, the
KPI board whose numbers link to their rows, forms through the services, Excel export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from python_calamine import CalamineWorkbook

from devzone.finance import services
from devzone.finance.models import FinancingNeed, Loan, MatchEvent


def test_need_list_is_scoped_and_query_count_constant(org, login, make_need, banks, django_assert_max_num_queries):
    mine, other = make_need(purpose="购置数控机床"), make_need(region=org.county2, purpose="厂房建设贷款")
    client = login(org.county1_user)
    page = client.get("/financing/").content.decode()
    assert "购置数控机床" in page and "厂房建设贷款" not in page
    city = login(org.city_user)
    with django_assert_max_num_queries(25) as few:
        assert city.get("/financing/").status_code == 200
    for _ in range(15):
        need = make_need(region=org.county2)
        services.loan_create(actor=org.admin, data={"need": need, "bank": banks[0], "amount": Decimal("5"),
                                                    "granted_on": date(2026, 3, 1)})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert city.get("/financing/").status_code == 200
    assert client.get(f"/financing/needs/{other.pk}/").status_code == 404
    assert client.get(f"/financing/needs/{mine.pk}/").status_code == 200


def test_need_detail_and_event_pages_query_counts(org, login, make_need, banks, django_assert_max_num_queries):
    need = make_need()
    event = services.event_create(actor=org.admin, data={"title": "一季度对接会", "held_on": date(2026, 3, 5),
                                                         "region": org.county1}, banks=banks, needs=[need])
    client = login(org.county1_user)
    with django_assert_max_num_queries(60) as few:  # four pages
        assert client.get(f"/financing/needs/{need.pk}/").status_code == 200
        assert client.get(f"/financing/events/{event.pk}/").status_code == 200
        assert client.get("/financing/events/").status_code == 200
        assert client.get("/financing/banks/").status_code == 200
    more = [make_need() for _ in range(8)]
    services.event_update(actor=org.admin, event=event, data={}, needs=[need, *more])
    for n in more:
        services.loan_create(actor=org.admin, data={"need": n, "bank": banks[1], "amount": Decimal("3"),
                                                    "granted_on": date(2026, 3, 6), "event": event})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/financing/needs/{need.pk}/").status_code == 200
        assert client.get(f"/financing/events/{event.pk}/").status_code == 200
        assert client.get("/financing/events/").status_code == 200
        assert client.get("/financing/banks/").status_code == 200
    other = services.event_create(actor=org.admin, data={"title": "北湖区对接会", "held_on": date(2026, 3, 5),
                                                         "region": org.county2})
    assert client.get(f"/financing/events/{other.pk}/").status_code == 404
    assert "北湖区对接会" not in client.get("/financing/events/").content.decode()


def test_kpi_board_links_each_number_to_its_rows(org, login, make_need, banks, django_assert_max_num_queries):
    met, open_need = make_need(amount="100"), make_need(amount="300")
    services.loan_create(actor=org.admin, data={"need": met, "bank": banks[0], "amount": Decimal("100"),
                                                "granted_on": date(2026, 3, 1)})
    client = login(org.city_user)
    with django_assert_max_num_queries(20) as few:
        response = client.get("/financing/kpis/", {"as_of": "2026-06-30"})
    assert response.status_code == 200
    for _ in range(10):
        make_need(region=org.county2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/financing/kpis/", {"as_of": "2026-06-30"})
    rows = response.context["rows"]
    county1 = next(r for r in rows if r["label"] == "澜江区")
    count = county1["rates"][0]
    assert (count["rate"].numerator, count["rate"].denominator, count["rate"].value) == (1, 2, Decimal("50.00"))
    listing = client.get(count["num_url"]).context["listing"]
    assert [n.pk for n in listing.page.object_list] == [met.pk]
    listing = client.get(count["den_url"]).context["listing"]
    assert sorted(n.pk for n in listing.page.object_list) == sorted([met.pk, open_need.pk])
    chart = response.context["chart"]
    assert chart["categories"] == ["澜江区", "北湖区"] and chart["series"][0]["data"][0] == 50.0
    assert len(chart["links"]) == 2
    assert 'data-chart="bar"' in response.content.decode()


def test_forms_create_need_loan_and_proposed_event(org, login, make_enterprise, banks):
    client = login(org.county1_user)
    enterprise = make_enterprise()
    response = client.post("/financing/needs/new/", {"enterprise": enterprise.pk, "amount": "500",
                                                     "purpose": "技改贷款", "term_months": "24",
                                                     "raised_on": "2026-02-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    need = FinancingNeed.objects.get()
    assert need.region == org.county1
    bad = client.post("/financing/needs/new/", {"enterprise": enterprise.pk, "amount": "-5", "purpose": "x",
                                                "term_months": "24", "raised_on": "2026-02-01"})
    assert "应大于 0" in bad.content.decode()
    form = client.get("/financing/events/new/", {"propose": "1"}).context["form"]
    assert "季度政银企对接会" in form.initial["title"] and form.initial["need_list"] == [need]
    response = client.post("/financing/events/new/", {
        "title": form.initial["title"], "held_on": form.initial["held_on"].isoformat(), "region": org.county1.pk,
        "bank_list": [b.pk for b in banks], "need_list": [need.pk]})
    assert response.status_code == 302
    event = MatchEvent.objects.get()
    response = client.post(f"/financing/needs/{need.pk}/loans/", {"bank": banks[0].pk, "event": event.pk,
                                                                  "amount": "500", "granted_on": "2026-06-01"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == "met" and Loan.objects.get().event == event
    early = client.post(f"/financing/needs/{need.pk}/loans/", {"bank": banks[0].pk, "amount": "1",
                                                               "granted_on": "2026-01-01"})
    assert early.status_code == 422 and "不能早于需求提出日期" in early.content.decode()


def test_export_holds_every_filtered_row(org, login, make_need):
    make_need(purpose="=cmd|' /C calc'!A0")
    make_need(region=org.county2)
    response = login(org.county1_user).get("/financing/", {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    body = [r for r in rows if r and r[0] and str(r[0])[:2] == "20"]
    assert len(body) == 1 and str(body[0][3]).startswith("'=")
