"""Investment attraction (招商引资): leads and their follow-ups, the rules' settings and alerts, the negative list,
agreements with fulfilment records, activities and leaders, directories and counties' commitments.

Money is 万元. Every threshold lives in `AttractionSettings` or `NegativeListRule` rows, never in code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.models import Region, TimeStamped, Zone
from devzone.enterprises.models import Industry

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元
USER = settings.AUTH_USER_MODEL


class AttractionSettings(TimeStamped):
    """The single row of thresholds for the five rules, the leader quota and the amount tiers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    reminder_days = models.PositiveIntegerField(
        _("reminder after days without follow-up (negotiating leads)"), default=30)
    elimination_days = models.PositiveIntegerField(_("elimination review after days without stage advance"),
                                                   default=180)
    outbound_quota = models.PositiveIntegerField(_("outbound activities each leader runs per half-year"), default=1)
    tier_large = models.DecimalField(_("tier: large project from (10k yuan)"), default=Decimal("10000"), **MONEY)
    tier_major = models.DecimalField(_("tier: major project from (10k yuan)"), default=Decimal("100000"), **MONEY)
    default_intensity_threshold = models.DecimalField(
        _("investment-intensity threshold outside zones (10k yuan/mu)"), default=Decimal("180"), **MONEY)

    class Meta:
        verbose_name = _("attraction settings")
        verbose_name_plural = _("attraction settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="attraction_settings_single_row"),
            models.CheckConstraint(condition=Q(reminder_days__gte=1, elimination_days__gte=1),
                                   name="attraction_settings_days_positive"),
        ]

    def __str__(self) -> str:
        return str(_("attraction settings"))


class NegativeListRule(TimeStamped):
    """One rule of the negative list (负面清单, 三个一律不招)."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("industry code")
        ENERGY = "energy", _("energy use per output")
        INTENSITY = "intensity", _("investment intensity below threshold")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    industry_codes = models.CharField(_("industry codes (GB/T 4754 prefixes, comma separated)"), max_length=200,
                                      blank=True)
    max_energy_per_output = models.DecimalField(_("maximum energy use per output (tce per 10k yuan)"),
                                                max_digits=10, decimal_places=4, null=True, blank=True)
    min_intensity = models.DecimalField(
        _("minimum investment intensity (10k yuan/mu; empty = the zone's threshold)"), null=True, blank=True,
        **MONEY)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("negative-list rule")
        verbose_name_plural = _("negative-list rules")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="industry") | ~Q(industry_codes=""),
                                   name="negative_rule_industry_needs_codes"),
            models.CheckConstraint(condition=~Q(kind="energy") | Q(max_energy_per_output__gt=0),
                                   name="negative_rule_energy_needs_limit"),
        ]

    def __str__(self) -> str:
        return self.name

    def code_prefixes(self) -> list[str]:
        return [code.strip().upper() for code in self.industry_codes.replace("，", ",").split(",") if code.strip()]


class Leader(TimeStamped):
    """A leader (县/市领导) who leads investment activities and is held to the outbound quota."""

    name = models.CharField(_("name"), max_length=32)
    post = models.CharField(_("post"), max_length=64, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="investment_leaders")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leader")
        verbose_name_plural = _("leaders")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return f"{self.name}({self.post})" if self.post else self.name


class Activity(TimeStamped):
    """An investment activity (招商活动): 走出去, 请进来, 推介会, 不见面."""

    class Kind(models.TextChoices):
        OUTBOUND = "outbound", _("outbound trip")
        INBOUND = "inbound", _("inbound visit")
        PROMOTION = "promotion", _("promotion event")
        ONLINE = "online", _("online meeting")

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="investment_activities")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    leaders = models.ManyToManyField(Leader, verbose_name=_("leaders taking part"), blank=True,
                                     related_name="activities")
    batches = models.PositiveIntegerField(_("batches"), default=1)            # 批次
    person_times = models.PositiveIntegerField(_("person-times"), default=0)  # 人次
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("investment activity")
        verbose_name_plural = _("investment activities")
        ordering = ["-start_date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                              name="activity_dates_ordered")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("attraction:activity", args=[self.pk])


class DirectoryEntry(TimeStamped):
    """Common fields of the three directories; `region` is the keeper (a county, or the city)."""

    region = models.ForeignKey(Region, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class TargetEnterprise(DirectoryEntry):
    """A target enterprise (重点对接企业名录库)."""

    name = models.CharField(_("name"), max_length=100)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    chain_link = models.ForeignKey("chains.ChainLink", verbose_name=_("chain link"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="targets")
    headquarters = models.CharField(_("headquarters"), max_length=64, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=32, blank=True)
    global500 = models.BooleanField(_("Fortune Global 500"), default=False)
    china500 = models.BooleanField(_("China Top 500"), default=False)
    industry_leader = models.BooleanField(_("industry leader"), default=False)
    listed = models.BooleanField(_("listed company"), default=False)

    TAG_FIELDS = ("global500", "china500", "industry_leader", "listed")

    class Meta:
        verbose_name = _("target enterprise")
        verbose_name_plural = _("target enterprises")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="target_enterprise_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attraction:targets") + f"?q={self.name}"

    def tag_labels(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.TAG_FIELDS if getattr(self, name)]


class Contact(DirectoryEntry):
    """A contact (招商人脉资源库): chambers of commerce, natives doing business elsewhere (在外乡贤), …"""

    class Kind(models.TextChoices):
        CHAMBER = "chamber", _("chamber of commerce")
        NATIVE = "native", _("native doing business elsewhere")
        ENTREPRENEUR = "entrepreneur", _("entrepreneur")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    post = models.CharField(_("post"), max_length=64, blank=True)
    based_in = models.CharField(_("based in"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attraction:contacts") + f"?q={self.name}"


class Agent(DirectoryEntry):
    """An investment agent (委托招商代表) working for the city or a county under an agreement."""

    name = models.CharField(_("name"), max_length=64)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    based_in = models.CharField(_("based in"), max_length=64, blank=True)
    focus = models.CharField(_("focus industries"), max_length=200, blank=True)
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)

    class Meta:
        verbose_name = _("investment agent")
        verbose_name_plural = _("investment agents")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attraction:agents") + f"?q={self.name}"


class Lead(TimeStamped):
    """A lead or project under negotiation (招商线索 / 在谈项目)."""

    class Stage(models.TextChoices):
        CLUE = "clue", _("clue")
        CONTACTED = "contacted", _("contacted")
        VISITED = "visited", _("visited")
        NEGOTIATING = "negotiating", _("negotiating")
        SIGNED = "signed", _("signed")
        DROPPED = "dropped", _("dropped")

    class Source(models.TextChoices):
        ENTRUSTED = "entrusted", _("entrusted agent")          # 委托招商
        BUSINESS = "business", _("through businesses")        # 以商招商
        CHAIN = "chain", _("industry-chain targeting")         # 产业链招商
        EXPO = "expo", _("exhibition")                         # 展会
        OFFICE = "office", _("representative office")          # 驻外招商代表处
        NATIVE = "native", _("returning natives")              # 乡贤回归
        ONLINE = "online", _("online")                         # 网络/不见面招商
        OTHER = "other", _("other")

    OPEN_STAGES = (Stage.CLUE, Stage.CONTACTED, Stage.VISITED, Stage.NEGOTIATING)

    name = models.CharField(_("name"), max_length=120)
    investor_name = models.CharField(_("investor"), max_length=120)
    target = models.ForeignKey(TargetEnterprise, verbose_name=_("target enterprise"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="leads")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    chain_link = models.ForeignKey("chains.ChainLink", verbose_name=_("chain link"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="leads")
    activity = models.ForeignKey(Activity, verbose_name=_("produced by activity"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="leads")
    agent = models.ForeignKey(Agent, verbose_name=_("investment agent"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="leads")
    intended_investment = models.DecimalField(_("intended investment"), null=True, blank=True, **MONEY)
    intended_land_mu = models.DecimalField(_("intended land (mu)"), max_digits=12, decimal_places=2, null=True,
                                           blank=True)
    expected_output = models.DecimalField(_("expected annual output"), null=True, blank=True, **MONEY)
    expected_energy_tce = models.DecimalField(_("expected annual energy use (tce)"), max_digits=14,
                                              decimal_places=2, null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="leads")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="leads")
    responsible_person = models.ForeignKey(USER, verbose_name=_("responsible person"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="responsible_leads")
    responsible_unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.CLUE)
    stage_since = models.DateField(_("in this stage since"))
    registered_on = models.DateField(_("registered on"))
    review_kept_on = models.DateField(_("kept at elimination review on"), null=True, blank=True)
    drop_reason = models.CharField(_("reason for dropping"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["region", "stage"]), models.Index(fields=["stage", "stage_since"])]
        constraints = [
            models.CheckConstraint(condition=~Q(stage="dropped") | ~Q(drop_reason=""),
                                   name="lead_dropped_needs_reason"),
            models.CheckConstraint(condition=Q(intended_investment__isnull=True) | Q(intended_investment__gte=0),
                                   name="lead_investment_non_negative"),
            models.CheckConstraint(condition=Q(intended_land_mu__isnull=True) | Q(intended_land_mu__gte=0),
                                   name="lead_land_non_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("attraction:lead", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN_STAGES


class LeadStageChange(models.Model):
    """One stage move of a lead (who, when, from, to, why): the history the rules and KPIs read."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from stage"), max_length=12, choices=Lead.Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=12, choices=Lead.Stage.choices)
    changed_on = models.DateField(_("changed on"))
    changed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["lead", "changed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_stage} → {self.to_stage}"


class FollowUp(TimeStamped):
    """A follow-up record (跟进记录)."""

    class Way(models.TextChoices):
        VISIT = "visit", _("visit")
        PHONE = "phone", _("phone")
        MEETING = "meeting", _("meeting")
        INSPECTION = "inspection", _("site inspection")
        ONLINE = "online", _("video call")
        OTHER = "other", _("other")

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField(_("date"))
    way = models.CharField(_("way"), max_length=12, choices=Way.choices)
    content = models.TextField(_("content"))
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["lead", "date"])]

    def __str__(self) -> str:
        return f"{self.lead_id}@{self.date}"


class LeadAlert(TimeStamped):
    """What the daily rules job raised for a lead, shown to the responsible person until it no longer applies."""

    class Rule(models.TextChoices):
        REMINDER = "reminder", _("reminder: no follow-up")           # 提醒制
        ELIMINATION = "elimination", _("elimination review")         # 淘汰制
        SERVICE = "service", _("service: no service officer")        # 服务制
        MILESTONES = "milestones", _("milestones: started without nodes")  # 节点制
        COORDINATION = "coordination", _("coordination: follow until effective")  # 协调制

    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(_("rule"), max_length=16, choices=Rule.choices)
    recipient = models.ForeignKey(USER, verbose_name=_("recipient"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="lead_alerts")
    raised_on = models.DateField(_("raised on"))
    days = models.PositiveIntegerField(_("days"), default=0)
    message = models.CharField(_("message"), max_length=300)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead alert")
        verbose_name_plural = _("lead alerts")
        ordering = ["-raised_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["lead", "rule"], condition=Q(resolved_on__isnull=True),
                                               name="lead_alert_one_open_per_rule")]

    def __str__(self) -> str:
        return self.message


class Agreement(TimeStamped):
    """A signed agreement (签约协议); signing a lead writes it and creates the project in one transaction."""

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="agreement")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="agreements")
    project = models.OneToOneField("projects.Project", verbose_name=_("project"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="attraction_agreement")
    signed_on = models.DateField(_("signed on"))
    counterpart = models.CharField(_("counterpart"), max_length=120)
    amount = models.DecimalField(_("agreed investment"), **MONEY)                     # 协议投资额
    land_mu = models.DecimalField(_("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True)
    committed_intensity = models.DecimalField(_("committed investment intensity (10k yuan/mu)"), null=True,
                                              blank=True, **MONEY)
    committed_output = models.DecimalField(_("committed full-production output"), null=True, blank=True, **MONEY)
    committed_tax = models.DecimalField(_("committed full-production tax"), null=True, blank=True, **MONEY)
    start_deadline = models.DateField(_("start deadline"), null=True, blank=True)
    production_deadline = models.DateField(_("production deadline"), null=True, blank=True)
    service_officer = models.ForeignKey(USER, verbose_name=_("service officer"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="served_agreements")
    negative_violations = models.JSONField(_("negative-list warnings at signing"), default=list, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    override_by = models.ForeignKey(USER, verbose_name=_("overridden by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
            models.CheckConstraint(condition=Q(override_by__isnull=True) | ~Q(override_reason=""),
                                   name="agreement_override_needs_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.lead.name}({self.signed_on})"

    def get_absolute_url(self) -> str:
        return reverse("attraction:agreement", args=[self.pk])


class AgreementProgress(TimeStamped):
    """A fulfilment check (履约) and the funds put in place (到位资金) since the previous record."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("on track")
        LAGGING = "lagging", _("lagging")
        BREACHED = "breached", _("breached")
        FULFILLED = "fulfilled", _("fulfilled")

    agreement = models.ForeignKey(Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE,
                                  related_name="progress")
    as_of = models.DateField(_("as of"))
    funds_in_place = models.DecimalField(_("funds put in place"), default=Decimal("0"), **MONEY)
    status = models.CharField(_("fulfilment"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("fulfilment record")
        verbose_name_plural = _("fulfilment records")
        ordering = ["agreement", "as_of", "pk"]
        constraints = [models.CheckConstraint(condition=Q(funds_in_place__gte=0),
                                              name="agreement_progress_funds_non_negative")]

    def __str__(self) -> str:
        return f"{self.agreement_id}@{self.as_of}"


class Commitment(TimeStamped):
    """A county's declared targets at a meeting (账单和承诺, PPT挂图作战), kept to compare with results later."""

    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="investment_commitments")
    meeting = models.CharField(_("meeting"), max_length=120)
    meeting_date = models.DateField(_("meeting date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    signed_amount = models.DecimalField(_("promised agreed investment"), **MONEY)
    project_count = models.PositiveIntegerField(_("promised signed projects"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-meeting_date", "region__path"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="commitment_period_ordered"),
            models.UniqueConstraint(fields=["region", "meeting"], name="commitment_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.meeting}"
