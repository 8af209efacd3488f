"""Normalisation: script, conversion debris, punctuation width, boilerplate, wrapped lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devzone.intake.speech.normalise import (
    is_boilerplate,
    is_pinyin,
    normalise,
    normalise_line,
    repair_debris,
    split_cjk_spaces,
    to_simplified,
    unify_width,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "speech"
FULL_COMMA, FULL_SEMI, FULL_COLON = "\uff0c", "\uff1b", "\uff1a"
FULL_LPAREN, FULL_RPAREN, FULL_QUESTION = "\uff08", "\uff09", "\uff1f"


# --- script -------------------------------------------------------------------------------------------


def test_traditional_line_becomes_simplified() -> None:
    assert to_simplified("全市招商引資和項目建設推進會議") == "全市招商引资和项目建设推进会议"


def test_simplified_line_is_left_alone_even_where_t2s_would_change_a_name() -> None:
    line = "博信锅炉检测中心、洪昇服装质量检测中心等生产性服务业项目建成投用。" * 3
    assert to_simplified(line) == line


def test_short_traditional_heading_in_a_traditional_document() -> None:
    text = "招商引資和項目建設推進情況的報告\n(一)招商引資方面\n聚焦礦泉康養和大豆食品兩個主導產業。"
    assert normalise(text).split("\n")[1] == "(一)招商引资方面"


def test_mixed_document_converts_only_traditional_lines() -> None:
    simplified = "全市上下要坚定信心,加快项目建设,确保完成全年目标任务。" * 4
    text = f"{simplified}\n各縣(市、區)要抓緊開工。\n洪昇服装公司要按期投产,市工信局要做好服务保障工作。"
    assert normalise(text).split("\n")[1:] == [
        "各县(市、区)要抓紧开工。",
        "洪昇服装公司要按期投产,市工信局要做好服务保障工作。",
    ]


# --- conversion debris ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("開發(fā)區(qū)", "開發區"),
        ("开发(fā)区(qū)管委会", "开发区管委会"),
        ("開(kai1)發(fa1)", "開發"),
        ("發(发)展", "發展"),
        ("开发区(开发区)建设", "开发区建设"),
        (f"開發{FULL_LPAREN}fā{FULL_RPAREN}區", "開發區"),
    ],
)
def test_debris_after_a_character_is_dropped(raw: str, expected: str) -> None:
    assert repair_debris(unify_width(raw)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "各县(市、区)要抓紧",
        "中兴(商丘)科技产业园",
        "政府和社会资本合作(PPP)项目",
        "各县(区)的工作进展",
        "各园(景)区一把手",
        "《xx市城乡总体规划(2015—2035)》",
        "支部条例(试行)",
    ],
)
def test_real_parentheses_are_kept(text: str) -> None:
    assert repair_debris(text) == text


def test_pinyin_detection() -> None:
    assert is_pinyin("fā") and is_pinyin("qū") and is_pinyin("kai1") and is_pinyin("zhuang")
    assert not is_pinyin("PPP") and not is_pinyin("ppp") and not is_pinyin("GDP") and not is_pinyin("abc")


def test_lost_middle_dot_is_restored_between_numerals() -> None:
    assert repair_debris("“三?五”基层工作日") == "“三·五”基层工作日"
    assert repair_debris("怎么转变工作方法?刚才我已经提到") == "怎么转变工作方法?刚才我已经提到"


def test_debris_repair_in_the_full_pipeline() -> None:
    assert normalise("全力推進開發(fā)區(qū)高質量發展") == "全力推进开发区高质量发展"


# --- width and punctuation --------------------------------------------------------------------------------


def test_full_width_ascii_variants_become_ascii_and_chinese_punctuation_stays() -> None:
    raw = (
        f"各县{FULL_LPAREN}市、区{FULL_RPAREN}要抓紧{FULL_COMMA}"
        f"力争达到\uff15\uff10\uff05{FULL_SEMI}完成{FULL_COLON}“好”。"
    )
    assert normalise_line(raw) == "各县(市、区)要抓紧,力争达到50%;完成:“好”。"


def test_question_mark_and_space_width() -> None:
    assert normalise_line(f"为什么要推进{FULL_QUESTION}\u3000我们") == "为什么要推进? 我们"


def test_straight_quotes_are_paired() -> None:
    assert normalise_line('设立"企业服务日"和"流动红旗"') == "设立“企业服务日”和“流动红旗”"
    assert normalise_line('unbalanced " quote 要') == 'unbalanced " quote 要'


def test_decimal_points_and_thousands_are_untouched() -> None:
    assert normalise_line("完成投资15.81亿元,增长1,200人") == "完成投资15.81亿元,增长1,200人"


# --- boilerplate ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "来源:新华网",
        "來源:人民網",
        "责任编辑:张三",
        "【责任编辑:李四】",
        "作者:王五 发布时间:2020-03-10",
        "打印本页",
        "关闭窗口",
        "【打印】【关闭】",
        "[打印本页] [关闭窗口]",
        "分享到:微信 微博 QQ空间",
        "字号:大 中 小",
        "2020年3月10日",
        "2026-03-10 10:30",
        "二〇二〇年三月十日",
        "(2020年3月10日)",
        "http://www.example.gov.cn/art/2020/3/10.html",
        "第1页 共3页",
        "- 2 -",
        "首页 > 新闻中心 > 领导讲话",
        "展开阅读全文",
        "资源描述",
        "上一篇:关于…的通知",
        "浏览次数:1024",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(normalise_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "时间过半、任务过半,各县要加快进度。",
        "2026年3月10日前各县要上报方案。",
        "来源于基层的经验值得推广。",
        "关闭违法违规企业的工作要抓紧。",
        "同志们:",
        "一、基本情况",
    ],
)
def test_speech_lines_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(normalise_line(line))


def test_boilerplate_is_dropped_from_a_pasted_page() -> None:
    page = "\n".join(
        [
            "首页 > 新闻 > 讲话",
            "在全市推进会上的讲话",
            "来源:市政府网 作者:办公室",
            "2026年3月10日",
            "各县要抓紧开工。",
            "打印本页 关闭窗口",
        ]
    )
    assert normalise(page) == "在全市推进会上的讲话\n各县要抓紧开工。"


# --- lines ---------------------------------------------------------------------------------------------------------


def test_hard_wrapped_paragraph_is_joined() -> None:
    text = "深入推进主题活动,紧紧抓住四季度项目建设的有利时机,力争年底前再招引、开工和竣工一批大项目和\n好项目。"
    assert (
        normalise(text)
        == "深入推进主题活动,紧紧抓住四季度项目建设的有利时机,力争年底前再招引、开工和竣工一批大项目和好项目。"
    )


def test_line_ending_with_a_comma_is_joined() -> None:
    assert normalise("各县要加快建设,\n确保年底前投产。") == "各县要加快建设,确保年底前投产。"


def test_headings_and_salutations_are_not_joined() -> None:
    lines = [
        "同志们:",
        "今天召开会议。",
        "一、基本情况",
        "全县实施项目353个。",
        "第一句话,更加清醒认识开放招商、项目建设在推动全市经济发展中的重要地位和重要作用",
        "第一,必须认识到。",
    ]
    assert normalise("\n".join(lines)).split("\n") == lines


def test_space_between_chinese_characters_is_a_lost_line_break() -> None:
    assert split_cjk_spaces("一、坚定信心 前不久召开的会议上") == ["一、坚定信心", "前不久召开的会议上"]
    assert split_cjk_spaces("采用 PPP 模式") == ["采用 PPP 模式"]


@pytest.mark.parametrize("name", ["speech-investment-projects.txt", "speech-zone-development.txt"])
def test_corpus_normalisation_is_stable(name: str) -> None:
    text = normalise((DATA / name).read_text(encoding="utf-8"))
    assert normalise(text) == text
    assert "資" not in text and "來源" not in text and "展开阅读全文" not in text


@settings(max_examples=80, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("要各县市区(),;:?!。、“”\n 12xX*开發區\uff0c\uff1b\uff08\uff09\u3000ā")),
        max_size=60,
    )
)
def test_normalise_never_fails_and_leaves_one_width(text: str) -> None:
    out = normalise(text)
    assert not any(0xFF01 <= ord(ch) <= 0xFF5E for ch in out)
    assert "\r" not in out and "\u3000" not in out
