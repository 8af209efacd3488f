"""Obligation markers and the filters that keep non-tasks out (past work, relayed speech, attitudes,
headings, questions, report sections)."""

from __future__ import annotations

import pytest

from devzone.intake.speech.obligation import find_markers
from devzone.intake.speech.rules import read_speech


def words(sentence: str) -> list[str]:
    return [m.word for m in find_markers(sentence)]


def tasks(text: str) -> list[str]:
    return [r.sentence.text for r in read_speech(text) if r.is_task]


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("各县(市、区)要及时安排部署。", "要"),
        ("尤其是三区的安置房建设务必加快推进。", "务必"),
        ("燃气必须确保足额足量供应。", "必须"),
        ("确保第一期项目年底前全部开工建设。", "确保"),
        ("力争尽快签约一批大项目。", "力争"),
        ("要抓紧制定生态建设规划。", "要"),
        ("抓紧制定生态建设规划。", "抓紧"),
        ("请有关市领导一周内牵头抓好落实。", "请"),
        ("这里,请各县(市)区认真抓好贯彻落实。", "请"),
        ("由市工信局、市工商联负责,研究设立企业服务日。", "负责"),
        ("由王某牵头,尽快拿出方案。", "牵头"),
        ("相关部门一定要认真对待。", "一定要"),
        ("整个工作都需要在本周完成。", "需要"),
        ("我们今年的目标是6个县全部摘帽。", "目标"),
        ("一般的产业集聚区不能低于180万元/亩。", "不能"),
        ("把重点项目抓好建好。", "抓好"),
    ],
)
def test_obligation_markers(sentence: str, word: str) -> None:
    assert word in words(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "这是最重要的抓手和举措。",
        "主要原因是土地指标不足。",
        "资金问题需要引起重视。",
        "强化要素保障。",
        "会议摘要已经印发。",
        "只要我们解放思想,就一定能成功。",
        "按照省委的要求推进。",
        "目的就是要让大家保持冷静理性。",
        "在这个方面我们还有很多工作要做。",
        "工作中必要的考核、督导是必须的。",
        "请示报告制度已经建立。",
        "坚持走出去、请进来。",
        "高举“要发展就要开放”的旗帜。",
        "希望大家振奋精神。",
        "会议纪要印发各单位。",
    ],
)
def test_words_containing_yao_and_other_non_markers(sentence: str) -> None:
    assert words(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "全县已完成投资120.6亿元,同比增长9.7%。",
        "我们实现了一季度开门红,确保了全年任务的完成。",
        "去年以来,市县两级先后组织了4次集中开工活动,确保项目顺利推进。",
        "滨湖花园棚户区改造项目已开工2300套。",
    ],
)
def test_past_achievements_are_not_tasks(sentence: str) -> None:
    assert tasks(sentence) == []


def test_relayed_instructions_are_not_tasks_until_the_speaker_speaks_again() -> None:
    text = (
        "陈润儿省长在讲话中指出,第一,要集中精力抓经济。各级党委、政府一定要集中精力抓好经济运行。"
        "第二,要统筹谋划抓重点。我们要在4月底前制定全市的落实方案。"
    )
    assert tasks(text) == ["我们要在4月底前制定全市的落实方案。"]


@pytest.mark.parametrize(
    "sentence",
    [
        "要切实增强“四个意识”,坚定发展信心。",
        "全市各级各部门一定要认识到,有项目才会有税收。",
        "要勤于学习、善于思考、勇于实践,全面提升履职能力和水平。",
        "希望我们参加会议的全体同志一定要认真领会,全力抓好贯彻落实。",
        "既要有强烈的紧迫感,又不能心浮气躁。",
    ],
)
def test_attitudes_are_not_tasks(sentence: str) -> None:
    assert tasks(sentence) == []


def test_generic_diligence_with_a_named_owner_is_a_task() -> None:
    assert tasks("各级各部门要按照职责分工,全力以赴抓好落实。") == ["各级各部门要按照职责分工,全力以赴抓好落实。"]


def test_an_enumerated_one_liner_naming_an_owner_is_a_task_not_a_heading() -> None:
    text = "第一,市工信局要牵头设立企业服务日。第二,要坚持项目为王。抓项目最能反映工作作风。"
    assert tasks(text) == ["第一,市工信局要牵头设立企业服务日。"]


def test_headings_and_questions_are_not_tasks() -> None:
    text = "一、要抓好项目建设\n第一,要坚持项目为王。抓项目最能反映工作作风。\n为什么要大力推进开放招商?"
    assert tasks(text) == []


def test_bare_imperatives_under_a_directive_subheading_are_tasks() -> None:
    text = (
        "二要围绕转型升级抓产业。深化供给侧结构性改革,重点抓好北汽福田汽车、神火双零铝箔等重点项目。"
        "这是我们的优势所在。"
    )
    found = [r for r in read_speech(text) if r.is_task]
    assert [r.sentence.text for r in found] == ["深化供给侧结构性改革,重点抓好北汽福田汽车、神火双零铝箔等重点项目。"]
    assert found[0].obligation == "要"


def test_bare_sentences_outside_a_directive_scope_are_not_tasks() -> None:
    assert tasks("深化供给侧结构性改革,重点抓好北汽福田汽车等重点项目。") == []


def test_a_reports_account_of_its_own_work_is_not_a_task() -> None:
    text = (
        "第五篇:关于招商引资工作情况的报告\n一、工作开展情况\n"
        "建立项目服务专班,每个项目由一名处级领导包保,确保项目建设有序推进。\n"
        "二、下步工作安排\n要加快推进大豆产业园建设,力争6月底前开工。"
    )
    assert tasks(text) == ["要加快推进大豆产业园建设,力争6月底前开工。"]


def test_a_speech_section_on_achievements_still_yields_its_directives() -> None:
    text = (
        "一、充分肯定成绩\n商丘机场建设前期工作已经完成,上半年有望获得国家批复。"
        "商丘火车站南站房改造已经列入计划,我们要力争早日开工,早日建成高铁换乘中心。"
    )
    assert tasks(text) == ["商丘火车站南站房改造已经列入计划,我们要力争早日开工,早日建成高铁换乘中心。"]


def test_semicolon_siblings_inherit_the_obligation() -> None:
    text = "3月底确保项目开工率30%,力争达到50%;6月底项目开工率达到80%以上,完成投资50%;10月底确保全部开工。"
    found = [r for r in read_speech(text) if r.is_task]
    assert len(found) == 3
    assert found[1].obligation == "确保"
