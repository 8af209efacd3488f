"""The bulletins page (form → job → progress page), its query count and privacy, and the ledger export (台账) of
the project, lead and problem lists, with the list's filters and the user's jurisdiction."""

from __future__ import annotations

import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from devzone.core.models import Job
from devzone.projects import services as project_services


def _sheet(response) -> list[list]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_page_starts_a_job_and_redirects_to_its_progress(org, login, django_capture_on_commit_callbacks):
    client = login(org.city_user)
    page = client.get("/reports/")
    assert page.status_code == 200 and 'data-testid="bulletin-form"' in page.content.decode()
    assert "已生成的通报" in page.content.decode() and "通报与台账" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/reports/", {"kind": "weekly", "period": "2026-W43", "format": "pdf"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == "reports.bulletin" and job.params == {"kind": "weekly", "period": "2026-W43",
                                                              "format": "pdf"}
    assert job.title in client.get("/reports/").content.decode()


def test_bad_period_is_shown_and_nothing_queued(org, login):
    response = login(org.city_user).post("/reports/", {"kind": "monthly", "period": "2026-W43", "format": "docx"})
    assert response.status_code == 200 and "格式错误" in response.content.decode()
    assert not Job.objects.exists()


def test_page_query_count_is_constant_and_jobs_are_private(org, login, django_assert_max_num_queries,
                                                           django_capture_on_commit_callbacks):
    from devzone.reports import services

    client = login(org.county1_user)
    with django_capture_on_commit_callbacks(execute=False):
        services.bulletin_start(actor=org.county1_user, kind="monthly", period="2026-10", fmt="docx")
    with django_assert_max_num_queries(12) as few:
        assert client.get("/reports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        for month in range(1, 10):
            services.bulletin_start(actor=org.county1_user, kind="monthly", period=f"2026-{month:02d}", fmt="pdf")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/reports/").status_code == 200
    mine = Job.objects.first()
    other = login(org.county2_user)
    assert mine.title not in other.get("/reports/").content.decode()
    assert other.get(f"/jobs/{mine.pk}/").status_code == 404
    assert 'href="/reports/"' in client.get("/").content.decode()  # the navigation item


def test_project_ledger_export_follows_filters_and_jurisdiction(org, month, login):
    city = login(org.city_user)
    page = city.get("/projects/", {"as_of": "2026-10-31"}).content.decode()
    assert 'data-testid="export-ledger"' in page and "export=ledger" in page and "导出台账" in page
    rows = _sheet(city.get("/projects/", {"as_of": "2026-10-31", "export": "ledger"}))
    assert rows[0][0] == "重点项目建设台账(2026年1-10月)" and rows[4][1] == "合计(5个)"
    assert rows[4][6] == 168000.0 and rows[4][8] == 1200.0 and rows[4][9] == 100.0 and rows[4][10] == 8.3
    names = {row[1] for row in rows[6:]}
    assert names == {"红灯项目R", "签而未落项目S", "新签项目N1", "新签项目N2", "新签项目N3"}
    red = next(row for row in rows[6:] if row[1] == "红灯项目R")
    assert red[8:12] == [1200.0, 100.0, 8.3, "主体施工"]
    filtered = _sheet(city.get("/projects/", {"as_of": "2026-10-31", "region": org.county2.pk,
                                               "export": "ledger"}))
    assert [row[1] for row in filtered[6:]] == ["新签项目N2"]
    county = _sheet(login(org.county1_user).get("/projects/", {"as_of": "2026-10-31", "export": "ledger"}))
    assert "新签项目N2" not in {row[1] for row in county[6:]} and county[4][1] == "合计(4个)"


def test_project_ledger_groups_and_query_count(org, month, login, django_assert_max_num_queries):
    client = login(org.city_user)
    with django_assert_max_num_queries(20) as few:
        client.get("/projects/", {"export": "ledger"})
    for n in range(6):
        project_services.project_create(actor=org.admin, data={
            "name": f"道路工程{n}", "region": org.county2, "total_investment": Decimal(1000),
            "category": "infrastructure", "owner_name": "城投公司"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = _sheet(client.get("/projects/", {"export": "ledger"}))
    labels = [row[1] for row in rows if isinstance(row[1], str) and "、" in row[1][:2]]
    assert labels == ["一、产业项目(5个)", "二、基础设施项目(6个)"]
    assert rows[4][1] == "合计(11个)" and rows[4][6] == 174000.0


def test_lead_and_problem_ledgers(org, month, login):
    leads = _sheet(login(org.city_user).get("/attraction/", {"export": "ledger"}))
    assert leads[0][0] == "招商引资在谈项目台账" and leads[4][1] == "合计(3个)" and leads[4][5] == 150000.0
    assert leads[5][1] == "一、线索(3个)"
    assert leads[2][5] == "意向(万元)" and leads[3][5:7] == ["意向投资额", "意向用地(亩)"]
    assert not _sheet(login(org.county2_user).get("/attraction/", {"export": "ledger"}))[6:]

    problems = _sheet(login(org.city_user).get("/dispatch/problems/", {"export": "ledger"}))
    assert problems[0][0] == "问题督办台账" and problems[4][1] == "合计(3个)"
    titles = [row[1] for row in problems[5:]]
    assert "'=HYPERLINK(\"x\") 电力增容" in titles  # escaped, never a formula
    county = _sheet(login(org.county1_user).get("/dispatch/problems/", {"export": "ledger"}))
    assert county[4][1] == "合计(2个)" and all("电力增容" not in str(row[1]) for row in county)
