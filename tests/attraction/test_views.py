"""Attraction pages: lists with filters, export and query counts; the board and its move endpoint; detail, forms,
signing with the negative list; alerts; agreements; activities and the quota board; directories; commitments; KPIs."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from python_calamine import CalamineWorkbook

from devzone.attraction import services
from devzone.attraction.models import Agreement, Lead
from devzone.attraction.rules import apply_lead_rules


def test_lead_list_is_scoped_filtered_and_flags_warnings(org, login, make_lead, negative_rules, industry):
    mine = make_lead(name="澜江纺织项目", industry=industry("C25"))
    make_lead(name="北湖电子项目", region=org.county2, responsible_person=org.county2_user)
    client = login(org.county1_user)
    page = client.get("/attraction/").content.decode()
    assert "澜江纺织项目" in page and "北湖电子项目" not in page and "炼焦及石油加工" in page
    listing = client.get("/attraction/", {"negative": "on"}).context["listing"]
    assert [lead.pk for lead in listing.page.object_list] == [mine.pk]


def test_lead_list_query_count_is_constant(org, login, make_lead, negative_rules, django_assert_max_num_queries):
    client = login(org.city_user)
    for _ in range(3):
        make_lead("negotiating", since=date(2026, 1, 1))
    apply_lead_rules(today=date(2026, 6, 1))
    with django_assert_max_num_queries(30) as few:
        assert client.get("/attraction/").status_code == 200
    for _ in range(15):
        make_lead("negotiating", since=date(2026, 1, 1), region=org.county2, zone=org.zone2)
    apply_lead_rules(today=date(2026, 6, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/attraction/").status_code == 200


def test_lead_export_holds_the_filtered_rows(org, login, make_lead):
    make_lead(name="=cmd|' /C calc'!A0", stage="visited")
    make_lead(name="线索二")
    response = login(org.county1_user).get("/attraction/", {"export": "xlsx", "stage": "visited"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[2][0] == "名称" and [r[0] for r in rows[3:]] == ["'=cmd|' /C calc'!A0"]


def test_board_columns_and_query_count(org, login, make_lead, django_assert_max_num_queries):
    client = login(org.county1_user)
    make_lead("clue")
    lead = make_lead("negotiating")
    for day in (2, 3, 4):
        services.follow_up_create(actor=org.admin, lead=lead, data={"date": date(2026, 2, day), "way": "phone",
                                                                    "content": "电话"})
    with django_assert_max_num_queries(30) as few:
        response = client.get("/attraction/board/")
    columns = {c.stage: c for c in response.context["columns"]}
    assert columns["clue"].total == 1 and columns["negotiating"].total == 1
    card = columns["clue"].leads[0]
    assert card.allowed == "contacted visited negotiating dropped"
    for stage in ("clue", "contacted", "visited", "negotiating", "dropped"):
        for _ in range(3):
            make_lead(stage)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/attraction/board/").status_code == 200


def test_board_move_answers_the_board_or_a_readable_refusal(org, login, make_lead):
    lead = make_lead("clue")
    client = login(org.county1_user)
    response = client.post(f"/attraction/leads/{lead.pk}/move/", {"stage": "contacted", "query": "stage="},
                           headers={"X-Board": "1"})
    assert response.status_code == 200 and f'data-lead="{lead.pk}"' in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).stage == "contacted"
    refused = client.post(f"/attraction/leads/{lead.pk}/move/", {"stage": "clue"}, headers={"X-Board": "1"})
    assert refused.status_code == 422 and "不能从「接洽」直接转到「线索」" in refused.content.decode()
    signed = client.post(f"/attraction/leads/{lead.pk}/move/", {"stage": "signed"}, headers={"X-Board": "1"})
    assert signed.status_code == 422


def test_neighbours_lead_is_404_everywhere(org, login, make_lead):
    other = make_lead(region=org.county2)
    client = login(org.county1_user)
    for url in ("", "edit/", "sign/", "drop/", "review/"):
        assert client.get(f"/attraction/leads/{other.pk}/{url}").status_code == 404
    assert client.post(f"/attraction/leads/{other.pk}/move/", {"stage": "contacted"}).status_code == 404
    assert client.post(f"/attraction/leads/{other.pk}/follow-ups/", {"way": "phone"}).status_code == 404


def test_detail_shows_history_warnings_and_alerts(org, login, make_lead, negative_rules,
                                                  django_assert_max_num_queries):
    lead = make_lead("negotiating", since=date(2026, 1, 1), intended_investment=Decimal("100"),
                     intended_land_mu=Decimal("10"))
    services.follow_up_create(actor=org.admin, lead=lead, data={"date": date(2026, 2, 1), "way": "visit",
                                                                "content": "拜访董事长", "next_step": "准备考察"})
    apply_lead_rules(today=date(2026, 6, 1))
    client = login(org.county1_user)
    with django_assert_max_num_queries(25):
        page = client.get(f"/attraction/leads/{lead.pk}/").content.decode()
    assert "拜访董事长" in page and "投资强度不达标" in page and "天未跟进" in page and "签约" in page


def test_create_edit_follow_up_and_drop_through_pages(org, login):
    client = login(org.county1_user)
    response = client.post("/attraction/leads/new/", {
        "name": "年产5万吨食品项目", "investor_name": "远方食品", "source": "native", "region": org.county1.pk,
        "intended_investment": "30000", "intended_land_mu": "100"})
    lead = Lead.objects.get(name="年产5万吨食品项目")
    assert response.status_code == 302 and lead.stage == "clue" and lead.registered_on == timezone.localdate()
    stamp = client.get(f"/attraction/leads/{lead.pk}/edit/").context["form"]["updated_at"].value()
    response = client.post(f"/attraction/leads/{lead.pk}/edit/", {
        "name": "年产6万吨食品项目", "investor_name": "远方食品", "source": "native", "region": org.county1.pk,
        "updated_at": stamp})
    assert response.status_code == 302 and Lead.objects.get(pk=lead.pk).name == "年产6万吨食品项目"
    client.post(f"/attraction/leads/{lead.pk}/follow-ups/", {"date": timezone.localdate().isoformat(),
                                                              "way": "phone", "content": "电话联系"})
    assert lead.follow_ups.count() == 1
    page = client.post(f"/attraction/leads/{lead.pk}/drop/", {"reason": ""})
    assert page.status_code == 200 and Lead.objects.get(pk=lead.pk).stage == "clue"
    client.post(f"/attraction/leads/{lead.pk}/drop/", {"reason": "企业战略调整"})
    assert Lead.objects.get(pk=lead.pk).stage == "dropped"


def _sign_form(**extra) -> dict:
    return {"signed_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "counterpart": "远方集团",
            "amount": "52000", **extra}


def test_sign_page_refuses_county_on_negative_list(org, login, make_lead, negative_rules, industry):
    lead = make_lead("negotiating", industry=industry("C25"))
    client = login(org.county1_user)
    page = client.get(f"/attraction/leads/{lead.pk}/sign/").content.decode()
    assert "炼焦及石油加工" in page and "只有商务局或系统管理员" in page
    response = client.post(f"/attraction/leads/{lead.pk}/sign/",
                           _sign_form(service_officer=org.county1_user.pk))
    assert response.status_code == 200 and "负面清单" in response.content.decode()
    assert not Agreement.objects.exists()


def test_sign_page_override_with_reason(org, login, make_lead, negative_rules, industry, investment_user):
    lead = make_lead("negotiating", industry=industry("C25"))
    client = login(investment_user)
    response = client.post(f"/attraction/leads/{lead.pk}/sign/", _sign_form(service_officer=org.county1_user.pk))
    assert response.status_code == 200 and "书面理由" in response.content.decode()
    response = client.post(f"/attraction/leads/{lead.pk}/sign/", _sign_form(
        service_officer=org.county1_user.pk, override_reason="市政府专题会议研究同意"))
    agreement = Agreement.objects.get(lead=lead)
    assert response.status_code == 302 and agreement.override_reason == "市政府专题会议研究同意"
    page = client.get(f"/attraction/agreements/{agreement.pk}/").content.decode()
    assert "市政府专题会议研究同意" in page


def test_agreement_list_detail_and_progress(org, login, make_lead, django_assert_max_num_queries):
    for _ in range(2):
        lead = make_lead("negotiating")
        services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": date(2026, 3, 1),
                                                                       "amount": Decimal("20000")})
    client = login(org.county1_user)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/attraction/agreements/").status_code == 200
    first = len(few.captured_queries)
    agreement = Agreement.objects.first()
    response = client.post(f"/attraction/agreements/{agreement.pk}/", {
        "as_of": "2026-06-30", "funds_in_place": "5000", "status": "on_track"})
    assert response.status_code == 302
    page = client.get(f"/attraction/agreements/{agreement.pk}/").content.decode()
    assert "5,000.00" in page and "25.0" in page
    for _ in range(5):
        lead = make_lead("negotiating")
        services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": date(2026, 3, 1),
                                                                       "amount": Decimal("20000")})
    with django_assert_max_num_queries(first):
        assert client.get("/attraction/agreements/").status_code == 200
    assert login(org.county2_user).get(f"/attraction/agreements/{agreement.pk}/").status_code == 404


def test_activity_pages_and_quota_board(org, login, make_lead, django_assert_max_num_queries):
    done = services.leader_create(actor=org.admin, name="张县长", post="县长", region=org.county1)
    services.leader_create(actor=org.admin, name="王副县长", post="副县长", region=org.county1)
    services.leader_create(actor=org.admin, name="李区长", post="区长", region=org.county2)
    client = login(org.county1_user)
    response = client.post("/attraction/activities/new/", {
        "title": "赴长三角招商", "kind": "outbound", "region": org.county1.pk, "start_date": "2026-03-10",
        "end_date": "2026-03-14", "place": "上海", "leaders": [done.pk], "batches": "3", "person_times": "12"})
    assert response.status_code == 302
    page = client.get("/attraction/activities/quota/", {"year": 2026, "half": 1})
    rows = page.context["rows"]
    assert [(r.leader.name, r.met) for r in rows] == [("王副县长", False), ("张县长", True)]
    with django_assert_max_num_queries(20):
        assert client.get("/attraction/activities/").status_code == 200
    assert "赴长三角招商" in client.get("/attraction/activities/").content.decode()


def test_directories_commitments_and_kpis(org, login, make_lead):
    client = login(org.county1_user)
    assert client.post("/attraction/directory/targets/new/", {
        "name": "远方重工集团", "region": org.county1.pk, "global500": "on"}).status_code == 302
    assert "远方重工集团" in client.get("/attraction/directory/targets/", {"tag": "global500"}).content.decode()
    assert client.post("/attraction/directory/contacts/new/", {
        "name": "陈会长", "kind": "chamber", "organisation": "深圳澜江商会",
        "region": org.county1.pk}).status_code == 302
    assert "深圳澜江商会" in client.get("/attraction/directory/contacts/").content.decode()
    assert client.post("/attraction/directory/agents/new/", {
        "name": "周代表", "organisation": "珠海招商代表处", "region": org.county1.pk}).status_code == 302
    assert "珠海招商代表处" in client.get("/attraction/directory/agents/").content.decode()
    assert client.post("/attraction/commitments/new/", {
        "region": org.county1.pk, "meeting": "2026年第一次推进会", "meeting_date": "2026-01-03",
        "period_start": "2026-01-01", "period_end": "2026-06-30", "signed_amount": "100000",
        "project_count": "4"}).status_code == 302
    lead = make_lead("negotiating")
    services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": date(2026, 3, 1),
                                                                   "amount": Decimal("25000")})
    rows = client.get("/attraction/commitments/").context["rows"]
    assert rows[0].signed_amount == Decimal("25000") and rows[0].amount_rate == Decimal("25.0")
    response = client.get("/attraction/kpis/", {"date_from": "2026-01-01", "date_to": "2026-06-30"})
    assert response.status_code == 200 and response.context["total"].signed == 1


def test_alert_page_lists_mine(org, login, make_lead):
    make_lead("negotiating", since=date(2026, 1, 1))
    make_lead("negotiating", since=date(2026, 1, 1), responsible_person=org.admin)
    apply_lead_rules(today=date(2026, 6, 1))
    client = login(org.county1_user)
    assert len(client.get("/attraction/alerts/").context["alerts"]) == 2
    mine = client.get("/attraction/alerts/", {"mine": "1", "rule": "reminder"}).context["alerts"]
    assert len(mine) == 1 and mine[0].recipient == org.county1_user
