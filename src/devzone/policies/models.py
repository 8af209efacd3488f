"""Policy fulfilment (政策兑现): incentive policies and their clauses, enterprises' applications, approval,
amounts due and paid, and lateness. An approved application unpaid past its due date becomes a dispatch
problem (see services.policy_overdue_sweep). Money in 万元."""

from __future__ import annotations

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from devzone.core.models import Region, TimeStamped

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元


class Policy(TimeStamped):
    """An incentive policy package, e.g. 十章34条, issued by a government level (its region)."""

    name = models.CharField(_("name"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="policies")
    active = models.BooleanField(_("in force"), default=True)

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["-issued_on", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="policies_policy_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:policy", args=[self.pk])


class Clause(TimeStamped):
    """One clause (条款) of a policy: what it grants and how fast it must be paid after approval."""

    class Benefit(models.TextChoices):
        SUBSIDY = "subsidy", pgettext_lazy("policies", "subsidy")                   # 补贴
        REWARD = "reward", pgettext_lazy("policies", "reward")                      # 奖励
        INTEREST = "interest", _("interest subsidy")        # 贴息
        TAX = "tax", _("tax-related refund")                # 税收返还/奖补
        RENT = "rent", _("rent or fee reduction")           # 租金/费用减免
        OTHER = "other", pgettext_lazy("policies", "other")

    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField(_("clause number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    benefit = models.CharField(_("benefit kind"), max_length=16, choices=Benefit.choices, default=Benefit.SUBSIDY)
    amount_rule = models.TextField(_("amount rule"), blank=True)
    max_amount = models.DecimalField(_("maximum amount"), null=True, blank=True, **MONEY)
    payment_days = models.PositiveSmallIntegerField(
        _("payment deadline (days after approval)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)])

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["policy", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policies_clause_number_unique"),
            models.CheckConstraint(condition=Q(payment_days__gte=1), name="policies_clause_days_positive"),
            models.CheckConstraint(condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                                   name="policies_clause_max_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} {self.number} {self.title}"


class Application(TimeStamped):
    """An enterprise's application under a clause (兑现申请): claimed → approved (due by a date) → paid."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("policies", "submitted")  # 已申报
        APPROVED = "approved", pgettext_lazy("policies", "approved")     # 已审核待兑付
        REJECTED = "rejected", pgettext_lazy("policies", "rejected")     # 未通过
        PAID = "paid", pgettext_lazy("policies", "paid")                 # 已兑付

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="policy_applications")
    clause = models.ForeignKey(Clause, verbose_name=_("clause"), on_delete=models.PROTECT,
                               related_name="applications")
    applied_on = models.DateField(_("applied on"))
    claimed_amount = models.DecimalField(_("amount claimed"), **MONEY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    approved_amount = models.DecimalField(_("approved amount due"), null=True, blank=True, **MONEY)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approved_by = models.ForeignKey("core.User", verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("payment due"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), null=True, blank=True, **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    rejected_reason = models.TextField(_("reason for rejection"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # The dispatch problem raised when the payment became overdue (one per application).
    problem = models.OneToOneField("dispatch.Problem", verbose_name=_("overdue problem"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="policy_application")

    class Meta:
        verbose_name = _("policy application")
        verbose_name_plural = _("policy applications")
        ordering = ["-applied_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(claimed_amount__gt=0), name="policies_app_claim_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "paid"])
                | Q(approved_amount__isnull=False, approved_on__isnull=False, due_date__isnull=False),
                name="policies_app_approved_has_amount_and_due"),
            models.CheckConstraint(condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                                   name="policies_app_approved_non_negative"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_amount__gt=0, paid_on__isnull=False),
                                   name="policies_app_paid_has_amount_and_date"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejected_reason=""),
                                   name="policies_app_rejected_has_reason"),
            models.CheckConstraint(condition=Q(due_date__isnull=True) | Q(due_date__gte=F("approved_on")),
                                   name="policies_app_due_after_approval"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.clause.number} {self.clause.title}"

    def get_absolute_url(self) -> str:
        return reverse("policies:application", args=[self.pk])

    def days_late(self, today: date) -> int:
        """Days the payment is (or was) late: paid after the due date, or still unpaid past it."""
        if self.due_date is None or self.status not in (self.Status.APPROVED, self.Status.PAID):
            return 0
        end = self.paid_on if self.status == self.Status.PAID and self.paid_on else today
        return max(0, (end - self.due_date).days)

    def is_overdue(self, today: date) -> bool:
        """Approved, unpaid, and past its due date."""
        return self.status == self.Status.APPROVED and self.due_date is not None and today > self.due_date
