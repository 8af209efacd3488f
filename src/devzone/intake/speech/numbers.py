"""Numbers as speeches write them: Arabic or Chinese numerals, and masked figures (X, xx, *, **, 20xx)."""

from __future__ import annotations

import re

MASK = r"[xX×*＊○□]+"
CN_NUMERAL = "〇零一二两三四五六七八九十百千万"
NUMERAL = rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL}]+)"
NUMBER_OR_MASK = rf"(?:{MASK}|\d+(?:\.\d+)?|[{CN_NUMERAL}]+)"

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def is_masked(text: str) -> bool:
    """Whether a figure is masked: X, xx, *, ** or a year like 20xx / 20**."""
    return bool(re.search(MASK, text)) or bool(re.fullmatch(r"\d{2}-", text))


def parse_chinese(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 三百五十 → 350, 一万二千 → 12000, 二〇二六 → 2026; None if not a numeral."""
    if not text or any(ch not in _DIGITS and ch not in _UNITS and ch != "万" for ch in text):
        return None
    if all(ch in _DIGITS for ch in text) and len(text) > 1:  # digit by digit: 二〇二六
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            section += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(text: str) -> int | float | None:
    """A figure as written (Arabic or Chinese); None when masked or unreadable. Never guesses."""
    text = text.strip()
    if not text or is_masked(text):
        return None
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    return parse_chinese(text)
