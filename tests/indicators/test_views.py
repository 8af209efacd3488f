"""Indicator pages: monitor, trend, profile, reconciliation with flags, values and targets; Excel exports;
jurisdiction (404 outside); query counts that do not grow with the data."""

from __future__ import annotations

import io
from decimal import Decimal

from python_calamine import CalamineWorkbook

from devzone.core import services as core_services
from devzone.indicators import services
from devzone.indicators.models import ConsistencyFlag, IndicatorValue, Target


def _sheets(response) -> list[list[list]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return [book.get_sheet_by_index(i).to_python() for i in range(len(book.sheet_names))]


def _fill(org, series, codes=("fixed_investment", "retail_sales"), places=None) -> None:
    for place in places or (org.city, org.county1, org.county2):
        for code in codes:
            series(code, place, "2025-01", [10 * m for m in range(1, 13)] + [11 * m for m in range(1, 11)])


def test_monitor_page(org, ind, series, login):
    _fill(org, series)
    page = login(org.city_user).get("/indicators/", {"period": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "固定资产投资" in html and "澜江区" in html and "北湖区" in html and "+10.0%" in html
    assert "<script>" not in html  # the CSP forbids inline scripts


def test_monitor_query_count_does_not_grow(org, ind, series, login, django_assert_max_num_queries):
    client = login(org.city_user)
    _fill(org, series, codes=("fixed_investment",))
    with django_assert_max_num_queries(25) as few:
        assert client.get("/indicators/", {"period": "2026-10"}).status_code == 200
    more = [core_services.region_create(actor=None, name=f"新区{i}", level="county", parent=org.city)
            for i in range(4)]
    _fill(org, series, codes=("fixed_investment", "retail_sales", "tax_revenue"), places=more)
    _fill(org, series, codes=("retail_sales", "tax_revenue"), places=[org.county2])
    services.target_save(actor=org.city_user, data={"indicator": ind["retail_sales"], "region": more[0],
                                                    "year": 2026, "amount": Decimal("1000")})
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/indicators/", {"period": "2026-10"})
    assert "新区3" in page.content.decode()


def test_monitor_jurisdiction_and_export(org, ind, series, put, login):
    _fill(org, series, codes=("fixed_investment",))
    zone = core_services.zone_create(actor=org.admin, data={"name": "=cmd|' /C calc'!A0", "level": "county",
                                                            "kind": "park", "region": org.county1})
    put("fixed_investment", zone, "2026-10", 12)
    client = login(org.county1_user)
    assert client.get("/indicators/", {"place": f"r{org.county2.pk}"}).status_code == 404
    assert client.get("/indicators/", {"place": f"r{org.city.pk}"}).status_code == 404
    page = client.get("/indicators/", {"period": "2026-10"}).content.decode()
    assert "北湖区" not in page and "1/2" in page
    [sheet] = _sheets(client.get("/indicators/", {"period": "2026-10", "export": "xlsx"}))
    assert sheet[0][0].startswith("经济运行监测表") and sheet[2][:3] == ["指标", "单位", "统计期"]
    assert sheet[2][3] == "澜江区" and sheet[3][3:9] == ["当月", "累计", "同比(%)", "排名", "目标完成(%)", "序时进度"]
    assert sheet[2][9].startswith("'=cmd")
    row = next(r for r in sheet[4:] if r[0] == "固定资产投资")
    assert row[3:6] == [11.0, 110.0, 10.0] and row[6] == "1/2 第一方阵"


def test_trend_page_and_export(org, ind, series, login):
    _fill(org, series, codes=("fixed_investment",))
    client = login(org.county1_user)
    page = client.get("/indicators/trend/fixed_investment/", {"place": f"r{org.county1.pk}", "year": 2026})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="trend-data"' in html and "indicators/trend.js" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert html.index("echarts.min.js") < html.index("indicators/trend.js")
    assert client.get("/indicators/trend/fixed_investment/",
                      {"place": f"r{org.county2.pk}"}).status_code == 404
    assert client.get("/indicators/trend/nope/").status_code == 404
    [sheet] = _sheets(client.get("/indicators/trend/fixed_investment/", {"place": f"r{org.county1.pk}",
                                                                         "year": 2026, "export": "xlsx"}))
    assert sheet[2][0] == "月份" and sheet[12][2] == 110.0
    picked = client.get("/indicators/trend/", {"indicator": "retail_sales", "place": f"r{org.county1.pk}"})
    assert picked.status_code == 302 and "/indicators/trend/retail_sales/" in picked["Location"]


def test_profile_page(org, ind, series, put, login, django_assert_max_num_queries):
    _fill(org, series)
    put("fixed_investment", org.county1, "2026-10", 130, "reported")
    client = login(org.county1_user)
    with django_assert_max_num_queries(20):
        page = client.get(f"/indicators/places/r{org.county1.pk}/", {"period": "2026-10"})
    assert page.status_code == 200 and "130.00" in page.content.decode()
    assert client.get(f"/indicators/places/r{org.county2.pk}/").status_code == 404
    assert client.get("/indicators/places/x1/").status_code == 404
    [sheet] = _sheets(client.get(f"/indicators/places/r{org.county1.pk}/", {"period": "2026-10",
                                                                            "export": "xlsx"}))
    row = next(r for r in sheet[3:] if r[0] == "固定资产投资")
    assert row[4] == 110.0 and row[14:16] == [130.0, 110.0]


def test_reconciliation_page_checks_and_flags(org, ind, put, login):
    put("retail_sales", org.county1, "2026-09", 120, "reported")
    put("retail_sales", org.county1, "2026-09", 100, "official")
    stats = login(ind.stats)
    page = stats.get("/indicators/reconciliation/", {"period": "2026-09"}).content.decode()
    assert "+20.00" in page and 'data-testid="run-checks"' in page
    response = stats.post("/indicators/checks/", {"period": "2026-09", "next": "/indicators/reconciliation/"})
    assert response.status_code == 302
    flag = ConsistencyFlag.objects.get()
    county = login(org.county1_user)
    assert 'data-testid="run-checks"' not in county.get("/indicators/reconciliation/").content.decode()
    county.post(f"/indicators/flags/{flag.pk}/explain/", {"explanation": "季末集中入账", "next": "//evil.example"})
    flag.refresh_from_db()
    assert flag.status == "explained"
    county.post(f"/indicators/flags/{flag.pk}/close/", {"note": ""})
    flag.refresh_from_db()
    assert flag.status == "explained"  # a county cannot close its own flag
    assert login(org.county2_user).post(f"/indicators/flags/{flag.pk}/close/").status_code == 404
    stats.post(f"/indicators/flags/{flag.pk}/close/", {"note": "同意"})
    flag.refresh_from_db()
    assert flag.status == "closed"
    gaps, issues = _sheets(stats.get("/indicators/reconciliation/", {"period": "2026-09", "export": "xlsx"}))
    assert gaps[3][:2] == ["澜江区", "社会消费品零售总额"] and gaps[3][6] == 20.0
    assert issues[3][4] == "已核销" and issues[3][5] == "季末集中入账\n同意"


def test_value_entry_and_list(org, ind, login, django_assert_max_num_queries):
    client = login(org.county1_user)
    response = client.post("/indicators/values/new/", {
        "indicator": ind["tax_revenue"].pk, "region": org.county1.pk, "period": "2026-10", "source": "reported",
        "value": "5230.5", "stated_growth": "7.2", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    value = IndicatorValue.objects.get()
    assert (value.channel, value.entered_by, value.stated_growth) == ("form", org.county1_user, Decimal("7.20"))
    wrong = client.post("/indicators/values/new/", {
        "indicator": ind["tax_revenue"].pk, "region": org.county1.pk, "period": "2026-10", "source": "official",
        "value": "1"})
    assert wrong.status_code == 200 and "统计部门" in wrong.content.decode()
    stamp = client.get(f"/indicators/values/{value.pk}/edit/").context["form"]["updated_at"].value()
    edited = client.post(f"/indicators/values/{value.pk}/edit/", {"value": "5300", "updated_at": stamp})
    assert edited.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("5300")
    assert login(org.county2_user).get(f"/indicators/values/{value.pk}/edit/").status_code == 404
    for month in range(1, 10):
        services.value_create(actor=org.county1_user, data={"indicator": ind["tax_revenue"], "region": org.county1,
                                                            "year": 2026, "month": month, "value": Decimal(month)})
    with django_assert_max_num_queries(20):
        page = client.get("/indicators/values/")
    assert page.context["listing"].total == 10
    assert login(org.county2_user).get("/indicators/values/").context["listing"].total == 0


def test_targets_and_breakdown_pages(org, ind, series, login):
    series("fixed_investment", org.county1, "2025-01", [10 * m for m in range(1, 13)])
    series("fixed_investment", org.county2, "2025-01", [30 * m for m in range(1, 13)])
    client = login(org.city_user)
    query = {"indicator": "fixed_investment", "place": f"r{org.city.pk}", "year": 2026, "total": "800"}
    preview = client.get("/indicators/targets/breakdown/", query)
    assert preview.status_code == 200 and "200.00" in preview.content.decode() and not Target.objects.exists()
    assert client.post("/indicators/targets/breakdown/", query).status_code == 302
    assert sorted(Target.objects.values_list("amount", flat=True)) == [Decimal("200"), Decimal("600")]
    listing = client.get("/indicators/targets/", {"year": 2026})
    assert listing.context["listing"].total == 2
    county = login(org.county1_user)
    assert county.get("/indicators/targets/").context["listing"].total == 1
    refused = county.post("/indicators/targets/new/", {"indicator": ind["gdp"].pk, "region": org.county1.pk,
                                                       "year": 2026, "growth": "7"})
    assert refused.status_code == 200 and "上级" in refused.content.decode()
