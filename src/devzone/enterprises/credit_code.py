"""统一社会信用代码 (unified social credit code) per GB 32100-2015: format and check character."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}


def check_character(first17: str) -> str:
    """The 18th character for the first 17."""
    total = sum(VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when `code` is a valid credit code, otherwise the reason in Chinese."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位,当前为 {len(code)} 位"
    bad = [ch for ch in code if ch not in VALUES]
    if bad:
        return f"统一社会信用代码含有不允许的字符:{''.join(dict.fromkeys(bad))}(不使用 I、O、S、V、Z)"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划代码(数字)"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误:第 18 位应为 {expected},而不是 {code[17]}"
    return None


def normalise_credit_code(code: str) -> str:
    return code.strip().upper().replace(" ", "")
