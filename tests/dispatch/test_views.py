"""Pages: my work, lists with filters, lights and Excel export, detail with timeline and one-click actions,
meetings, inbox and digest, board and KPI page (every number links to its rows); jurisdiction; query counts."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from devzone.dispatch import services
from devzone.dispatch.jobs import escalate_due
from devzone.dispatch.models import Meeting, MeetingDecision, Notification, Problem, Task

PAGES = ["/dispatch/", "/dispatch/problems/", "/dispatch/tasks/", "/dispatch/meetings/", "/dispatch/inbox/",
         "/dispatch/digest/", "/dispatch/board/", "/dispatch/kpis/", "/dispatch/rules/", "/dispatch/problems/new/",
         "/dispatch/tasks/new/", "/dispatch/meetings/new/"]


@pytest.fixture
def recent(org, units, assigned_problem):
    """Problems assigned a few days ago, so lights and deadlines are relative to the real clock."""

    def make(days_ago: float = 2, **kwargs) -> Problem:
        return assigned_problem(now=timezone.now() - timedelta(days=days_ago), **kwargs)

    return make


@pytest.mark.parametrize("username", ["city_user", "county1_user", "observer"])
def test_every_page_renders(org, units, login, recent, username):
    recent()
    client = login(getattr(org, username))
    for url in PAGES:
        assert client.get(url).status_code == 200, url


def test_problem_list_scoped_with_lights_and_export(org, units, login, recent):
    mine = recent(days_ago=25, title="超期的用地问题")  # 20-day SLA: red
    recent(unit=units.c2_ndrc, region=org.county2, title="北湖区的问题")
    client = login(org.county1_user)
    page = client.get("/dispatch/problems/").content.decode()
    assert mine.title in page and "北湖区的问题" not in page
    assert 'data-light="red"' in page and "超期" in page
    response = client.get("/dispatch/problems/", {"export": "xlsx", "overdue": "on"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "问题诉求" and rows[2][:3] == ["编号", "标题", "时限灯"]
    assert [r[1] for r in rows[3:]] == ["超期的用地问题"] and rows[3][2] == "超期" and rows[3][14] == 5.0


def test_problem_list_query_count_is_constant(org, units, login, recent, django_assert_max_num_queries):
    client = login(org.city_user)
    recent(helping=[units.c1_land])
    with django_assert_max_num_queries(30) as few:
        assert client.get("/dispatch/problems/").status_code == 200
    for index in range(12):
        recent(unit=units.c2_ndrc if index % 2 else units.c1_land, helping=[units.c1_ndrc], region=org.city)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/dispatch/problems/").status_code == 200


def test_task_list_and_my_work_query_counts(org, units, login, make_task, recent, django_assert_max_num_queries):
    client = login(org.county1_user)
    make_task()
    recent()
    counts = {}
    for url in ("/dispatch/tasks/", "/dispatch/", "/dispatch/board/", "/dispatch/kpis/"):
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    for _ in range(8):
        make_task(helping_units=[units.c1_land])
        recent(helping=[units.c1_land])
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200, url


def test_detail_shows_timeline_and_neighbour_gets_404(org, units, login, recent, django_assert_max_num_queries):
    problem = recent(helping=[units.c1_land])
    services.problem_start(actor=org.county1_user, problem=problem)
    client = login(org.county1_user)
    with django_assert_max_num_queries(25):
        page = client.get(f"/dispatch/problems/{problem.pk}/").content.decode()
    assert 'data-testid="timeline"' in page and page.count('class="timeline-event"') == 3
    assert login(org.county2_user).get(f"/dispatch/problems/{problem.pk}/").status_code == 404
    assert login(org.county2_user).post(f"/dispatch/problems/{problem.pk}/start/").status_code == 404


def test_one_click_assign_resolve_close(org, units, login, make_problem):
    problem = make_problem(now=timezone.now())
    city, county = login(org.city_user), login(org.county1_user)
    response = city.post(f"/dispatch/problems/{problem.pk}/assign/", {
        "assign-lead_unit": units.c1_ndrc.pk, "assign-helping_units": [units.c1_land.pk], "assign-note": "请尽快"})
    assert response.status_code == 302
    response = county.post(f"/dispatch/problems/{problem.pk}/resolve/", {
        "resolve-result": "solved", "resolve-resolution": "已完成用地预审"})
    assert response.status_code == 302
    response = city.post(f"/dispatch/problems/{problem.pk}/close/", {"close-satisfaction": "satisfied"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "closed" and problem.satisfaction == "satisfied"
    page = city.get(f"/dispatch/problems/{problem.pk}/").content.decode()
    assert [k for k in re.findall(r'class="timeline-event" data-kind="(\w+)"', page)] == [
        "created", "assigned", "resolved", "closed"]


def test_late_resolution_form_asks_for_the_written_explanation(org, units, login, recent):
    problem = recent(days_ago=30)
    client = login(org.county1_user)
    detail = client.get(f"/dispatch/problems/{problem.pk}/").content.decode()
    assert "办结须提交书面说明" in detail
    response = client.post(f"/dispatch/problems/{problem.pk}/resolve/", {
        "resolve-result": "solved", "resolve-resolution": "已解决"})
    assert response.status_code == 200 and "须提交书面说明" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == "assigned"
    response = client.post(f"/dispatch/problems/{problem.pk}/resolve/", {
        "resolve-result": "solved", "resolve-resolution": "已解决", "resolve-late_explanation": "省厅审批周期长"})
    assert response.status_code == 302


def test_wrong_state_action_shows_the_reason(org, units, login, make_problem):
    problem = make_problem()
    response = login(org.city_user).post(f"/dispatch/problems/{problem.pk}/close/", {"close-satisfaction": "basic"},
                                         follow=True)
    assert "不能销号" in response.content.decode()


def test_raise_and_edit_a_problem_through_the_form(org, units, login, make_enterprise):
    enterprise = make_enterprise()
    client = login(org.county1_user)
    response = client.post("/dispatch/problems/new/", {
        "title": "企业用工缺口200人", "source": "enterprise", "category": "labour", "difficulty": "normal",
        "enterprise_code": enterprise.credit_code, "description": "春节后返岗不足"})
    problem = Problem.objects.get(title="企业用工缺口200人")
    assert response.status_code == 302 and problem.enterprise == enterprise and problem.region == org.county1
    response = client.post("/dispatch/problems/new/", {
        "title": "x", "source": "enterprise", "category": "labour", "difficulty": "normal",
        "enterprise_code": "91990103XXXXXXXXXX"})
    assert response.status_code == 200 and "没有该统一社会信用代码" in response.content.decode()
    stamp = client.get(f"/dispatch/problems/{problem.pk}/edit/").context["form"]["updated_at"].value()
    response = client.post(f"/dispatch/problems/{problem.pk}/edit/", {
        "title": "企业用工缺口300人", "source": "enterprise", "category": "labour", "difficulty": "hard",
        "enterprise_code": enterprise.credit_code, "updated_at": stamp})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.title == "企业用工缺口300人" and problem.difficulty == "hard"


def test_task_pages_and_actions(org, units, login):
    city = login(org.city_user)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = city.post("/dispatch/tasks/new/", {
        "title": "推进园区道路建设", "commitment": "5月底前道路通车", "source": "instruction",
        "source_ref": "市长批示", "lead_unit": units.c1_ndrc.pk, "responsible_post": "局长", "due_date": due})
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(title="推进园区道路建设")
    county = login(org.county1_user)
    assert county.post(f"/dispatch/tasks/{task.pk}/progress/", {"progress-note": "路基完成", "progress-percent": 60}
                       ).status_code == 302
    assert county.post(f"/dispatch/tasks/{task.pk}/complete/", {"complete-note": "已通车"}).status_code == 302
    assert city.post(f"/dispatch/tasks/{task.pk}/close/", {}).status_code == 302
    task.refresh_from_db()
    assert task.status == "closed"
    page = city.get(f"/dispatch/tasks/{task.pk}/").content.decode()
    assert page.count('class="timeline-event"') == 4 and "三个清单" in page
    assert login(org.county2_user).get(f"/dispatch/tasks/{task.pk}/").status_code == 404


def test_recurring_task_page_lists_its_instances(org, units, login):
    city = login(org.city_user)
    response = city.post("/dispatch/tasks/new/", {
        "title": "每周报送项目进展", "commitment": "每周五前报送", "source": "document", "lead_unit": units.c1_ndrc.pk,
        "recurrence": "weekly", "starts_on": timezone.localdate().isoformat(), "due_weekday": 6})
    assert response.status_code == 302
    series = Task.objects.get(title="每周报送项目进展", series__isnull=True)
    page = city.get(f"/dispatch/tasks/{series.pk}/").content.decode()
    assert 'data-testid="instances"' in page and series.instances.get().period in page


def test_meeting_decision_becomes_a_task_from_the_page(org, units, login):
    client = login(org.city_user)
    response = client.post("/dispatch/meetings/new/", {
        "title": "三月项目推进会", "kind": "promotion", "held_on": "2026-03-05", "region": org.city.pk,
        "attendees": [org.county1_user.pk], "minutes": "会议要求……"})
    meeting = Meeting.objects.get(title="三月项目推进会")
    assert response.status_code == 302
    response = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/", {
        "decision-text": "澜江区发改局牵头,4月15日前完成项目用地报批", "decision-lead_unit": units.c1_ndrc.pk,
        "decision-due_date": "2026-04-15"})
    assert response.status_code == 302
    decision = MeetingDecision.objects.get(meeting=meeting)
    response = client.post(f"/dispatch/meetings/{meeting.pk}/decisions/{decision.pk}/task/")
    decision.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/dispatch/tasks/{decision.task_id}/"
    assert login(org.county1_user).get(f"/dispatch/meetings/{meeting.pk}/").status_code == 200  # attendee
    assert login(org.county2_user).get(f"/dispatch/meetings/{meeting.pk}/").status_code == 404


def test_inbox_digest_and_unread_badge(org, units, login, recent):
    recent()
    client = login(org.county1_user)
    page = client.get("/dispatch/inbox/").content.decode()
    note = Notification.objects.get(recipient=org.county1_user)
    assert note.title in page and 'data-testid="unread"' in page
    response = client.get(f"/dispatch/inbox/{note.pk}/")
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    assert login(org.county2_user).get(f"/dispatch/inbox/{note.pk}/").status_code == 404
    day = timezone.localtime(note.created_at).date().isoformat()
    digest = client.get("/dispatch/digest/", {"day": day}).content.decode()
    assert note.title in html.unescape(digest)


def test_board_has_the_chart_and_escalation_counts(org, units, login, recent):
    problem = recent(days_ago=30)
    escalate_due(now=timezone.now())
    problem.refresh_from_db()
    page = login(org.city_user).get("/dispatch/board/").content.decode()
    assert 'id="overdue-by-unit"' in page and "dispatch/board.js" in page and "vendor/echarts" in page
    assert 'data-testid="overdue-count">1<' in page and "澜江区发改局" in page
    assert '<script>' not in page  # CSP: no inline script


def test_kpi_numbers_link_to_exactly_their_rows(org, units, login, assigned_problem):
    now = timezone.now()
    start = now.replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    on_time = assigned_problem(now=start)
    services.problem_resolve(actor=org.county1_user, problem=on_time, result="solved", resolution="好",
                             now=start + timedelta(hours=2))
    services.problem_close(actor=org.city_user, problem=on_time, satisfaction="satisfied",
                           now=start + timedelta(hours=3))
    assigned_problem(now=start, unit=units.c1_land)
    assigned_problem(now=start, unit=units.c1_land)
    client = login(org.city_user)
    page = client.get("/dispatch/kpis/").content.decode()
    links = re.findall(r'<a href="([^"]+)" data-kpi="([\w.]+)">([\d.—]+)</a>', page)
    assert len(links) >= 3 * 11
    for url, kpi, shown in links:
        if kpi == "handling_days":
            continue
        listing = client.get(html.unescape(url)).context["listing"]
        assert listing.total == int(shown), (kpi, url)
    assert "100.0%" in page and "33.3%" in page


def test_kpi_links_work_for_a_unit_outside_the_county(org, units, login, assigned_problem):
    """county1 helps on a problem led by a city bureau: its KPI row links to that bureau's rows."""
    now = timezone.now()
    assigned_problem(now=now.replace(day=1, hour=9, minute=0, second=0, microsecond=0), unit=units.city_industry,
                     region=org.city, helping=[units.c1_land])
    client = login(org.county1_user)
    page = client.get("/dispatch/kpis/").content.decode()
    url = re.search(rf'data-unit="{units.city_industry.pk}">\s*<td>[^<]*</td>\s*<td class="text-end"><a href="([^"]+)"',
                    page).group(1)
    assert client.get(html.unescape(url)).context["listing"].total == 1
    listing = client.get("/dispatch/problems/", {"unit": units.city_industry.pk}).context["listing"]
    assert listing.total == 1
