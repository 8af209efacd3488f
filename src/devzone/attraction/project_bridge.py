"""What the attraction rules read from the projects created at signing: 节点制 (a started project needs dated
milestones; overdue ones are flagged) and 协调制 (a completed or producing project is followed until effective).

Agreements keep the project's id; the alert goes to the agreement's service officer, else the lead's responsible
person."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Max, Q

from devzone.attraction.models import Agreement, LeadAlert


def _agreements() -> dict[int, Agreement]:
    return {a.project_id: a for a in Agreement.objects.filter(project_id__isnull=False).select_related("lead")}


def project_rule_hits(*, today: date) -> dict[str, list]:
    from devzone.attraction.rules import Hit
    from devzone.projects.models import Project, Stage

    agreements = _agreements()
    if not agreements:
        return {LeadAlert.Rule.MILESTONES: [], LeadAlert.Rule.COORDINATION: []}
    projects = (Project.objects.filter(pk__in=list(agreements))
                .annotate(nodes=Count("milestones", distinct=True),
                          overdue=Count("milestones", distinct=True,
                                        filter=Q(milestones__done_on__isnull=True, milestones__planned_date__lt=today)),
                          stage_date=Max("stages__actual_date", filter=Q(stages__stage=F("stage")))))
    milestones, coordination = [], []
    for project in projects:
        agreement = agreements[project.pk]
        recipient = agreement.service_officer_id or agreement.lead.responsible_person_id
        days = (today - project.stage_date).days if project.stage_date else 0
        if project.stage == Stage.STARTED and project.nodes == 0:
            milestones.append(Hit(agreement.lead_id, recipient, days,
                                  f"「{project.name}」已开工但未设置建设节点(节点制)"))
        elif project.stage == Stage.STARTED and project.overdue:
            milestones.append(Hit(agreement.lead_id, recipient, days,
                                  f"「{project.name}」有 {project.overdue} 个建设节点逾期未完成(节点制)"))
        elif project.stage in (Stage.COMPLETED, Stage.PRODUCING):
            label = Stage(project.stage).label
            coordination.append(Hit(agreement.lead_id, recipient, days,
                                    f"「{project.name}」已{label},须跟踪协调至达效(协调制)"))
    return {LeadAlert.Rule.MILESTONES: milestones, LeadAlert.Rule.COORDINATION: coordination}

