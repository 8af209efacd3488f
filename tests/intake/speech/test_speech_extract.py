"""The public API end to end: normalise → segment → extract, the JSON shape, offsets for highlighting."""

from __future__ import annotations

import json
from datetime import date

import devzone.intake.speech as speech
from devzone.intake.speech import DraftTask, Extractor, RuleExtractor, extract, normalise, segment

PAGE = """首頁 > 新聞中心 > 領導講話
在全市招商引資和項目建設推進會上的講話
來源:市政府辦公室  發布時間:2026-03-10
同志們:
去年,全市新開工項目120個,同比增長15%,已完成投資80億元。
下面,我講幾點意見。
一、關于開發(fā)區(qū)建設
第一,由市發改委牽頭,市自然資源局、市住建局配合,4月15日之前完成開發區規劃修編。
第二,各縣(市、區)要在一周內上報本地“三個一批”項目清單,下周開始每周報送一次進展。
第三,6月底前確保簽約項目開工率達到XX%,力爭年底前達到80%。
省長強調,要集中精力抓經濟。
要進一步增強責任意識和大局意識。
打印本頁  關閉窗口
"""


def test_extract_reads_a_traditional_page_with_debris_and_boilerplate() -> None:
    tasks = extract(PAGE, meeting_date=date(2026, 3, 10))
    assert [t.sentence[:3] for t in tasks] == ["第一,", "第二,", "第三,"]
    first, second, third = tasks
    assert first.owners == ("市发改委", "市自然资源局", "市住建局")  # the lead, then those who 配合
    assert first.deadline.date == date(2026, 4, 15) and first.obligation == "牵头"
    assert second.owners == ("各县(市、区)",)
    assert second.deadline.text == "一周内" and second.deadline.date == date(2026, 3, 17)
    assert [(t.indicator, t.value, t.unit) for t in third.targets] == [
        ("签约项目开工率", None, "%"),
        ("签约项目开工率", 80, "%"),
    ]
    assert third.deadline.text == "6月底前" and third.obligation == "确保"


def test_offsets_highlight_the_sentence_in_the_normalised_text() -> None:
    text = normalise(PAGE)
    for task in extract(PAGE, meeting_date=date(2026, 3, 10)):
        assert text[task.start : task.end] == task.sentence
        if task.deadline.start is not None:
            assert text[task.deadline.start : task.deadline.end] == task.deadline.text
        for target in task.targets:
            assert text[target.start : target.end] == target.text


def test_to_dict_has_the_json_shape() -> None:
    task = extract("各县(市、区)要在6月底前完成开工率30%的目标。", meeting_date=date(2026, 3, 10))[0]
    data = json.loads(json.dumps(task.to_dict(), ensure_ascii=False))
    assert data == {
        "sentence": "各县(市、区)要在6月底前完成开工率30%的目标。",
        "owners": ["各县(市、区)"],
        "deadline": {"text": "6月底前", "date": "2026-06-30", "recurrence": None, "masked": False},
        "targets": [{"text": "完成开工率30%", "indicator": "开工率", "value": 30, "unit": "%"}],
        "obligation": "要",
        "start": 0,
        "end": 25,
    }


def test_segment_and_normalise_are_exposed() -> None:
    assert [s.text for s in segment(normalise("要抓紧。要落实。"))] == ["要抓紧。", "要落实。"]
    assert set(speech.__all__) >= {"normalise", "segment", "extract", "Extractor", "DraftTask", "IntakeInputError"}


def test_the_rule_extractor_satisfies_the_protocol_and_another_can_be_plugged_in() -> None:
    assert isinstance(RuleExtractor(), Extractor)

    class Everything:
        name = "everything"

        def extract(self, text: str, meeting_date: date | None = None) -> list[DraftTask]:
            return [DraftTask(s.text, s.start, s.end, obligation="") for s in segment(text)]

    assert len(extract("一句。两句。", extractor=Everything())) == 2


def test_no_tasks_in_a_report_of_achievements() -> None:
    assert extract("2025年,全县生产总值373亿元,同比增长8.5%。全县已完成固定资产投资120.6亿元。") == []


def test_the_examples_of_the_domain_specification() -> None:
    meeting = date(2026, 3, 10)
    (first,) = extract("由市工信局、市工商联负责,研究设立全市每月一次的'企业服务日'", meeting)
    assert first.owners == ("市工信局", "市工商联") and first.deadline.empty
    (second,) = extract("确保第一期'签约一批'项目年底前全部开工建设", meeting)
    assert second.obligation == "确保" and second.deadline.date == date(2026, 12, 31)
    (third,) = extract("3月底确保项目开工率30%,力争达到50%", meeting)
    assert third.deadline.date == date(2026, 3, 31)
    assert [(t.indicator, t.value, t.unit) for t in third.targets] == [("项目开工率", 30, "%"), ("项目开工率", 50, "%")]


def test_per_mu_indicator() -> None:
    (task,) = extract("开发区管委会、党政办要确保每亩投资强度不低于110万元,年税收16亿元。")
    assert task.owners == ("开发区管委会", "党政办")
    assert [(t.indicator, t.value, t.unit) for t in task.targets] == [
        ("投资强度", 110, "万元/亩"),
        ("年税收", 16, "亿元"),
    ]


def test_empty_and_boilerplate_only_texts_have_no_tasks() -> None:
    assert extract("") == []
    assert extract("打印本页 关闭窗口\n来源:新华网") == []
