"""Sentence and clause segmentation: boundaries, quotation marks, offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devzone.intake.speech.segment import protected_mask, segment


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


def test_sentences_end_at_full_stop_exclamation_question_semicolon_and_line_end() -> None:
    assert texts("要抓紧开工。要按期投产!为什么?因为要快;不能慢\n新的一段") == [
        "要抓紧开工。",
        "要按期投产!",
        "为什么?",
        "因为要快;",
        "不能慢",
        "新的一段",
    ]


def test_no_split_inside_chinese_quotation_marks() -> None:
    text = "省委书记强调“要把项目建设作为主抓手。项目为王;抓项目就是抓发展”,我们要落实。下一句。"
    assert texts(text) == ["省委书记强调“要把项目建设作为主抓手。项目为王;抓项目就是抓发展”,我们要落实。", "下一句。"]


def test_no_split_inside_corner_brackets_single_quotes_and_book_titles() -> None:
    assert len(segment("他说「要快。要好」然后走了。")) == 1
    assert len(segment("贯彻‘讲政治。重担当’的要求。")) == 1
    assert len(segment("印发《关于加快发展;推进改革的意见》。")) == 1


def test_a_quotation_ending_with_a_full_stop_ends_the_sentence() -> None:
    assert texts("指出“都是由具体项目所构成。”我们要更加鲜明树立导向。") == [
        "指出“都是由具体项目所构成。”",
        "我们要更加鲜明树立导向。",
    ]


def test_an_unclosed_quotation_mark_protects_nothing() -> None:
    assert texts("他说“要抓紧。然后要落实。") == ["他说“要抓紧。", "然后要落实。"]


def test_a_colon_that_opens_an_enumeration_ends_the_sentence() -> None:
    assert texts("我强调如下几个重点:一要围绕巩固提高抓攻坚。") == ["我强调如下几个重点:", "一要围绕巩固提高抓攻坚。"]
    assert texts("通知如下:各县要抓紧。") == ["通知如下:各县要抓紧。"]


def test_clauses_split_at_commas_and_colons_but_not_inside_quotes() -> None:
    sentence = segment("由市工信局、市工商联负责,研究设立“企业服务日,每月一次”有关事宜:集中解决问题。")[0]
    assert [c.text for c in sentence.clauses] == [
        "由市工信局、市工商联负责,",
        "研究设立“企业服务日,每月一次”有关事宜:",
        "集中解决问题。",
    ]


def test_offsets_point_into_the_text() -> None:
    text = "第一段。\n  第二段要抓紧;第三句。"
    for sentence in segment(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
    assert [s.paragraph for s in segment(text)] == [0, 1, 1]


def test_protected_mask_handles_nesting_and_mismatch() -> None:
    mask = protected_mask("a“b《c》d”e")
    assert mask == [False, False, True, True, True, True, True, False, False]


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("要抓紧。!?;,:“”‘’「」《》()\n 一二是")), max_size=80))
def test_segmentation_offsets_and_clauses_are_consistent(text: str) -> None:
    last_end = 0
    for sentence in segment(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= last_end and sentence.text
        last_end = sentence.end
        for clause in sentence.clauses:
            assert sentence.start <= clause.start < clause.end <= sentence.end
            assert text[clause.start : clause.end] == clause.text
