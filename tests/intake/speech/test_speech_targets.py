"""Quantitative targets: indicator, value, unit; masked figures stay masked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devzone.intake.speech.rules import read_speech
from devzone.intake.speech.targets import targets_of


def triples(sentence: str) -> list[tuple[str | None, float | int | None, str | None]]:
    return [(t.indicator, t.value, t.unit) for t in targets_of(sentence)]


def test_rate_and_a_second_aim_for_the_same_indicator() -> None:
    assert triples("3月底确保项目开工率30%,力争达到50%;") == [("项目开工率", 30, "%"), ("项目开工率", 50, "%")]


def test_per_mu_money() -> None:
    assert triples("投资强度要达到每亩110万元。") == [("投资强度", 110, "万元/亩")]


def test_amount_in_yi_yuan() -> None:
    assert triples("力争引进资金16亿元。") == [("引进资金", 16, "亿元")]


def test_decimal_and_above() -> None:
    assert triples("6月底项目开工率达到80.5%以上,完成投资50%;") == [("项目开工率", 80.5, "%"), ("完成投资", 50, "%")]


def test_thresholds_take_the_topic_as_indicator() -> None:
    assert triples("在投资强度方面,一般的产业集聚区不能低于180万元/亩,省级高新区不能低于280万元/亩。") == [
        ("投资强度", 180, "万元/亩"),
        ("投资强度", 280, "万元/亩"),
    ]


def test_counts_after_the_verb_take_the_following_noun() -> None:
    assert triples("力争创建2家国家级高新技术开发区和1家国家级经济技术开发区。") == [
        ("国家级高新技术开发区", 2, "家"),
        ("国家级经济技术开发区", 1, "家"),
    ]
    assert triples("每个县至少要观摩3个近两年新建成的产业项目。") == [("近两年新建成的产业项目", 3, "个")]
    assert triples("确保完成24万亩的绿化造林任务。") == [("绿化造林任务", 24, "万亩")]


def test_chinese_numerals_count_things() -> None:
    assert triples("力争新增两家上市企业。") == [("上市企业", 2, "家")]


@pytest.mark.parametrize(
    ("sentence", "indicator", "unit"),
    [
        ("开工率力争达到XX%。", "开工率", "%"),
        ("2025年生产总值总量达到****亿元。", "生产总值总量", "亿元"),
        ("项目数要占全部项目总数的x%。", "项目数", "%"),
        ("实际利用外资要达到*万美元。", "利用外资", "万美元"),
    ],
)
def test_masked_values_keep_their_text_and_have_no_value(sentence: str, indicator: str, unit: str) -> None:
    (target,) = targets_of(sentence)
    assert (target.indicator, target.value, target.unit, target.masked) == (indicator, None, unit, True)
    assert any(mark in target.text for mark in ("X", "x", "*"))


@pytest.mark.parametrize(
    "sentence",
    [
        "重点推进总投资3.3亿元的生物质发电、总投资1.3亿元的腐竹项目。",
        "著力抓好豫东综合物流园区、保税物流产业园等5个专业园区。",
        "组织全市5200多名党员干部到村开展工作。",
        "引进一批大项目,打好“两个攻坚战”。",
        "第3个项目要加快推进。",
        "要在4月15日之前挂牌。",
        "围绕食品加工、装备制造3大主导产业谋划项目。",
    ],
)
def test_not_targets(sentence: str) -> None:
    assert targets_of(sentence) == []


def test_figures_of_past_work_in_a_task_sentence_are_not_targets() -> None:
    (reading,) = [r for r in read_speech("项目已完成投资5550万元,要确保年底前完成剩余投资5000万元。") if r.is_task]
    assert [(t.indicator, t.value) for t in reading.targets] == [("完成剩余投资", 5000)]


@settings(max_examples=60, deadline=None)
@given(
    mask=st.sampled_from(["X", "XX", "x", "xx", "*", "**", "****", "×", "＊"]),
    unit=st.sampled_from(["%", "亿元", "万元", "个", "家", "万亩", "万元/亩"]),
    lead=st.sampled_from(["力争达到", "确保完成", "开工率", "不低于", "至少要新增"]),
)
def test_a_masked_figure_is_never_turned_into_a_number(mask: str, unit: str, lead: str) -> None:
    for target in targets_of(f"各县{lead}{mask}{unit}。"):
        assert target.value is None and target.masked
