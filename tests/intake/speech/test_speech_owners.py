"""Owners: units, places, posts, named people; several per sentence; carried over when a clause has none."""

from __future__ import annotations

import pytest

from devzone.intake.speech.owners import is_owner_phrase, owners_in_slot, split_conjuncts
from devzone.intake.speech.rules import read_speech


def owners(text: str) -> list[list[str]]:
    return [list(r.owners) for r in read_speech(text) if r.is_task]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("由市工信局、市工商联负责,研究设立企业服务日。", ["市工信局", "市工商联"]),
        ("由王某牵头,7月20日前拿出方案。", ["王某"]),
        ("由**、**同志牵头负责,在4月15日之前挂牌。", ["**同志", "**同志"]),
        ("请张三同志抓紧协调解决用地问题。", ["张三同志"]),
        ("请有关市领导一周内牵头抓好落实。", ["有关市领导"]),
        ("各县(市、区)要及时安排部署,加强要素保障。", ["各县(市、区)"]),
        ("市直各有关部门要积极发挥协调职能,帮助项目单位解决难题。", ["市直各有关部门"]),
        ("国税、地税和财政部门要认真组织好税收入库。", ["国税", "地税", "财政部门"]),
        ("开发区管委会要在6月底前完成规划修编。", ["开发区管委会"]),
        ("县委党政办要每周报送一次进展。", ["县委党政办"]),
        ("招商工作专班要抓紧对接客商,落实签约项目。", ["招商工作专班"]),
        ("市发改委、市商务局要尽快完善项目台账。", ["市发改委", "市商务局"]),
        ("会后,市“两办”督查室和大项目办要尽快完善项目台账,并及时反馈至各县(市、区)。", ["市“两办”督查室", "大项目办"]),
        (
            "各级党政主要领导要把主要精力用到抓项目上,特别是联系重点项目的市级领导,要切实负起牵头协调的责任。",
            ["各级党政主要领导", "联系重点项目的市级领导"],
        ),
        ("县政府各位分管领导要加强调度,督促民生工程顺利完成。", ["县政府各位分管领导"]),
        ("各部门之间要加强沟通,及时解决项目建设中的困难。", ["各部门"]),
        ("请市发改委牵头,会同市财政局、市自然资源局,于4月30日前拿出方案。", ["市发改委", "市财政局", "市自然资源局"]),
        ("由王某牵头,市发改委、市财政局配合,明年3月底前完成。", ["王某", "市发改委", "市财政局"]),
        ("责成市住建局限期整改,7日内报送整改情况。", ["市住建局"]),
        ("市商务局负责,每月10日前报送招商引资进展。", ["市商务局"]),
        ("会议要求,各县区于本月底前完成项目清理。", ["各县区"]),
        ("XX县要在X月底前完成XX个项目的开工任务。", ["XX县"]),
        (
            "市委、市政府拟定于4月下旬,在全市进行一次观摩活动每个县(市、区)至少要观摩3个项目。",
            ["市委", "市政府", "每个县(市、区)"],
        ),
    ],
)
def test_owners_of_a_task_sentence(sentence: str, expected: list[str]) -> None:
    assert owners(sentence) == [expected]


def test_places_named_before_are_resolved_for_an_anaphora() -> None:
    assert owners("但是永城市和虞城县工业用电量却是负增长,希望这两个市、县高度重视,尽快迎头赶上。") == [
        ["永城市", "虞城县"]
    ]


def test_owner_carried_over_from_the_first_clause() -> None:
    assert owners("各县(市、区)在打造环境中都下了功夫,要依托生态环境建设,明确发展重点。") == [["各县(市、区)"]]


def test_owner_carried_over_to_a_semicolon_sibling() -> None:
    assert owners("市住建局要加快推进污水管网建设;年底前完成污水处理厂提标改造。") == [["市住建局"], ["市住建局"]]


def test_place_owning_the_work() -> None:
    assert owners("尤其是三区的安置房建设务必加快推进,确保征迁群众早日回迁。") == [["三区"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "我们要严肃问责连续两年倒数的单位。",
        "希望大家振奋精神,抓好开工项目的落实。",
        "要组建成立工作专班,细化措施、明确时限。",
        "要完善项目台账,并及时反馈至各县(市、区)。",
        "要抓大局、统全局、谋新局,做好项目谋划。",
    ],
)
def test_no_owner_is_invented(sentence: str) -> None:
    assert owners(sentence) in ([[]], [])


def test_conjuncts_do_not_split_inside_parentheses() -> None:
    assert split_conjuncts("各县(市、区)、各级各部门和有关单位") == ["各县(市、区)", "各级各部门", "有关单位"]


@pytest.mark.parametrize("phrase", ["市工信局", "各县(市)区", "有分包企业任务的同志", "各园(景)区“一把手”", "**同志"])
def test_owner_phrases(phrase: str) -> None:
    assert is_owner_phrase(phrase)


@pytest.mark.parametrize("phrase", ["大家", "我们", "全体同志", "谋新局", "新局面", "在打造环境中都下了功夫", "政府"])
def test_not_owner_phrases(phrase: str) -> None:
    assert not is_owner_phrase(phrase)


def test_a_slot_that_is_a_clause_yields_nothing() -> None:
    assert owners_in_slot("通过生产性服务业项目的落地,发展中介") == []
