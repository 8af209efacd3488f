"""API for investment attraction (mounted at the API root): /leads, /agreements, /activities, /directory/…,
/commitments, /negative-list, /attraction/kpis."""


from datetime import date, datetime
from datetime import date as Date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from devzone.api.schemas import ERRORS, READ_ERRORS, masked
from devzone.attraction import kpis, selectors, services
from devzone.attraction.config import attraction_settings
from devzone.attraction.models import (
    Activity,
    AgreementProgress,
    Contact,
    FollowUp,
    Lead,
    LeadAlert,
    NegativeListRule,
)
from devzone.attraction.negative import active_rules, lead_violations
from devzone.chains.models import ChainLink
from devzone.core import selectors as core_selectors
from devzone.core.errors import NotFound
from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.models import User
from devzone.enterprises import selectors as enterprise_selectors

router = Router(tags=["attraction"])


# --- schemas -------------------------------------------------------------------------------------------

class ViolationOut(Schema):
    rule_id: int
    rule: str
    kind: str
    message: str


class AlertOut(Schema):
    id: int
    lead_id: int
    lead_name: str
    rule: LeadAlert.Rule
    recipient_id: int | None
    raised_on: date
    days: int
    message: str
    resolved_on: date | None

    @staticmethod
    def resolve_lead_name(obj: LeadAlert) -> str:
        return obj.lead.name


class LeadOut(Schema):
    id: int
    name: str
    investor_name: str
    target_id: int | None
    source: Lead.Source
    industry_code: str | None
    chain_link_id: int | None
    activity_id: int | None
    agent_id: int | None
    intended_investment: Decimal | None
    intended_land_mu: Decimal | None
    expected_output: Decimal | None
    expected_energy_tce: Decimal | None
    region_id: int
    region_name: str
    zone_id: int | None
    responsible_person_id: int | None
    responsible_unit: str
    stage: Lead.Stage
    stage_since: date
    registered_on: date
    drop_reason: str
    last_follow_up: date | None = None
    open_alerts: list[str] = []
    negative_warnings: list[ViolationOut] = []
    allowed_moves: list[str] = []
    updated_at: datetime

    @staticmethod
    def resolve_industry_code(obj: Lead) -> str | None:
        return obj.industry.code if obj.industry_id else None

    @staticmethod
    def resolve_region_name(obj: Lead) -> str:
        return obj.region.name

    @staticmethod
    def resolve_open_alerts(obj: Lead) -> list[str]:
        return [a.rule for a in getattr(obj, "open_alerts", [])]

    @staticmethod
    def resolve_negative_warnings(obj: Lead, context) -> list[dict]:
        request = context["request"]
        if not hasattr(request, "_dz_rules"):
            request._dz_rules = (active_rules(), attraction_settings().default_intensity_threshold)
        rules, threshold = request._dz_rules
        return [v.as_dict() for v in lead_violations(obj, rules, default_threshold=threshold)]

    @staticmethod
    def resolve_allowed_moves(obj: Lead) -> list[str]:
        return list(services.allowed_moves(obj.stage))


class FollowUpOut(Schema):
    id: int
    date: Date
    way: FollowUp.Way
    content: str
    next_step: str
    recorded_by_id: int | None
    updated_at: datetime


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    changed_on: date
    changed_by_id: int | None
    reason: str


class LeadDetailOut(LeadOut):
    description: str
    follow_ups: list[FollowUpOut]
    stage_changes: list[StageChangeOut]
    agreement_id: int | None = None

    @staticmethod
    def resolve_follow_ups(obj: Lead) -> list:
        return list(obj.follow_ups.all())

    @staticmethod
    def resolve_stage_changes(obj: Lead) -> list:
        return list(obj.stage_changes.all())

    @staticmethod
    def resolve_agreement_id(obj: Lead) -> int | None:
        agreement = getattr(obj, "agreement", None) if obj.stage == Lead.Stage.SIGNED else None
        return agreement.pk if agreement else None


class LeadFilters(Schema):
    q: str | None = None
    region: int | None = None
    zone: int | None = None
    stage: Lead.Stage | None = None
    source: Lead.Source | None = None
    industry: str | None = None
    chain: int | None = None
    chain_link: int | None = None
    responsible: int | None = None
    alert: LeadAlert.Rule | None = None
    negative: bool | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    sort: str | None = None


class LeadIn(Schema):
    name: str
    investor_name: str
    source: Lead.Source
    region_id: int
    zone_id: int | None = None
    target_id: int | None = None
    industry_code: str | None = None
    chain_link_id: int | None = None
    activity_id: int | None = None
    agent_id: int | None = None
    intended_investment: Decimal | None = None
    intended_land_mu: Decimal | None = None
    expected_output: Decimal | None = None
    expected_energy_tce: Decimal | None = None
    responsible_person_id: int | None = None
    responsible_unit: str = ""
    registered_on: date | None = None
    description: str = ""


class LeadPatch(Schema):
    updated_at: datetime
    name: str | None = None
    investor_name: str | None = None
    source: Lead.Source | None = None
    region_id: int | None = None
    zone_id: int | None = None
    target_id: int | None = None
    industry_code: str | None = None
    chain_link_id: int | None = None
    activity_id: int | None = None
    agent_id: int | None = None
    intended_investment: Decimal | None = None
    intended_land_mu: Decimal | None = None
    expected_output: Decimal | None = None
    expected_energy_tce: Decimal | None = None
    responsible_person_id: int | None = None
    responsible_unit: str | None = None
    description: str | None = None


class MoveIn(Schema):
    stage: Lead.Stage
    date: Date | None = None
    reason: str = ""


class ReviewIn(Schema):
    keep: bool
    reason: str


class FollowUpIn(Schema):
    date: Date | None = None
    way: FollowUp.Way
    content: str
    next_step: str = ""


class ProgressOut(Schema):
    id: int
    as_of: date
    funds_in_place: Decimal
    status: AgreementProgress.Status
    note: str
    updated_at: datetime


class AgreementOut(Schema):
    id: int
    lead_id: int
    lead_name: str
    region_id: int
    project_id: int | None
    signed_on: date
    counterpart: str
    amount: Decimal
    land_mu: Decimal | None
    committed_intensity: Decimal | None
    committed_output: Decimal | None
    committed_tax: Decimal | None
    start_deadline: date | None
    production_deadline: date | None
    service_officer_id: int | None
    negative_violations: list[dict]
    override_reason: str
    override_by_id: int | None
    funds_total: Decimal | None = None
    updated_at: datetime

    @staticmethod
    def resolve_lead_name(obj) -> str:
        return obj.lead.name


class AgreementDetailOut(AgreementOut):
    progress: list[ProgressOut]

    @staticmethod
    def resolve_progress(obj) -> list:
        return list(obj.progress.all())


class SignIn(Schema):
    signed_on: date
    amount: Decimal
    counterpart: str = ""
    land_mu: Decimal | None = None
    committed_intensity: Decimal | None = None
    committed_output: Decimal | None = None
    committed_tax: Decimal | None = None
    start_deadline: date | None = None
    production_deadline: date | None = None
    service_officer_id: int | None = None
    note: str = ""
    override_reason: str | None = None


class ProgressIn(Schema):
    as_of: date
    funds_in_place: Decimal = Decimal(0)
    status: AgreementProgress.Status
    note: str = ""


class AgreementFilters(Schema):
    q: str | None = None
    region: int | None = None
    signed_from: date | None = None
    signed_to: date | None = None
    min_amount: Decimal | None = None
    overridden: bool | None = None
    sort: str | None = None


class ActivityOut(Schema):
    id: int
    title: str
    kind: Activity.Kind
    region_id: int
    start_date: date
    end_date: date
    place: str
    leader_ids: list[int]
    batches: int
    person_times: int
    summary: str
    lead_count: int = 0
    updated_at: datetime

    @staticmethod
    def resolve_leader_ids(obj: Activity) -> list[int]:
        return [leader.pk for leader in obj.leaders.all()]


class ActivityIn(Schema):
    title: str
    kind: Activity.Kind
    region_id: int
    start_date: date
    end_date: date | None = None
    place: str = ""
    leader_ids: list[int] = []
    batches: int = 1
    person_times: int = 0
    summary: str = ""


class ActivityFilters(Schema):
    q: str | None = None
    region: int | None = None
    kind: Activity.Kind | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str | None = None


class QuotaOut(Schema):
    leader_id: int
    leader_name: str
    post: str
    region_id: int
    outbound: int
    required: int
    met: bool


class TargetOut(Schema):
    id: int
    name: str
    industry_code: str | None
    chain_link_id: int | None
    headquarters: str
    contact_person: str
    phone: str
    global500: bool
    china500: bool
    industry_leader: bool
    listed: bool
    region_id: int
    note: str
    updated_at: datetime

    resolve_phone = masked("phone", "phone")

    @staticmethod
    def resolve_industry_code(obj) -> str | None:
        return obj.industry.code if obj.industry_id else None


class TargetIn(Schema):
    name: str
    region_id: int
    industry_code: str | None = None
    chain_link_id: int | None = None
    headquarters: str = ""
    contact_person: str = ""
    phone: str = ""
    global500: bool = False
    china500: bool = False
    industry_leader: bool = False
    listed: bool = False
    note: str = ""


class ContactOut(Schema):
    id: int
    name: str
    kind: Contact.Kind
    organisation: str
    post: str
    based_in: str
    phone: str
    region_id: int
    note: str
    updated_at: datetime

    resolve_phone = masked("phone", "phone")


class ContactIn(Schema):
    name: str
    kind: Contact.Kind
    region_id: int
    organisation: str = ""
    post: str = ""
    based_in: str = ""
    phone: str = ""
    note: str = ""


class AgentOut(Schema):
    id: int
    name: str
    organisation: str
    based_in: str
    focus: str
    contract_start: date | None
    contract_end: date | None
    phone: str
    region_id: int
    note: str
    updated_at: datetime

    resolve_phone = masked("phone", "phone")


class AgentIn(Schema):
    name: str
    region_id: int
    organisation: str = ""
    based_in: str = ""
    focus: str = ""
    contract_start: date | None = None
    contract_end: date | None = None
    phone: str = ""
    note: str = ""


class DirectoryFilters(Schema):
    q: str | None = None
    kind: str | None = None
    tag: str | None = None
    industry: str | None = None
    chain: int | None = None


class CommitmentOut(Schema):
    id: int
    region_id: int
    region_name: str
    meeting: str
    meeting_date: date
    period_start: date
    period_end: date
    promised_amount: Decimal
    promised_projects: int
    achieved_amount: Decimal
    achieved_projects: int


class CommitmentIn(Schema):
    region_id: int
    meeting: str
    meeting_date: date
    period_start: date
    period_end: date
    signed_amount: Decimal
    project_count: int
    note: str = ""


class RuleOut(Schema):
    id: int
    name: str
    kind: NegativeListRule.Kind
    industry_codes: str
    max_energy_per_output: Decimal | None
    min_intensity: Decimal | None
    active: bool
    note: str
    updated_at: datetime


class RuleIn(Schema):
    name: str
    kind: NegativeListRule.Kind
    industry_codes: str = ""
    max_energy_per_output: Decimal | None = None
    min_intensity: Decimal | None = None
    active: bool = True
    note: str = ""


class KpiOut(Schema):
    region_id: int | None
    region_name: str
    new_leads: int
    signed: int
    signed_amount: Decimal
    large: int
    large_amount: Decimal
    major: int
    major_amount: Decimal
    lead_to_sign: Decimal | None
    sign_to_start: Decimal | None
    fulfilment_rate: Decimal | None
    funds_in_period: Decimal
    funds_rate: Decimal | None


# --- reference resolution ------------------------------------------------------------------------------

def _resolve(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Ids in the payload → objects the user may see (404 otherwise)."""
    out = dict(data)
    if "region_id" in out:
        value = out.pop("region_id")
        out["region"] = core_selectors.region_get(user=user, region_id=value) if value else None
    if "zone_id" in out:
        value = out.pop("zone_id")
        out["zone"] = core_selectors.zone_get(user=user, zone_id=value) if value else None
    if "industry_code" in out:
        value = out.pop("industry_code")
        out["industry"] = enterprise_selectors.industry_get(code=value) if value else None
    if "chain_link_id" in out:
        value = out.pop("chain_link_id")
        out["chain_link"] = get_in_scope(ChainLink.objects.all(), pk=value) if value else None
    if "target_id" in out:
        value = out.pop("target_id")
        out["target"] = get_in_scope(selectors.target_list(user=user), pk=value) if value else None
    if "activity_id" in out:
        value = out.pop("activity_id")
        out["activity"] = get_in_scope(selectors.activity_queryset(user=user), pk=value) if value else None
    if "agent_id" in out:
        value = out.pop("agent_id")
        out["agent"] = get_in_scope(selectors.agent_list(user=user), pk=value) if value else None
    for key in ("responsible_person_id", "service_officer_id"):
        if key in out:
            value = out.pop(key)
            out[key.removesuffix("_id")] = _user_in_scope(user, value) if value else None
    return out


def _user_in_scope(user: User, user_id: int) -> User:
    scope = scope_for(user)
    return get_in_scope(User.objects.filter(scope.region_q() | scope.region_q("department__region")), pk=user_id)


def _params(filters: Schema) -> dict:
    return {k: v for k, v in filters.dict().items() if v not in (None, "")}


# --- leads ---------------------------------------------------------------------------------------------

@router.get("/leads", response={200: list[LeadOut], **READ_ERRORS}, summary="招商线索列表")
@paginate(LimitOffsetPagination)
def list_leads(request: HttpRequest, filters: Query[LeadFilters]):
    return selectors.lead_list(user=request.user, filters=_params(filters))


@router.get("/leads/{lead_id}", response={200: LeadDetailOut, **READ_ERRORS}, summary="招商线索详情")
def get_lead(request: HttpRequest, lead_id: int):
    return selectors.lead_get(user=request.user, lead_id=lead_id)


@router.post("/leads", response={201: LeadDetailOut, **ERRORS}, summary="登记招商线索")
def create_lead(request: HttpRequest, payload: LeadIn):
    lead = services.lead_create(actor=request.user, data=_resolve(request.user, payload.dict()))
    return Status(201, selectors.lead_get(user=request.user, lead_id=lead.pk))


@router.patch("/leads/{lead_id}", response={200: LeadDetailOut, **ERRORS}, summary="修改招商线索(乐观锁)")
def update_lead(request: HttpRequest, lead_id: int, payload: LeadPatch):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    data = payload.dict(exclude_unset=True)
    expected = data.pop("updated_at")
    services.lead_update(actor=request.user, lead=lead, data=_resolve(request.user, data),
                         expected_updated_at=expected)
    return selectors.lead_get(user=request.user, lead_id=lead_id)


@router.post("/leads/{lead_id}/move", response={200: LeadDetailOut, **ERRORS}, summary="线索阶段变更")
def move_lead(request: HttpRequest, lead_id: int, payload: MoveIn):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    services.lead_move(actor=request.user, lead=lead, to_stage=payload.stage, on=payload.date, reason=payload.reason)
    return selectors.lead_get(user=request.user, lead_id=lead_id)


@router.post("/leads/{lead_id}/review", response={200: LeadDetailOut, **ERRORS}, summary="淘汰审查")
def review_lead(request: HttpRequest, lead_id: int, payload: ReviewIn):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    services.lead_review(actor=request.user, lead=lead, keep=payload.keep, reason=payload.reason)
    return selectors.lead_get(user=request.user, lead_id=lead_id)


@router.get("/leads/{lead_id}/follow-ups", response={200: list[FollowUpOut], **READ_ERRORS}, summary="跟进记录")
def list_follow_ups(request: HttpRequest, lead_id: int):
    return list(selectors.lead_get(user=request.user, lead_id=lead_id).follow_ups.all())


@router.post("/leads/{lead_id}/follow-ups", response={201: FollowUpOut, **ERRORS}, summary="登记跟进记录")
def create_follow_up(request: HttpRequest, lead_id: int, payload: FollowUpIn):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    return Status(201, services.follow_up_create(actor=request.user, lead=lead, data=data))


@router.post("/leads/{lead_id}/sign", response={201: AgreementDetailOut, **ERRORS},
             summary="签约:登记协议并生成项目(同一事务)")
def sign_lead(request: HttpRequest, lead_id: int, payload: SignIn):
    lead = selectors.lead_get(user=request.user, lead_id=lead_id)
    data = payload.dict()
    override = data.pop("override_reason")
    data = {k: v for k, v in _resolve(request.user, data).items() if v not in (None, "")}
    agreement = services.lead_sign(actor=request.user, lead=lead, agreement_data=data, override_reason=override)
    return Status(201, selectors.agreement_get(user=request.user, agreement_id=agreement.pk))


@router.get("/lead-alerts", response={200: list[AlertOut], **READ_ERRORS}, summary="五项制度提醒")
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest, rule: LeadAlert.Rule | None = None, mine: bool = False):
    return selectors.alert_list(user=request.user, filters={"rule": rule or "", "mine": mine})


# --- agreements ----------------------------------------------------------------------------------------

@router.get("/agreements", response={200: list[AgreementOut], **READ_ERRORS}, summary="签约协议列表")
@paginate(LimitOffsetPagination)
def list_agreements(request: HttpRequest, filters: Query[AgreementFilters]):
    return selectors.agreement_list(user=request.user, filters=_params(filters))


@router.get("/agreements/{agreement_id}", response={200: AgreementDetailOut, **READ_ERRORS}, summary="签约协议详情")
def get_agreement(request: HttpRequest, agreement_id: int):
    return selectors.agreement_get(user=request.user, agreement_id=agreement_id)


@router.post("/agreements/{agreement_id}/progress", response={201: ProgressOut, **ERRORS},
             summary="登记履约与到位资金")
def add_progress(request: HttpRequest, agreement_id: int, payload: ProgressIn):
    agreement = selectors.agreement_get(user=request.user, agreement_id=agreement_id)
    return Status(201, services.agreement_progress_add(actor=request.user, agreement=agreement,
                                                       data=payload.dict()))


# --- activities ----------------------------------------------------------------------------------------

@router.get("/activities", response={200: list[ActivityOut], **READ_ERRORS}, summary="招商活动列表")
@paginate(LimitOffsetPagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]):
    return selectors.activity_list(user=request.user, filters=_params(filters))


@router.get("/activities/quota", response={200: list[QuotaOut], **READ_ERRORS}, summary="领导外出招商任务完成情况")
def activity_quota(request: HttpRequest, year: int, half: int = 1):
    if not 1900 <= year <= 2100:
        raise services.ValidationFailed("年份须在 1900 至 2100 之间")
    if half not in (1, 2):
        raise services.ValidationFailed("half 只能是 1 或 2")
    return [{"leader_id": r.leader.pk, "leader_name": r.leader.name, "post": r.leader.post,
             "region_id": r.leader.region_id, "outbound": r.outbound, "required": r.required, "met": r.met}
            for r in selectors.leader_quota(user=request.user, year=year, half=half)]


@router.get("/activities/{activity_id}", response={200: ActivityOut, **READ_ERRORS}, summary="招商活动详情")
def get_activity(request: HttpRequest, activity_id: int):
    return selectors.activity_get(user=request.user, activity_id=activity_id)


@router.post("/activities", response={201: ActivityOut, **ERRORS}, summary="登记招商活动")
def create_activity(request: HttpRequest, payload: ActivityIn):
    data = payload.dict()
    leader_ids = data.pop("leader_ids")
    leaders = list(selectors.leader_queryset(user=request.user).filter(pk__in=leader_ids))
    if len(leaders) != len(set(leader_ids)):
        raise NotFound("领导不存在或不在您的管辖范围内")
    data = {k: v for k, v in _resolve(request.user, data).items() if v is not None}
    activity = services.activity_create(actor=request.user, data=data, leaders=leaders)
    return Status(201, selectors.activity_get(user=request.user, activity_id=activity.pk))


# --- directories, commitments, negative list, KPIs -----------------------------------------------------

@router.get("/directory/targets", response={200: list[TargetOut], **READ_ERRORS}, summary="重点对接企业名录库")
@paginate(LimitOffsetPagination)
def list_targets(request: HttpRequest, filters: Query[DirectoryFilters]):
    return selectors.target_list(user=request.user, filters=_params(filters))


@router.post("/directory/targets", response={201: TargetOut, **ERRORS}, summary="新增名录库企业")
def create_target(request: HttpRequest, payload: TargetIn):
    return Status(201, services.target_create(actor=request.user, data=_resolve(request.user, payload.dict())))


@router.get("/directory/contacts", response={200: list[ContactOut], **READ_ERRORS}, summary="招商人脉资源库")
@paginate(LimitOffsetPagination)
def list_contacts(request: HttpRequest, filters: Query[DirectoryFilters]):
    return selectors.contact_list(user=request.user, filters=_params(filters))


@router.post("/directory/contacts", response={201: ContactOut, **ERRORS}, summary="新增人脉")
def create_contact(request: HttpRequest, payload: ContactIn):
    return Status(201, services.contact_create(actor=request.user, data=_resolve(request.user, payload.dict())))


@router.get("/directory/agents", response={200: list[AgentOut], **READ_ERRORS}, summary="委托招商代表")
@paginate(LimitOffsetPagination)
def list_agents(request: HttpRequest, filters: Query[DirectoryFilters]):
    return selectors.agent_list(user=request.user, filters=_params(filters))


@router.post("/directory/agents", response={201: AgentOut, **ERRORS}, summary="新增委托招商代表")
def create_agent(request: HttpRequest, payload: AgentIn):
    return Status(201, services.agent_create(actor=request.user, data=_resolve(request.user, payload.dict())))


@router.get("/commitments", response={200: list[CommitmentOut], **READ_ERRORS}, summary="承诺与完成对照")
def list_commitments(request: HttpRequest, region: int | None = None):
    rows = selectors.commitment_report(user=request.user, filters={"region": region} if region else {})
    return [{"id": r.commitment.pk, "region_id": r.commitment.region_id, "region_name": r.commitment.region.name,
             "meeting": r.commitment.meeting, "meeting_date": r.commitment.meeting_date,
             "period_start": r.commitment.period_start, "period_end": r.commitment.period_end,
             "promised_amount": r.commitment.signed_amount, "promised_projects": r.commitment.project_count,
             "achieved_amount": r.signed_amount, "achieved_projects": r.project_count} for r in rows]


@router.post("/commitments", response={201: CommitmentOut, **ERRORS}, summary="登记县区承诺")
def create_commitment(request: HttpRequest, payload: CommitmentIn):
    commitment = services.commitment_create(actor=request.user, data=_resolve(request.user, payload.dict()))
    return Status(201, {"id": commitment.pk, "region_id": commitment.region_id, "region_name": commitment.region.name,
                        "meeting": commitment.meeting, "meeting_date": commitment.meeting_date,
                        "period_start": commitment.period_start, "period_end": commitment.period_end,
                        "promised_amount": commitment.signed_amount, "promised_projects": commitment.project_count,
                        "achieved_amount": Decimal(0), "achieved_projects": 0})


@router.get("/negative-list", response={200: list[RuleOut], **READ_ERRORS}, summary="负面清单规则")
def list_rules(request: HttpRequest):
    return list(selectors.negative_rule_list())


@router.post("/negative-list", response={201: RuleOut, **ERRORS}, summary="新增负面清单规则")
def create_rule(request: HttpRequest, payload: RuleIn):
    return Status(201, services.negative_rule_create(actor=request.user, data=payload.dict()))


@router.get("/attraction/kpis", response={200: list[KpiOut], **READ_ERRORS}, summary="招商指标(按县区)")
def attraction_kpis(request: HttpRequest, date_from: date, date_to: date, as_of: date | None = None):
    rows, total = kpis.county_kpis(user=request.user, date_from=date_from, date_to=date_to, as_of=as_of)
    return [{"region_id": r.county.pk if r.county else None,
             "region_name": r.county.name if r.county else ("合计" if r is total else "市直"),
             "new_leads": r.new_leads, "signed": r.signed, "signed_amount": r.signed_amount, "large": r.large,
             "large_amount": r.large_amount, "major": r.major, "major_amount": r.major_amount,
             "lead_to_sign": r.lead_to_sign, "sign_to_start": r.sign_to_start, "fulfilment_rate": r.fulfilment_rate,
             "funds_in_period": r.funds_in_period, "funds_rate": r.funds_rate} for r in [*rows, total]]
