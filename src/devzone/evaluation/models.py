"""Evaluation runs in the platform: editable scheme copies, runs with their frozen scheme, one result row per
evaluated unit, one-vote vetoes (一票否决) and the differentiated policies per class (差别化政策).

The scoring itself is the pure engine in `evaluation/engine/`; these tables keep what a run used and produced.
Scores are floats (they come from the engine and are not money); the tax needed to reach the next class is
money, so it is stored in 万元 as a Decimal.
"""

from __future__ import annotations

import uuid
from functools import cached_property
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devzone.core.models import Job, Region, TimeStamped
from devzone.enterprises.models import Enterprise

MONEY = {"max_digits": 16, "decimal_places": 2}  # 万元


class SchemeVersion(TimeStamped):
    """An editable copy of a scheme (YAML), numbered per key; the active copy of a key is used by new runs."""

    key = models.CharField(_("scheme key"), max_length=64, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    yaml_text = models.TextField(_("scheme (YAML)"))
    version = models.PositiveIntegerField(_("version"))
    active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("change note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="evaluation_scheme_version_unique"),
            models.UniqueConstraint(fields=["key"], condition=Q(active=True),
                                    name="evaluation_scheme_one_active_per_key"),
            models.CheckConstraint(condition=Q(key__regex=r"^[A-Za-z][A-Za-z0-9_]{0,63}$"),
                                   name="evaluation_scheme_key_format"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:scheme", args=[self.pk])


def upload_path(instance: EvaluationRun, filename: str) -> str:
    """evaluation/2026/11/<random>.xlsx: the original name is kept on the row, never in the path."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"evaluation/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvaluationRun(TimeStamped):
    """One evaluation: a scheme (its YAML frozen here), a year, a population, and the job that computes it."""

    class Source(models.TextChoices):
        DATABASE = "database", _("enterprise registry")
        UPLOAD = "upload", _("uploaded file")

    scheme_key = models.CharField(_("scheme key"), max_length=64, db_index=True)
    scheme_name = models.CharField(_("scheme"), max_length=100)
    scheme_yaml = models.TextField(_("scheme used (YAML)"))
    unit = models.CharField(_("unit kind"), max_length=32, default="enterprise")
    scheme_version = models.ForeignKey(SchemeVersion, verbose_name=_("scheme version"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="runs")
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.CharField(_("period"), max_length=32, blank=True)
    source = models.CharField(_("population source"), max_length=16, choices=Source.choices)
    population = models.CharField(_("population"), max_length=300, blank=True)
    scope_region = models.ForeignKey(Region, verbose_name=_("population region"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    input_file = models.FileField(_("input file"), upload_to=upload_path, max_length=255, blank=True)
    input_name = models.CharField(_("file name"), max_length=255, blank=True)
    job = models.ForeignKey(Job, verbose_name=_("background job"), null=True, blank=True,
                            on_delete=models.SET_NULL, related_name="+")
    units = models.PositiveIntegerField(_("units"), default=0)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    group_columns = models.JSONField(_("grouping columns"), default=list, blank=True)
    group_summary = models.JSONField(_("group summary"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scheme_key", "published", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="evaluation_run_year_range"),
            models.CheckConstraint(condition=Q(published=False) | Q(published_at__isnull=False),
                                   name="evaluation_run_published_has_time"),
            models.CheckConstraint(condition=Q(participants__lte=models.F("units")),
                                   name="evaluation_run_participants_within_units"),
        ]

    def __str__(self) -> str:
        label = f"{self.scheme_name} {self.year}"
        return f"{label} {self.period}" if self.period else label

    def get_absolute_url(self) -> str:
        return reverse("evaluation:run", args=[self.pk])

    @property
    def status(self) -> str:
        return self.job.status if self.job_id else Job.Status.QUEUED

    @property
    def succeeded(self) -> bool:
        return self.job_id is not None and self.job.status == Job.Status.SUCCEEDED

    @property
    def non_participants(self) -> int:
        return self.units - self.participants

    @cached_property
    def scheme(self):
        """The engine's Scheme parsed from the frozen YAML (per instance; nothing is cached across requests)."""
        from devzone.evaluation.engine import Scheme

        return Scheme.from_yaml(self.scheme_yaml)


class EvaluationResultRow(models.Model):
    """One evaluated unit of a run: its score, rank, class, per-indicator figures and explanation."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="rows")
    unit_key = models.CharField(_("unit"), max_length=100)
    unit_name = models.CharField(_("name"), max_length=200, blank=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="evaluation_rows")
    region = models.ForeignKey(Region, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    industry_division = models.CharField(_("industry division"), max_length=8, blank=True)
    group = models.CharField(_("group"), max_length=200, blank=True)
    group_values = models.JSONField(default=dict, blank=True)
    participates = models.BooleanField(_("participates"))
    n = models.PositiveIntegerField(_("participants in group"), default=0)
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    klass = models.CharField(_("class"), max_length=16, blank=True)
    scores = models.JSONField(_("indicator scores"), default=dict, blank=True)
    values = models.JSONField(_("indicator values"), default=dict, blank=True)
    benchmarks = models.JSONField(_("benchmarks"), default=dict, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    flags = models.CharField(_("flags"), max_length=1000, blank=True)
    tax_to_next_class = models.DecimalField(_("tax to next class (10k yuan)"), null=True, blank=True, **MONEY)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["run", "group", "rank", "unit_key"]
        indexes = [
            models.Index(fields=["run", "participates", "group", "rank"]),
            models.Index(fields=["run", "klass"]),
            models.Index(fields=["run", "region"]),
            models.Index(fields=["enterprise", "run"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["run", "unit_key", "group"], name="evaluation_row_unit_unique"),
            models.CheckConstraint(condition=Q(participates=True) | Q(score__isnull=True, rank__isnull=True),
                                   name="evaluation_row_non_participant_unscored"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name or self.unit_key} ({self.run_id})"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:row", args=[self.run_id, self.pk])

    @property
    def flag_keys(self) -> list[str]:
        return [flag for flag in self.flags.split(";") if flag]


class VetoRecord(TimeStamped):
    """A one-vote veto (一票否决): a major safety or environmental incident that forces class D for the year."""

    class Kind(models.TextChoices):
        SAFETY = "safety", _("major safety incident")
        ENVIRONMENT = "environment", _("major environmental incident")
        OTHER = "other", _("other serious violation")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="vetoes")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SAFETY)
    reason = models.CharField(_("reason"), max_length=300)
    evidence = models.TextField(_("evidence note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("one-vote veto")
        verbose_name_plural = _("one-vote vetoes")
        ordering = ["-year", "enterprise__name"]
        indexes = [models.Index(fields=["year", "enterprise"])]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1949, year__lte=2100), name="evaluation_veto_year_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="evaluation_veto_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}: {self.reason}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:vetoes")


class PolicyRule(TimeStamped):
    """One differentiated policy (差别化政策) that applies to a class of a scheme, e.g. D 类 electricity surcharge."""

    class Category(models.TextChoices):
        ELECTRICITY = "electricity", _("electricity price")
        WATER = "water", _("water price")
        LAND_TAX = "land_tax", _("urban land-use tax")
        EMISSION = "emission", _("emission rights")
        LAND = "land", _("land supply")
        FINANCE = "finance", _("credit and finance")
        OTHER = "other", _("other")

    scheme_key = models.CharField(_("scheme key"), max_length=64, default="mujun")
    class_key = models.CharField(_("class"), max_length=16)
    category = models.CharField(_("policy area"), max_length=16, choices=Category.choices)
    text = models.TextField(_("policy"))
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("differentiated policy")
        verbose_name_plural = _("differentiated policies")
        ordering = ["scheme_key", "class_key", "sort_order", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="evaluation_policy_text_required")]

    def __str__(self) -> str:
        return f"{self.scheme_key} {self.class_key} {self.get_category_display()}"
