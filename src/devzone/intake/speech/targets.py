"""Quantitative targets in a task sentence: indicator, value, unit ("开工率30%", "力争达到50%",
"每亩110万元", "16亿元", "不能低于180万元/亩", "创建2家国家级高新技术开发区").

A number is a target only when the sentence aims at it: a comparison or target verb just before it
(达到, 不低于, 至少, 完成, 创建, 确保 …), an indicator noun just before it (开工率30%), or coordination
with a target just before (…2家…和1家…). Project sizes (总投资3.3亿元的…), counts that enumerate
(…等5个园区), ordinals and figures inside quotation marks are not targets. A masked figure (X, **,
x%) keeps its text and has value None: it is never turned into a number.
"""

from __future__ import annotations

import re

from devzone.intake.speech.deadlines import find_time_expressions
from devzone.intake.speech.lexicon import OWNER_HEAD
from devzone.intake.speech.model import Target
from devzone.intake.speech.numbers import MASK, is_masked, parse_number
from devzone.intake.speech.segment import protected_mask

UNITS = (
    "万元/亩",
    "万元每亩",
    "元/亩",
    "亿美元",
    "万美元",
    "美元",
    "亿元",
    "万元",
    "元",
    "万亩",
    "亩",
    "个百分点",
    "百分点",
    "%",
    "‰",
    "万人次",
    "人次",
    "万人",
    "人",
    "万户",
    "户",
    "平方公里",
    "万平方米",
    "平方米",
    "公里",
    "千米",
    "万吨",
    "吨",
    "亿千瓦时",
    "万千瓦时",
    "千瓦时",
    "万蒸吨",
    "蒸吨",
    "万件",
    "件",
    "万锭",
    "锭",
    "亿",
    "个",
    "家",
    "项",
    "套",
    "座",
    "条",
    "次",
    "批",
    "场",
    "所",
    "台",
    "头",
    "辆",
    "名",
    "倍",
    "天",
    "小时",
)
_COUNT_UNITS = ("个", "家", "项", "套", "座", "条", "次", "批", "场", "所", "台", "名", "户", "人", "倍", "天")
_CN = "两二三四五六七八九十百千万"
_QUANTITY = re.compile(
    rf"(?<![\d.第\-])(?P<per>每亩|每平方米|每人|每户)?"
    rf"(?P<val>{MASK}|\d+(?:\.\d+)?|[一{_CN}]*[{_CN}][一{_CN}]*)(?P<approx>多|余)?"
    rf"(?P<unit>{'|'.join(re.escape(u) for u in UNITS)})(?P<mod>以上|以下|左右|以内)?"
)
_AIM = re.compile(
    r"(?P<cmp>不能低于|不得低于|不能少于|不得少于|不低于|不少于|不超过|不高于|至少(?:要)?[\u4e00-\u9fff]{0,3}|"
    r"达到|达|超过|突破|提高到|提升到|提高至|提升至|增长到|增长|增至|控制在|保持在|降低到|降至|压减到|压缩至|压缩到|"
    r"占[^,。;]{0,14}的|完成|实现|新增|引进|新开工|开工|创建|培育|建成|招引|签约|确保|力争|目标(?:任务)?是|达标)"
    r"(?:到|至|为)?$"
    r"|(?P<vn>(?:完成|实现|新增|引进|招引|签约|争取|利用|落实)(?:(?!要|必须|确保|力争)[\u4e00-\u9fff]){1,4}?)"
    r"(?:要|必须|确保|力争)?(?:达到|到|为)?$"
)
_MODAL_TAIL = re.compile(r"(?:要|必须|务必|一定要|都要|也要|应|应当|要确保|确保|力争|争取)+$")
_INDICATOR_END = re.compile(
    r"(?:率|比重|占比|强度|增速|增幅|总量|总额|收入|产值|增加值|投资|面积|人数|数量|规模|产量|税收|能耗|排放|产能|"
    r"用电量|总值|指数|得分|数|资金|外资|收入|项目|企业)$"
)
_ATTRIBUTE_BEFORE = re.compile(r"(?:总投资|计划投资|协议投资|投资|年产|占地|规模|总额|总面积|建筑面积)$")
_CUT = re.compile(r".*(?:确保|力争|力求|争取|要|必须|务必|了|是|把|将|对|使|让|由|在|,|:|、)")
_TOPIC = re.compile(r"在(?P<topic>[^,。;在]{2,12}?)方面")
_FOLLOW_STOP = re.compile(rf"[,;。:、!?]|(?:和|及|与)(?=\d|[{_CN}一])")


def _indicator_before(before: str) -> str | None:
    chunk = _CUT.sub("", before).strip("的")
    for expression in reversed(find_time_expressions(chunk)):
        chunk = chunk[: expression.start] + chunk[expression.end :]
    chunk = re.sub(r"^(?:\d{4}|20[xX*]{2})年(?:底|末)?(?:前|以前|之前)?", "", _CUT.sub("", chunk)).strip("的 ")
    if not chunk or OWNER_HEAD.search(chunk):
        return None
    return chunk[-12:]


def _indicator_after(after: str) -> str | None:
    after = after.lstrip("的")
    stop = _FOLLOW_STOP.search(after)
    phrase = after[: stop.start()] if stop else after
    return phrase[:20] or None


def _value(text: str) -> int | float | None:
    return None if is_masked(text) else parse_number(text)


def targets_of(sentence: str, offset: int = 0, *, skip: list[tuple[int, int]] | None = None) -> list[Target]:
    """The targets a task sentence sets, left to right. `skip` holds spans (sentence offsets) already
    read as time expressions."""
    mask = protected_mask(sentence)
    busy = list(skip or []) + [(e.start, e.end) for e in find_time_expressions(sentence)]
    topic_match = _TOPIC.search(sentence)
    topic = topic_match["topic"] if topic_match else None
    found: list[Target] = []
    last_end = -10
    clause_start = 0
    for match in _QUANTITY.finditer(sentence):
        start, end = match.span()
        if mask[start] or any(a < end and start < b for a, b in busy):
            continue
        value_text = match["val"]
        if not re.search(r"\d|" + MASK, value_text) and (
            value_text in ("一", "万") or match["unit"] not in _COUNT_UNITS
        ):
            continue  # 一批, 一个: "a", not a figure; Chinese numerals only count things
        clause_start = max(sentence.rfind(c, 0, start) for c in ",;:。") + 1
        before = sentence[clause_start:start]
        after = sentence[end:]
        aim = _AIM.search(before)
        between = sentence[last_end:start] if found else ""
        if found and found[-1].indicator and between.startswith(found[-1].indicator):
            between = between[len(found[-1].indicator) :]
        coordinated = bool(found) and between in ("和", "、", "及", "与", "以及")
        if before.endswith("等") or (_ATTRIBUTE_BEFORE.search(before) and after.startswith("的")):
            continue
        if match["approx"] and not aim:
            continue  # 5200多名党员干部: a scope, not an aim
        if aim and aim["vn"]:
            noun = re.sub(r"^(?:完成|实现|新增|引进|招引|签约|争取|利用|落实)", "", aim["vn"])
            indicator = noun if re.search(r"率|比重|占比", noun) else aim["vn"]  # 完成开工率30% → 开工率
        elif aim:
            body = _MODAL_TAIL.sub("", before[: aim.start()])
            indicator = (_indicator_before(body) if _INDICATOR_END.search(body) else None) or _indicator_after(after)
        elif _INDICATOR_END.search(before) and re.search(r"\d|" + MASK, value_text):
            indicator = _indicator_before(before)  # 开工率30% (not 服务企业五项制度: a Chinese numeral names a count)
        elif coordinated:
            indicator = _indicator_after(after)
        else:
            continue
        indicator = indicator or topic or (found[-1].indicator if found else None)
        unit = match["unit"].replace("每亩", "/亩")
        if match["per"]:
            unit = f"{unit}/{match['per'][1:]}"
        elif indicator and indicator.startswith("每亩") and "/" not in unit:
            indicator, unit = indicator[2:] or indicator, f"{unit}/亩"  # 每亩投资强度不低于110万元
        if aim:
            text_start = clause_start + aim.start()
        elif indicator and before.endswith(indicator):
            text_start = start - len(indicator)
        else:
            text_start = start
        found.append(
            Target(
                text=sentence[text_start:end],
                indicator=indicator,
                value=_value(value_text),
                unit=unit,
                masked=is_masked(value_text),
                start=offset + text_start,
                end=offset + end,
            )
        )
        last_end = end
    return found
