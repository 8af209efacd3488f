"""Lead writes: creation with negative-list warnings, stage moves, follow-ups, signing as one transaction with the
negative-list refusal and the audited override, fulfilment, directories, commitments, jurisdiction."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from devzone.attraction import services
from devzone.attraction.models import Agreement, FollowUp, Lead, LeadStageChange
from devzone.core import audit
from devzone.core.errors import NotFound, PermissionDenied, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.projects.models import Project

SIGNED_ON = date(2026, 3, 2)


def _agreement(**extra) -> dict:
    return {"signed_on": SIGNED_ON, "amount": Decimal("52000"), "committed_output": Decimal("80000"),
            "committed_tax": Decimal("3000"), "start_deadline": date(2026, 9, 30), **extra}


def test_create_starts_as_clue_with_history_and_audit(org):
    lead = services.lead_create(actor=org.county1_user, data={
        "name": "年产10万吨新材料项目", "investor_name": "远方集团", "source": "expo", "region": org.county1})
    assert lead.stage == "clue" and lead.stage_since == timezone.localdate()
    assert LeadStageChange.objects.filter(lead=lead, to_stage="clue").exists()
    assert AuditEvent.objects.filter(object_type="attraction.lead", object_id=str(lead.pk), action="create").exists()


def test_county_cannot_register_in_neighbour_and_observer_cannot_write(org):
    data = {"name": "越界", "investor_name": "x", "source": "expo", "region": org.county2}
    with pytest.raises(NotFound):
        services.lead_create(actor=org.county1_user, data=data)
    with pytest.raises(PermissionDenied):
        services.lead_create(actor=org.observer, data={**data, "region": org.county1})


def test_zone_must_lie_in_region(org):
    with pytest.raises(ValidationFailed):
        services.lead_create(actor=org.admin, data={"name": "错位", "investor_name": "x", "source": "expo",
                                                    "region": org.county1, "zone": org.zone2})


def test_allowed_moves_and_refusals(org, make_lead):
    lead = make_lead("clue")
    services.lead_move(actor=org.county1_user, lead=lead, to_stage="visited")
    with pytest.raises(ValidationFailed, match="不能从「考察」直接转到「接洽」"):
        services.lead_move(actor=org.county1_user, lead=lead, to_stage="contacted")
    with pytest.raises(ValidationFailed):
        services.lead_move(actor=org.county1_user, lead=lead, to_stage="signed")
    with pytest.raises(ValidationFailed):
        services.lead_move(actor=org.county1_user, lead=lead, to_stage="dropped")  # no reason
    lead = services.lead_move(actor=org.county1_user, lead=lead, to_stage="dropped", reason="已落户外地")
    assert lead.stage == "dropped" and lead.drop_reason == "已落户外地"
    lead = services.lead_move(actor=org.county1_user, lead=lead, to_stage="clue")
    assert lead.drop_reason == ""
    assert [c.to_stage for c in lead.stage_changes.order_by("pk")] == ["clue", "visited", "dropped", "clue"]


def test_follow_up_in_the_future_or_on_dropped_lead_is_refused(org, make_lead):
    lead = make_lead("contacted")
    with pytest.raises(ValidationFailed):
        services.follow_up_create(actor=org.admin, lead=lead, data={
            "date": timezone.localdate() + timedelta(days=1), "way": "phone", "content": "x"})
    dropped = make_lead("dropped")
    with pytest.raises(ValidationFailed):
        services.follow_up_create(actor=org.admin, lead=dropped, data={"way": "phone", "content": "x"})
    assert not FollowUp.objects.exists()


# --- negative list -------------------------------------------------------------------------------------

def test_warnings_for_each_rule_kind(org, make_lead, negative_rules, industry):
    coking = make_lead(industry=industry("C25"))
    energy = make_lead(expected_output=Decimal("10000"), expected_energy_tce=Decimal("5001"))
    at_limit = make_lead(expected_output=Decimal("10000"), expected_energy_tce=Decimal("5000"))
    thin = make_lead(zone=org.zone1, intended_investment=Decimal("17999"), intended_land_mu=Decimal("100"))
    dense = make_lead(zone=org.zone1, intended_investment=Decimal("18000"), intended_land_mu=Decimal("100"))
    assert [w.kind for w in services.lead_warnings(coking)] == ["industry"]
    assert [w.kind for w in services.lead_warnings(energy)] == ["energy"]
    assert services.lead_warnings(at_limit) == []
    assert [w.kind for w in services.lead_warnings(thin)] == ["intensity"] and "179.99" in \
        services.lead_warnings(thin)[0].message
    assert services.lead_warnings(dense) == []


def test_filter_agrees_with_the_warnings(org, make_lead, negative_rules, industry):
    from devzone.attraction.selectors import lead_list

    leads = [make_lead(industry=industry("C25")), make_lead(industry=industry("C17")),
             make_lead(expected_output=Decimal("100"), expected_energy_tce=Decimal("60")),
             make_lead(expected_output=Decimal("0"), expected_energy_tce=Decimal("1")),
             make_lead(zone=org.zone1, intended_investment=Decimal("100"), intended_land_mu=Decimal("1")),
             make_lead(intended_investment=Decimal("179"), intended_land_mu=Decimal("1")),
             make_lead(intended_investment=Decimal("181"), intended_land_mu=Decimal("1"))]
    flagged = set(lead_list(user=org.admin, filters={"negative": True}).values_list("pk", flat=True))
    assert flagged == {lead.pk for lead in leads if services.lead_warnings(lead)}
    assert len(flagged) == 5


def test_rule_with_its_own_minimum_and_inactive_rules(org, make_lead, negative_rules):
    negative_rules[2].min_intensity = Decimal("600")
    negative_rules[2].save()
    lead = make_lead(zone=org.zone1, intended_investment=Decimal("50000"), intended_land_mu=Decimal("100"))
    assert "600.00" in services.lead_warnings(lead)[0].message
    negative_rules[2].active = False
    negative_rules[2].save()
    assert services.lead_warnings(lead) == []


# --- signing -------------------------------------------------------------------------------------------

def test_sign_writes_agreement_project_and_stage_together(org, make_lead):
    lead = make_lead("negotiating", since=date(2026, 2, 1), zone=org.zone1)
    agreement = services.lead_sign(actor=org.county1_user, lead=lead, agreement_data=_agreement())
    lead.refresh_from_db()
    project = agreement.project
    assert lead.stage == "signed" and lead.stage_since == SIGNED_ON
    assert agreement.service_officer == org.county1_user  # 服务制: defaults to the responsible person
    assert agreement.committed_intensity == Decimal("520.00") and agreement.counterpart == "远方集团有限公司"
    assert project.name == lead.name and project.total_investment == Decimal("52000")
    assert project.agreement_amount == Decimal("52000") and project.service_officer == org.county1_user
    assert project.declared_stage == "signed" and project.region == org.county1 and project.zone == org.zone1
    assert AuditEvent.objects.filter(action="sign", object_id=str(lead.pk)).exists()


def test_sign_only_from_negotiating_and_not_in_the_future(org, make_lead):
    with pytest.raises(ValidationFailed):
        services.lead_sign(actor=org.admin, lead=make_lead("visited"), agreement_data=_agreement())
    lead = make_lead("negotiating")
    with pytest.raises(ValidationFailed):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement(
            signed_on=timezone.localdate() + timedelta(days=1)))
    assert not Agreement.objects.exists() and not Project.objects.exists()


def test_sign_needs_a_service_officer(org, make_lead):
    lead = make_lead("negotiating", responsible_person=None)
    with pytest.raises(ValidationFailed, match="服务专员"):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement())
    agreement = services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement(
        service_officer=org.county1_user))
    assert agreement.service_officer == org.county1_user


def test_failure_half_way_writes_nothing(org, make_lead, monkeypatch):
    """The project is created, then something fails: the agreement, the project, the stage and the audit go."""
    from devzone.projects import services as project_services

    lead = make_lead("negotiating")
    events = AuditEvent.objects.count()
    real = project_services.project_create

    def create_then_fail(**kwargs):
        real(**kwargs)
        assert Project.objects.count() == 1  # the project row was really written inside the transaction
        raise ValidationFailed("项目入库失败(测试注入)")

    monkeypatch.setattr(project_services, "project_create", create_then_fail)
    with pytest.raises(ValidationFailed):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement())
    lead.refresh_from_db()
    assert lead.stage == "negotiating"
    assert not Agreement.objects.exists() and not Project.objects.exists()
    assert AuditEvent.objects.count() == events and audit.verify_chain().ok


def test_project_validation_error_rolls_back_the_agreement(org, make_lead):
    """A real refusal by the projects service (negative land) after the agreement row was written."""
    lead = make_lead("negotiating")
    with pytest.raises(ValidationFailed):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement(land_mu=Decimal("-5")))
    assert not Agreement.objects.exists() and not Project.objects.exists()
    assert Lead.objects.get(pk=lead.pk).stage == "negotiating"


def test_negative_list_blocks_signing_for_a_county_user(org, make_lead, negative_rules, industry):
    lead = make_lead("negotiating", industry=industry("C25"))
    with pytest.raises(PermissionDenied, match="负面清单"):
        services.lead_sign(actor=org.county1_user, lead=lead, agreement_data=_agreement(),
                           override_reason="县里认为可以")
    assert not Agreement.objects.exists()


def test_override_needs_a_written_reason_and_is_kept(org, make_lead, negative_rules, industry, investment_user):
    lead = make_lead("negotiating", industry=industry("C25"))
    with pytest.raises(ValidationFailed) as refused:
        services.lead_sign(actor=investment_user, lead=lead, agreement_data=_agreement(), override_reason="  ")
    assert refused.value.code == "negative_list"
    agreement = services.lead_sign(actor=investment_user, lead=lead, agreement_data=_agreement(),
                                   override_reason="属于市政府专题会议纪要〔2026〕3号明确的升级改造项目")
    assert agreement.override_by == investment_user and agreement.override_reason.startswith("属于市政府")
    assert agreement.negative_violations[0]["kind"] == "industry"
    event = AuditEvent.objects.get(action="sign", object_id=str(lead.pk))
    assert event.after["override_reason"].startswith("属于市政府") and event.actor_username == "investment"


def test_superuser_may_override(org, make_lead, negative_rules):
    lead = make_lead("negotiating", intended_investment=Decimal("100"), intended_land_mu=Decimal("10"))
    agreement = services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement(), override_reason="特批")
    assert agreement.override_by == org.admin


def test_clean_lead_ignores_an_override_reason(org, make_lead, negative_rules):
    agreement = services.lead_sign(actor=org.county1_user, lead=make_lead("negotiating"),
                                   agreement_data=_agreement(), override_reason="无需")
    assert agreement.override_reason == "" and agreement.override_by is None


def test_signed_lead_cannot_be_signed_twice_or_deleted(org, make_lead):
    lead = make_lead("negotiating")
    services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement())
    with pytest.raises(ValidationFailed):
        services.lead_sign(actor=org.admin, lead=lead, agreement_data=_agreement())
    with pytest.raises(ValidationFailed):
        services.lead_delete(actor=org.admin, lead=Lead.objects.get(pk=lead.pk))


def test_progress_records_funds_and_refuses_dates_before_signing(org, make_lead):
    agreement = services.lead_sign(actor=org.admin, lead=make_lead("negotiating"), agreement_data=_agreement())
    services.agreement_progress_add(actor=org.county1_user, agreement=agreement, data={
        "as_of": date(2026, 6, 30), "funds_in_place": Decimal("12000"), "status": "on_track"})
    with pytest.raises(ValidationFailed):
        services.agreement_progress_add(actor=org.county1_user, agreement=agreement, data={
            "as_of": date(2026, 1, 1), "funds_in_place": Decimal("1"), "status": "on_track"})
    with pytest.raises(NotFound):
        services.agreement_progress_add(actor=org.county2_user, agreement=agreement, data={
            "as_of": date(2026, 6, 30), "funds_in_place": Decimal("1"), "status": "lagging"})
    assert agreement.progress.count() == 1


# --- activities, directories, commitments, configuration -----------------------------------------------

def test_activity_with_leaders_from_its_region(org):
    mine = services.leader_create(actor=org.admin, name="张县长", post="县长", region=org.county1)
    other = services.leader_create(actor=org.admin, name="李区长", post="区长", region=org.county2)
    activity = services.activity_create(actor=org.county1_user, data={
        "title": "赴深圳招商", "kind": "outbound", "region": org.county1, "start_date": date(2026, 3, 1),
        "person_times": 5}, leaders=[mine])
    assert activity.end_date == date(2026, 3, 1) and list(activity.leaders.all()) == [mine]
    with pytest.raises(ValidationFailed):
        services.activity_create(actor=org.admin, data={"title": "x", "kind": "inbound", "region": org.county1,
                                                        "start_date": date(2026, 3, 1)}, leaders=[other])


def test_commitment_only_for_counties(org):
    with pytest.raises(ValidationFailed):
        services.commitment_create(actor=org.admin, data={
            "region": org.city, "meeting": "推进会", "meeting_date": date(2026, 1, 2),
            "period_start": date(2026, 1, 1), "period_end": date(2026, 6, 30), "signed_amount": Decimal("1"),
            "project_count": 1})


def test_only_configurators_edit_rules_and_only_admins_edit_settings(org, investment_user):
    with pytest.raises(PermissionDenied):
        services.negative_rule_create(actor=org.county1_user, data={"name": "x", "kind": "industry",
                                                                    "industry_codes": "C25"})
    rule = services.negative_rule_create(actor=investment_user, data={"name": "x", "kind": "industry",
                                                                      "industry_codes": "C25"})
    assert rule.pk
    with pytest.raises(PermissionDenied):
        services.settings_update(actor=investment_user, data={"reminder_days": 20})
    assert services.settings_update(actor=org.admin, data={"reminder_days": 20}).reminder_days == 20
