"""Policy-fulfilment pages: scoped lists with constant query counts, details 404 outside the jurisdiction,
approve / reject / pay through forms, lateness shown, the overdue problem linked."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.utils import timezone
from python_calamine import CalamineWorkbook

from devzone.policies import services
from devzone.policies.models import Application


def test_application_list_scoped_with_constant_queries(org, login, make_application, django_assert_max_num_queries):
    mine = make_application()
    other = make_application(region=org.county2)
    client = login(org.county1_user)
    page = client.get("/policies/").content.decode()
    assert mine.enterprise.name in page and other.enterprise.name not in page
    city = login(org.city_user)
    with django_assert_max_num_queries(25) as few:
        assert city.get("/policies/").status_code == 200
    for state in ("approved", "paid", "rejected", "submitted") * 3:
        make_application(state, region=org.county2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert city.get("/policies/").status_code == 200
    assert client.get(f"/policies/applications/{other.pk}/").status_code == 404
    assert client.post(f"/policies/applications/{other.pk}/approve/", {"amount": "1",
                                                                     "approved_on": "2026-03-01"}).status_code == 404


def test_policy_pages_query_counts_and_scope(org, login, policy, make_application, django_assert_max_num_queries):
    client = login(org.county1_user)
    with django_assert_max_num_queries(30) as few:
        assert client.get("/policies/list/").status_code == 200
        assert client.get(f"/policies/{policy.pk}/").status_code == 200
    for n in range(6):
        services.clause_create(actor=org.city_user, policy=policy, data={"number": f"第{20 + n}条", "title": "奖励"})
        make_application()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/policies/list/").status_code == 200
        assert client.get(f"/policies/{policy.pk}/").status_code == 200
    county2_policy = services.policy_create(actor=org.county2_user, data={
        "name": "北湖区十条", "issuer": "北湖区人民政府", "issued_on": date(2026, 1, 1), "region": org.county2})
    assert client.get(f"/policies/{county2_policy.pk}/").status_code == 404
    assert "北湖区十条" not in client.get("/policies/list/").content.decode()


def test_approve_reject_and_pay_through_the_forms(org, login, make_application):
    client = login(org.county1_user)
    app = make_application()
    today = timezone.localdate()
    response = client.post(f"/policies/applications/{app.pk}/approve/", {
        "amount": "100", "approved_on": (today - timedelta(days=45)).isoformat()})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "approved" and app.due_date == today - timedelta(days=15)
    page = client.get(f"/policies/applications/{app.pk}/").content.decode()
    assert 'data-testid="overdue"' in page and "15" in page
    overdue_list = client.get("/policies/", {"overdue": "on"}).context["listing"]
    assert [a.pk for a in overdue_list.page.object_list] == [app.pk]
    services.policy_overdue_sweep(now=timezone.now())
    page = client.get(f"/policies/applications/{app.pk}/").content.decode()
    assert 'data-testid="problem-link"' in page
    too_much = client.post(f"/policies/applications/{app.pk}/pay/", {"amount": "150", "paid_on": today.isoformat()})
    assert too_much.status_code == 422 and "超过核定金额" in too_much.content.decode()
    assert client.post(f"/policies/applications/{app.pk}/pay/", {"amount": "100",
                                                                "paid_on": today.isoformat()}).status_code == 302
    app.refresh_from_db()
    assert app.status == "paid" and app.days_late(today) == 15
    other = make_application()
    assert client.post(f"/policies/applications/{other.pk}/reject/", {"reason": ""}).status_code == 422
    assert client.post(f"/policies/applications/{other.pk}/reject/", {"reason": "不符合条件"}).status_code == 302
    assert Application.objects.get(pk=other.pk).status == "rejected"


def test_create_application_and_clause_forms(org, login, policy, make_enterprise):
    client = login(org.county1_user)
    enterprise = make_enterprise()
    clause = policy.clauses.get(number="第5条")
    response = client.post("/policies/applications/new/", {"enterprise": enterprise.pk, "clause": clause.pk,
                                                           "applied_on": "2026-02-01", "claimed_amount": "900"})
    assert "上限" in response.content.decode()
    response = client.post("/policies/applications/new/", {"enterprise": enterprise.pk, "clause": clause.pk,
                                                           "applied_on": "2026-02-01", "claimed_amount": "90"})
    assert response.status_code == 302 and Application.objects.count() == 1
    # a county cannot add a clause to the city's policy
    response = client.post(f"/policies/{policy.pk}/clauses/", {"number": "第99条", "title": "x", "benefit": "reward",
                                                               "payment_days": "30"})
    assert response.status_code == 422 and policy.clauses.count() == 2
    city = login(org.city_user)
    response = city.post(f"/policies/{policy.pk}/clauses/", {"number": "第99条", "title": "人才奖励",
                                                             "benefit": "reward", "payment_days": "30"})
    assert response.status_code == 302 and policy.clauses.count() == 3


def test_export_lists_lateness(org, login, make_application):
    make_application("paid", approved_on=date(2026, 3, 1), paid_on=date(2026, 4, 10))
    response = login(org.county1_user).get("/policies/", {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    body = [r for r in rows if r and str(r[0])[:2] == "20"]
    assert len(body) == 1 and body[0][-1] == 10
