"""Industry chains (产业链图谱): chain → segment (上游/中游/下游) → link (环节), and the strength thresholds.

Chains are city-wide reference data: everybody reads them; investment and industry bureaus edit them.
A link's strength (strong / weak / missing) is derived from what is behind it, never stored.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.models import TimeStamped
from devzone.enterprises.models import Enterprise


class Strength(models.TextChoices):
    STRONG = "strong", _("strong")     # 强链
    WEAK = "weak", _("weak")           # 补链
    MISSING = "missing", _("missing")  # 延链 / 缺链


class ChainSettings(TimeStamped):
    """The single row of thresholds that turn a link's contents into a strength (editable by administrators)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    strong_min_enterprises = models.PositiveIntegerField(_("enterprises for a strong link"), default=3)
    strong_min_above_size = models.PositiveIntegerField(_("above-size enterprises for a strong link"), default=1)
    projects_count_as_presence = models.BooleanField(_("a project alone makes a link weak, not missing"),
                                                     default=True)

    class Meta:
        verbose_name = _("chain settings")
        verbose_name_plural = _("chain settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="chain_settings_single_row")]

    def __str__(self) -> str:
        return str(_("chain settings"))


class Chain(TimeStamped):
    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)
    industry_codes = models.CharField(_("industry codes (GB/T 4754, comma separated)"), max_length=200, blank=True)
    leader_name = models.CharField(_("chain chief"), max_length=32, blank=True)          # 链长
    leader_post = models.CharField(_("chain chief's post"), max_length=64, blank=True)
    anchor_enterprises = models.ManyToManyField(Enterprise, verbose_name=_("chain-owner enterprises"), blank=True,
                                                related_name="anchored_chains")          # 链主
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:detail", args=[self.pk])


class ChainSegment(TimeStamped):
    class Position(models.TextChoices):
        UPSTREAM = "upstream", _("upstream")
        MIDSTREAM = "midstream", _("midstream")
        DOWNSTREAM = "downstream", _("downstream")

    chain = models.ForeignKey(Chain, verbose_name=_("industry chain"), on_delete=models.CASCADE,
                              related_name="segments")
    position = models.CharField(_("position"), max_length=12, choices=Position.choices)
    name = models.CharField(_("name"), max_length=64)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("chain segment")
        verbose_name_plural = _("chain segments")
        ordering = ["chain", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="chain_segment_name_unique")]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.name}"

    @property
    def label(self) -> str:
        """"上游" when the segment is named after its position, else "上游·原料"."""
        position = str(self.get_position_display())
        return position if self.name == position else f"{position}·{self.name}"


class ChainLink(TimeStamped):
    """A link (环节): a product or capability; local enterprises are assigned, leads and projects point here."""

    segment = models.ForeignKey(ChainSegment, verbose_name=_("chain segment"), on_delete=models.CASCADE,
                                related_name="links")
    name = models.CharField(_("name"), max_length=64)
    industry_codes = models.CharField(_("industry codes (GB/T 4754, comma separated)"), max_length=200, blank=True)
    keywords = models.CharField(_("product keywords"), max_length=200, blank=True)
    key_link = models.BooleanField(_("key link"), default=False)
    enterprises = models.ManyToManyField(Enterprise, verbose_name=_("local enterprises"), blank=True,
                                         related_name="chain_links")
    note = models.TextField(_("note"), blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("chain link")
        verbose_name_plural = _("chain links")
        ordering = ["segment", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["segment", "name"], name="chain_link_name_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("chains:link", args=[self.pk])

    def code_prefixes(self) -> list[str]:
        return [code.strip().upper() for code in self.industry_codes.replace("，", ",").split(",") if code.strip()]
