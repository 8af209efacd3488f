"""Deadlines: absolute, relative (resolved against the meeting date), recurring, masked."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devzone.intake.speech.deadlines import deadline_of, find_time_expressions

MEETING = date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("sentence", "text", "due"),
    [
        ("各县要一周内上报方案。", "一周内", date(2026, 3, 17)),
        ("确保第一期项目年底前全部开工建设。", "年底前", date(2026, 12, 31)),
        ("明年3月底前建成投用。", "明年3月底前", date(2027, 3, 31)),
        ("6月底前完成征地拆迁。", "6月底前", date(2026, 6, 30)),
        ("在4月15日之前挂牌。", "4月15日之前", date(2026, 4, 15)),
        ("7月20日召开现场推进会。", "7月20日", date(2026, 7, 20)),
        ("本月完成项目认定。", "本月", date(2026, 3, 31)),
        ("本周内报送整改报告。", "本周内", date(2026, 3, 15)),
        ("3个工作日内办结。", "3个工作日内", date(2026, 3, 13)),
        ("两个月内完成。", "两个月内", date(2026, 5, 10)),
        ("4月下旬举行集中观摩。", "4月下旬", date(2026, 4, 30)),
        ("力争4月份实现开春即开工。", "4月份", date(2026, 4, 30)),
        ("确保一季度工业增加值平稳增长。", "一季度", date(2026, 3, 31)),
        ("上半年完成投资50%。", "上半年", date(2026, 6, 30)),
        ("2027年底前全部投产。", "2027年底前", date(2027, 12, 31)),
        ("“十五五”末实现翻番。", "“十五五”末", date(2030, 12, 31)),
        ("县城今年要确保黑臭水体基本消除。", "今年", date(2026, 12, 31)),
        ("2月底前完成。", "2月底前", date(2027, 2, 28)),
    ],
)
def test_resolved_against_the_meeting_date(sentence: str, text: str, due: date) -> None:
    deadline = deadline_of(sentence, MEETING)
    assert (deadline.text, deadline.date, deadline.masked) == (text, due, False)


def test_next_week_start_without_a_cadence() -> None:
    deadline = deadline_of("下周开始集中开展安全生产大检查。", MEETING)
    assert (deadline.text, deadline.date, deadline.recurrence) == ("下周开始", date(2026, 3, 16), None)


def test_next_week_starts_a_recurrence() -> None:
    deadline = deadline_of("下周开始每周报送一次工作进展。", MEETING)
    assert deadline.text == "下周开始每周报送一次"
    assert deadline.date == date(2026, 3, 16)
    assert deadline.recurrence == "FREQ=WEEKLY"
    separated = deadline_of("下周开始,每周报送一次工作进展。", MEETING)
    assert (separated.text, separated.date, separated.recurrence) == ("下周开始", date(2026, 3, 16), "FREQ=WEEKLY")


@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("每周报送一次进展情况。", "FREQ=WEEKLY"),
        ("每季度召开一次政银企对接会。", "FREQ=MONTHLY;INTERVAL=3"),
        ("每年开展一次考核。", "FREQ=YEARLY"),
        ("每月逢五到村开展工作。", "FREQ=MONTHLY;BYMONTHDAY=5,15,25"),
        ("每两月组织一次评议。", "FREQ=MONTHLY;INTERVAL=2"),
        ("每半年至少开展一次招商活动。", "FREQ=MONTHLY;INTERVAL=6"),
        ("每周一上午召开例会。", "FREQ=WEEKLY;BYDAY=MO"),
        ("坚持一周一调度。", "FREQ=WEEKLY"),
        ("每月10日前报送数据。", "FREQ=MONTHLY;BYMONTHDAY=10"),
    ],
)
def test_recurring(sentence: str, rule: str) -> None:
    deadline = deadline_of(sentence, MEETING)
    assert deadline.recurrence == rule
    assert deadline.date is None


def test_a_cadence_that_describes_a_thing_is_not_the_tasks_cadence() -> None:
    assert deadline_of("研究设立全市每月一次的“企业服务日”。", MEETING).empty


def test_year_end_with_a_recurrence() -> None:
    deadline = deadline_of("年底前每月报送一次进展。", MEETING)
    assert (deadline.date, deadline.recurrence) == (date(2026, 12, 31), "FREQ=MONTHLY")


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("x月x日前各整改责任部门要提交报告。", "x月x日前"),
        ("XX月底前完成。", "XX月底前"),
        ("20xx年底前全部建成。", "20xx年底前"),
        ("**月**日前上报。", "**月**日前"),
    ],
)
def test_masked_deadlines_keep_their_text_and_get_no_date(sentence: str, text: str) -> None:
    deadline = deadline_of(sentence, MEETING)
    assert (deadline.text, deadline.date, deadline.masked) == (text, None, True)


def test_without_a_meeting_date_only_explicit_years_are_resolved() -> None:
    assert deadline_of("一周内完成。").date is None
    assert deadline_of("6月底前完成。").text == "6月底前"
    assert deadline_of("6月底前完成。").date is None
    assert deadline_of("2026年6月30日前完成。").date == date(2026, 6, 30)
    assert deadline_of("2025年底前建成。").date == date(2025, 12, 31)


@pytest.mark.parametrize(
    "sentence",
    [
        "要尽快完善项目台账。",
        "及时反馈至各县。",
        "近期将专题研究部署。",
        "力争早日开工。",
        "定期听取工作汇报。",
        "去年年底,市委安排市委办公室修改完善方案。",
        "今年以来,我们的电子商务发展取得了很大突破。",
        "重点围绕2019年全市安排的重点项目。",
        "今年是脱贫攻坚的关键之年。",
    ],
)
def test_not_deadlines(sentence: str) -> None:
    assert deadline_of(sentence, date(2018, 2, 23)).empty


def test_past_year_is_not_a_deadline() -> None:
    assert deadline_of("2019年全县生产总值达到373亿元。", MEETING).empty


def test_ranges_of_months_are_not_deadlines() -> None:
    assert deadline_of("1至11月份全市增速位居第一,1-x月份新开工项目x个。", MEETING).empty


@settings(max_examples=60, deadline=None)
@given(
    month=st.sampled_from(["x", "X", "xx", "XX", "*", "**", "×"]),
    day=st.sampled_from(["x", "xx", "*", "**", "15"]),
    suffix=st.sampled_from(["前", "之前", ""]),
    meeting=st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))),
)
def test_a_masked_month_never_becomes_a_date(month: str, day: str, suffix: str, meeting: date | None) -> None:
    deadline = deadline_of(f"要在{month}月{day}日{suffix}上报。", meeting)
    assert deadline.masked and deadline.date is None


@settings(max_examples=60, deadline=None)
@given(meeting=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_deadlines_without_a_year_are_not_in_the_past(meeting: date) -> None:
    """A year-less date more than a week before the meeting means next year's (a speech may be given a
    few days after a date it names, so a week's grace)."""
    for sentence in (
        "一周内完成。",
        "本月完成。",
        "年底前完成。",
        "下周开始报送。",
        "6月底前完成。",
        "明年3月底前完成。",
    ):
        resolved = deadline_of(sentence, meeting).date
        assert resolved is not None and resolved >= meeting - timedelta(days=7)


def test_expressions_do_not_overlap() -> None:
    found = find_time_expressions("明年3月底前建成,每月报送一次,2026年4月15日前挂牌。", MEETING)
    spans = [(e.start, e.end) for e in found]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
