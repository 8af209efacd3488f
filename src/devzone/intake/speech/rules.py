"""The rule-based reading of a speech: which sentences assign work, and their owners, deadline, targets.

A sentence is a draft task when it carries an obligation marker (or, under a directive subheading such
as "二要围绕转型升级抓产业。", starts with an imperative verb) and is none of: a heading, a question,
someone else's words relayed (总书记强调指出, 省长在讲话中指出), past work (已, 了, 去年, 同比 …),
a report's description of its own practice (sections such as 基本情况, 工作亮点, 主要做法), or a call
for attitudes only (增强意识, 坚定信心, 精益求精).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from devzone.intake.speech.deadlines import deadline_of
from devzone.intake.speech.lexicon import (
    ATTITUDE,
    AWARENESS,
    CONCRETE,
    ENUMERATOR,
    EXPLANATION,
    FIRST_PERSON,
    FORWARD_HEADING,
    GENERIC,
    IMPERATIVE_START,
    MENTAL,
    OWNER_CUE_VERBS,
    PAST,
    PAST_ASPECT,
    PAST_TIME,
    QUESTION_END,
    RELAY_INTRO,
    REPORT_INTRO,
    REPORTED,
    RETROSPECTIVE_HEADING,
    TITLE,
)
from devzone.intake.speech.model import Deadline, DraftTask, Target
from devzone.intake.speech.obligation import Marker, find_markers
from devzone.intake.speech.owners import (
    addressees,
    all_owners,
    clean_slot,
    dedupe,
    helpers,
    owners_in_slot,
    possessive_owners,
    possessor,
    resolve_anaphora,
    responsible_parties,
    sentence_subject,
)
from devzone.intake.speech.segment import Sentence, segment, strip_enumerator
from devzone.intake.speech.targets import targets_of

_FORWARD_ONLY = re.compile(r"下步|下一步|打算|安排|计划|思路")
_REPORT_TITLE = re.compile(r"汇报|报告|总结|情况")
_MAX_RELAYED = 8  # a relayed instruction does not run on for longer than this without the speaker


@dataclass
class _State:
    report: bool = False
    section: str = "neutral"  # neutral | retrospective | forward
    scope: str | None = None  # obligation inherited from a directive subheading
    relayed: int = 0  # sentences left in a relayed instruction


@dataclass(frozen=True)
class Reading:
    """What the rules make of one sentence (kept for tests and for explaining a decision)."""

    sentence: Sentence
    is_task: bool
    reason: str
    markers: tuple[Marker, ...] = ()
    obligation: str = ""
    owners: tuple[str, ...] = ()
    deadline: Deadline = field(default_factory=Deadline)
    targets: tuple[Target, ...] = ()


# --- headings and sections ----------------------------------------------------------------------------------


def is_line_heading(sentence: Sentence, paragraph: list[Sentence]) -> bool:
    """A heading or title standing on its own line: 一、基本情况 / 第三篇:… / (二)项目建设工作。"""
    if len(paragraph) != 1:
        return False
    text = sentence.text
    enumerated = bool(ENUMERATOR.match(text) or TITLE.match(text))
    if not re.search(r"[。!?;]$", text):
        # an unnumbered line with a comma or an obligation word is a sentence that lost its full stop
        return len(text) <= 60 and (enumerated or ("," not in text and not find_markers(text)))
    return len(text) <= 30 and enumerated and "," not in strip_enumerator(text)


def is_subheading(sentence: Sentence) -> bool:
    """A short heading inside a paragraph: 一要压实责任。 / 第二,要找准方式方法。 / 要提振精神。 / 二是…方面。
    (An item ending with ; belongs to a list, it is not a heading.)"""
    if sentence.text.endswith(";"):
        return False
    text = sentence.text.rstrip("。")
    body = strip_enumerator(text).lstrip(",、")
    if not body or (body.count(",") > (1 if ENUMERATOR.match(text) and len(body) <= 20 else 0)):
        return False
    if ENUMERATOR.match(text):
        return len(body) <= 32 or (body.count(",") <= 1 and len(body) <= 20)
    if len(text) <= 8 and not find_markers(text):
        return True  # 项目台账化。 / 乡村振兴。
    if len(text) <= 10 and "," not in text and find_markers(text) and not owners_of(sentence, find_markers(text)):
        return True  # 特别要抓好要素保障。 (but 各县要抓紧开工。 names its owner: a task)
    return text.startswith("要") and len(text) <= 9


def _heading_section(text: str, state: _State) -> str:
    if _FORWARD_ONLY.search(text):
        return "forward"
    if RETROSPECTIVE_HEADING.search(text):
        return "retrospective"
    if state.report:
        return "retrospective"
    return "forward" if FORWARD_HEADING.search(text) else "neutral"


def _names_work(sentence: Sentence, meeting_date: date | None) -> bool:
    """An enumerated one-liner that names owners, a deadline or a target is a task, not a heading."""
    text = sentence.text
    return bool(
        owners_of(sentence, find_markers(text)) or not deadline_of(text, meeting_date).empty or targets_of(text)
    )


def _scope_of(sentence: Sentence) -> str | None:
    """The obligation a subheading lends to the bare imperatives under it, if it is directive."""
    if AWARENESS.search(strip_enumerator(sentence.text)):
        return None  # 第一,必须深刻认识到…: awareness, the sentences under it are not work
    markers = [m for m in find_markers(sentence.text) if m.kind in ("modal", "purpose")]
    if markers:
        return markers[0].word
    body = strip_enumerator(sentence.text).lstrip(",、")
    return "要" if IMPERATIVE_START.match(body) else None


# --- filters ------------------------------------------------------------------------------------------------


def _background(sentence: Sentence, start: int, end: int) -> bool:
    """Does [start, end) (sentence offsets) sit in a clause about the past: 已/已经 or a past time word before
    it, or 了 after it (对上半年的工作进行了盘点, 已完成投资5550万元)?"""
    clause_start, clause_end = _clause_of(sentence, start)
    before, after = sentence.text[clause_start:start], sentence.text[end:clause_end]
    return bool(
        re.search(r"已经|(?<!而)已", before)
        or PAST_TIME.search(before)
        or re.search(r"(?<![为除不罢极])了(?![解不得])", after)
    )


def _clause_of(sentence: Sentence, offset: int) -> tuple[int, int]:
    for clause in sentence.clauses:
        if clause.start - sentence.start <= offset < clause.end - sentence.start:
            return clause.start - sentence.start, clause.end - sentence.start
    return 0, len(sentence.text)


def _valid_markers(
    sentence: Sentence, markers: list[Marker], state: _State, group_past: bool, future: bool
) -> list[Marker]:
    text = sentence.text
    valid = []
    for marker in markers:
        clause_start, clause_end = _clause_of(sentence, marker.start)
        if PAST_ASPECT.search(text[clause_start:clause_end]):
            continue  # 已完成, 实现了 …: work done, not work assigned
        before_past = (bool(PAST.search(text[: marker.start])) or group_past) and not future
        if marker.kind == "purpose" and (before_past or state.section == "retrospective"):
            continue  # "…, 确保项目顺利推进" in a description of past work
        if state.section == "retrospective" and state.report and marker.kind != "responsible":
            continue  # a report's account of its own work
        valid.append(marker)
    return valid


def attitude_level(text: str) -> str | None:
    """ "mental" when only states of mind are asked for (增强意识, 坚定信心, 认真领会), "generic" when only
    diligence or results in general (抓好落实, 取得实效), None when some clause names concrete work. A
    clause naming both counts as attitude (把项目建设摆在更加突出的位置); clauses that report what
    happened (刚才…进行了…) do not count either way."""
    clauses = [c for c in re.split(r"[,,;;:]", text) if c and not PAST.search(c)]
    if any(CONCRETE.search(c) and not ATTITUDE.search(c) for c in clauses):
        return None
    if any(MENTAL.search(c) for c in clauses):
        return "mental"
    return "generic" if any(GENERIC.search(c) for c in clauses) else None


# --- owners -------------------------------------------------------------------------------------------------


def owners_of(sentence: Sentence, markers: list[Marker], previous_text: str = "") -> list[str]:
    text = sentence.text
    named = responsible_parties(text)
    owners = named + addressees(text)
    clause_spans = [(c.start - sentence.start, c.end - sentence.start) for c in sentence.clauses]
    cues = [(m.start, m.end) for m in markers if m.kind in ("modal", "purpose", "constraint")]
    for cue in OWNER_CUE_VERBS.finditer(text):
        clause_start = max(text.rfind(c, 0, cue.start()) for c in ",;:。") + 1
        if "由" in text[clause_start : cue.start()] or text.startswith(("同志", "人"), cue.end()):
            continue  # 由…负责 is read by responsible_parties; 负责同志 is a post
        cues.append((cue.start(), cue.end()))
    for cue_start, _cue_end in sorted(cues):
        index = next((i for i, (a, b) in enumerate(clause_spans) if a <= cue_start < b), None)
        if index is None:
            continue
        zone = text[clause_spans[index][0] : cue_start]
        found = owners_in_slot(zone)
        if not found and not zone.strip(" ,") and index > 0:
            a, b = clause_spans[index - 1]
            found = all_owners(text[a:b].rstrip(","))  # 特别是联系重点项目的市级领导,要…
        if not found:
            found = resolve_anaphora(zone, previous_text + text[:cue_start]) or possessor(zone)
        if not found and not _clean_zone(zone) and index > 0:
            found = sentence_subject(text)  # the subject of the first clause carries over
        owners.extend(found)
    if not owners:
        owners = possessive_owners(text)
    owners.extend(helpers(text))
    return dedupe(owners, keep=len(named))


def _clean_zone(zone: str) -> str:
    return clean_slot(re.sub(r"^(?:尤其|特别)[,]?", "", zone.strip(" ,")))


# --- the reading --------------------------------------------------------------------------------------------


def read_speech(text: str, meeting_date: date | None = None) -> list[Reading]:
    """Read normalised text sentence by sentence (see the module docstring for the rules)."""
    sentences = segment(text)
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    state = _State()
    readings: list[Reading] = []
    for i, sentence in enumerate(sentences):
        previous = sentences[i - 1] if i else None
        same_paragraph = previous is not None and previous.paragraph == sentence.paragraph
        if (
            not same_paragraph
            and previous is not None
            and not is_line_heading(previous, paragraphs[previous.paragraph])
        ):
            state.scope = None  # a subheading's scope ends with its paragraph (unless it stood on its own line)
        context = _Context(previous if same_paragraph else None, readings, paragraphs, meeting_date)
        readings.append(_read(sentence, context, state))
    return readings


@dataclass(frozen=True)
class _Context:
    previous: Sentence | None  # the sentence before, in the same paragraph
    readings: list[Reading]
    paragraphs: dict[int, list[Sentence]]
    meeting_date: date | None


def _read(sentence: Sentence, context: _Context, state: _State) -> Reading:
    structural = _structure(sentence, context, state)
    if structural is not None:
        return structural
    text, previous, meeting_date = sentence.text, context.previous, context.meeting_date
    relayed = _relayed(sentence, previous, state)
    markers = find_markers(text)
    deadline = deadline_of(text, meeting_date, sentence.start, keep=lambda e: not _background(sentence, e.start, e.end))
    targets = tuple(
        t
        for t in targets_of(text, sentence.start)
        if not _background(sentence, t.start - sentence.start, t.end - sentence.start)
    )
    sibling = _sibling_task(context)
    valid, obligation = _obligation(sentence, markers, state, context, deadline, targets, sibling)
    if not obligation:
        return Reading(sentence, False, "no obligation" if not markers else "past or report", tuple(markers))
    if relayed:
        return Reading(sentence, False, "relayed", tuple(markers))
    owners = owners_of(sentence, valid or markers, previous.text if previous else "")
    if not owners and sibling:
        owners = list(sibling.owners)
    level = attitude_level(text)
    if level and deadline.empty and not targets and (level == "mental" or not owners):
        return Reading(sentence, False, "attitude", tuple(markers))
    return Reading(sentence, True, "task", tuple(markers), obligation, tuple(owners), deadline, targets)


def _structure(sentence: Sentence, context: _Context, state: _State) -> Reading | None:
    """Titles, headings, subheadings, questions and explanations: never tasks, but titles and headings
    set the section (report, retrospective, forward) and the scope of the sentences that follow."""
    text, paragraph = sentence.text, context.paragraphs[sentence.paragraph]
    if TITLE.match(text) or (sentence.index == 0 and is_line_heading(sentence, paragraph)):
        state.report = bool(_REPORT_TITLE.search(text))
        state.section = "retrospective" if state.report else "neutral"
        state.scope, state.relayed = None, 0
        return Reading(sentence, False, "title")
    if REPORT_INTRO.search(text):
        state.report, state.section = True, "retrospective"
    if is_line_heading(sentence, paragraph):
        state.section = _heading_section(text, state)
        state.scope = _scope_of(sentence) if state.section != "retrospective" else None
        return Reading(sentence, False, "heading")
    last_in_paragraph = paragraph[-1] is sentence
    if is_subheading(sentence) and not last_in_paragraph and not _names_work(sentence, context.meeting_date):
        state.scope = None if state.section == "retrospective" else _scope_of(sentence)
        return Reading(sentence, False, "subheading")
    if QUESTION_END.search(text):
        return Reading(sentence, False, "question")
    if EXPLANATION.search(text):
        return Reading(sentence, False, "explanation")
    return None


def _sibling_task(context: _Context) -> Reading | None:
    """The previous reading when it is a task ending with ; in the same paragraph (3月底…;6月底…)."""
    last = context.readings[-1] if context.readings else None
    previous = context.previous
    if last and last.is_task and previous is not None and previous.terminator == ";" and last.sentence is previous:
        return last
    return None


def _obligation(
    sentence: Sentence,
    markers: list[Marker],
    state: _State,
    context: _Context,
    deadline: Deadline,
    targets: tuple[Target, ...],
    sibling: Reading | None,
) -> tuple[list[Marker], str]:
    """The valid markers and the obligation word: the first valid marker, else the scope of a directive
    subheading for a bare imperative, else a ; sibling's for a clause that carries a deadline or target."""
    text, previous, meeting_date = sentence.text, context.previous, context.meeting_date
    group_past = bool(previous and previous.terminator == ";" and PAST.search(previous.text))
    future = deadline.date is not None and (meeting_date is None or deadline.date >= meeting_date)
    valid = _valid_markers(sentence, markers, state, group_past, future)
    if valid:
        return valid, valid[0].word
    past = bool(PAST.search(text))
    if state.scope and state.section != "retrospective" and not past and IMPERATIVE_START.match(strip_enumerator(text)):
        return valid, state.scope  # a bare imperative under "二要…。"
    if sibling and not past and (targets or not deadline.empty):
        return valid, sibling.obligation  # 3月底确保…;6月底项目开工率达到80%以上…
    return valid, ""


def _relayed(sentence: Sentence, previous: Sentence | None, state: _State) -> bool:
    """Is the sentence someone else's instruction relayed by the speaker (总书记强调指出, 省长在讲话中指出)?
    Once relayed speech starts it runs on, within the paragraph, until the speaker speaks again (我们,
    我市 …) or for at most a few sentences."""
    text = sentence.text
    if previous is None:
        state.relayed = 0
    match = REPORTED.search(text)
    if match and not FIRST_PERSON.search(text[: match.start()]):
        state.relayed = _MAX_RELAYED
        return True
    if RELAY_INTRO.search(text) and previous is None:
        state.relayed = _MAX_RELAYED
    if state.relayed and not FIRST_PERSON.search(text):
        state.relayed -= 1
        return True
    state.relayed = 0
    return False


def to_task(reading: Reading) -> DraftTask:
    s = reading.sentence
    return DraftTask(
        sentence=s.text,
        start=s.start,
        end=s.end,
        obligation=reading.obligation,
        owners=reading.owners,
        deadline=reading.deadline,
        targets=reading.targets,
        extractor="rules",
    )
