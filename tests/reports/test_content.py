"""The bulletin's content on the hand-built October 2026 (see conftest): every figure against the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from devzone.core.errors import ValidationFailed
from devzone.reports.content import build_bulletin, chinese_number
from devzone.reports.periods import parse_period

OCTOBER = parse_period("2026-10")


def days_overdue(problem, end: date) -> int:
    return (end - timezone.localtime(problem.deadline).date()).days


def _table(bulletin, key):
    return next(t for t in bulletin.tables if t.key == key)


def _figures(bulletin) -> dict:
    return {f.label: f.value for f in bulletin.figures}


def test_periods():
    assert (OCTOBER.start, OCTOBER.end, OCTOBER.label) == (date(2026, 10, 1), date(2026, 10, 31), "2026年10月")
    assert OCTOBER.ledger_as_of == date(2026, 10, 31)
    week = parse_period("2026-W43", "weekly")
    assert (week.start, week.end, week.key) == (date(2026, 10, 19), date(2026, 10, 25), "2026-W43")
    assert week.ledger_as_of == date(2026, 9, 30)  # October's reports are not in yet
    ending = parse_period("2026-10-28", "weekly")
    assert (ending.start, ending.end, ending.key) == (date(2026, 10, 22), date(2026, 10, 28), "2026-10-28")
    for text, kind in (("2026-13", "monthly"), ("10/2026", "monthly"), ("", "monthly"), ("2026-W60", "weekly"),
                       ("2026-02-30", "weekly"), ("2026-10", "yearly")):
        with pytest.raises(ValidationFailed):
            parse_period(text, kind)
    assert [chinese_number(n) for n in (1, 6, 10, 11, 20, 23)] == ["一", "六", "十", "十一", "二十", "二十三"]


def test_city_bulletin_figures(org, month):
    bulletin = build_bulletin(user=org.city_user, period=OCTOBER)
    assert [s.title for s in bulletin.sections] == ["总体情况", "县(市、区)考核排名", "重点项目预警", "问题督办情况",
                                                     "新签约亿元以上项目", "观摩评比和营商环境评议"]
    assert bulletin.issued_on == date(2026, 11, 1) and "〔2026〕" in bulletin.doc_number
    figures = _figures(bulletin)
    assert figures["在库重点项目"] == 5
    assert figures["重点项目总投资"] == Decimal("168000.00")  # 4 × 40000 + 8000
    assert figures["1-10月完成投资"] == Decimal("100.00")
    assert figures["投资完成率"] == Decimal("8.33")  # 100 / 1200
    assert figures["2026年开工率"] == Decimal("0.00")  # four signings in 2026, none started
    assert figures["本期新增招商线索"] == 2  # the September lead is outside the period
    overview = bulletin.sections[0].paragraphs[0]
    assert "总投资168,000.00万元" in overview and "1-10月完成投资100.00万元" in overview  # separators as in tables


def test_ranking_warnings_problems_and_signed(org, month):
    bulletin = build_bulletin(user=org.city_user, period=OCTOBER)
    ranking = _table(bulletin, "county_ranking")
    assert ranking.rows == ((1, "澜江区", Decimal("88.50"), ""), (2, "北湖区", Decimal("60.00"), "倒数第一(表态发言)"))

    red = _table(bulletin, "red_projects").rows
    assert [(r[0], r[3], r[4], r[5], r[6]) for r in red] == [("红灯项目R", Decimal("1200.00"), Decimal("100.00"),
                                                              Decimal("8.3"), Decimal("75.0"))]
    stalled = _table(bulletin, "signed_not_started").rows
    assert stalled == (("签而未落项目S", "澜江区", date(2026, 3, 1), Decimal("15000.00"), 7),)

    problems = _table(bulletin, "overdue_problems").rows
    p1, p2 = month.problems["P1"], month.problems["P2"]
    assert [(r[0], r[1], r[4], r[5]) for r in problems] == [
        (p1.title, "澜江区", days_overdue(p1, OCTOBER.end), "通报"),
        (p2.title, "北湖区", days_overdue(p2, OCTOBER.end), "督办")]  # P3 was resolved in September

    signed = _table(bulletin, "signed_large")
    assert [(r[0], r[4]) for r in signed.rows] == [("新签项目N1", Decimal("30000.00")),
                                                   ("新签项目N2", Decimal("12000.00"))]
    assert signed.total[4] == Decimal("42000.00")
    assert "协议投资额42,000.00万元" in bulletin.sections[4].paragraphs[0]

    assert [t.key for t in bulletin.sections[5].tables] == ["window"]
    assert "本期暂无已发布的观摩评比结果。" in bulletin.sections[5].paragraphs
    assert [r[3] for r in _table(bulletin, "window").rows] == ["流动红旗", "流动黑旗"]


def test_county_bulletin_covers_its_county_only(org, month):
    bulletin = build_bulletin(user=org.county2_user, period=OCTOBER)
    assert bulletin.scope_name == "北湖区"
    assert _figures(bulletin)["在库重点项目"] == 1
    assert [r[0] for r in _table(bulletin, "counties").rows] == ["北湖区"]
    assert [r[1] for r in _table(bulletin, "county_ranking").rows] == ["北湖区"]
    assert _table(bulletin, "red_projects").rows == () and _table(bulletin, "signed_not_started").rows == ()
    assert [r[1] for r in _table(bulletin, "overdue_problems").rows] == ["北湖区"]
    assert [r[0] for r in _table(bulletin, "signed_large").rows] == ["新签项目N2"]


def test_an_earlier_period_and_a_week(org, month):
    september = build_bulletin(user=org.city_user, period=parse_period("2026-09"))
    assert _table(september, "signed_large").rows == ()
    assert [r[5] for r in _table(september, "overdue_problems").rows] == []  # P3 was resolved within September
    week = build_bulletin(user=org.city_user, period=parse_period("2026-W43", "weekly"))
    assert week.kind == "weekly" and "周报" in week.title
    assert [r[0] for r in _table(week, "signed_large").rows] == ["新签项目N2"]  # signed 10-20, in 10-19..25


def test_same_data_same_content(org, month):
    first = build_bulletin(user=org.city_user, period=OCTOBER)
    again = build_bulletin(user=org.city_user, period=OCTOBER)
    assert first == again


def test_query_count_does_not_grow_with_rows(org, month, django_assert_max_num_queries):
    from devzone.projects import services as project_services

    with django_assert_max_num_queries(80) as few:
        build_bulletin(user=org.city_user, period=OCTOBER)
    for n in range(5):
        project = project_services.project_create(actor=org.admin, data={
            "name": f"追加项目{n}", "region": org.county2, "total_investment": Decimal(50000), "owner_name": "某公司",
            "agreement_amount": Decimal(50000), "agreement_counterpart": "某集团"})
        project_services.project_year_plan_set(actor=org.county2_user, project=project, year=2026,
                                               planned_investment=Decimal(1000))
        project = project_services.project_declare_stage(actor=org.county2_user, project=project, stage="signed",
                                                         date=date(2026, 10, 2))
        project_services.project_verify_stage(actor=org.city_user, project=project, stage="signed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        bulletin = build_bulletin(user=org.city_user, period=OCTOBER)
    assert len(_table(bulletin, "signed_large").rows) == 7 and len(_table(bulletin, "red_projects").rows) == 6
