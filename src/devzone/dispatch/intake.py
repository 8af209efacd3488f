"""Meeting intake in the platform: a speech becomes draft tasks that a person reviews before any is created.

The extractor (devzone.intake.speech) proposes sentences with owners, deadlines and targets; here owners are
matched to real units in the user's jurisdiction, and confirmed rows become tasks of the meeting in one
transaction (all or none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from devzone.core.errors import ValidationFailed
from devzone.core.models import Department, User
from devzone.dispatch import permissions as perms
from devzone.dispatch.models import Meeting, Task
from devzone.intake.speech import extract, normalise

TITLE_LENGTH = 60


@dataclass
class Draft:
    index: int
    sentence: str
    start: int
    end: int
    owners: list[str]
    unit: Department | None
    due_date: date | None
    deadline_text: str | None
    recurrence: str | None
    masked: bool
    targets: list[str]
    obligation: str


@dataclass
class Review:
    text: str
    drafts: list[Draft]
    segments: list[tuple[str, int | None]] = field(default_factory=list)  # (text, draft index or None)


def _strip_level(name: str) -> str:
    return re.sub(r"^(市|县|区)", "", name)


def match_unit(owners: Sequence[str], units: Iterable[Department]) -> Department | None:
    """The first owner that names a unit: exact name or short name, then without the 市/县/区 prefix."""
    units = list(units)
    for owner in owners:
        for unit in units:
            if owner in (unit.name, unit.short_name):
                return unit
        core = _strip_level(owner)
        for unit in units:
            if core and core in (_strip_level(unit.name), _strip_level(unit.short_name)):
                return unit
    return None


def review_speech(*, text: str, meeting: Meeting, units: Iterable[Department]) -> Review:
    """Draft tasks from `text`, resolved against the meeting date, with owners matched to `units`."""
    if not text.strip():
        raise ValidationFailed("请粘贴讲话或会议纪要全文", details=[{"field": "text", "message": "必填"}])
    units = list(units)
    normalised = normalise(text)
    drafts = []
    for index, task in enumerate(extract(text, meeting_date=meeting.held_on)):
        item = task.to_dict()
        deadline = item["deadline"]
        due = date.fromisoformat(deadline["date"]) if deadline["date"] else None
        drafts.append(Draft(index=index, sentence=item["sentence"], start=item["start"], end=item["end"],
                            owners=item["owners"], unit=match_unit(item["owners"], units), due_date=due,
                            deadline_text=deadline["text"], recurrence=deadline["recurrence"],
                            masked=deadline["masked"], targets=[t["text"] for t in item["targets"]],
                            obligation=item["obligation"]))
    return Review(text=normalised, drafts=drafts, segments=_segments(normalised, drafts))


def _segments(text: str, drafts: list[Draft]) -> list[tuple[str, int | None]]:
    """Cut the text into plain runs and draft sentences, for highlighting the sources on the page."""
    pieces, cursor = [], 0
    for draft in sorted(drafts, key=lambda d: d.start):
        if draft.start < cursor:
            continue
        if draft.start > cursor:
            pieces.append((text[cursor:draft.start], None))
        pieces.append((text[draft.start:draft.end], draft.index))
        cursor = draft.end
    if cursor < len(text):
        pieces.append((text[cursor:], None))
    return pieces


@dataclass(frozen=True)
class ConfirmedDraft:
    title: str
    commitment: str
    lead_unit: Department | None
    due_date: date | None
    row: int


def confirm_drafts(*, actor: User, meeting: Meeting, drafts: Sequence[ConfirmedDraft]) -> list[Task]:
    """Create one task per confirmed draft, all or none; every row's problem is reported at once."""
    from devzone.dispatch.services import task_create

    if not perms.can_dispatch(actor):
        from devzone.core.errors import PermissionDenied

        raise PermissionDenied("只有督查室、大项目办或县区可以交办任务")
    if not drafts:
        raise ValidationFailed("没有勾选任何任务")
    problems = [{"field": f"row-{d.row}", "message": f"第 {d.row + 1} 条:请选择责任单位"}
                for d in drafts if d.lead_unit is None]
    problems += [{"field": f"row-{d.row}", "message": f"第 {d.row + 1} 条:请填写完成时限"}
                 for d in drafts if d.due_date is None]
    if problems:
        raise ValidationFailed("任务草稿不完整,未创建任何任务", details=problems)
    with transaction.atomic():
        return [task_create(actor=actor, data={
            "title": d.title[:200], "commitment": d.commitment, "source": Task.Source.MEETING,
            "source_ref": meeting.title[:200], "meeting": meeting, "lead_unit": d.lead_unit,
            "due_date": d.due_date}) for d in drafts]


def draft_title(sentence: str) -> str:
    return sentence if len(sentence) <= TITLE_LENGTH else sentence[:TITLE_LENGTH - 1] + "…"
