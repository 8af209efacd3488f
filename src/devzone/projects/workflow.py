"""The stage workflow as data: which state may follow which, and what evidence (要件) a stage needs before the
project office may verify it (认定). Pure functions over plain values; the services apply them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from devzone.projects.models import LIFECYCLE, Evidence, Stage

# state -> states a project may move to. Lifecycle moves are declared by the county and count once verified;
# suspended and cancelled are side states (a suspended project resumes to the stage it had).
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PLANNED: frozenset({Stage.SIGNED, Stage.STARTED, Stage.SUSPENDED, Stage.CANCELLED}),
    Stage.SIGNED: frozenset({Stage.STARTED, Stage.SUSPENDED, Stage.CANCELLED}),
    Stage.STARTED: frozenset({Stage.COMPLETED, Stage.SUSPENDED, Stage.CANCELLED}),
    Stage.COMPLETED: frozenset({Stage.PRODUCING, Stage.SUSPENDED, Stage.CANCELLED}),
    Stage.PRODUCING: frozenset({Stage.EFFECTIVE, Stage.SUSPENDED, Stage.CANCELLED}),
    Stage.EFFECTIVE: frozenset(),
    Stage.SUSPENDED: frozenset({Stage.CANCELLED}),  # and back to the stage it had ("resume")
    Stage.CANCELLED: frozenset(),
}
# Stages with a lifecycle date the county declares (planned is where a project enters the ledger).
DECLARABLE = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING, Stage.EFFECTIVE)
ENTRY_STAGES = (Stage.PLANNED, Stage.SIGNED)


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage else ""


def lifecycle_index(stage: str) -> int:
    return LIFECYCLE.index(stage) if stage in LIFECYCLE else -1


def refusal_to_declare(*, current: str, target: str, government_invested: bool) -> str | None:
    """Why the county may not declare `target` from `current` (None when the move is allowed)."""
    if target not in DECLARABLE:
        return f"「{stage_label(target)}」不是可申报的阶段"
    if current == Stage.SUSPENDED:
        return "停缓建项目须先恢复建设,才能申报新的阶段"
    if current == Stage.CANCELLED:
        return "已终止的项目不能再申报阶段"
    if target not in TRANSITIONS[current]:
        return f"项目当前为「{stage_label(current)}」,不能申报「{stage_label(target)}」"
    if current == Stage.PLANNED and target == Stage.STARTED and not government_invested:
        return "招商引资项目须先签约认定,才能申报开工(政府投资项目可直接申报开工)"
    return None


def refusal_to_move(*, current: str, target: str) -> str | None:
    """Why a side move (suspend or cancel) is not allowed from `current`."""
    if target not in TRANSITIONS.get(current, ()):
        return f"项目当前为「{stage_label(current)}」,不能改为「{stage_label(target)}」"
    return None


@dataclass(frozen=True)
class Missing:
    code: str
    label: str


@dataclass(frozen=True)
class EvidenceFacts:
    """What verification looks at, gathered by the service."""

    stage: str
    stage_date: date
    nature: str
    own_land: bool
    agreement_amount: Decimal | None
    agreement_counterpart: str
    committed_output: Decimal | None
    committed_tax: Decimal | None
    evidence: Sequence[Evidence]
    # (year, output, tax) of the owner enterprise's annual data, and the year production began, for 达效
    owner_years: Sequence[tuple[int, Decimal | None, Decimal | None]] = ()
    producing_year: int | None = None


def _has(evidence: Iterable[Evidence], kind: str, *, numbered: bool = False) -> bool:
    return any(e.kind == kind and (not numbered or e.document_number.strip()) for e in evidence)


def photo_in_window(evidence: Iterable[Evidence], start: date, window_days: int) -> bool:
    """A site photo taken on or after the start date and at most `window_days` after it."""
    latest = start + timedelta(days=window_days)
    return any(e.kind == Evidence.Kind.SITE_PHOTO and e.taken_on and start <= e.taken_on <= latest
               for e in evidence)


def effective_by_figures(facts: EvidenceFacts, percent: Decimal) -> bool:
    """Output or tax of a year since production began (up to the declared date) reached commitment × percent."""
    share = percent / Decimal(100)
    for year, output, tax in facts.owner_years:
        if (facts.producing_year and year < facts.producing_year) or year > facts.stage_date.year:
            continue
        if facts.committed_output and output is not None and output >= facts.committed_output * share:
            return True
        if facts.committed_tax and tax is not None and tax >= facts.committed_tax * share:
            return True
    return False


def missing_evidence(facts: EvidenceFacts, *, photo_window_days: int, effective_percent: Decimal) -> list[Missing]:
    """The evidence a stage still lacks (DOMAIN.md §4); empty when the stage may be verified."""
    ev = facts.evidence
    missing: list[Missing] = []
    if facts.stage == Stage.SIGNED:
        if not facts.agreement_amount or facts.agreement_amount <= 0:
            missing.append(Missing("agreement_amount", "协议投资额"))
        if not facts.agreement_counterpart.strip():
            missing.append(Missing("agreement_counterpart", "签约对象"))
    elif facts.stage == Stage.STARTED:
        if not _has(ev, Evidence.Kind.APPROVAL, numbered=True):
            missing.append(Missing("approval", "项目审批(核准、备案)文件及文号"))
        if not facts.own_land and not _has(ev, Evidence.Kind.LAND):
            missing.append(Missing("land", "用地手续"))
        if not _has(ev, Evidence.Kind.CONSTRUCTION_PERMIT):
            missing.append(Missing("construction_permit", "施工许可证或开工报告"))
        if not _has(ev, Evidence.Kind.CONSTRUCTION_CONTRACT):
            missing.append(Missing("construction_contract", "施工合同"))
        if not photo_in_window(ev, facts.stage_date, photo_window_days):
            missing.append(Missing("site_photo", f"开工之日起{photo_window_days}日内拍摄的现场照片"))
    elif facts.stage == Stage.COMPLETED:
        if not _has(ev, Evidence.Kind.COMPLETION):
            missing.append(Missing("completion", "竣工验收文件"))
    elif facts.stage == Stage.PRODUCING:
        if not _has(ev, Evidence.Kind.PRODUCTION):
            missing.append(Missing("production", "投产证明(发票、纳税或用电记录)"))
    elif facts.stage == Stage.EFFECTIVE and not effective_by_figures(facts, effective_percent) \
            and not _has(ev, Evidence.Kind.EFFECTIVENESS):
        missing.append(Missing("effectiveness",
                               f"达效证明(年产值或税收达到承诺达产数的{effective_percent.normalize():f}%)"))
    return missing
