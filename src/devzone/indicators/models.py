"""Economic indicators (经济运行监测): the catalog, values per region or zone and month, annual targets,
consistency flags, and the thresholds administrators tune. Derived figures (month ↔ year-to-date, growth, ranks,
progress) are computed by `analytics.py` and never stored."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Region, TimeStamped, Zone

VALUE = {"max_digits": 18, "decimal_places": 4}
RATE = {"max_digits": 9, "decimal_places": 2}


def _one_place(prefix: str = "") -> Q:
    """Exactly one of region and zone is set."""
    return Q(**{f"{prefix}region__isnull": False, f"{prefix}zone__isnull": True}) | Q(
        **{f"{prefix}region__isnull": True, f"{prefix}zone__isnull": False})


class Indicator(TimeStamped):
    """An indicator of the catalog (GDP 地区生产总值, 固定资产投资, 税收占比 …) and how its figures behave."""

    class Unit(models.TextChoices):
        YI_YUAN = "亿元", _("100 million yuan")
        WAN_YUAN = "万元", _("10k yuan")
        WAN_USD = "万美元", _("10k US dollars")
        PERCENT = "%", _("percent")
        WAN_KWH = "万千瓦时", _("10k kWh")
        COUNT = "个", pgettext_lazy("indicators", "count")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        ANNUAL = "annual", _("annual")

    class Basis(models.TextChoices):
        MONTH = "month", _("month value")                 # 当月值
        YTD = "ytd", _("year-to-date cumulative")         # 1-N月累计
        POINT = "point", _("point in time or rate")       # 时点数 / 比率

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum across regions")
        NONE = "none", _("not aggregable")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class RankBasis(models.TextChoices):
        GROWTH = "growth", _("growth rate")
        VALUE = "value", _("value")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=64)
    short_name = models.CharField(_("short name"), max_length=16, blank=True)
    unit = models.CharField(pgettext_lazy("indicators", "unit"), max_length=8, choices=Unit.choices)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    basis = models.CharField(_("value basis"), max_length=8, choices=Basis.choices, default=Basis.YTD)
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    rank_basis = models.CharField(_("rank by"), max_length=8, choices=RankBasis.choices, default=RankBasis.GROWTH)
    is_share = models.BooleanField(_("share of a whole (at most 100%)"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(pgettext_lazy("indicators", "description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(is_share=False) | Q(unit="%"), name="indicator_share_in_percent"),
            models.CheckConstraint(condition=~Q(unit="%") | Q(aggregation="none"),
                                   name="indicator_rate_not_summed"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_rate(self) -> bool:
        return self.unit == self.Unit.PERCENT


class IndicatorValue(TimeStamped):
    """One figure of an indicator for a region or a zone in a month, from one source. Reported (by the county)
    and official (statistics bureau) figures coexist; the period is stored as year + month (decision 0008)."""

    class Source(models.TextChoices):
        REPORTED = "reported", _("reported")
        OFFICIAL = "official", _("official")

    class Channel(models.TextChoices):
        FORM = "form", _("form")
        API = "api", _("API")
        IMPORT = "import", _("import")
        ADMIN = "admin", _("admin")
        DEMO = "demo", _("demo")

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="values")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="indicator_values")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="indicator_values")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(pgettext_lazy("indicators", "month"))
    value = models.DecimalField(_("value"), **VALUE)
    source = models.CharField(pgettext_lazy("indicators", "source"), max_length=10, choices=Source.choices,
                              default=Source.REPORTED)
    stated_growth = models.DecimalField(_("stated growth (%)"), null=True, blank=True, **RATE)
    channel = models.CharField(_("entered through"), max_length=8, choices=Channel.choices, default=Channel.FORM)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__sort_order", "-year", "-month", "pk"]
        indexes = [models.Index(fields=["year", "month"]), models.Index(fields=["indicator", "year", "month"])]
        constraints = [
            models.CheckConstraint(condition=_one_place(), name="indicator_value_region_or_zone"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="indicator_value_month_1_12"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="indicator_value_year_range"),
            models.UniqueConstraint(fields=["indicator", "region", "year", "month", "source"],
                                    condition=Q(zone__isnull=True), name="indicator_value_unique_region"),
            models.UniqueConstraint(fields=["indicator", "zone", "year", "month", "source"],
                                    condition=Q(region__isnull=True), name="indicator_value_unique_zone"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.place_id}:{self.year}-{self.month:02d}:{self.source}"

    @property
    def place(self):
        return self.region if self.region_id else self.zone

    @property
    def place_id(self) -> str:
        return f"r{self.region_id}" if self.region_id else f"z{self.zone_id}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("indicators:values") + f"?indicator={self.indicator_id}&year={self.year}"


class Target(TimeStamped):
    """The annual target of an indicator for a region or zone: an amount, a growth rate, or both."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="targets")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="indicator_targets")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="indicator_targets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("target value"), null=True, blank=True, **VALUE)
    growth = models.DecimalField(_("target growth (%)"), null=True, blank=True, **RATE)
    note = models.CharField(_("note"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        ordering = ["-year", "indicator__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_place(), name="indicator_target_region_or_zone"),
            models.CheckConstraint(condition=Q(amount__isnull=False) | Q(growth__isnull=False),
                                   name="indicator_target_amount_or_growth"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="indicator_target_year_range"),
            models.UniqueConstraint(fields=["indicator", "region", "year"], condition=Q(zone__isnull=True),
                                    name="indicator_target_unique_region"),
            models.UniqueConstraint(fields=["indicator", "zone", "year"], condition=Q(region__isnull=True),
                                    name="indicator_target_unique_zone"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}:{self.region_id or self.zone_id}:{self.year}"

    @property
    def place(self):
        return self.region if self.region_id else self.zone

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("indicators:targets") + f"?year={self.year}"


class ConsistencyFlag(TimeStamped):
    """A figure that breaks a consistency rule: it names the rule, the values and the place; users explain it
    and close it. At most one open flag per rule, indicator, place, period and source (`key`)."""

    class Rule(models.TextChoices):
        GROWTH_MISMATCH = "growth_mismatch", _("stated growth does not match the values")
        CUMULATIVE_DECREASE = "cumulative_decrease", _("cumulative value falls within the year")
        SHARE_OVER_100 = "share_over_100", _("share above 100%")
        OUTLIER = "outlier", _("month value far outside its history")
        RECONCILIATION = "reconciliation", _("reported differs from official")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("consistency flag", "open")
        EXPLAINED = "explained", pgettext_lazy("consistency flag", "explained")
        CLOSED = "closed", pgettext_lazy("consistency flag", "closed")

    key = models.CharField(max_length=120, db_index=True, editable=False)
    rule = models.CharField(pgettext_lazy("indicators", "rule"), max_length=24, choices=Rule.choices)
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE,
                                  related_name="flags")
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="indicator_flags")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="indicator_flags")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(pgettext_lazy("indicators", "month"))
    source = models.CharField(pgettext_lazy("indicators", "source"), max_length=10, blank=True)
    values = models.JSONField(_("values"), default=dict)
    message = models.CharField(pgettext_lazy("indicators", "message"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField(pgettext_lazy("indicators", "explanation"), blank=True)
    explained_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("explained by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    explained_at = models.DateTimeField(_("explained at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("indicators", "closed by"),
                                  null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(pgettext_lazy("indicators", "closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consistency flag")
        verbose_name_plural = _("consistency flags")
        ordering = ["-year", "-month", "rule", "pk"]
        constraints = [
            models.CheckConstraint(condition=_one_place(), name="indicator_flag_region_or_zone"),
            models.UniqueConstraint(fields=["key"], condition=Q(status="open"), name="indicator_flag_one_open"),
        ]

    def __str__(self) -> str:
        return self.message[:80]

    @property
    def place(self):
        return self.region if self.region_id else self.zone

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("indicators:reconciliation") + f"?period={self.period}"


class MonitorSettings(TimeStamped):
    """The thresholds of monitoring, one row, edited by administrators (admin site); defaults from DOMAIN.md."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    reconciliation_threshold_pct = models.DecimalField(
        _("reconciliation threshold (%)"), max_digits=6, decimal_places=2, default=Decimal("5.00"),
        help_text=_("A reported figure that differs from the official one by more than this percentage is a gap."))
    reconciliation_top_n = models.PositiveSmallIntegerField(_("largest gaps listed"), default=20)
    growth_tolerance_points = models.DecimalField(
        _("growth mismatch tolerance (points)"), max_digits=6, decimal_places=2, default=Decimal("0.50"),
        help_text=_("A stated growth rate may differ this much from the computed one."))
    outlier_window_months = models.PositiveSmallIntegerField(_("outlier history window (months)"), default=24)
    outlier_min_history = models.PositiveSmallIntegerField(_("outlier minimum history (months)"), default=6)
    outlier_z = models.DecimalField(_("outlier robust z-score"), max_digits=6, decimal_places=2,
                                    default=Decimal("5.00"))
    first_tier_parts = models.PositiveSmallIntegerField(
        _("first tier: top 1/N"), default=3, help_text=_("3 means the top third of the ranked siblings."))
    light_yellow_lag_points = models.DecimalField(
        _("yellow light: lag behind schedule (points)"), max_digits=6, decimal_places=2, default=Decimal("5.00"))
    light_red_lag_points = models.DecimalField(
        _("red light: lag behind schedule (points)"), max_digits=6, decimal_places=2, default=Decimal("10.00"))

    class Meta:
        verbose_name = _("monitoring settings")
        verbose_name_plural = _("monitoring settings")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="indicator_settings_single_row"),
            models.CheckConstraint(condition=Q(light_red_lag_points__gte=models.F("light_yellow_lag_points")),
                                   name="indicator_settings_red_after_yellow"),
            models.CheckConstraint(condition=Q(first_tier_parts__gte=1), name="indicator_settings_tier_parts"),
            models.CheckConstraint(condition=Q(reconciliation_threshold_pct__gte=0)
                                   & Q(growth_tolerance_points__gte=0) & Q(outlier_z__gt=0),
                                   name="indicator_settings_non_negative"),
        ]

    def __str__(self) -> str:
        return str(_("monitoring settings"))
