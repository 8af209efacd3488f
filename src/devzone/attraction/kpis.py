"""Attraction KPIs by county for a period [date_from, date_to] and an as-of date (DOMAIN.md §5, §4 tiers).

- new leads: registered in the period;
- signed: agreements signed in the period, count and 协议投资额, with the tiers 亿元以上 and 10亿元以上 (thresholds in
  the settings row);
- lead → sign: leads registered in the period that are signed by the as-of date / leads registered in the period;
- sign → start: agreements signed in the period whose project has a verified start by the as-of date / agreements;
- fulfilment rate: agreements signed in the period whose latest fulfilment check (by the as-of date) is on track or
  fulfilled / those with at least one check;
- funds in place: funds recorded in the period; funds rate: funds recorded by the as-of date for the period's
  agreements / their agreed investment.
A fixed number of queries whatever the size; rows are attributed to the county above their region.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from devzone.attraction.config import attraction_settings
from devzone.attraction.models import Agreement, AgreementProgress, Lead
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region, User

COUNTY_DEPTH = 2  # province 0, city 1, county 2


def _ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator) * 100).quantize(Decimal("0.1"))


@dataclass
class KpiRow:
    county: Region | None  # None: city-level (市直) rows
    new_leads: int = 0
    leads_signed: int = 0
    signed: int = 0
    signed_amount: Decimal = Decimal(0)
    large: int = 0
    large_amount: Decimal = Decimal(0)
    major: int = 0
    major_amount: Decimal = Decimal(0)
    started: int = 0
    checked: int = 0
    fulfilling: int = 0
    funds_in_period: Decimal = Decimal(0)
    funds_to_date: Decimal = Decimal(0)
    project_ids: list[int] = field(default_factory=list)

    @property
    def lead_to_sign(self) -> Decimal | None:
        return _ratio(self.leads_signed, self.new_leads)

    @property
    def sign_to_start(self) -> Decimal | None:
        return _ratio(self.started, self.signed)

    @property
    def fulfilment_rate(self) -> Decimal | None:
        return _ratio(self.fulfilling, self.checked)

    @property
    def funds_rate(self) -> Decimal | None:
        return _ratio(self.funds_to_date, self.signed_amount)

    def add(self, other: KpiRow) -> None:
        for name in ("new_leads", "leads_signed", "signed", "signed_amount", "large", "large_amount", "major",
                     "major_amount", "started", "checked", "fulfilling", "funds_in_period", "funds_to_date"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def county_id_of(path: str) -> int | None:
    parts = [p for p in path.split("/") if p]
    return int(parts[COUNTY_DEPTH]) if len(parts) > COUNTY_DEPTH else None


def started_projects(project_ids: list[int], as_of: date) -> set[int]:
    """Projects with a verified start by `as_of` (the projects app's verified stages; none without that app)."""
    from django.apps import apps

    try:
        stage_model = apps.get_model("projects", "ProjectStage")
    except LookupError:
        return set()
    return set(stage_model.objects.filter(project_id__in=project_ids, stage="started", status="verified",
                                          actual_date__lte=as_of).values_list("project_id", flat=True))


def county_kpis(*, user: User, date_from: date, date_to: date, as_of: date | None = None) -> tuple[list[KpiRow],
                                                                                                      KpiRow]:
    """One row per county in scope (plus city-level work when there is any) and the total row."""
    from devzone.core.selectors import counties_in_scope

    as_of = as_of or date_to
    settings = attraction_settings()
    scope = scope_for(user).region_q()
    rows: dict[int | None, KpiRow] = {c.pk: KpiRow(county=c) for c in counties_in_scope(user=user)}

    def row(path: str) -> KpiRow:
        key = county_id_of(path)
        if key not in rows:
            rows[key] = KpiRow(county=None) if key is None else KpiRow(county=Region.objects.get(pk=key))
        return rows[key]

    leads = Lead.objects.filter(scope, registered_on__gte=date_from, registered_on__lte=date_to).values_list(
        "region__path", "stage", "agreement__signed_on")
    for path, stage, signed_on in leads:
        target = row(path)
        target.new_leads += 1
        if stage == Lead.Stage.SIGNED and signed_on and signed_on <= as_of:
            target.leads_signed += 1

    agreements = list(Agreement.objects.filter(scope, signed_on__gte=date_from, signed_on__lte=date_to)
                      .values_list("pk", "region__path", "amount", "project_id"))
    by_agreement: dict[int, KpiRow] = {}
    started = started_projects([p for *_rest, p in agreements if p], as_of)
    for pk, path, amount, project_id in agreements:
        target = row(path)
        by_agreement[pk] = target
        target.signed += 1
        target.signed_amount += amount
        if amount >= settings.tier_large:
            target.large += 1
            target.large_amount += amount
        if amount >= settings.tier_major:
            target.major += 1
            target.major_amount += amount
        if project_id in started:
            target.started += 1

    latest: dict[int, str] = {}
    for agreement_id, status, funds in (
            AgreementProgress.objects.filter(agreement_id__in=list(by_agreement), as_of__lte=as_of)
            .order_by("agreement_id", "as_of", "pk").values_list("agreement_id", "status",
                                                                  "funds_in_place")):
        latest[agreement_id] = status
        by_agreement[agreement_id].funds_to_date += funds
    for agreement_id, status in latest.items():
        by_agreement[agreement_id].checked += 1
        if status in (AgreementProgress.Status.ON_TRACK, AgreementProgress.Status.FULFILLED):
            by_agreement[agreement_id].fulfilling += 1

    funds = defaultdict(Decimal)
    for path, amount in AgreementProgress.objects.filter(
            agreement__in=Agreement.objects.filter(scope), as_of__gte=date_from, as_of__lte=date_to).values_list(
            "agreement__region__path", "funds_in_place"):
        funds[path] += amount
    for path, amount in funds.items():
        row(path).funds_in_period += amount

    ordered = [r for r in rows.values() if r.county is not None]
    ordered.sort(key=lambda r: (r.county.sort_order, r.county.path))
    if None in rows:
        ordered.append(rows[None])
    total = KpiRow(county=None)
    for item in ordered:
        total.add(item)
    return ordered, total
