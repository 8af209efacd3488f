"""Land (用地保障): yearly quotas as a ledger of movements, parcels along 批 → 征 → 供 → 用, their documents,
disposal actions for 三未 / idle / low-efficiency land, and 标准地 conditions with the checks made at 达效."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Region, TimeStamped, Zone

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元
AREA = {"max_digits": 12, "decimal_places": 2}   # 亩


class LandSettings(TimeStamped):
    """The single row of land thresholds and weights an administrator edits."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    idle_days = models.PositiveIntegerField(
        _("supplied land unused for this many days is idle"), default=730)
    tax_per_mu_threshold = models.DecimalField(
        _("default tax-per-mu threshold (10k yuan/mu)"), max_digits=10, decimal_places=2, default=Decimal("15"))
    weight_count = models.DecimalField(_("proposal weight: signed projects"), max_digits=5, decimal_places=2,
                                       default=Decimal("40"))
    weight_amount = models.DecimalField(_("proposal weight: agreed investment"), max_digits=5, decimal_places=2,
                                        default=Decimal("60"))

    class Meta:
        verbose_name = _("land settings")
        verbose_name_plural = _("land settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="land_settings_single_row"),
            models.CheckConstraint(condition=Q(tax_per_mu_threshold__gte=0), name="land_settings_tax_non_negative"),
            models.CheckConstraint(condition=Q(weight_count__gte=0, weight_amount__gte=0),
                                   name="land_settings_weights_non_negative"),
        ]

    def __str__(self) -> str:
        return str(_("land settings"))


class ZoneLandRule(TimeStamped):
    """A zone's own tax-per-mu threshold (the investment-intensity threshold is the zone's own field)."""

    zone = models.OneToOneField(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="land_rule")
    tax_per_mu_threshold = models.DecimalField(_("tax-per-mu threshold (10k yuan/mu)"), max_digits=10,
                                               decimal_places=2)

    class Meta:
        verbose_name = _("zone land rule")
        verbose_name_plural = _("zone land rules")
        constraints = [models.CheckConstraint(condition=Q(tax_per_mu_threshold__gte=0),
                                              name="zone_land_rule_tax_non_negative")]

    def __str__(self) -> str:
        return f"{self.zone}: {self.tax_per_mu_threshold}"


class QuotaAccount(TimeStamped):
    """One unit's land quota for one year: a county (zone empty) or a zone. Its balance is the sum of its
    movements; the row is locked while a movement is added so that two writers cannot overdraw it."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")

    class Meta:
        verbose_name = _("quota account")
        verbose_name_plural = _("quota accounts")
        ordering = ["-year", "region__path", "zone__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], condition=Q(zone__isnull=True),
                                    name="land_quota_account_region_year"),
            models.UniqueConstraint(fields=["year", "zone"], condition=Q(zone__isnull=False),
                                    name="land_quota_account_zone_year"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="land_quota_account_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_name}"

    @property
    def unit_name(self) -> str:
        return self.zone.name if self.zone_id else self.region.name

    def get_absolute_url(self) -> str:
        return reverse("land:account", args=[self.pk])


class QuotaMovement(models.Model):
    """One line of the quota ledger. `area_mu` is always positive; `kind` gives the sign."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("grant")                       # 下达
        ALLOCATION = "allocation", _("allocation to a project")  # 安排到项目
        TRANSFER_OUT = "transfer_out", _("transfer out")  # 调出
        TRANSFER_IN = "transfer_in", _("transfer in")     # 调入
        SWAP_OUT = "swap_out", _("paid swap out")         # 有偿调剂调出
        SWAP_IN = "swap_in", _("paid swap in")            # 有偿调剂调入

    OUTGOING = (Kind.ALLOCATION, Kind.TRANSFER_OUT, Kind.SWAP_OUT)

    account = models.ForeignKey(QuotaAccount, verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="movements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area_mu = models.DecimalField(_("area (mu)"), **AREA)
    on = models.DateField(_("date"))
    counterpart = models.ForeignKey(QuotaAccount, verbose_name=pgettext_lazy("land", "counterpart"), null=True,
                                    blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="land_quota_movements")
    price_per_mu = models.DecimalField(_("price (10k yuan/mu)"), null=True, blank=True, max_digits=12,
                                       decimal_places=2)
    total_price = models.DecimalField(_("total price (10k yuan)"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quota movement")
        verbose_name_plural = _("quota movements")
        ordering = ["account", "on", "pk"]
        indexes = [models.Index(fields=["account", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="land_movement_area_positive"),
            models.CheckConstraint(condition=~Q(kind="allocation") | Q(project__isnull=False),
                                   name="land_movement_allocation_has_project"),
            models.CheckConstraint(condition=~Q(kind__in=["transfer_out", "transfer_in", "swap_out", "swap_in"])
                                   | Q(counterpart__isnull=False), name="land_movement_transfer_has_counterpart"),
            models.CheckConstraint(condition=Q(kind__in=["swap_out", "swap_in"])
                                   | Q(price_per_mu__isnull=True, total_price__isnull=True),
                                   name="land_movement_price_only_on_swaps"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.area_mu}"

    @property
    def delta(self) -> Decimal:
        return -self.area_mu if self.kind in self.OUTGOING else self.area_mu


class Parcel(TimeStamped):
    """A land parcel (地块) and where it stands in the supply chain 批 → 征 → 供 → 用."""

    class Use(models.TextChoices):
        INDUSTRIAL = "industrial", pgettext_lazy("land", "industrial")
        WAREHOUSE = "warehouse", _("logistics and warehousing")
        COMMERCIAL = "commercial", _("commercial")
        RESIDENTIAL = "residential", _("residential")
        PUBLIC = "public", _("public facilities")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        RESERVE = "reserve", pgettext_lazy("land", "reserve")        # 储备(尚未批准)
        APPROVED = "approved", pgettext_lazy("land", "approved")     # 批
        EXPROPRIATED = "expropriated", pgettext_lazy("land", "expropriated")  # 征
        SUPPLIED = "supplied", pgettext_lazy("land", "supplied")     # 供
        USED = "used", pgettext_lazy("land", "in use")               # 用

    STATE_DATES = (("approved_on", State.APPROVED), ("expropriated_on", State.EXPROPRIATED),
                   ("supplied_on", State.SUPPLIED), ("used_on", State.USED))

    code = models.CharField(_("parcel code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("land", "location"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="parcels")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="parcels")
    area_mu = models.DecimalField(_("area (mu)"), **AREA)
    use = models.CharField(_("land use"), max_length=16, choices=Use.choices, default=Use.INDUSTRIAL)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)           # 批
    expropriated_on = models.DateField(_("expropriated on"), null=True, blank=True)   # 征
    supplied_on = models.DateField(_("supplied on"), null=True, blank=True)           # 供
    used_on = models.DateField(_("used on"), null=True, blank=True)                   # 用
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="parcels")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="parcels")
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    geometry = models.JSONField(pgettext_lazy("land", "boundary (GeoJSON)"), null=True, blank=True)
    standard_land = models.BooleanField(_("standard land"), default=False)  # 标准地
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "supplied_on"]), models.Index(fields=["enterprise"])]
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="land_parcel_area_positive"),
            models.CheckConstraint(condition=Q(expropriated_on__isnull=True) | Q(approved_on__isnull=False),
                                   name="land_parcel_expropriated_after_approval"),
            models.CheckConstraint(condition=Q(supplied_on__isnull=True) | Q(expropriated_on__isnull=False),
                                   name="land_parcel_supplied_after_expropriation"),
            models.CheckConstraint(condition=Q(used_on__isnull=True) | Q(supplied_on__isnull=False),
                                   name="land_parcel_used_after_supply"),
            models.CheckConstraint(condition=Q(expropriated_on__isnull=True) | Q(expropriated_on__gte=F("approved_on")),
                                   name="land_parcel_expropriation_date_order"),
            models.CheckConstraint(condition=Q(supplied_on__isnull=True) | Q(supplied_on__gte=F("expropriated_on")),
                                   name="land_parcel_supply_date_order"),
            models.CheckConstraint(condition=Q(used_on__isnull=True) | Q(used_on__gte=F("supplied_on")),
                                   name="land_parcel_use_date_order"),
            models.CheckConstraint(condition=Q(lon__isnull=True) | Q(lon__gte=-180, lon__lte=180),
                                   name="land_parcel_lon_range"),
            models.CheckConstraint(condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                                   name="land_parcel_lat_range"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("land:parcel", args=[self.pk])

    def state_on(self, as_of=None) -> str:
        """The furthest step reached by `as_of` (today's state when None)."""
        state = self.State.RESERVE
        for field, step in self.STATE_DATES:
            value = getattr(self, field)
            if value is not None and (as_of is None or value <= as_of):
                state = step
        return state

    @property
    def state(self) -> str:
        return self.state_on()

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class ParcelDocument(models.Model):
    """A file that documents a step of a parcel (批复, 征收公告, 出让合同, 不动产权证 …)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("land-use approval")           # 农转用/征地批复
        EXPROPRIATION = "expropriation", _("expropriation notice")  # 征收公告
        SUPPLY = "supply", _("supply contract")                 # 出让合同/划拨决定书
        CERTIFICATE = "certificate", _("property certificate")   # 不动产权证
        OTHER = "other", _("other")

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="land/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("parcel document")
        verbose_name_plural = _("parcel documents")
        ordering = ["parcel", "kind", "pk"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("land:document", args=[self.pk])


class DisposalAction(TimeStamped):
    """What is done about a problem parcel (三未, idle, low efficiency), tracked until done."""

    class Category(models.TextChoices):
        APPROVED_NOT_EXPROPRIATED = "approved_not_expropriated", _("approved, not expropriated")  # 批而未征
        EXPROPRIATED_NOT_SUPPLIED = "expropriated_not_supplied", _("expropriated, not supplied")  # 征而未供
        SUPPLIED_NOT_USED = "supplied_not_used", _("supplied, not used")                          # 供而未用
        IDLE = "idle", _("idle land")                                                             # 闲置
        LOW_EFFICIENCY = "low_efficiency", _("low-efficiency land")                               # 低效用地

    class Action(models.TextChoices):
        RECTIFY = "rectify", _("rectification")    # 整改
        RECLAIM = "reclaim", _("reclamation")      # 收回
        REVITALISE = "revitalise", _("revitalisation")  # 盘活

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("land", "open")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    parcel = models.ForeignKey(Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE,
                               related_name="disposals")
    category = models.CharField(pgettext_lazy("land", "problem"), max_length=32, choices=Category.choices)
    action = models.CharField(_("disposal"), max_length=16, choices=Action.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    responsible = models.CharField(_("responsible unit"), max_length=100, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    plan = models.TextField(_("plan"), blank=True)
    result = models.TextField(pgettext_lazy("land", "result"), blank=True)

    class Meta:
        verbose_name = _("disposal action")
        verbose_name_plural = _("disposal actions")
        ordering = ["status", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="done") | Q(done_on__isnull=False),
                                   name="land_disposal_done_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.parcel.code} {self.get_action_display()}"

    def get_absolute_url(self) -> str:
        return reverse("land:parcel", args=[self.parcel_id])


class StandardLandCondition(TimeStamped):
    """The preset conditions a standard-land parcel (标准地) is offered with; empty means no condition."""

    parcel = models.OneToOneField(Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE,
                                  related_name="standard_condition")
    min_investment_intensity = models.DecimalField(_("investment intensity at least (10k yuan/mu)"),
                                                   max_digits=12, decimal_places=2, null=True, blank=True)
    min_tax_per_mu = models.DecimalField(_("tax per mu at least (10k yuan/mu)"), max_digits=12,
                                         decimal_places=2, null=True, blank=True)
    max_energy_per_output = models.DecimalField(_("energy per output at most (tce/10k yuan)"), max_digits=12,
                                                decimal_places=4, null=True, blank=True)
    max_emission_per_output = models.DecimalField(_("emission per output at most (t/10k yuan)"), max_digits=12,
                                                  decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("standard-land conditions")
        verbose_name_plural = _("standard-land conditions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(min_investment_intensity__isnull=True) | Q(min_investment_intensity__gte=0))
                & (Q(min_tax_per_mu__isnull=True) | Q(min_tax_per_mu__gte=0))
                & (Q(max_energy_per_output__isnull=True) | Q(max_energy_per_output__gte=0))
                & (Q(max_emission_per_output__isnull=True) | Q(max_emission_per_output__gte=0)),
                name="land_standard_condition_non_negative"),
        ]

    def __str__(self) -> str:
        return str(self.parcel)


class StandardLandCheck(models.Model):
    """The result of checking a standard-land parcel's conditions when its project reached 达效."""

    parcel = models.ForeignKey(Parcel, verbose_name=_("parcel"), on_delete=models.CASCADE,
                               related_name="standard_checks")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="standard_land_checks")
    checked_on = models.DateField(_("checked on"))
    year = models.PositiveSmallIntegerField(_("figures of year"), null=True, blank=True)
    passed = models.BooleanField(_("passed"))
    results = models.JSONField(_("results"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("standard-land check")
        verbose_name_plural = _("standard-land checks")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.parcel.code} {self.checked_on}"
