"""Dispatch and supervision (调度督办): problems with an SLA and escalation, tasks, meetings, notifications.

Every time limit and threshold lives in the database: `SlaRule` (category × difficulty → days) and the
`DispatchRules` singleton (reminder ratio, days after the deadline for 督办 and 通报, satisfaction rule,
outbound channels). Services read them; nothing in the logic is a literal.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Department, Region, TimeStamped

USER = settings.AUTH_USER_MODEL
# Choice labels carry the "dispatch" context so other apps' catalogs never re-translate them.


class Category(models.TextChoices):
    APPROVAL = "approval", pgettext_lazy("dispatch", "approvals and procedures")          # 审批手续
    LAND = "land", pgettext_lazy("dispatch", "land use")                                    # 用地
    FINANCING = "financing", pgettext_lazy("dispatch", "financing")                         # 融资
    LABOUR = "labour", pgettext_lazy("dispatch", "labour")                                  # 用工
    UTILITIES = "utilities", pgettext_lazy("dispatch", "water, power, gas and heating")     # 水电气暖
    ENVIRONMENT = "environment", pgettext_lazy("dispatch", "environmental protection")      # 环保
    DEMOLITION = "demolition", pgettext_lazy("dispatch", "land acquisition and demolition")  # 征地拆迁
    POLICY = "policy", pgettext_lazy("dispatch", "policy fulfilment")                       # 政策兑现
    OTHER = "other", pgettext_lazy("dispatch", "other")                                     # 其他


class Difficulty(models.TextChoices):
    NORMAL = "normal", pgettext_lazy("dispatch", "normal")  # 一般
    HARD = "hard", pgettext_lazy("dispatch", "difficult")   # 疑难


class Escalation(models.IntegerChoices):
    """Escalation steps in order; a problem or task records the highest step it has reached."""

    NONE = 0, pgettext_lazy("dispatch", "none")
    REMIND = 1, pgettext_lazy("dispatch", "reminder")        # 提醒
    URGE = 2, pgettext_lazy("dispatch", "urging")            # 催办
    SUPERVISE = 3, pgettext_lazy("dispatch", "supervision")  # 督办
    BULLETIN = 4, pgettext_lazy("dispatch", "bulletin")      # 通报


class SlaRule(TimeStamped):
    """How many calendar days a unit has to resolve a problem of a category and difficulty (办理时限)."""

    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices)
    days = models.PositiveSmallIntegerField(_("time limit (days)"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("SLA rule")
        verbose_name_plural = _("SLA table")
        ordering = ["category", "difficulty"]
        constraints = [
            models.UniqueConstraint(fields=["category", "difficulty"], name="dispatch_sla_unique"),
            models.CheckConstraint(condition=Q(days__gte=1), name="dispatch_sla_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.get_difficulty_display()}: {self.days}"


class DispatchRules(TimeStamped):
    """The single row of escalation and satisfaction rules, edited by administrators in the admin site."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    remind_ratio = models.DecimalField(
        _("reminder at share of the time limit"), max_digits=3, decimal_places=2, default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("0.99"))],
        help_text=_("提醒: sent when this share of the time limit has elapsed (0.80 = 80%)."))
    urge_after_days = models.PositiveSmallIntegerField(
        _("urging, days after the deadline"), default=0,
        help_text=_("催办: days after the deadline (0 = on the deadline)."))
    supervise_after_days = models.PositiveSmallIntegerField(
        _("supervision, days after the deadline"), default=7,
        help_text=_("督办: days overdue after which the sponsoring leader is informed."))
    bulletin_after_days = models.PositiveSmallIntegerField(
        _("bulletin, days after the deadline"), default=30,
        help_text=_("通报: days overdue after which the item is listed in the monthly bulletin."))
    basic_counts_as_satisfied = models.BooleanField(
        _("'basically satisfied' counts as satisfied"), default=True,
        help_text=_("Whether 基本满意 counts towards the satisfaction rate (满意率)."))
    outbound_channels = models.CharField(
        _("outbound channels"), max_length=200, blank=True, default="email",
        help_text=_("Comma-separated channel names that receive every notification besides the in-app inbox "
                    "(e.g. email)."))

    class Meta:
        verbose_name = _("dispatch rules")
        verbose_name_plural = _("dispatch rules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="dispatch_rules_single_row"),
            models.CheckConstraint(condition=Q(remind_ratio__gt=0, remind_ratio__lt=1),
                                   name="dispatch_rules_ratio_between_0_and_1"),
            models.CheckConstraint(
                condition=Q(urge_after_days__lte=F("supervise_after_days"))
                & Q(supervise_after_days__lte=F("bulletin_after_days")),
                name="dispatch_rules_steps_in_order"),
        ]

    def __str__(self) -> str:
        return str(_("dispatch rules"))

    def satisfied_ratings(self) -> set[str]:
        ratings = {Satisfaction.SATISFIED.value}
        if self.basic_counts_as_satisfied:
            ratings.add(Satisfaction.BASIC.value)
        return ratings

    def channel_names(self) -> list[str]:
        return [name.strip() for name in self.outbound_channels.split(",") if name.strip()]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("dispatch", "satisfied")            # 满意
    BASIC = "basic", pgettext_lazy("dispatch", "basically satisfied")          # 基本满意
    UNSATISFIED = "unsatisfied", pgettext_lazy("dispatch", "unsatisfied")      # 不满意


class Meeting(TimeStamped):
    """A meeting (会议) whose decisions become supervised tasks."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", pgettext_lazy("dispatch", "weekly meeting")                   # 周例会
        MONTHLY = "monthly", pgettext_lazy("dispatch", "monthly dispatch meeting")       # 月调度会
        INSPECTION = "inspection", pgettext_lazy("dispatch", "quarterly site inspection")  # 季度观摩
        PROMOTION = "promotion", pgettext_lazy("dispatch", "promotion meeting")          # 推进会
        SYMPOSIUM = "symposium", pgettext_lazy("dispatch", "symposium")                  # 座谈会

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    location = models.CharField(_("location"), max_length=100, blank=True)
    chair = models.CharField(_("chaired by"), max_length=64, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="meetings")
    attendees = models.ManyToManyField(USER, verbose_name=_("attendees"), blank=True,
                                       related_name="meetings_attended")
    other_attendees = models.TextField(_("other attendees"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(USER, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dispatch:meeting", args=[self.pk])


class Problem(TimeStamped):
    """A problem or request (问题/诉求) that a unit must solve within a time limit."""

    class Source(models.TextChoices):
        PROJECT = "project", pgettext_lazy("dispatch", "project")           # 项目
        ENTERPRISE = "enterprise", pgettext_lazy("dispatch", "enterprise")  # 企业
        INSPECTION = "inspection", pgettext_lazy("dispatch", "inspection")  # 督查/观摩
        MEETING = "meeting", pgettext_lazy("dispatch", "meeting")           # 会议
        HOTLINE = "hotline", pgettext_lazy("dispatch", "hotline")           # 热线

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("dispatch", "submitted")      # 待交办
        ASSIGNED = "assigned", pgettext_lazy("dispatch", "assigned")         # 已交办
        IN_PROGRESS = "in_progress", pgettext_lazy("dispatch", "in progress")  # 办理中
        RESOLVED = "resolved", pgettext_lazy("dispatch", "resolved")         # 已办结
        CLOSED = "closed", pgettext_lazy("dispatch", "closed")               # 已销号
        RETURNED = "returned", pgettext_lazy("dispatch", "returned")         # 已退回

    class Result(models.TextChoices):
        SOLVED = "solved", pgettext_lazy("dispatch", "solved")                    # 已解决
        EXPLAINED = "explained", pgettext_lazy("dispatch", "explained")           # 解释到位
        UNSOLVED = "unsolved", pgettext_lazy("dispatch", "not solved")            # 未解决

    OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)
    DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # A free-text reference (project code and name, hotline ticket, inspection round); the FK to
    # projects.Project is added when the projects app lands (docs/decisions/0006-dispatch.md).
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="problems")
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="problems")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    difficulty = models.CharField(_("difficulty"), max_length=8, choices=Difficulty.choices,
                                  default=Difficulty.NORMAL)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="problems")
    raised_by = models.ForeignKey(USER, verbose_name=_("raised by"), on_delete=models.PROTECT,
                                  related_name="problems_raised")
    raised_at = models.DateTimeField(_("raised at"))
    sponsor_leader = models.ForeignKey(USER, verbose_name=_("sponsoring leader"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="problems_sponsored")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    lead_unit = models.ForeignKey(Department, verbose_name=_("lead unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="problems_led")
    helping_units = models.ManyToManyField(Department, verbose_name=_("helping units"), blank=True,
                                           related_name="problems_helped")
    handler = models.ForeignKey(USER, verbose_name=_("handler"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="problems_handled")
    assigned_by = models.ForeignKey(USER, verbose_name=_("assigned by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="problems_assigned")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    sla_days = models.PositiveSmallIntegerField(_("time limit (days)"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    started_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(USER, verbose_name=_("resolved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    late_explanation = models.TextField(_("written explanation for late resolution"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_by_supervisor = models.BooleanField(_("closed by a supervisor"), default=False)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True)
    returned_reason = models.TextField(_("reason for return"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), choices=Escalation.choices,
                                                        default=Escalation.NONE)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["lead_unit", "status"]),
                   models.Index(fields=["assigned_at"]), models.Index(fields=["raised_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "returned"])
                | Q(lead_unit__isnull=False, assigned_at__isnull=False, deadline__isnull=False),
                name="dispatch_problem_assigned_has_unit_and_deadline"),
            models.CheckConstraint(
                condition=~Q(status__in=["resolved", "closed"]) | (Q(resolved_at__isnull=False) & ~Q(result="")),
                name="dispatch_problem_resolved_has_result"),
            # 书面说明: a resolution after the deadline must carry a written explanation.
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(deadline__isnull=True)
                | Q(resolved_at__lte=F("deadline")) | ~Q(late_explanation=""),
                name="dispatch_problem_late_needs_explanation"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_at__isnull=False)
                                                 & (Q(closed_by_supervisor=True) | ~Q(satisfaction=""))),
                name="dispatch_problem_closed_is_rated_or_by_supervisor"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(returned_reason=""),
                                   name="dispatch_problem_returned_has_reason"),
            models.CheckConstraint(condition=Q(escalation_level__gte=0, escalation_level__lte=4),
                                   name="dispatch_problem_escalation_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def number(self) -> str:
        """The file number officials quote (问题编号), e.g. WT2026-00042."""
        return f"WT{self.raised_at.year}-{self.pk:05d}" if self.pk and self.raised_at else ""

    def get_absolute_url(self) -> str:
        return reverse("dispatch:problem", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ProblemEvent(models.Model):
    """One step on a problem's timeline: each transition, note and escalation writes one."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("dispatch", "raised")
        EDITED = "edited", pgettext_lazy("dispatch", "edited")
        ASSIGNED = "assigned", pgettext_lazy("dispatch", "assigned")
        STARTED = "started", pgettext_lazy("dispatch", "accepted")
        NOTE = "note", pgettext_lazy("dispatch", "progress note")
        RESOLVED = "resolved", pgettext_lazy("dispatch", "resolved")
        CLOSED = "closed", pgettext_lazy("dispatch", "closed")
        RETURNED = "returned", pgettext_lazy("dispatch", "returned")
        ESCALATED = "escalated", pgettext_lazy("dispatch", "escalated")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Problem.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Problem.Status.choices, blank=True)
    level = models.PositiveSmallIntegerField(_("escalation level"), choices=Escalation.choices, null=True,
                                             blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["problem", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.problem_id}:{self.kind}"


class Task(TimeStamped):
    """A supervised task (督办任务) with the three lists: responsibility, commitment, time limit.

    A recurring task (weekly or monthly report) is a series: it is not worked on itself; the scheduled job
    creates one instance per period (`series` + `period`), and each instance runs the normal flow.
    """

    class Source(models.TextChoices):
        MEETING = "meeting", pgettext_lazy("dispatch", "meeting")             # 会议
        INSTRUCTION = "instruction", pgettext_lazy("dispatch", "leader's instruction")  # 批示
        DOCUMENT = "document", pgettext_lazy("dispatch", "document")          # 文件

    class Status(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("dispatch", "assigned")            # 已交办
        IN_PROGRESS = "in_progress", pgettext_lazy("dispatch", "in progress")   # 推进中
        COMPLETED = "completed", pgettext_lazy("dispatch", "completed")         # 已完成(待销号)
        CLOSED = "closed", pgettext_lazy("dispatch", "closed")                  # 已销号

    class Recurrence(models.TextChoices):
        NONE = "", pgettext_lazy("dispatch", "does not recur")
        WEEKLY = "weekly", pgettext_lazy("dispatch", "weekly")
        MONTHLY = "monthly", pgettext_lazy("dispatch", "monthly")

    OPEN_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS)

    title = models.CharField(_("title"), max_length=200)
    commitment = models.TextField(_("commitment"))  # 承诺内容
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="tasks")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(USER, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="tasks_created")
    sponsor_leader = models.ForeignKey(USER, verbose_name=_("sponsoring leader"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="tasks_sponsored")
    # 岗位责任: the responsible unit and person
    lead_unit = models.ForeignKey(Department, verbose_name=_("responsible unit"), on_delete=models.PROTECT,
                                  related_name="tasks_led")
    helping_units = models.ManyToManyField(Department, verbose_name=_("helping units"), blank=True,
                                           related_name="tasks_helped")
    responsible_person = models.ForeignKey(USER, verbose_name=_("responsible person"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="tasks_responsible")
    responsible_post = models.CharField(_("responsible post"), max_length=64, blank=True)
    # 完成时限
    due_date = models.DateField(_("time limit"), null=True, blank=True)  # empty on a recurring series
    assigned_at = models.DateTimeField(_("assigned at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0,
                                                        validators=[MaxValueValidator(100)])
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_note = models.TextField(_("completion report"), blank=True)
    late_explanation = models.TextField(_("written explanation for late completion"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), choices=Escalation.choices,
                                                        default=Escalation.NONE)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    # Recurrence: a series carries the rule; an instance carries its series and period ("2026-10", "2026-W05").
    recurrence = models.CharField(_("recurrence"), max_length=8, choices=Recurrence.choices, blank=True,
                                  default=Recurrence.NONE)
    starts_on = models.DateField(_("first period starts on"), null=True, blank=True)
    ends_on = models.DateField(_("last period starts on or before"), null=True, blank=True)
    due_weekday = models.PositiveSmallIntegerField(
        _("weekly: due weekday (0 = Monday)"), null=True, blank=True, validators=[MaxValueValidator(6)])
    due_day = models.PositiveSmallIntegerField(
        _("monthly: due day of month"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Clipped to the month's last day."))
    series = models.ForeignKey("self", verbose_name=_("recurring series"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="instances")
    period = models.CharField(_("period"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["lead_unit", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["series", "period"], condition=Q(series__isnull=False),
                                    name="dispatch_task_one_instance_per_period"),
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="dispatch_task_percent_max_100"),
            models.CheckConstraint(condition=~Q(recurrence="") | Q(due_date__isnull=False),
                                   name="dispatch_task_single_has_due_date"),
            models.CheckConstraint(
                condition=Q(recurrence="") | (Q(starts_on__isnull=False) & Q(series__isnull=True)),
                name="dispatch_task_series_has_start"),
            models.CheckConstraint(
                condition=~Q(recurrence="weekly") | Q(due_weekday__isnull=False),
                name="dispatch_task_weekly_has_weekday"),
            models.CheckConstraint(
                condition=~Q(recurrence="monthly") | Q(due_day__isnull=False),
                name="dispatch_task_monthly_has_day"),
            models.CheckConstraint(condition=Q(series__isnull=True) | ~Q(period=""),
                                   name="dispatch_task_instance_has_period"),
            models.CheckConstraint(condition=~Q(status__in=["completed", "closed"]) | Q(completed_at__isnull=False)
                                   | ~Q(recurrence=""),
                                   name="dispatch_task_completed_has_time"),
            models.CheckConstraint(condition=Q(escalation_level__gte=0, escalation_level__lte=4),
                                   name="dispatch_task_escalation_range"),
        ]

    def __str__(self) -> str:
        return f"{self.title}({self.period})" if self.period else self.title

    @property
    def number(self) -> str:
        return f"RW{self.assigned_at.year}-{self.pk:05d}" if self.pk and self.assigned_at else ""

    @property
    def is_series(self) -> bool:
        return bool(self.recurrence)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES and not self.is_series

    def get_absolute_url(self) -> str:
        return reverse("dispatch:task", args=[self.pk])


class TaskEvent(models.Model):
    """One step on a task's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("dispatch", "assigned")
        GENERATED = "generated", pgettext_lazy("dispatch", "generated for the period")
        EDITED = "edited", pgettext_lazy("dispatch", "edited")
        PROGRESS = "progress", pgettext_lazy("dispatch", "progress update")
        COMPLETED = "completed", pgettext_lazy("dispatch", "completed")
        RETURNED = "returned", pgettext_lazy("dispatch", "returned")
        CLOSED = "closed", pgettext_lazy("dispatch", "closed")
        ESCALATED = "escalated", pgettext_lazy("dispatch", "escalated")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=Task.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Task.Status.choices, blank=True)
    level = models.PositiveSmallIntegerField(_("escalation level"), choices=Escalation.choices, null=True,
                                             blank=True)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    actor = models.ForeignKey(USER, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("task event")
        verbose_name_plural = _("task events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self) -> str:
        return f"{self.task_id}:{self.kind}"


class MeetingDecision(TimeStamped):
    """A decision taken at a meeting (会议议定事项); turning it into a task links the two."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(_("No."), default=1)
    text = models.TextField(_("decision"))
    lead_unit = models.ForeignKey(Department, verbose_name=_("responsible unit"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("time limit"), null=True, blank=True)
    task = models.OneToOneField(Task, verbose_name=_("task"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="decision")

    class Meta:
        verbose_name = _("meeting decision")
        verbose_name_plural = _("meeting decisions")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:40]}"


class Notification(models.Model):
    """One message in a user's in-app inbox; outbound channels (email, …) deliver copies."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("dispatch", "new assignment")
        REMINDER = "reminder", pgettext_lazy("dispatch", "reminder")
        URGE = "urge", pgettext_lazy("dispatch", "urging")
        SUPERVISE = "supervise", pgettext_lazy("dispatch", "supervision")
        BULLETIN = "bulletin", pgettext_lazy("dispatch", "bulletin")
        RETURNED = "returned", pgettext_lazy("dispatch", "returned")
        RESOLVED = "resolved", pgettext_lazy("dispatch", "resolved, awaiting closure")
        CLOSED = "closed", pgettext_lazy("dispatch", "closed")
        TASK = "task", pgettext_lazy("dispatch", "new task")
        COMPLETED = "completed", pgettext_lazy("dispatch", "task completed")

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    problem = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # The same escalation step or assignment never reaches the same person twice.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], condition=~Q(key=""),
                                    name="dispatch_notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationDelivery(models.Model):
    """What an outbound channel did with a notification (sent, skipped or failed, and why)."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=32)
    ok = models.BooleanField(_("delivered"), default=False)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel}:{self.notification_id}:{'ok' if self.ok else 'failed'}"
