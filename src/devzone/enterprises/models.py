"""Enterprises (企业库): identity, flags, statistics state, and one row of annual data per year."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.models import Region, TimeStamped, Zone
from devzone.enterprises.credit_code import credit_code_problem

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError(problem, code="credit_code")


class Industry(models.Model):
    """A class of GB/T 4754-2017 (门类 letter, 大类 two digits, or deeper)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enterprise(TimeStamped):
    class Size(models.TextChoices):
        LARGE = "large", _("large")
        MEDIUM = "medium", _("medium")
        SMALL = "small", _("small")
        MICRO = "micro", _("micro")

    class StatsStatus(models.TextChoices):
        IN = "in", _("in statistics")          # 入库
        OUT = "out", _("removed from statistics")  # 退库
        KEPT = "kept", _("kept in base")      # 留基
        NONE = "none", _("not in statistics")

    class Ladder(models.TextChoices):
        NONE = "", _("none")
        SOLE_TO_FIRM = "sole_to_firm", _("sole proprietor to firm")      # 个转企
        SMALL_TO_ABOVE = "small_to_above", _("small to above size")       # 小升规
        ABOVE_TO_SHARE = "above_to_share", _("above size to joint stock")  # 规转股
        SHARE_TO_LISTED = "share_to_listed", _("joint stock to listed")   # 股上市

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="enterprises")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="enterprises")
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="enterprises")
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, default=Size.SMALL)
    legal_representative = models.CharField(_("legal representative"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    production_start_year = models.PositiveSmallIntegerField(_("production start year"), null=True, blank=True)
    stats_status = models.CharField(_("statistics status"), max_length=8, choices=StatsStatus.choices,
                                    default=StatsStatus.NONE)
    ladder_stage = models.CharField(_("cultivation ladder"), max_length=16, choices=Ladder.choices, blank=True,
                                    default="")
    # Flags (DOMAIN.md §3)
    above_size = models.BooleanField(_("above designated size"), default=False)        # 规上
    high_tech = models.BooleanField(_("high-tech enterprise"), default=False)          # 高新技术企业
    specialised = models.BooleanField(_("specialised and innovative"), default=False)  # 专精特新
    little_giant = models.BooleanField(_("little giant"), default=False)               # 小巨人
    single_champion = models.BooleanField(_("single champion"), default=False)         # 单项冠军
    chain_leader = models.BooleanField(_("chain leader"), default=False)               # 链主
    listed = models.BooleanField(_("listed"), default=False)                           # 上市
    listing_reserve = models.BooleanField(_("listing reserve"), default=False)         # 上市后备
    global500_sub = models.BooleanField(_("Fortune Global 500 subsidiary"), default=False)
    china500_sub = models.BooleanField(_("China Top 500 subsidiary"), default=False)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "above_size"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                                   name="enterprise_credit_code_format"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    FLAG_FIELDS = ("above_size", "high_tech", "specialised", "little_giant", "single_champion", "chain_leader",
                   "listed", "listing_reserve", "global500_sub", "china500_sub")

    def flag_labels(self) -> list[str]:
        return [str(self._meta.get_field(name).verbose_name) for name in self.FLAG_FIELDS if getattr(self, name)]


class EnterpriseYear(TimeStamped):
    """One enterprise's figures for one year; money in 万元. `sources` names where each field came from."""

    class Source(models.TextChoices):
        REPORTED = "reported", _("reported by the enterprise")
        STATISTICS = "statistics", _("statistics bureau")
        TAX = "tax", _("tax bureau")
        POWER = "power", _("power company")
        LAND = "land", _("natural resources bureau")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    land_mu = models.DecimalField(_("land (mu)"), max_digits=12, decimal_places=2, null=True, blank=True)
    revenue = models.DecimalField(_("revenue"), null=True, blank=True, **MONEY)
    output = models.DecimalField(_("gross industrial output"), null=True, blank=True, **MONEY)
    value_added = models.DecimalField(_("industrial value added"), null=True, blank=True, **MONEY)
    tax = models.DecimalField(_("taxes paid"), null=True, blank=True, **MONEY)
    profit = models.DecimalField(_("profit"), null=True, blank=True, **MONEY)
    employees = models.PositiveIntegerField(_("average employees"), null=True, blank=True)
    energy_tce = models.DecimalField(_("energy use (tce)"), max_digits=14, decimal_places=2, null=True, blank=True)
    emission_eq = models.DecimalField(_("pollutant equivalent (t)"), max_digits=14, decimal_places=3, null=True,
                                      blank=True)
    rd_expense = models.DecimalField(_("R&D expense"), null=True, blank=True, **MONEY)
    electricity_kwh = models.DecimalField(_("electricity (kWh)"), max_digits=16, decimal_places=0, null=True,
                                          blank=True)
    sources = models.JSONField(_("sources"), default=dict, blank=True)

    class Meta:
        verbose_name = _("annual data")
        verbose_name_plural = _("annual data")
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique"),
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="enterprise_year_range"),
            models.CheckConstraint(condition=Q(land_mu__isnull=True) | Q(land_mu__gte=0),
                                   name="enterprise_year_land_non_negative"),
            models.CheckConstraint(condition=Q(tax__isnull=True) | Q(tax__gte=0),
                                   name="enterprise_year_tax_non_negative"),
            models.CheckConstraint(condition=Q(energy_tce__isnull=True) | Q(energy_tce__gte=0),
                                   name="enterprise_year_energy_non_negative"),
            models.CheckConstraint(condition=Q(emission_eq__isnull=True) | Q(emission_eq__gte=0),
                                   name="enterprise_year_emission_non_negative"),
        ]

    FIGURE_FIELDS = ("land_mu", "revenue", "output", "value_added", "tax", "profit", "employees", "energy_tce",
                     "emission_eq", "rd_expense", "electricity_kwh")

    def __str__(self) -> str:
        return f"{self.enterprise_id}:{self.year}"
