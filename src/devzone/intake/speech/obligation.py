"""Obligation markers: the words that make a sentence assign work (要, 务必, 必须, 确保, 力争, 抓紧, 请 …).

要 is the hard one: most of its occurrences are inside other words (重要, 主要, 需要, 要素, 摘要, 只要,
要求 …) or explain rather than direct ("目的就是要…"). Markers inside quotation marks belong to a quoted
slogan or someone else's words and do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devzone.intake.speech.lexicon import (
    BA_RESULT,
    CONSTRAINT,
    DECISION,
    DUTY_CLAUSE,
    EXISTENTIAL_YAO,
    EXPLANATORY_YAO,
    GOAL,
    HOPE_GENERIC,
    MODAL_MARKERS,
    NEED_MODAL,
    NOT_MODAL_YAO,
    NOT_PLEASE,
    PURPOSE_MARKERS,
    RESPONSIBLE,
)
from devzone.intake.speech.owners import owners_in_slot
from devzone.intake.speech.segment import protected_mask

_CLAUSE_START = "，,。;;::!?"


@dataclass(frozen=True)
class Marker:
    """An obligation marker at sentence offsets [start, end). `kind` is one of: modal (要, 必须, 务必 …),
    purpose (确保, 力争 …: also used as "so as to" in reports), responsible (由…负责), address (请, 希望),
    goal (目标是), constraint (不能低于)."""

    word: str
    start: int
    end: int
    kind: str


def _is_modal_yao(sentence: str, i: int) -> bool:
    for word in NOT_MODAL_YAO:
        k = word.index("要")
        if sentence[max(0, i - k) : i - k + len(word)] == word and i - k >= 0:
            return False
    if any(m.start() <= i < m.end() for m in EXISTENTIAL_YAO.finditer(sentence)):
        return False
    return not EXPLANATORY_YAO.search(sentence[: i + 1])


def _at_clause_start(sentence: str, i: int) -> bool:
    before = sentence[:i].rstrip()
    return not before or before[-1] in _CLAUSE_START or before.endswith(("这里", "为此", "最后", "同时"))


def find_markers(sentence: str) -> list[Marker]:
    """All obligation markers of a sentence outside quotation marks, in order."""
    mask = protected_mask(sentence)
    found: list[Marker] = []

    def add(word: str, start: int, kind: str) -> None:
        end = start + len(word)
        if not mask[start] and all(end <= m.start or start >= m.end for m in found):
            found.append(Marker(word, start, end, kind))

    for match in RESPONSIBLE.finditer(sentence):
        verb = match["verb"]
        word = verb.removeprefix("牵头") or "牵头"
        add(word, match.start("verb") + len(verb) - len(word), "responsible")
    for word in MODAL_MARKERS:
        for match in re.finditer(word, sentence):
            if not sentence.startswith("的", match.end()):  # …是必须的: an adjective, not a directive
                add(word, match.start(), "modal")
    for word in PURPOSE_MARKERS:
        for match in re.finditer(word, sentence):
            add(word, match.start(), "purpose")
    for match in NEED_MODAL.finditer(sentence):
        add("需要", match.end() - 2, "modal")
    for match in DECISION.finditer(sentence):
        add(match[0][-2:], match.end() - 2, "modal")
    for match in DUTY_CLAUSE.finditer(sentence):
        if not owners_in_slot(match["who"]):
            continue  # 分工负责: no owner, a manner of working
        verb = match["verb"]
        word = verb.removeprefix("牵头") or "牵头"
        add(word, match.start("verb") + len(verb) - len(word), "responsible")
    for match in BA_RESULT.finditer(sentence):
        add(match["verb"] + "好", match.start("verb"), "modal")
    for match in GOAL.finditer(sentence):
        add("目标", match.start(), "goal")
    for match in CONSTRAINT.finditer(sentence):
        add(match[0][:2], match.start(), "constraint")
    for match in re.finditer("要", sentence):
        if _is_modal_yao(sentence, match.start()):
            add("要", match.start(), "modal")
    for match in re.finditer("(?:恳请|请)", sentence):
        i = match.start()
        if _at_clause_start(sentence, i) and not sentence.startswith(NOT_PLEASE, i):
            add("请", i, "address")
    for match in re.finditer("希望", sentence):
        i = match.start()
        if _at_clause_start(sentence, i) and not HOPE_GENERIC.match(sentence[i:]):
            add("希望", i, "address")
    return sorted(found, key=lambda m: m.start)
