"""Reads of the land app, scoped by jurisdiction: quota accounts with balances, parcels and the derived lists
(三未, idle, low-efficiency, standard land), the attraction results behind the quota proposal, and GeoJSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from devzone.core.jurisdiction import get_in_scope, scope_for
from devzone.core.listing import apply_sort
from devzone.core.models import Region, User
from devzone.land.models import DisposalAction, Parcel, QuotaAccount, QuotaMovement, ZoneLandRule
from devzone.land.quota_rule import UnitResult
from devzone.land.services import settings_get

ZERO = Decimal("0")
CATEGORIES = ("approved_not_expropriated", "expropriated_not_supplied", "supplied_not_used", "approved_not_used",
              "idle")
PARCEL_SORTS = {"code": "code", "name": "name", "region": "region__path", "zone": "zone__name",
                "area": "area_mu", "approved": "approved_on", "supplied": "supplied_on", "updated": "updated_at"}
ACCOUNT_SORTS = {"unit": "region__path", "year": "year", "balance": "balance", "granted": "granted"}


# --- quota accounts ------------------------------------------------------------------------------------

def _sum(kinds: list[str]) -> Coalesce:
    return Coalesce(Sum("movements__area_mu", filter=Q(movements__kind__in=kinds)),
                    Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


def account_queryset(*, user: User) -> QuerySet[QuotaAccount]:
    K = QuotaMovement.Kind
    return (QuotaAccount.objects.filter(scope_for(user).region_q()).select_related("region", "zone")
            .annotate(granted=_sum([K.GRANT]), allocated=_sum([K.ALLOCATION]),
                      transferred_in=_sum([K.TRANSFER_IN, K.SWAP_IN]),
                      transferred_out=_sum([K.TRANSFER_OUT, K.SWAP_OUT]))
            .annotate(balance=_balance()))


def _balance():
    from django.db.models import F

    return F("granted") + F("transferred_in") - F("allocated") - F("transferred_out")


def account_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[QuotaAccount]:
    filters = filters or {}
    qs = account_queryset(user=user)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if filters.get("unit") == "county":
        qs = qs.filter(zone__isnull=True)
    elif filters.get("unit") == "zone":
        qs = qs.filter(zone__isnull=False)
    return apply_sort(qs, filters.get("sort"), ACCOUNT_SORTS, default=("-year", "region__path", "zone__name"))


def account_get(*, user: User, account_id: int) -> QuotaAccount:
    return get_in_scope(account_queryset(user=user), pk=account_id)


def account_movements(account: QuotaAccount) -> QuerySet[QuotaMovement]:
    return (account.movements.select_related("counterpart__region", "counterpart__zone", "project", "created_by")
            .order_by("on", "pk"))


def writable_accounts(*, user: User, year: int | None = None) -> QuerySet[QuotaAccount]:
    qs = QuotaAccount.objects.filter(scope_for(user).region_q()).select_related("region", "zone")
    return qs.filter(year=year) if year else qs


def attraction_results(*, user: User, year: int) -> list[UnitResult]:
    """Signed agreements per county in scope in `year` (count and agreed investment), for the quota proposal."""
    from devzone.attraction.models import Agreement
    from devzone.core.selectors import counties_in_scope

    counties = list(counties_in_scope(user=user))
    totals = {c.pk: [0, ZERO] for c in counties}
    rows = (Agreement.objects.filter(signed_on__year=year).filter(scope_for(user).region_q())
            .values("region__path").annotate(n=Count("pk"), amount=Sum("amount")))
    for row in rows:
        county = next((c for c in counties if row["region__path"].startswith(c.path)), None)
        if county is not None:
            totals[county.pk][0] += row["n"]
            totals[county.pk][1] += row["amount"] or ZERO
    return [UnitResult(c.pk, c.name, totals[c.pk][0], totals[c.pk][1]) for c in counties]


# --- parcels -------------------------------------------------------------------------------------------

def today() -> date:
    return timezone.localdate()


def _reached(field: str, as_of: date) -> Q:
    return Q(**{f"{field}__isnull": False, f"{field}__lte": as_of})


def _not_reached(field: str, as_of: date) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": as_of})


def state_q(state: str, as_of: date) -> Q:
    chain = [f for f, _s in Parcel.STATE_DATES]
    steps = [s for _f, s in Parcel.STATE_DATES]
    if state == Parcel.State.RESERVE:
        return _not_reached("approved_on", as_of)
    if state not in steps:
        return Q(pk__in=[])
    index = steps.index(state)
    q = _reached(chain[index], as_of)
    if index + 1 < len(chain):
        q &= _not_reached(chain[index + 1], as_of)
    return q


def category_q(category: str, *, as_of: date, idle_days: int) -> Q:
    """三未 (批而未征, 征而未供, 供而未用), 批而未用, and idle (supplied more than `idle_days` ago, still unused)."""
    if category == "approved_not_expropriated":
        return state_q(Parcel.State.APPROVED, as_of)
    if category == "expropriated_not_supplied":
        return state_q(Parcel.State.EXPROPRIATED, as_of)
    if category == "supplied_not_used":
        return state_q(Parcel.State.SUPPLIED, as_of)
    if category == "approved_not_used":
        return _reached("approved_on", as_of) & _not_reached("used_on", as_of)
    if category == "idle":
        return _reached("supplied_on", as_of - timedelta(days=idle_days)) & _not_reached("used_on", as_of)
    return Q(pk__in=[])


def parcel_queryset(*, user: User) -> QuerySet[Parcel]:
    return Parcel.objects.filter(scope_for(user).region_q()).select_related(
        "region__parent", "zone", "project", "enterprise")


def parcel_list(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Parcel]:
    """Parcels in scope; filters: q, region, zone, use, state, category (三未/idle), standard, as_of."""
    filters = filters or {}
    as_of = _as_date(filters.get("as_of")) or today()
    qs = parcel_queryset(user=user)
    if filters.get("q"):
        term = str(filters["q"]).strip()
        qs = qs.filter(Q(code__icontains=term) | Q(name__icontains=term))
    if filters.get("region"):
        region = Region.objects.filter(pk=filters["region"]).only("path").first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    for key in ("zone", "use"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id" if key == "zone" else key: filters[key]})
    if filters.get("state"):
        qs = qs.filter(state_q(filters["state"], as_of))
    if filters.get("category"):
        qs = qs.filter(category_q(filters["category"], as_of=as_of, idle_days=settings_get().idle_days))
    if str(filters.get("standard", "")).lower() in ("1", "true", "yes", "on"):
        qs = qs.filter(standard_land=True)
    return apply_sort(qs, filters.get("sort"), PARCEL_SORTS, default=("code",))


def _as_date(value) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def parcel_get(*, user: User, parcel_id: int) -> Parcel:
    return get_in_scope(parcel_queryset(user=user).select_related("standard_condition")
                        .prefetch_related("documents", "disposals", "standard_checks"), pk=parcel_id)


def standard_parcels(*, user: User, filters: Mapping[str, str] | None = None) -> QuerySet[Parcel]:
    return parcel_list(user=user, filters={**(filters or {}), "standard": "1"}).select_related("standard_condition")


def open_disposals(*, user: User) -> QuerySet[DisposalAction]:
    return (DisposalAction.objects.filter(scope_for(user).region_q("parcel__region"))
            .exclude(status=DisposalAction.Status.DONE).select_related("parcel"))


# --- low-efficiency land -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    parcel_id: int
    tax_per_mu: Decimal | None
    tax_threshold: Decimal
    intensity: Decimal | None
    intensity_threshold: Decimal
    klass: str
    run_id: int

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.tax_per_mu is not None and self.tax_per_mu < self.tax_threshold:
            out.append(f"亩均税收 {self.tax_per_mu} < {self.tax_threshold}")
        if self.intensity is not None and self.intensity < self.intensity_threshold:
            out.append(f"投资强度 {self.intensity} < {self.intensity_threshold}")
        return out


def latest_published_run():
    from devzone.evaluation.models import EvaluationRun

    return (EvaluationRun.objects.filter(scheme_key="mujun", published=True, unit="enterprise")
            .order_by("-year", "-published_at", "-pk").first())


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except Exception:
        return None


def low_efficiency_findings(*, user: User) -> dict[int, Finding]:
    """Parcels in use whose enterprise's 亩均税收 (from the latest published 亩均 evaluation) or whose investment
    intensity (project investment / parcel area) is below the zone's threshold. Three queries."""
    from devzone.evaluation.models import EvaluationResultRow

    run = latest_published_run()
    if run is None:
        return {}
    settings = settings_get()
    parcels = list(parcel_queryset(user=user).filter(enterprise__isnull=False, used_on__isnull=False)
                   .select_related("zone__land_rule"))
    rows = EvaluationResultRow.objects.filter(run=run, enterprise_id__in={p.enterprise_id for p in parcels},
                                              participates=True).values_list("enterprise_id", "values", "klass")
    by_enterprise = {eid: (values or {}, klass) for eid, values, klass in rows}
    found = {}
    for parcel in parcels:
        if parcel.enterprise_id not in by_enterprise:
            continue
        values, klass = by_enterprise[parcel.enterprise_id]
        rule = getattr(parcel.zone, "land_rule", None) if parcel.zone_id else None
        tax_threshold = rule.tax_per_mu_threshold if rule else settings.tax_per_mu_threshold
        intensity_threshold = parcel.zone.intensity_threshold if parcel.zone_id else Decimal("180")
        intensity = (_decimal(parcel.project.total_investment / parcel.area_mu)
                     if parcel.project_id and parcel.area_mu else None)
        finding = Finding(parcel.pk, _decimal(values.get("tax_per_mu")), tax_threshold, intensity,
                          intensity_threshold, klass, run.pk)
        if finding.reasons:
            found[parcel.pk] = finding
    return found


def low_efficiency_list(*, user: User, filters: Mapping[str, str] | None = None) -> tuple[QuerySet[Parcel],
                                                                                            dict[int, Finding]]:
    findings = low_efficiency_findings(user=user)
    qs = parcel_list(user=user, filters={k: v for k, v in (filters or {}).items() if k != "category"})
    return qs.filter(pk__in=list(findings)), findings


# --- map -----------------------------------------------------------------------------------------------

def parcel_geojson(*, user: User) -> dict:
    """A FeatureCollection of the parcels in scope that have a location (polygon, else point)."""
    features = []
    as_of = today()
    for parcel in parcel_queryset(user=user).exclude(geometry__isnull=True, lon__isnull=True).order_by("code"):
        geometry = parcel.geometry or {"type": "Point", "coordinates": [float(parcel.lon), float(parcel.lat)]}
        if parcel.geometry is None and parcel.lat is None:
            continue
        features.append({"type": "Feature", "geometry": geometry, "properties": {
            "id": parcel.pk, "code": parcel.code, "state": parcel.state_on(as_of), "area_mu": str(parcel.area_mu),
            "standard_land": parcel.standard_land, "url": reverse("land:parcel", args=[parcel.pk])}})
    return {"type": "FeatureCollection", "features": features}


def zone_rule_map() -> dict[int, ZoneLandRule]:
    return {rule.zone_id: rule for rule in ZoneLandRule.objects.all()}
