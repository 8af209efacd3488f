"""Key projects (重点项目): the ledger, the 三个一批 lifecycle with declared and verified stages, evidence (要件),
monthly progress reports (月度调度), year plans, milestones (节点制), batches, and the rules' thresholds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Department, Region, TimeStamped, Zone

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元


class ProjectRules(TimeStamped):
    """The single row of thresholds the ledger applies (DOMAIN.md §4); administrators edit it in the admin."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    signed_not_started_months = models.PositiveSmallIntegerField(
        _("signed but not started after (months)"), default=6, validators=[MinValueValidator(1)])
    lag_yellow_points = models.DecimalField(_("time-sequence lag for a yellow light (points)"), max_digits=5,
                                            decimal_places=2, default=Decimal("10"))
    lag_red_points = models.DecimalField(_("time-sequence lag for a red light (points)"), max_digits=5,
                                         decimal_places=2, default=Decimal("20"))
    effective_percent = models.DecimalField(
        _("effective when output or tax reaches this share of the commitment (%)"), max_digits=5,
        decimal_places=2, default=Decimal("80"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    photo_window_days = models.PositiveSmallIntegerField(
        _("a start photo must be taken within this many days of the start"), default=30)
    max_upload_mb = models.PositiveSmallIntegerField(_("largest upload (MB)"), default=10,
                                                     validators=[MinValueValidator(1), MaxValueValidator(200)])

    class Meta:
        verbose_name = _("project rules")
        verbose_name_plural = _("project rules")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="project_rules_single_row"),
            models.CheckConstraint(condition=Q(lag_red_points__gte=F("lag_yellow_points")),
                                   name="project_rules_red_after_yellow"),
            models.CheckConstraint(condition=Q(effective_percent__gt=0, effective_percent__lte=100),
                                   name="project_rules_effective_percent_range"),
        ]

    def __str__(self) -> str:
        return str(_("project rules"))


class Stage(models.TextChoices):
    """Stage names carry a message context: "signed" or "started" mean other things in other apps."""

    PLANNED = "planned", pgettext_lazy("project stage", "planned")          # 谋划储备
    SIGNED = "signed", pgettext_lazy("project stage", "signed")             # 签约
    STARTED = "started", pgettext_lazy("project stage", "started")          # 开工
    COMPLETED = "completed", pgettext_lazy("project stage", "completed")    # 竣工
    PRODUCING = "producing", pgettext_lazy("project stage", "producing")    # 投产
    EFFECTIVE = "effective", pgettext_lazy("project stage", "effective")    # 达效
    SUSPENDED = "suspended", pgettext_lazy("project stage", "suspended")    # 停缓建
    CANCELLED = "cancelled", pgettext_lazy("project stage", "cancelled")    # 终止


LIFECYCLE = (Stage.PLANNED, Stage.SIGNED, Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING, Stage.EFFECTIVE)
LIFECYCLE_CHOICES = [(s.value, s.label) for s in LIFECYCLE]


class ProjectBatch(TimeStamped):
    """A 三个一批 round (签约一批、开工一批、投产一批), e.g. 2026年第一批, held on one day."""

    name = models.CharField(_("name"), max_length=64)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=1)
    held_on = models.DateField(_("held on"), null=True, blank=True)

    class Meta:
        verbose_name = _("project batch")
        verbose_name_plural = _("project batches")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="project_batch_name_unique"),
            models.UniqueConstraint(fields=["year", "sequence"], name="project_batch_year_sequence_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Project(TimeStamped):
    class Category(models.TextChoices):
        INDUSTRY = "industry", _("industrial")                    # 产业
        INFRASTRUCTURE = "infrastructure", _("infrastructure")    # 基础设施
        LIVELIHOOD = "livelihood", _("social livelihood")         # 社会民生
        REAL_ESTATE = "real_estate", _("real estate")             # 房地产

    class Nature(models.TextChoices):
        NEW = "new", _("new build")                  # 新建
        EXPANSION = "expansion", _("expansion")      # 扩建
        RENOVATION = "renovation", _("technical renovation")  # 技改
        CONTINUED = "continued", _("continued")      # 续建

    code = models.CharField(_("project code"), max_length=32, blank=True, default="")
    name = models.CharField(_("project name"), max_length=200)
    owner = models.ForeignKey("enterprises.Enterprise", verbose_name=_("owner enterprise"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="projects")
    owner_name = models.CharField(_("owner (construction unit)"), max_length=200, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="projects")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="projects")
    industry = models.ForeignKey("enterprises.Industry", verbose_name=_("industry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="projects")
    chain_link = models.CharField(_("industry chain link"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.INDUSTRY)
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices, default=Nature.NEW)
    provincial_key = models.BooleanField(_("provincial key project"), default=False)   # 省重点
    city_key = models.BooleanField(_("city key project"), default=False)               # 市重点
    hundred_major = models.BooleanField(_("hundred major projects"), default=False)    # 百大项目
    government_invested = models.BooleanField(_("government-invested (no agreement)"), default=False)
    content_scale = models.TextField(_("content and scale"), blank=True)
    total_investment = models.DecimalField(_("total investment"), **MONEY)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    land_mu = models.DecimalField(_("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True)
    own_land = models.BooleanField(_("on the owner's existing land"), default=False)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sponsoring leader"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="sponsored_projects")
    leader_name = models.CharField(_("sponsoring leader (name)"), max_length=32, blank=True)
    responsible_unit = models.ForeignKey(Department, verbose_name=_("responsible unit"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="projects")
    responsible_unit_name = models.CharField(_("responsible unit (name)"), max_length=100, blank=True)
    service_officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("service officer"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="served_projects")
    mark_high_end = models.BooleanField(_("high-end"), default=False)       # 高端化
    mark_smart = models.BooleanField(_("smart"), default=False)             # 智能化
    mark_green = models.BooleanField(_("green"), default=False)             # 绿色化
    mark_integrated = models.BooleanField(_("integrated"), default=False)   # 融合化
    agreement_amount = models.DecimalField(_("agreed investment"), null=True, blank=True, **MONEY)  # 协议投资额
    agreement_counterpart = models.CharField(_("agreement counterpart"), max_length=200, blank=True)
    committed_output = models.DecimalField(_("committed full-production output"), null=True, blank=True, **MONEY)
    committed_tax = models.DecimalField(_("committed full-production tax"), null=True, blank=True, **MONEY)
    # Workflow state, written only by the services' state machine.
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.PLANNED,
                             editable=False)
    declared_stage = models.CharField(_("declared, not verified"), max_length=16, choices=LIFECYCLE_CHOICES,
                                      blank=True, default="", editable=False)
    resume_stage = models.CharField(max_length=16, choices=LIFECYCLE_CHOICES, blank=True, default="",
                                    editable=False)
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True, editable=False)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True, editable=False)
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replacement", editable=False)
    batches = models.ManyToManyField(ProjectBatch, through="BatchEntry", related_name="projects", blank=True)

    MARK_FIELDS = ("mark_high_end", "mark_smart", "mark_green", "mark_integrated")
    LEVEL_FIELDS = ("provincial_key", "city_key", "hundred_major")

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["region__path", "name"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["name"])]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="project_code_unique_when_set"),
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_total_non_negative"),
            models.CheckConstraint(condition=Q(land_mu__isnull=True) | Q(land_mu__gte=0),
                                   name="project_land_non_negative"),
            models.CheckConstraint(condition=Q(start_year__isnull=True) | Q(end_year__isnull=True)
                                   | Q(end_year__gte=F("start_year")), name="project_years_in_order"),
            models.CheckConstraint(condition=Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180),
                                   name="project_lon_range"),
            models.CheckConstraint(condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                                   name="project_lat_range"),
            models.CheckConstraint(condition=~Q(stage="cancelled") | ~Q(cancel_reason=""),
                                   name="project_cancel_has_reason"),
            models.CheckConstraint(condition=~Q(stage="suspended") | ~Q(resume_stage=""),
                                   name="project_suspended_knows_resume_stage"),
            models.CheckConstraint(condition=~Q(replaces=F("id")), name="project_not_replacing_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    def mark_labels(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.MARK_FIELDS if getattr(self, name)]

    def level_labels(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.LEVEL_FIELDS if getattr(self, name)]

    @property
    def owner_label(self) -> str:
        return self.owner_name or (self.owner.name if self.owner_id else "")

    @property
    def leader_label(self) -> str:
        return self.leader_name or (str(self.leader) if self.leader_id else "")

    @property
    def unit_label(self) -> str:
        return self.responsible_unit_name or (str(self.responsible_unit) if self.responsible_unit_id else "")


class BatchEntry(models.Model):
    """A project on one of a batch's three lists (签约一批 / 开工一批 / 投产一批)."""

    class List(models.TextChoices):
        SIGNED = "signed", _("signed list")
        STARTED = "started", _("started list")
        PRODUCING = "producing", _("producing list")

    batch = models.ForeignKey(ProjectBatch, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="batch_entries")
    list_kind = models.CharField(_("list"), max_length=16, choices=List.choices)

    class Meta:
        verbose_name = _("batch entry")
        verbose_name_plural = _("batch entries")
        constraints = [models.UniqueConstraint(fields=["batch", "project", "list_kind"], name="batch_entry_unique")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.project_id}:{self.list_kind}"


class ProjectStage(models.Model):
    """One lifecycle stage of one project: planned and actual dates, and whether the actual one is verified."""

    class Status(models.TextChoices):
        NONE = "", _("not declared")
        DECLARED = "declared", _("declared, not verified")   # 申报未认定
        VERIFIED = "verified", _("verified")                  # 已认定
        RETURNED = "returned", _("returned")                  # 退回

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=16, choices=LIFECYCLE_CHOICES)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    status = models.CharField(_("verification"), max_length=16, choices=Status.choices, blank=True, default="")
    note = models.TextField(_("note"), blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    declared_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        ordering = ["project", "pk"]
        indexes = [models.Index(fields=["stage", "status", "actual_date"])]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="project_stage_unique"),
            models.CheckConstraint(condition=~Q(status="verified") | Q(actual_date__isnull=False),
                                   name="project_stage_verified_has_date"),
            models.CheckConstraint(condition=~Q(status="declared") | Q(actual_date__isnull=False),
                                   name="project_stage_declared_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.stage}"


class StageEvent(models.Model):
    """Append-only history of the workflow, shown as the detail page's timeline."""

    class Action(models.TextChoices):
        ENTER = "enter", _("entered the ledger")
        DECLARE = "declare", _("declared")
        VERIFY = "verify", _("verified")
        RETURN = "return", _("returned")
        SUSPEND = "suspend", _("suspended")
        RESUME = "resume", _("resumed")
        CANCEL = "cancel", _("cancelled")
        REPLACE = "replace", _("replaced")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, blank=True)
    on = models.DateField(_("date"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.action}:{self.stage}"


class ProgressReport(TimeStamped):
    """One project's monthly dispatch report (月度调度). Approved reports never change; a correction is a new
    report pointing at the one it corrects, and once approved it takes that one's place."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted, awaiting approval")
        APPROVED = "approved", _("approved")
        RETURNED = "returned", _("returned")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period = models.DateField(_("month"))  # first day of the month
    investment_month = models.DecimalField(_("investment completed this month"), **MONEY)
    image_progress = models.TextField(_("image progress"), blank=True)
    image_percent = models.PositiveSmallIntegerField(_("image progress (%)"), default=0,
                                                     validators=[MaxValueValidator(100)])
    problems = models.TextField(_("problems raised"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    corrects = models.OneToOneField("self", verbose_name=_("corrects"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="correction")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)

    class Meta:
        verbose_name = _("monthly progress report")
        verbose_name_plural = _("monthly progress reports")
        ordering = ["project", "period", "pk"]
        # (project, status, period) serves the ledger's per-project sums of approved reports; with only
        # (project, period) SQLite's planner picked (status, period) and scanned every project's reports per row.
        indexes = [models.Index(fields=["status", "period"]),
                   models.Index(fields=["project", "status", "period"], name="progress_project_status_period")]
        constraints = [
            models.UniqueConstraint(fields=["project", "period"], condition=Q(corrects__isnull=True),
                                    name="progress_report_one_original_per_month"),
            models.CheckConstraint(condition=Q(investment_month__gte=0),
                                   name="progress_report_investment_non_negative"),
            models.CheckConstraint(condition=Q(image_percent__lte=100), name="progress_report_percent_max_100"),
            models.CheckConstraint(condition=Q(period__day=1), name="progress_report_period_first_of_month"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_reason=""),
                                   name="progress_report_return_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("projects:report", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"


class Evidence(models.Model):
    """An uploaded file (要件) that supports a stage, or a photo attached to a monthly report."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("investment agreement")                        # 签约协议
        APPROVAL = "approval", _("project approval document")                    # 审批/核准/备案文件
        LAND = "land", _("land document")                                        # 用地手续
        CONSTRUCTION_PERMIT = "construction_permit", _("construction permit or start report")  # 施工许可证/开工报告
        CONSTRUCTION_CONTRACT = "construction_contract", _("construction contract")            # 施工合同
        SITE_PHOTO = "site_photo", _("site photo")                               # 现场照片
        COMPLETION = "completion", _("completion acceptance")                    # 竣工验收
        PRODUCTION = "production", _("production evidence")                     # 投产证明(发票、纳税、用电)
        EFFECTIVENESS = "effectiveness", _("effectiveness evidence")             # 达效证明
        OTHER = "other", _("other")

    class DateSource(models.TextChoices):
        NONE = "", _("none")
        EXIF = "exif", _("from the photo (EXIF)")
        DECLARED = "declared", _("entered by the uploader")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(ProgressReport, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="photos")
    stage = models.CharField(_("stage"), max_length=16, choices=LIFECYCLE_CHOICES, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="projects/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    taken_on_source = models.CharField(max_length=16, choices=DateSource.choices, blank=True, default="")
    note = models.CharField(_("note"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["project", "kind", "pk"]
        indexes = [models.Index(fields=["project", "kind"])]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="site_photo") | Q(taken_on__isnull=False),
                                   name="evidence_photo_has_date"),
        ]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("projects:evidence_file", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProjectYearPlan(TimeStamped):
    """The investment a project plans to complete in one year (年度计划投资)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment = models.DecimalField(_("planned investment"), **MONEY)

    class Meta:
        verbose_name = _("year plan")
        verbose_name_plural = _("year plans")
        ordering = ["project", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_year_plan_unique"),
            models.CheckConstraint(condition=Q(planned_investment__gte=0), name="project_year_plan_non_negative"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="project_year_plan_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.year}"


class ProjectMonthPlan(models.Model):
    """Optional monthly plan: investment planned by the end of a month of the year (cumulative)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="month_plans")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    planned_cumulative = models.DecimalField(_("planned by the end of the month"), **MONEY)

    class Meta:
        verbose_name = _("month plan")
        verbose_name_plural = _("month plans")
        ordering = ["project", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="project_month_plan_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="project_month_plan_month_range"),
            models.CheckConstraint(condition=Q(planned_cumulative__gte=0), name="project_month_plan_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.year}-{self.month:02d}"


class Milestone(TimeStamped):
    """A dated node of a started project (节点制), e.g. 主体封顶; overdue when past its date and not done."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=100)
    planned_date = models.DateField(_("planned date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_date", "pk"]
        indexes = [models.Index(fields=["planned_date", "done_on"])]

    def __str__(self) -> str:
        return self.name
