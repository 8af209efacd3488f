"""The five rules from practice (五项制度), computed once a day by `apply_lead_rules(today=...)`.

- 提醒制 reminder: a negotiating lead whose latest follow-up (or its entry into negotiation, when later) lies more
  than `reminder_days` before today; the alert goes to the lead's responsible person.
- 淘汰制 elimination: an open lead whose stage has not advanced (nor been kept at a review) for more than
  `elimination_days`; listed for elimination review.
- 服务制 service: a signed lead whose agreement has no service officer.
- 节点制 milestones and 协调制 coordination: handed over to the project (see `project_rules`).

"More than N days": with N = 30, a lead last followed up exactly 30 days ago is still fresh; at 31 days it is
reminded. The job is idempotent: it opens an alert once per lead and rule, refreshes its day count, and resolves
alerts that no longer apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from devzone.attraction.config import attraction_settings
from devzone.attraction.models import Lead, LeadAlert
from devzone.core import audit

Rule = LeadAlert.Rule


@dataclass(frozen=True)
class Hit:
    lead_id: int
    recipient_id: int | None
    days: int
    message: str


@dataclass
class RulesReport:
    today: date
    hits: dict[str, list[int]] = field(default_factory=dict)
    raised: int = 0
    refreshed: int = 0
    resolved: int = 0

    def count(self, rule: str) -> int:
        return len(self.hits.get(rule, []))

    def text(self) -> str:
        lines = [f"招商五项制度 {self.today.isoformat()}:新增提醒 {self.raised} 条,更新 {self.refreshed} 条,"
                 f"解除 {self.resolved} 条"]
        lines += [f"  {Rule(rule).label}: {len(ids)}" for rule, ids in self.hits.items()]
        return "\n".join(lines)


def reminder_hits(*, today: date, days: int) -> list[Hit]:
    cutoff = today - timedelta(days=days)
    leads = (Lead.objects.filter(stage=Lead.Stage.NEGOTIATING, stage_since__lt=cutoff)
             .annotate(last_follow_up=Max("follow_ups__date", filter=Q(follow_ups__date__lte=today)))
             .filter(Q(last_follow_up__isnull=True) | Q(last_follow_up__lt=cutoff))
             .values_list("pk", "name", "responsible_person_id", "stage_since", "last_follow_up"))
    hits = []
    for pk, name, person, since, last in leads:
        reference = max(since, last) if last else since
        idle = (today - reference).days
        hits.append(Hit(pk, person, idle, f"「{name}」洽谈中已 {idle} 天未跟进(提醒制)"))
    return hits


def elimination_hits(*, today: date, days: int) -> list[Hit]:
    cutoff = today - timedelta(days=days)
    leads = (Lead.objects.filter(stage__in=Lead.OPEN_STAGES, stage_since__lt=cutoff)
             .filter(Q(review_kept_on__isnull=True) | Q(review_kept_on__lt=cutoff))
             .values_list("pk", "name", "responsible_person_id", "stage_since", "review_kept_on"))
    hits = []
    for pk, name, person, since, kept in leads:
        idle = (today - max(since, kept or since)).days
        hits.append(Hit(pk, person, idle, f"「{name}」已 {idle} 天无阶段推进,列入淘汰审查(淘汰制)"))
    return hits


def service_hits(*, today: date) -> list[Hit]:
    leads = (Lead.objects.filter(stage=Lead.Stage.SIGNED, agreement__service_officer__isnull=True)
             .values_list("pk", "name", "responsible_person_id", "agreement__signed_on"))
    return [Hit(pk, person, (today - signed).days, f"「{name}」已签约但未明确服务专员(服务制)")
            for pk, name, person, signed in leads]


def project_rules(*, today: date) -> dict[str, list[Hit]]:
    """节点制 and 协调制 read the projects created at signing; empty while the projects app has no models."""
    from django.apps import apps

    try:
        apps.get_model("projects", "Project")
    except LookupError:
        return {}
    from devzone.attraction import project_bridge

    return project_bridge.project_rule_hits(today=today)


def _sync(rule: str, hits: list[Hit], today: date, report: RulesReport) -> None:
    wanted = {hit.lead_id: hit for hit in hits}
    open_alerts = {a.lead_id: a for a in LeadAlert.objects.filter(rule=rule, resolved_on__isnull=True)}
    stale = [a.pk for lead_id, a in open_alerts.items() if lead_id not in wanted]
    if stale:
        report.resolved += LeadAlert.objects.filter(pk__in=stale).update(resolved_on=today,
                                                                          updated_at=timezone.now())
    new = [LeadAlert(lead_id=h.lead_id, rule=rule, recipient_id=h.recipient_id, raised_on=today, days=h.days,
                     message=h.message[:300]) for lead_id, h in wanted.items() if lead_id not in open_alerts]
    LeadAlert.objects.bulk_create(new)
    report.raised += len(new)
    changed = []
    for lead_id, alert in open_alerts.items():
        hit = wanted.get(lead_id)
        if hit and (alert.days, alert.message, alert.recipient_id) != (hit.days, hit.message[:300], hit.recipient_id):
            alert.days, alert.message, alert.recipient_id = hit.days, hit.message[:300], hit.recipient_id
            alert.updated_at = timezone.now()
            changed.append(alert)
    LeadAlert.objects.bulk_update(changed, ["days", "message", "recipient", "updated_at"])
    report.refreshed += len(changed)
    report.hits[rule] = sorted(wanted)


@transaction.atomic
def apply_lead_rules(*, today: date) -> RulesReport:
    """Run the five rules as of `today`; write alerts; one audit event summarises the run."""
    settings = attraction_settings()
    report = RulesReport(today=today)
    _sync(Rule.REMINDER, reminder_hits(today=today, days=settings.reminder_days), today, report)
    _sync(Rule.ELIMINATION, elimination_hits(today=today, days=settings.elimination_days), today, report)
    _sync(Rule.SERVICE, service_hits(today=today), today, report)
    for rule, hits in project_rules(today=today).items():
        _sync(rule, hits, today, report)
    audit.record(actor=None, action="rules_run", object_type="attraction.leadalert", object_repr=report.text()[:200],
                 after={"today": today, "hits": {k: len(v) for k, v in report.hits.items()}, "raised": report.raised,
                        "resolved": report.resolved})
    return report
