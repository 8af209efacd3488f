"""Sentence and clause segmentation of normalised text, with character offsets.

A sentence ends at 。!?; or …… (and at every line end); a clause ends at , or : as well.
Nothing is split inside quotation marks (“…”, ‘…’, 「…」, 『…』), book-title marks 《…》 or
parentheses, provided they close on the same line — an unclosed mark protects nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPENERS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "(": ")"}  # after normalisation ( is ASCII
SENTENCE_ENDS = frozenset("。!?;")
CLAUSE_ENDS = frozenset(",:")
TRAILING = frozenset("”’」』)")


@dataclass(frozen=True)
class Clause:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalised text: `text == normalised[start:end]`."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int
    clauses: tuple[Clause, ...] = field(default=())

    @property
    def terminator(self) -> str:
        return self.text[-1] if self.text and self.text[-1] in SENTENCE_ENDS else ""


def protected_mask(line: str) -> list[bool]:
    """For each character: is it inside a matched pair of quotes, brackets or parentheses?"""
    mask = [False] * len(line)
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(line):
        if stack and ch == OPENERS[stack[-1][0]]:
            pairs.append((stack.pop()[1], i))
        elif ch in OPENERS:
            stack.append((ch, i))
        elif ch in OPENERS.values():
            # a closer that does not match the innermost opener: drop openers until it matches
            for depth in range(len(stack) - 1, -1, -1):
                if OPENERS[stack[depth][0]] == ch:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    for start, end in pairs:
        for i in range(start + 1, end):
            mask[i] = True
    return mask


def _closes_outermost(line: str, mask: list[bool], j: int) -> bool:
    """Whether line[j:] starts with closing marks that bring the text back outside all quotes."""
    while j < len(line) and line[j] in TRAILING:
        if not mask[j]:
            return True
        j += 1
    return False


_LIST_AFTER_COLON = re.compile(
    r":(?=[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+[,、]|[((][一二三四五六七八九十]+[))])"
)


def _cut(line: str, offset: int, ends: frozenset[str]) -> list[tuple[int, int]]:
    """Spans (absolute offsets) of `line` cut after each unprotected character in `ends`, and after a
    colon that opens an enumeration (…如下几个重点:一要…)."""
    mask = protected_mask(line)
    if ";" in ends:
        ends = ends | {"\0"}
        line_marks = {m.start() for m in _LIST_AFTER_COLON.finditer(line)}
    else:
        line_marks = set()
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    while i < len(line):
        ch = line[i]
        is_end = not mask[i] and (ch in ends or line.startswith("……", i) or i in line_marks)
        if mask[i] and ch in "。!?" and i + 2 <= len(line) and _closes_outermost(line, mask, i + 1):
            is_end = True  # “……抓紧。” ends the sentence once the quotation closes
        if is_end:
            stop = i + (2 if line.startswith("……", i) else 1)
            while stop < len(line) and (line[stop] in ends or line[stop] in TRAILING):
                stop += 1
                if line[stop - 1] in TRAILING and not mask[stop - 1]:
                    break
            spans.append((start, stop))
            start = i = stop
            continue
        i += 1
    if start < len(line):
        spans.append((start, len(line)))
    out = []
    for a, b in spans:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((offset + a, offset + b))
    return out


def clauses_of(text: str, offset: int = 0) -> tuple[Clause, ...]:
    return tuple(
        Clause(text[a - offset : b - offset], a, b) for a, b in _cut(text, offset, SENTENCE_ENDS | CLAUSE_ENDS)
    )


def segment(text: str) -> list[Sentence]:
    """Split normalised text into sentences (each with its clauses) carrying offsets into `text`."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        for a, b in _cut(line, offset, SENTENCE_ENDS):
            sentence_text = text[a:b]
            sentences.append(Sentence(sentence_text, a, b, paragraph, len(sentences), clauses_of(sentence_text, a)))
        offset += len(line) + 1
    return sentences


def strip_enumerator(text: str) -> str:
    """The sentence without a leading list marker such as 一、 (二) 第三, 1、 一是 一要 (keeps 要)."""
    return re.sub(
        r"^(?:第[一二三四五六七八九十\d]+[,、.:]?|[一二三四五六七八九十]+[、.]|[((][一二三四五六七八九十\d]+[))]"
        r"|\d+[、.]|[一二三四五六七八九十]+是)",
        "",
        text,
    )
