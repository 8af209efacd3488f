"""Writes for investment attraction: leads, stage moves, follow-ups, signing, fulfilment, activities, directories,
commitments, the negative list and the settings. Every write checks jurisdiction, runs in one transaction and is
audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from devzone.attraction.config import attraction_settings
from devzone.attraction.models import (
    Activity,
    Agent,
    Agreement,
    AgreementProgress,
    AttractionSettings,
    Commitment,
    Contact,
    FollowUp,
    Lead,
    LeadAlert,
    Leader,
    LeadStageChange,
    NegativeListRule,
    TargetEnterprise,
)
from devzone.attraction.negative import Violation, active_rules, lead_violations
from devzone.core import audit
from devzone.core.crud import create_audited, delete_audited, update_audited, validate_instance
from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.models import Region, Role, User
from devzone.core.services import _only_fields, ensure_can_write, role_codes

Stage = Lead.Stage

LEAD_FIELDS = {
    "name", "investor_name", "target", "source", "industry", "chain_link", "activity", "agent", "intended_investment",
    "intended_land_mu", "expected_output", "expected_energy_tce", "region", "zone", "responsible_person",
    "responsible_unit", "description", "registered_on",
}
FOLLOW_UP_FIELDS = {"date", "way", "content", "next_step"}
AGREEMENT_FIELDS = {
    "signed_on", "counterpart", "amount", "land_mu", "committed_intensity", "committed_output", "committed_tax",
    "start_deadline", "production_deadline", "service_officer", "note",
}
PROGRESS_FIELDS = {"as_of", "funds_in_place", "status", "note"}
ACTIVITY_FIELDS = {"title", "kind", "region", "start_date", "end_date", "place", "batches", "person_times", "summary"}
TARGET_FIELDS = {"name", "industry", "chain_link", "headquarters", "contact_person", "region", "phone", "note",
                 *TargetEnterprise.TAG_FIELDS}
CONTACT_FIELDS = {"name", "kind", "organisation", "post", "based_in", "region", "phone", "note"}
AGENT_FIELDS = {"name", "organisation", "based_in", "focus", "contract_start", "contract_end", "region", "phone",
                "note"}
COMMITMENT_FIELDS = {"region", "meeting", "meeting_date", "period_start", "period_end", "signed_amount",
                     "project_count", "note"}
RULE_FIELDS = {"name", "kind", "industry_codes", "max_energy_per_output", "min_intensity", "active", "note"}
SETTINGS_FIELDS = {"reminder_days", "elimination_days", "outbound_quota", "tier_large", "tier_major",
                   "default_intensity_threshold"}

# Moves the board and the API allow; signing goes through lead_sign (it needs the agreement).
MOVES: dict[str, tuple[str, ...]] = {
    Stage.CLUE: (Stage.CONTACTED, Stage.VISITED, Stage.NEGOTIATING, Stage.DROPPED),
    Stage.CONTACTED: (Stage.VISITED, Stage.NEGOTIATING, Stage.DROPPED),
    Stage.VISITED: (Stage.NEGOTIATING, Stage.DROPPED),
    Stage.NEGOTIATING: (Stage.SIGNED, Stage.DROPPED),
    Stage.SIGNED: (),
    Stage.DROPPED: (Stage.CLUE,),
}
OVERRIDE_ROLES = {Role.Code.INVESTMENT}
CHAIN_EDITOR_ROLES = {Role.Code.INVESTMENT, Role.Code.INDUSTRY}


class NegativeListBlocked(ValidationFailed):
    """Signing a lead that breaks the negative list without an authorised, written override."""

    code = "negative_list"


def today() -> date:
    return timezone.localdate()


def allowed_moves(stage: str) -> tuple[str, ...]:
    return MOVES.get(stage, ())


def can_override_negative_list(user: User) -> bool:
    return user.is_superuser or bool(role_codes(user) & OVERRIDE_ROLES)


def _field_required(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[{"field": field, "message": "必填"}])


def _check_zone(region: Region | None, zone) -> None:
    if zone is None or region is None:
        return
    if not region.path.startswith(zone.region.path) and not zone.region.path.startswith(region.path):
        raise ValidationFailed(f"园区「{zone}」不在所选行政区划「{region}」内",
                               details=[{"field": "zone", "message": "园区与行政区划不一致"}])


def _resolve_alerts(lead: Lead, rules: Iterable[str], on: date) -> None:
    LeadAlert.objects.filter(lead=lead, rule__in=list(rules), resolved_on__isnull=True).update(
        resolved_on=on, updated_at=timezone.now())


# --- leads ---------------------------------------------------------------------------------------------

@transaction.atomic
def lead_create(*, actor: User, data: Mapping[str, Any]) -> Lead:
    """Register a lead at stage `clue`; the negative-list warnings are shown with it (see lead_warnings)."""
    data = _only_fields(data, LEAD_FIELDS)
    if data.get("region") is None:
        raise _field_required("region", "请选择线索所属行政区划")
    ensure_can_write(actor, data["region"])
    _check_zone(data["region"], data.get("zone"))
    registered = data.pop("registered_on", None) or today()
    lead = create_audited(actor=actor, instance=Lead(stage=Stage.CLUE, stage_since=registered,
                                                     registered_on=registered, **data))
    LeadStageChange.objects.create(lead=lead, from_stage="", to_stage=Stage.CLUE, changed_on=registered,
                                   changed_by=actor if actor and actor.is_authenticated else None)
    return lead


@transaction.atomic
def lead_update(*, actor: User, lead: Lead, data: Mapping[str, Any],
                expected_updated_at: datetime | None = None) -> Lead:
    data = _only_fields(data, LEAD_FIELDS - {"registered_on"})
    ensure_can_write(actor, lead.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    _check_zone(data.get("region", lead.region), data.get("zone", lead.zone))
    return update_audited(actor=actor, instance=lead, data=data, expected_updated_at=expected_updated_at)


def _set_stage(*, actor: User, lead: Lead, to_stage: str, on: date, reason: str = "") -> Lead:
    before = {"stage": lead.stage, "stage_since": lead.stage_since}
    LeadStageChange.objects.create(lead=lead, from_stage=lead.stage, to_stage=to_stage, changed_on=on,
                                   changed_by=actor if actor and actor.is_authenticated else None, reason=reason)
    lead.stage, lead.stage_since = to_stage, on
    lead.drop_reason = reason if to_stage == Stage.DROPPED else ""
    if to_stage == Stage.CLUE:
        lead.review_kept_on = None
    validate_instance(lead)
    lead.save(update_fields=["stage", "stage_since", "drop_reason", "review_kept_on", "updated_at"])
    audit.record(actor=actor, action="stage", instance=lead, before=before,
                 after={"stage": to_stage, "stage_since": on, "reason": reason})
    _resolve_alerts(lead, [LeadAlert.Rule.ELIMINATION] if lead.is_open else LeadAlert.Rule.values, on)
    return lead


@transaction.atomic
def lead_move(*, actor: User, lead: Lead, to_stage: str, on: date | None = None, reason: str = "") -> Lead:
    """Move a lead to another stage where the move is allowed (MOVES); dropping needs a reason."""
    lead = Lead.objects.select_for_update(of=("self",)).select_related("region").get(pk=lead.pk)
    ensure_can_write(actor, lead.region)
    if to_stage not in Stage.values:
        raise ValidationFailed(f"未知阶段:{to_stage}")
    if to_stage == lead.stage:
        return lead
    if to_stage not in allowed_moves(lead.stage):
        raise ValidationFailed(f"不能从「{Stage(lead.stage).label}」直接转到「{Stage(to_stage).label}」",
                               details=[{"field": "stage", "message": "不允许的阶段变更"}])
    if to_stage == Stage.SIGNED:
        raise ValidationFailed("签约须填写签约协议(协议投资额、签约日期等),请使用签约功能",
                               details=[{"field": "stage", "message": "请通过签约登记"}])
    reason = (reason or "").strip()
    if to_stage == Stage.DROPPED and not reason:
        raise ValidationFailed("淘汰线索须填写理由", details=[{"field": "reason", "message": "必填"}])
    return _set_stage(actor=actor, lead=lead, to_stage=to_stage, on=on or today(), reason=reason)


@transaction.atomic
def lead_review(*, actor: User, lead: Lead, keep: bool, reason: str, on: date | None = None) -> Lead:
    """Decide an elimination review (淘汰制): keep the lead (the clock restarts) or drop it, with a reason."""
    lead = Lead.objects.select_for_update(of=("self",)).select_related("region").get(pk=lead.pk)
    ensure_can_write(actor, lead.region)
    on = on or today()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写审查意见", details=[{"field": "reason", "message": "必填"}])
    if not lead.is_open:
        raise ValidationFailed("只有在谈线索可以审查")
    if not keep:
        return lead_move(actor=actor, lead=lead, to_stage=Stage.DROPPED, on=on, reason=reason)
    lead.review_kept_on = on
    lead.save(update_fields=["review_kept_on", "updated_at"])
    audit.record(actor=actor, action="review_keep", instance=lead, after={"review_kept_on": on, "reason": reason})
    _resolve_alerts(lead, [LeadAlert.Rule.ELIMINATION], on)
    return lead


@transaction.atomic
def lead_delete(*, actor: User, lead: Lead) -> None:
    ensure_can_write(actor, lead.region)
    if lead.stage == Stage.SIGNED:
        raise ValidationFailed("已签约的线索不能删除")
    delete_audited(actor=actor, instance=lead)


def lead_warnings(lead: Lead) -> list[Violation]:
    """The negative-list rules the lead breaks now (shown on every page that shows the lead)."""
    return lead_violations(lead, active_rules(),
                           default_threshold=attraction_settings().default_intensity_threshold)


# --- follow-ups ----------------------------------------------------------------------------------------

@transaction.atomic
def follow_up_create(*, actor: User, lead: Lead, data: Mapping[str, Any]) -> FollowUp:
    data = _only_fields(data, FOLLOW_UP_FIELDS)
    ensure_can_write(actor, lead.region)
    if lead.stage == Stage.DROPPED:
        raise ValidationFailed("已淘汰的线索不能再登记跟进")
    data.setdefault("date", today())
    if data["date"] and data["date"] > today():
        raise ValidationFailed("跟进日期不能晚于今天", details=[{"field": "date", "message": "日期在将来"}])
    follow_up = create_audited(actor=actor, instance=FollowUp(
        lead=lead, recorded_by=actor if actor and actor.is_authenticated else None, **data))
    _resolve_alerts(lead, [LeadAlert.Rule.REMINDER], follow_up.date)
    return follow_up


# --- signing -------------------------------------------------------------------------------------------

def chain_link_label(link) -> str:
    """How the project ledger names a chain link while it keeps the link as text: "纺织服装/印染"."""
    return f"{link.segment.chain.name}/{link.name}" if link is not None else ""


def _project_data(lead: Lead, agreement: Agreement) -> dict[str, Any]:
    """The new project's fields from the lead and the agreement (Project field names, plus stage and its date)."""
    from devzone.projects.models import Project

    names = {f.name for f in Project._meta.get_fields()}
    link_is_key = "chain_link" in names and Project._meta.get_field("chain_link").is_relation
    candidates: dict[str, Any] = {
        "name": lead.name, "owner_name": agreement.counterpart or lead.investor_name, "region": lead.region,
        "zone": lead.zone, "industry": lead.industry,
        "chain_link": lead.chain_link if link_is_key else chain_link_label(lead.chain_link),
        "content_scale": lead.description, "total_investment": agreement.amount,
        "land_mu": agreement.land_mu, "service_officer": agreement.service_officer,
        "responsible_unit_name": lead.responsible_unit, "agreement_amount": agreement.amount,
        "agreement_counterpart": agreement.counterpart, "committed_output": agreement.committed_output,
        "committed_tax": agreement.committed_tax,
        "start_year": agreement.start_deadline.year if agreement.start_deadline else None,
    }
    data = {key: value for key, value in candidates.items() if key in names and value not in (None, "")}
    return {**data, "stage": "signed", "stage_date": agreement.signed_on}


@transaction.atomic
def lead_sign(*, actor: User, lead: Lead, agreement_data: Mapping[str, Any],
              override_reason: str | None = None) -> Agreement:
    """Sign a negotiating lead: the agreement, the project (stage signed) and the lead's stage, all or nothing.

    A lead that breaks the negative list is refused unless an investment-bureau user or an administrator gives a
    written reason; the reason and the broken rules are kept on the agreement and in the audit event.
    """
    lead = Lead.objects.select_for_update(of=("self",)).select_related("region", "zone", "industry", "chain_link",
                                                           "responsible_person").get(pk=lead.pk)
    ensure_can_write(actor, lead.region)
    if lead.stage != Stage.NEGOTIATING:
        raise ValidationFailed(f"只有「洽谈」阶段的线索可以签约,该线索处于「{Stage(lead.stage).label}」")
    data = _only_fields(agreement_data, AGREEMENT_FIELDS)
    violations = lead_warnings(lead)
    reason = (override_reason or "").strip()
    if violations:
        listed = ";".join(v.message for v in violations)
        if not can_override_negative_list(actor):
            raise PermissionDenied(f"该线索触犯负面清单({listed}),只有商务局或系统管理员可以书面说明理由后签约",
                                   details=[v.as_dict() for v in violations])
        if not reason:
            raise NegativeListBlocked(f"该线索触犯负面清单({listed}),须填写书面理由方可签约",
                                      details=[{"field": "override_reason", "message": "必填"},
                                               *[v.as_dict() for v in violations]])
    if not data.get("service_officer"):
        data["service_officer"] = lead.responsible_person
    if data["service_officer"] is None:
        raise ValidationFailed("签约须明确服务专员(服务制)",
                               details=[{"field": "service_officer", "message": "必填"}])
    if data.get("signed_on") is None:
        raise ValidationFailed("请填写签约日期", details=[{"field": "signed_on", "message": "必填"}])
    if data["signed_on"] > today():
        raise ValidationFailed("签约日期不能晚于今天", details=[{"field": "signed_on", "message": "日期在将来"}])
    if data["signed_on"] < lead.stage_since:
        raise ValidationFailed(f"签约日期不能早于进入洽谈的日期 {lead.stage_since:%Y-%m-%d}",
                               details=[{"field": "signed_on", "message": "早于洽谈"}])
    if not data.get("counterpart"):
        data["counterpart"] = lead.investor_name
    if data.get("land_mu") is None:
        data["land_mu"] = lead.intended_land_mu
    amount, land = data.get("amount"), data.get("land_mu")
    if data.get("committed_intensity") is None and amount and land:
        data["committed_intensity"] = (Decimal(amount) / Decimal(land)).quantize(Decimal("0.01"))
    agreement = Agreement(lead=lead, region=lead.region, negative_violations=[v.as_dict() for v in violations],
                          override_reason=reason if violations else "",
                          override_by=actor if violations else None, **data)
    agreement = create_audited(actor=actor, instance=agreement)
    project = _create_project(actor=actor, lead=lead, agreement=agreement)
    agreement.project = project
    agreement.save(update_fields=["project", "updated_at"])
    _set_stage(actor=actor, lead=lead, to_stage=Stage.SIGNED, on=agreement.signed_on)
    audit.record(actor=actor, action="sign", instance=lead, after={
        "agreement": agreement.pk, "project": agreement.project_id, "amount": agreement.amount,
        "negative_violations": agreement.negative_violations, "override_reason": agreement.override_reason})
    return agreement


def _create_project(*, actor: User, lead: Lead, agreement: Agreement):
    from devzone.projects.services import project_create

    return project_create(actor=actor, data=_project_data(lead, agreement))


@transaction.atomic
def agreement_progress_add(*, actor: User, agreement: Agreement, data: Mapping[str, Any]) -> AgreementProgress:
    """Record a fulfilment check and the funds put in place since the previous one."""
    data = _only_fields(data, PROGRESS_FIELDS)
    ensure_can_write(actor, agreement.region)
    if data.get("as_of") and data["as_of"] < agreement.signed_on:
        raise ValidationFailed("履约记录日期不能早于签约日期", details=[{"field": "as_of", "message": "早于签约"}])
    return create_audited(actor=actor, instance=AgreementProgress(
        agreement=agreement, recorded_by=actor if actor and actor.is_authenticated else None, **data))


@transaction.atomic
def agreement_update(*, actor: User, agreement: Agreement, data: Mapping[str, Any],
                     expected_updated_at: datetime | None = None) -> Agreement:
    data = _only_fields(data, AGREEMENT_FIELDS)
    ensure_can_write(actor, agreement.region)
    return update_audited(actor=actor, instance=agreement, data=data, expected_updated_at=expected_updated_at)


# --- activities and leaders ----------------------------------------------------------------------------

@transaction.atomic
def activity_create(*, actor: User, data: Mapping[str, Any], leaders: Iterable[Leader] = ()) -> Activity:
    data = _only_fields(data, ACTIVITY_FIELDS)
    if data.get("region") is None:
        raise _field_required("region", "请选择组织活动的行政区划")
    ensure_can_write(actor, data["region"])
    data.setdefault("end_date", data.get("start_date"))
    activity = create_audited(actor=actor, instance=Activity(**data))
    _set_leaders(actor, activity, leaders)
    return activity


@transaction.atomic
def activity_update(*, actor: User, activity: Activity, data: Mapping[str, Any],
                    leaders: Iterable[Leader] | None = None,
                    expected_updated_at: datetime | None = None) -> Activity:
    data = _only_fields(data, ACTIVITY_FIELDS)
    ensure_can_write(actor, activity.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    activity = update_audited(actor=actor, instance=activity, data=data, expected_updated_at=expected_updated_at)
    if leaders is not None:
        _set_leaders(actor, activity, leaders)
    return activity


def _set_leaders(actor: User, activity: Activity, leaders: Iterable[Leader]) -> None:
    leaders = list(leaders)
    for leader in leaders:
        if not (activity.region.path.startswith(leader.region.path) or leader.region.path.startswith(
                activity.region.path)):
            raise ValidationFailed(f"领导 {leader} 不属于活动所在地区")
    activity.leaders.set(leaders)
    audit.record(actor=actor, action="update", instance=activity,
                 after={"leaders": sorted(leader.pk for leader in leaders)})


@transaction.atomic
def leader_create(*, actor: User, name: str, post: str, region: Region) -> Leader:
    ensure_can_write(actor, region)
    return create_audited(actor=actor, instance=Leader(name=name, post=post, region=region))


# --- directories and commitments -----------------------------------------------------------------------

def _create_in_region(actor: User, model, fields: set[str], data: Mapping[str, Any]):
    data = _only_fields(data, fields)
    if data.get("region") is None:
        raise _field_required("region", "请选择维护单位所在行政区划")
    ensure_can_write(actor, data["region"])
    return create_audited(actor=actor, instance=model(**data))


def _update_in_region(actor: User, instance, fields: set[str], data: Mapping[str, Any],
                      expected_updated_at: datetime | None):
    data = _only_fields(data, fields)
    ensure_can_write(actor, instance.region)
    if data.get("region") is not None:
        ensure_can_write(actor, data["region"])
    return update_audited(actor=actor, instance=instance, data=data, expected_updated_at=expected_updated_at)


@transaction.atomic
def target_create(*, actor: User, data: Mapping[str, Any]) -> TargetEnterprise:
    return _create_in_region(actor, TargetEnterprise, TARGET_FIELDS, data)


@transaction.atomic
def target_update(*, actor: User, target: TargetEnterprise, data: Mapping[str, Any],
                  expected_updated_at: datetime | None = None) -> TargetEnterprise:
    return _update_in_region(actor, target, TARGET_FIELDS, data, expected_updated_at)


@transaction.atomic
def contact_create(*, actor: User, data: Mapping[str, Any]) -> Contact:
    return _create_in_region(actor, Contact, CONTACT_FIELDS, data)


@transaction.atomic
def agent_create(*, actor: User, data: Mapping[str, Any]) -> Agent:
    return _create_in_region(actor, Agent, AGENT_FIELDS, data)


@transaction.atomic
def commitment_create(*, actor: User, data: Mapping[str, Any]) -> Commitment:
    data = _only_fields(data, COMMITMENT_FIELDS)
    region = data.get("region")
    if region is None:
        raise _field_required("region", "请选择承诺的县(市、区)")
    if region.level != Region.Level.COUNTY:
        raise ValidationFailed("承诺以县(市、区)为单位登记", details=[{"field": "region", "message": "须为县级"}])
    ensure_can_write(actor, region)
    return create_audited(actor=actor, instance=Commitment(**data))


# --- configuration -------------------------------------------------------------------------------------

def _ensure_configurator(actor: User) -> None:
    if not (actor.is_superuser or role_codes(actor) & OVERRIDE_ROLES):
        raise PermissionDenied("只有商务局或系统管理员可以修改招商规则配置")


@transaction.atomic
def negative_rule_create(*, actor: User, data: Mapping[str, Any]) -> NegativeListRule:
    _ensure_configurator(actor)
    return create_audited(actor=actor, instance=NegativeListRule(**_only_fields(data, RULE_FIELDS)))


@transaction.atomic
def negative_rule_update(*, actor: User, rule: NegativeListRule, data: Mapping[str, Any],
                         expected_updated_at: datetime | None = None) -> NegativeListRule:
    _ensure_configurator(actor)
    return update_audited(actor=actor, instance=rule, data=_only_fields(data, RULE_FIELDS),
                          expected_updated_at=expected_updated_at)


@transaction.atomic
def settings_update(*, actor: User, data: Mapping[str, Any]) -> AttractionSettings:
    if not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以修改阈值")
    return update_audited(actor=actor, instance=attraction_settings(), data=_only_fields(data, SETTINGS_FIELDS),
                          expected_updated_at=None)
