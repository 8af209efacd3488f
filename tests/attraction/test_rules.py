"""The five rules on hand-built dates: 提醒制 at exactly 30 and 31 days, 淘汰制 at 180 and 181, 服务制; idempotence;
thresholds come from the settings row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command

from devzone.attraction import services
from devzone.attraction.config import attraction_settings
from devzone.attraction.models import LeadAlert
from devzone.attraction.rules import apply_lead_rules
from devzone.core.models import AuditEvent

TODAY = date(2026, 6, 1)


def _follow(org, lead, on: date) -> None:
    services.follow_up_create(actor=org.admin, lead=lead, data={"date": on, "way": "phone", "content": "电话沟通"})


def test_reminder_at_exactly_30_and_31_days(org, make_lead):
    fresh = make_lead("negotiating", since=TODAY - timedelta(days=90))
    stale = make_lead("negotiating", since=TODAY - timedelta(days=90))
    _follow(org, fresh, TODAY - timedelta(days=30))
    _follow(org, stale, TODAY - timedelta(days=31))
    report = apply_lead_rules(today=TODAY)
    assert report.hits[LeadAlert.Rule.REMINDER] == [stale.pk]
    alert = LeadAlert.objects.get(lead=stale, rule="reminder")
    assert alert.recipient == org.county1_user and alert.days == 31 and "31 天未跟进" in alert.message


def test_reminder_counts_from_entering_negotiation_when_no_follow_up(org, make_lead):
    thirty = make_lead("negotiating", since=TODAY - timedelta(days=30))
    thirty_one = make_lead("negotiating", since=TODAY - timedelta(days=31))
    _follow(org, thirty_one, TODAY - timedelta(days=200))  # an old follow-up before negotiation does not count
    assert apply_lead_rules(today=TODAY).hits["reminder"] == [thirty_one.pk]
    assert thirty.pk not in LeadAlert.objects.values_list("lead_id", flat=True)


def test_reminder_only_for_negotiating_leads(org, make_lead):
    make_lead("visited", since=TODAY - timedelta(days=60))
    assert apply_lead_rules(today=TODAY).hits["reminder"] == []


def test_follow_up_resolves_reminder_and_rerun_is_idempotent(org, make_lead):
    lead = make_lead("negotiating", since=TODAY - timedelta(days=45))
    first = apply_lead_rules(today=TODAY)
    again = apply_lead_rules(today=TODAY)
    assert first.raised == 1 and again.raised == 0
    assert LeadAlert.objects.filter(lead=lead, resolved_on__isnull=True).count() == 1
    _follow(org, lead, TODAY)
    assert not LeadAlert.objects.filter(lead=lead, resolved_on__isnull=True).exists()
    assert apply_lead_rules(today=TODAY).hits["reminder"] == []


def test_elimination_at_180_and_181_days(org, make_lead):
    kept = make_lead("contacted", since=TODAY - timedelta(days=180))
    old = make_lead("contacted", since=TODAY - timedelta(days=181))
    make_lead("dropped", since=TODAY - timedelta(days=400))
    report = apply_lead_rules(today=TODAY)
    assert report.hits["elimination"] == [old.pk]
    assert kept.pk not in report.hits["elimination"]


def test_follow_ups_do_not_stop_elimination_but_a_stage_advance_does(org, make_lead):
    lead = make_lead("clue", since=TODAY - timedelta(days=200))
    _follow(org, lead, TODAY - timedelta(days=1))
    assert apply_lead_rules(today=TODAY).hits["elimination"] == [lead.pk]
    services.lead_move(actor=org.admin, lead=lead, to_stage="contacted", on=TODAY - timedelta(days=1))
    assert apply_lead_rules(today=TODAY).hits["elimination"] == []
    assert LeadAlert.objects.get(lead=lead, rule="elimination").resolved_on is not None


def test_review_keep_restarts_the_clock_and_drop_needs_reason(org, make_lead):
    keep = make_lead("visited", since=TODAY - timedelta(days=300))
    drop = make_lead("visited", since=TODAY - timedelta(days=300))
    apply_lead_rules(today=TODAY)
    services.lead_review(actor=org.county1_user, lead=keep, keep=True, reason="客商仍有意向", on=TODAY)
    services.lead_review(actor=org.county1_user, lead=drop, keep=False, reason="企业已落户他地", on=TODAY)
    drop.refresh_from_db()
    assert drop.stage == "dropped" and drop.drop_reason == "企业已落户他地"
    assert apply_lead_rules(today=TODAY + timedelta(days=180)).hits["elimination"] == []
    assert apply_lead_rules(today=TODAY + timedelta(days=181)).hits["elimination"] == [keep.pk]


def test_thresholds_are_settings(org, make_lead):
    lead = make_lead("negotiating", since=TODAY - timedelta(days=11))
    settings = attraction_settings()
    settings.reminder_days = 10
    settings.save()
    assert apply_lead_rules(today=TODAY).hits["reminder"] == [lead.pk]


def test_run_is_audited_once_and_command_works(org, make_lead, capsys):
    make_lead("negotiating", since=TODAY - timedelta(days=45))
    before = AuditEvent.objects.filter(action="rules_run").count()
    call_command("attraction_rules", "--date", TODAY.isoformat())
    assert AuditEvent.objects.filter(action="rules_run").count() == before + 1
    assert "提醒制" in capsys.readouterr().out


def _signed_project(org, make_lead, stage: str, stage_date: date):
    """A lead signed through the service; its project then set to `stage` by hand (verified on `stage_date`)."""
    from devzone.projects.models import Project, ProjectStage

    lead = make_lead("negotiating", since=date(2025, 1, 1))
    agreement = services.lead_sign(actor=org.admin, lead=lead, agreement_data={
        "signed_on": date(2025, 3, 1), "amount": Decimal("30000")})
    Project.objects.filter(pk=agreement.project_id).update(stage=stage, declared_stage="")
    ProjectStage.objects.update_or_create(project_id=agreement.project_id, stage=stage, defaults={
        "actual_date": stage_date, "status": "verified"})
    return lead, agreement


def test_milestone_rule_for_started_projects(org, make_lead):
    from devzone.projects.models import Milestone

    lead, agreement = _signed_project(org, make_lead, "started", TODAY - timedelta(days=40))
    report = apply_lead_rules(today=TODAY)
    assert report.hits["milestones"] == [lead.pk]
    alert = LeadAlert.objects.get(lead=lead, rule="milestones", resolved_on__isnull=True)
    assert "未设置建设节点" in alert.message and alert.recipient == org.county1_user and alert.days == 40
    Milestone.objects.create(project_id=agreement.project_id, name="主体封顶", planned_date=TODAY + timedelta(days=9))
    assert apply_lead_rules(today=TODAY).hits["milestones"] == []
    assert apply_lead_rules(today=TODAY + timedelta(days=10)).hits["milestones"] == [lead.pk]
    assert "1 个建设节点逾期" in LeadAlert.objects.get(lead=lead, rule="milestones",
                                                      resolved_on__isnull=True).message


def test_coordination_rule_until_effective(org, make_lead):
    from devzone.projects.models import Project

    lead, agreement = _signed_project(org, make_lead, "producing", TODAY - timedelta(days=100))
    assert apply_lead_rules(today=TODAY).hits["coordination"] == [lead.pk]
    Project.objects.filter(pk=agreement.project_id).update(stage="effective")
    assert apply_lead_rules(today=TODAY).hits["coordination"] == []
    assert LeadAlert.objects.get(lead=lead, rule="coordination").resolved_on == TODAY


def test_service_rule_when_the_officer_is_gone(org, make_lead):
    lead, agreement = _signed_project(org, make_lead, "signed", date(2025, 3, 1))
    Agreement = type(agreement)
    Agreement.objects.filter(pk=agreement.pk).update(service_officer=None)
    assert apply_lead_rules(today=TODAY).hits["service"] == [lead.pk]
