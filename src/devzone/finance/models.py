"""Bank–enterprise matchmaking (政银企对接): banks, financing needs raised by enterprises or projects,
matchmaking events (quarterly by default) and the loans granted as their outcome. Money in 万元."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Region, TimeStamped, Zone

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元


class Bank(TimeStamped):
    """A bank or other lender taking part in matchmaking (国有大行、股份行、城商行、农商行、政策性银行…)."""

    class Kind(models.TextChoices):
        STATE = "state", _("large state-owned bank")                # 国有大型商业银行
        JOINT_STOCK = "joint_stock", _("joint-stock bank")          # 股份制商业银行
        CITY = "city", _("city commercial bank")                    # 城市商业银行
        RURAL = "rural", _("rural commercial bank")                 # 农村商业银行/农信社
        POLICY = "policy", _("policy bank")                         # 政策性银行
        OTHER = "other", _("other financial institution")           # 担保、租赁、小贷等

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CITY)
    contact = models.CharField(_("contact"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("bank")
        verbose_name_plural = _("banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:banks")


class FinancingNeed(TimeStamped):
    """A financing need (融资需求) raised by an enterprise and/or a key project."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finance", "open")                 # 待对接
        MATCHED = "matched", pgettext_lazy("finance", "matched")        # 已对接
        MET = "met", pgettext_lazy("finance", "met")                    # 已满足
        WITHDRAWN = "withdrawn", pgettext_lazy("finance", "withdrawn")  # 已撤回

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="financing_needs")
    project = models.ForeignKey("projects.Project", verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="financing_needs")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="financing_needs")
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="financing_needs")
    amount = models.DecimalField(_("amount needed"), **MONEY)
    purpose = models.CharField(_("purpose"), max_length=200)
    term_months = models.PositiveSmallIntegerField(_("term (months)"),
                                                   validators=[MinValueValidator(1), MaxValueValidator(360)])
    raised_on = models.DateField(_("raised on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        ordering = ["-raised_on", "-pk"]
        indexes = [models.Index(fields=["status", "raised_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_need_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gte=1, term_months__lte=360),
                                   name="finance_need_term_range"),
            models.CheckConstraint(condition=Q(enterprise__isnull=False) | Q(project__isnull=False),
                                   name="finance_need_has_enterprise_or_project"),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.purpose}"

    @property
    def applicant_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.name
        return self.project.name if self.project_id else ""

    def get_absolute_url(self) -> str:
        return reverse("finance:need", args=[self.pk])


class MatchEvent(TimeStamped):
    """A matchmaking event (政银企对接会), quarterly by default, where banks meet the needs presented."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    region = models.ForeignKey(Region, verbose_name=_("organised by (region)"), on_delete=models.PROTECT,
                               related_name="match_events")
    location = models.CharField(_("location"), max_length=100, blank=True)
    banks = models.ManyToManyField(Bank, verbose_name=_("banks taking part"), blank=True, related_name="events")
    needs = models.ManyToManyField(FinancingNeed, verbose_name=_("needs presented"), blank=True,
                                   related_name="events")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("matchmaking event")
        verbose_name_plural = _("matchmaking events")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="finance_event_quarter_1_4"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("finance:event", args=[self.pk])


class Loan(TimeStamped):
    """An outcome of matchmaking: a loan (or other financing) a bank granted against a need."""

    need = models.ForeignKey(FinancingNeed, verbose_name=_("financing need"), on_delete=models.PROTECT,
                             related_name="loans")
    bank = models.ForeignKey(Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="loans")
    event = models.ForeignKey(MatchEvent, verbose_name=_("matchmaking event"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="loans")
    amount = models.DecimalField(_("amount granted"), **MONEY)
    granted_on = models.DateField(_("granted on"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("loan granted")
        verbose_name_plural = _("loans granted")
        ordering = ["-granted_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_loan_amount_positive")]

    def __str__(self) -> str:
        return f"{self.bank} → {self.need_id}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("finance:need", args=[self.need_id])
