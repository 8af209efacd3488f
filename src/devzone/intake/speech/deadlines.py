"""Time expressions in a task sentence: absolute (4月15日之前, 6月底前, 2025年), relative (一周内, 本月, 年底前,
明年3月底前, 下周开始) and recurring (每周报送一次, 每季度召开一次, 每月逢五), resolved against the meeting date.

Without a meeting date only expressions that carry a four-digit year get a date. A masked figure
(x月x日前, 20xx年) never gets one. Vague words (尽快, 及时, 近期, 早日, 定期) are not deadlines.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from devzone.intake.speech.model import Deadline
from devzone.intake.speech.numbers import MASK, is_masked, parse_number

_CN_SMALL = "一二两三四五六七八九十"
_M = rf"(?:\d{{1,2}}|[{_CN_SMALL}]{{1,3}}|{MASK})"
_YEAR = rf"(?:\d{{4}}|20(?:{MASK}|-))"
_REL_YEAR = "今年|明年|次年|本年|当年"
_BEFORE = r"(?P<sfx>之前|以前|前|为止|止)?"
_NOT_RANGE = r"(?<![\d\-—~～至到xX*])"
_NOT_PAST_YEAR = r"(?<!去年)(?<!前年)(?<!上年)(?<!去)"

_DATE = re.compile(rf"{_NOT_RANGE}(?:(?P<y>{_YEAR})年|(?P<rel>{_REL_YEAR}))?(?P<m>{_M})月(?P<d>{_M})[日号]{_BEFORE}")
_MONTH = re.compile(
    rf"{_NOT_RANGE}(?:(?P<y>{_YEAR})年|(?P<rel>{_REL_YEAR}))?(?P<m>{_M})月(?:份)?"
    rf"(?P<part>底|末|中旬|上旬|下旬|初|中)?{_BEFORE}(?![\d{_CN_SMALL}日号xX*])"
)
_YEAR_END = re.compile(
    rf"{_NOT_PAST_YEAR}(?:(?P<y>{_YEAR})年(?P<part>底|末)|(?P<rel>明年|今年|次年|本年)(?:年)?(?P<part2>底|末)"
    rf"|(?P<bare>年底|年末)){_BEFORE}"
)
_YEAR_ONLY = re.compile(rf"(?<![\d年])(?P<y>{_YEAR})年(?P<sfx>之前|以前|前|内)?(?![\d月度代初以来])")
_PLAN_PERIOD = re.compile(r"“?十(?P<n>[一二三四五六七八九])五”?(?:末|期末|收官)")
_QUARTER = re.compile(
    rf"(?:(?P<y>\d{{4}})年|(?P<rel>今年|明年|本年))?(?:第)?(?P<q>[一二三四1-4])季度(?P<part>末|底)?{_BEFORE}"
    r"|(?P<first>首季)"
)
_HALF = re.compile(r"(?:(?P<rel>今年|明年|本年))?(?P<h>上半年|下半年|年中)(?:末|底)?(?P<sfx>之前|以前|前)?")
_WITHIN = re.compile(
    rf"(?<!\d)(?P<n>\d{{1,3}}|[{_CN_SMALL}]+|半)(?:个)?(?P<u>工作日|天|日|周|星期|月|年)(?:之内|以内|内)"
)
_THIS_NEXT = re.compile(r"(?P<which>本|这|下个|下|次)(?P<u>周|星期|月|季度|年度)(?P<part>内|之内|底|末|前)?")
_START = re.compile(
    rf"(?:自|从)?(?P<what>即日|今日|今天|明天|下周|下个月|下月|明年|(?P<m>{_M})月(?P<d>{_M})[日号])(?:开始|起)"
)
_MONTH_END = re.compile(r"(?<![\d月])(?P<rel>本月|当月)?(?P<part>月底|月末)(?P<sfx>之前|以前|前)?")
_THIS_YEAR = re.compile(r"(?<![去明前上])(?P<w>今年|本年度|本年|年内)(?!以来|年初|初|是|的(?!目标|任务))")

_RECURRING = re.compile(
    r"每(?:个)?(?P<n>[两二三四五六七八九十\d]+)?(?:个)?(?P<u>工作日|天|日|周|星期|月|季度|季|半年|年)"
    r"(?P<tail>(?:至少)?(?:要)?(?:[\u4e00-\u9fff]{0,12}?)(?:一次|一回|1次))?"
)
_MONTH_DAYS = re.compile(rf"每月(?:逢)?(?P<d>\d{{1,2}}|[{_CN_SMALL}]{{1,3}})(?P<kind>[日号]|的日子|)")
_WEEKDAY = re.compile(r"每(?:周|星期)(?P<wd>[一二三四五六日天])")
_ONE_PER = re.compile(r"(?<![\d一二三四五六七八九十])一(?P<u>日|天|周|月|季|年)一[\u4e00-\u9fff]{1,2}")
_BY = re.compile(r"(?:按|逐)(?P<u>日|周|月|季度|季|年)(?=报送|上报|调度|通报|统计|更新|考核|汇报|报告)")

_FREQ = {
    "工作日": "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    "天": "FREQ=DAILY",
    "日": "FREQ=DAILY",
    "周": "FREQ=WEEKLY",
    "星期": "FREQ=WEEKLY",
    "月": "FREQ=MONTHLY",
    "季度": "FREQ=MONTHLY;INTERVAL=3",
    "季": "FREQ=MONTHLY;INTERVAL=3",
    "半年": "FREQ=MONTHLY;INTERVAL=6",
    "年": "FREQ=YEARLY",
}
_WEEKDAYS = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU", "天": "SU"}


@dataclass(frozen=True)
class TimeExpression:
    """A time expression found in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    text: str
    kind: str  # "date" (due by), "start" (from … on) or "recurrence"
    date: date | None = None
    recurrence: str | None = None
    masked: bool = False
    fallback: bool = False  # a bare 今年: only used when nothing more precise is there


# --- calendar helpers ------------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_working_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def week_end(day: date) -> date:
    """The Sunday ending the ISO week of `day`."""
    return day + timedelta(days=6 - day.weekday())


def next_monday(day: date) -> date:
    return day + timedelta(days=7 - day.weekday())


# --- resolution --------------------------------------------------------------------------------------------


def _year(match: re.Match[str], meeting: date | None) -> tuple[int | None, bool, bool]:
    """(year, masked, explicit) from a match's `y` / `rel` groups."""
    groups = match.groupdict()
    written = groups.get("y")
    if written:
        if is_masked(written) or written.endswith("-"):
            return None, True, True
        return int(written), False, True
    relative = groups.get("rel")
    if relative and meeting:
        return meeting.year + (1 if relative in ("明年", "次年") else 0), False, True
    if relative:
        return None, False, True
    return (meeting.year if meeting else None), False, False


def _roll_forward(day: date, meeting: date | None, explicit_year: bool) -> date:
    """A deadline without a year that falls well before the meeting means next year's date."""
    if meeting and not explicit_year and day < meeting - timedelta(days=7):
        return date(day.year + 1, day.month, min(day.day, calendar.monthrange(day.year + 1, day.month)[1]))
    return day


def _month_number(text: str) -> int | None:
    value = parse_number(text)
    return int(value) if isinstance(value, (int, float)) and 1 <= value <= 12 else None


def _on_date(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    year, masked, explicit = _year(match, meeting)
    masked = masked or is_masked(match["m"]) or is_masked(match["d"])
    month, day_value = _month_number(match["m"]), parse_number(match["d"])
    if not masked and (month is None or not isinstance(day_value, int) or not 1 <= day_value <= 31):
        return None
    resolved = None
    if not masked and year and month and isinstance(day_value, int):
        try:
            resolved = _roll_forward(date(year, month, day_value), meeting, explicit)
        except ValueError:
            return None
    return _expression(match, "date", resolved, masked=masked)


def _in_month(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    year, masked, explicit = _year(match, meeting)
    masked = masked or is_masked(match["m"])
    month = _month_number(match["m"])
    if not masked and month is None:
        return None
    if not masked and not (match["part"] or match["sfx"] or match[0].endswith("份") or explicit):
        return None  # a bare "3月" is too often a reference to the past
    resolved = None
    if not masked and year and month:
        part = match["part"] or ""
        day = {"上旬": 10, "初": 10, "中旬": 20, "中": 20}.get(part)
        end = month_end(year, month)
        resolved = _roll_forward(end if day is None else date(year, month, day), meeting, explicit)
    return _expression(match, "date", resolved, masked=masked)


def _year_end(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    year, masked, _explicit = _year(match, meeting)
    return _expression(match, "date", date(year, 12, 31) if year and not masked else None, masked=masked)


_AIMED = re.compile(r"达到|实现|完成|突破|超过|力争|确保|建成|形成|越过|迈上|进入")


def _year_only(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    """A bare year sets a deadline only as 2025年前 / 到2025年 or when the clause aims at something
    (2025年生产总值达到…), not as an attribute (围绕2019年全市安排的项目)."""
    text = match.string
    clause_end = min([i for i in (text.find(c, match.end()) for c in ",;。") if i >= 0] or [len(text)])
    aimed = bool(_AIMED.search(text[match.end() : clause_end]))
    if not (match["sfx"] or text[max(0, match.start() - 1) : match.start()] in ("到", "至", "于") or aimed):
        return None
    year, masked, _explicit = _year(match, meeting)
    if masked:
        return _expression(match, "date", None, masked=True)
    if year is None or (meeting and year < meeting.year):
        return None  # a year in the past describes, it does not set a deadline
    return _expression(match, "date", date(year, 12, 31))


def _plan_period(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    number = parse_number(match["n"])
    if not isinstance(number, int):
        return None
    return _expression(match, "date", date(1955 + 5 * (10 + number), 12, 31))


def _quarter(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    if match["first"]:
        quarter = 1
        year, masked = (meeting.year if meeting else None), False
    else:
        year, masked, _explicit = _year(match, meeting)
        quarter = int(parse_number(match["q"]) or 0)
    if not 1 <= quarter <= 4:
        return None
    resolved = month_end(year, quarter * 3) if year and not masked else None
    return _expression(match, "date", resolved, masked=masked)


def _half(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    year, _masked, _explicit = _year(match, meeting)
    month = 12 if match["h"] == "下半年" else 6
    return _expression(match, "date", month_end(year, month) if year else None)


def _within(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    count = 0.5 if match["n"] == "半" else parse_number(match["n"])
    if not isinstance(count, (int, float)) or count <= 0:
        return None
    resolved = None
    if meeting:
        unit = match["u"]
        if unit == "工作日":
            resolved = add_working_days(meeting, int(count))
        elif unit in ("天", "日"):
            resolved = meeting + timedelta(days=int(count))
        elif unit in ("周", "星期"):
            resolved = meeting + timedelta(days=int(count * 7))
        elif unit == "月":
            resolved = add_months(meeting, int(count)) if count >= 1 else meeting + timedelta(days=15)
        else:
            resolved = add_months(meeting, int(count * 12))
    return _expression(match, "date", resolved)


def _this_next(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    following = match.string[match.end() : match.end() + 2]
    if following.startswith(("开始", "起")):
        return None  # handled as a start
    unit, which = match["u"], match["which"]
    nxt = which in ("下", "下个", "次")
    if unit == "年度":
        resolved = date(meeting.year + nxt, 12, 31) if meeting else None
    elif not meeting:
        resolved = None
    elif unit in ("周", "星期"):
        resolved = week_end(meeting + timedelta(days=7 * nxt))
    elif unit == "月":
        base = add_months(meeting.replace(day=1), int(nxt))
        resolved = month_end(base.year, base.month)
    else:
        quarter = (meeting.month - 1) // 3 + nxt
        year, quarter = meeting.year + quarter // 4, quarter % 4
        resolved = month_end(year, quarter * 3 + 3)
    return _expression(match, "date", resolved)


def _start(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    what = match["what"]
    resolved = None
    masked = bool(match["m"]) and (is_masked(match["m"]) or is_masked(match["d"] or ""))
    if meeting and not masked:
        if what in ("即日", "今日", "今天"):
            resolved = meeting
        elif what == "明天":
            resolved = meeting + timedelta(days=1)
        elif what == "下周":
            resolved = next_monday(meeting)
        elif what in ("下月", "下个月"):
            resolved = add_months(meeting.replace(day=1), 1)
        elif what == "明年":
            resolved = date(meeting.year + 1, 1, 1)
        else:
            month, day_value = _month_number(match["m"]), parse_number(match["d"])
            if month and isinstance(day_value, int):
                try:
                    resolved = _roll_forward(date(meeting.year, month, day_value), meeting, False)
                except ValueError:
                    return None
    return _expression(match, "start", resolved, masked=masked)


def _month_end_current(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    return _expression(match, "date", month_end(meeting.year, meeting.month) if meeting else None)


def _this_year(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    expression = _expression(match, "date", date(meeting.year, 12, 31) if meeting else None)
    return replace(expression, fallback=True)


def _recurring(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    if match.string[match.end() : match.end() + 1] == "的":
        return None  # 每月一次的“企业服务日”: describes a thing, not the task's cadence
    unit = match["u"]
    rule = _FREQ[unit]
    if match["n"]:
        count = parse_number(match["n"])
        if not isinstance(count, int) or count < 1:
            return None
        if count > 1:
            base_interval = {"季度": 3, "季": 3, "半年": 6}.get(unit, 1)
            rule = _FREQ[unit].split(";INTERVAL")[0] + f";INTERVAL={count * base_interval}"
    return _expression(match, "recurrence", None, recurrence=rule)


def _month_days(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    day = parse_number(match["d"])
    if not isinstance(day, int) or not 1 <= day <= 31:
        return None
    if "逢" in match[0]:
        days = ",".join(str(d) for d in range(day, 32, 10)) if day < 10 else str(day)
    elif match["kind"] in ("日", "号"):
        days = str(day)
    else:
        return None
    if match.string[match.end() : match.end() + 1] == "的" and "逢" not in match[0]:
        return None
    return _expression(match, "recurrence", None, recurrence=f"FREQ=MONTHLY;BYMONTHDAY={days}")


def _weekday(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    return _expression(match, "recurrence", None, recurrence=f"FREQ=WEEKLY;BYDAY={_WEEKDAYS[match['wd']]}")


def _one_per(match: re.Match[str], meeting: date | None) -> TimeExpression | None:
    unit = {"季": "季度"}.get(match["u"], match["u"])
    return _expression(match, "recurrence", None, recurrence=_FREQ[unit])


def _expression(
    match: re.Match[str], kind: str, resolved: date | None, *, masked: bool = False, recurrence: str | None = None
) -> TimeExpression:
    return TimeExpression(match.start(), match.end(), match[0], kind, resolved, recurrence, masked)


_Handler = Callable[[re.Match[str], date | None], TimeExpression | None]
_PATTERNS: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_DATE, _on_date),
    (_START, _start),
    (_MONTH, _in_month),
    (_YEAR_END, _year_end),
    (_PLAN_PERIOD, _plan_period),
    (_QUARTER, _quarter),
    (_HALF, _half),
    (_WITHIN, _within),
    (_THIS_NEXT, _this_next),
    (_MONTH_END, _month_end_current),
    (_YEAR_ONLY, _year_only),
    (_MONTH_DAYS, _month_days),
    (_WEEKDAY, _weekday),
    (_RECURRING, _recurring),
    (_ONE_PER, _one_per),
    (_BY, _one_per),
    (_THIS_YEAR, _this_year),
)


def find_time_expressions(text: str, meeting_date: date | None = None) -> list[TimeExpression]:
    """All time expressions in `text`, left to right, without overlaps (the longest wins)."""
    found: list[TimeExpression] = []
    for pattern, handler in _PATTERNS:
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            expression = handler(match, meeting_date)
            if expression is not None:
                found.append(expression)
    found.sort(key=lambda e: (e.start, -(e.end - e.start)))
    chosen: list[TimeExpression] = []
    for expression in found:
        if all(expression.end <= c.start or expression.start >= c.end for c in chosen):
            chosen.append(expression)
    chosen.sort(key=lambda e: e.start)
    if any(e.kind != "recurrence" and not e.fallback for e in chosen):
        chosen = [e for e in chosen if not e.fallback]
    return chosen


def deadline_of(
    text: str,
    meeting_date: date | None = None,
    offset: int = 0,
    keep: Callable[[TimeExpression], bool] | None = None,
) -> Deadline:
    """The deadline of a task sentence: its first due date (or start), merged with its cadence.
    `keep` can drop expressions that only date the background (对上半年的工作进行了盘点)."""
    expressions = [e for e in find_time_expressions(text, meeting_date) if keep is None or keep(e)]
    due = [e for e in expressions if e.kind == "date"]
    starts = [e for e in expressions if e.kind == "start"]
    cadences = [e for e in expressions if e.kind == "recurrence"]
    primary = due[0] if due else (starts[0] if starts else None)
    cadence = cadences[0] if cadences else None
    if primary is None and cadence is None:
        return Deadline()
    parts = [e for e in (primary, cadence) if e is not None]
    first, last = min(parts, key=lambda e: e.start), max(parts, key=lambda e: e.end)
    if len(parts) == 2 and (last.start - first.end > 12 or re.search(r"[,;。]", text[first.end : last.start])):
        first, last = (primary, primary) if primary else (cadence, cadence)
    return Deadline(
        text=text[first.start : last.end],
        date=primary.date if primary else None,
        recurrence=cadence.recurrence if cadence else None,
        masked=any(e.masked for e in parts),
        start=offset + first.start,
        end=offset + last.end,
    )
