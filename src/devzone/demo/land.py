"""Demo step: land quotas for 2026 (grants, transfers to zones, paid swaps, allocations to projects), parcels
in every state of 批 → 征 → 供 → 用 (some 三未, some idle), parcels of evaluated enterprises (low-efficiency
land), standard land with conditions, and disposal actions. Everything goes through land.services (audited);
deterministic for a scale (the step's own random stream, dates fixed around the demo's last month)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from devzone.core.models import Zone
from devzone.demo.context import DemoContext
from devzone.land import services
from devzone.land.models import DisposalAction, ZoneLandRule
from devzone.projects.models import Stage

YEAR = 2026
AS_OF = date(2026, 10, 31)
TAX_THRESHOLD = {Zone.Level.NATIONAL: Decimal("25"), Zone.Level.PROVINCIAL: Decimal("18"),
                 Zone.Level.COUNTY: Decimal("12")}
STARTED = {Stage.STARTED, Stage.COMPLETED, Stage.PRODUCING, Stage.EFFECTIVE}
ROADS = ["纬一路", "经三路", "滨河大道", "创业大道", "科技路", "工业大道", "金山路", "兴业路", "长青路", "龙湖路"]


def _day(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _dates(rng, state: str) -> dict[str, date]:
    """Dates for a parcel that stands at `state` on AS_OF ("idle": supplied more than two years ago)."""
    approved = _day(rng, date(2021, 1, 1), date(2026, 6, 30))
    if state == "idle":
        approved = _day(rng, date(2020, 1, 1), date(2023, 6, 30))
    if state == "approved":
        return {"approved_on": approved}
    expropriated = min(approved + timedelta(days=rng.randint(20, 200)), AS_OF - timedelta(days=60))
    expropriated = max(expropriated, approved)
    if state == "expropriated":
        return {"approved_on": approved, "expropriated_on": expropriated}
    supplied = max(expropriated, min(expropriated + timedelta(days=rng.randint(20, 150)), AS_OF - timedelta(days=30)))
    if state == "idle":
        supplied = min(supplied, date(2024, 6, 30))
    dates = {"approved_on": approved, "expropriated_on": expropriated, "supplied_on": supplied}
    if state == "used":
        dates["used_on"] = min(supplied + timedelta(days=rng.randint(30, 240)), AS_OF)
    return dates


def _quotas(ctx: DemoContext, rng, projects: list) -> int:
    city = ctx.users["city"]
    on = date(YEAR, 2, 20)
    accounts = {}
    for county in ctx.counties:
        accounts[county.pk] = services.account_for(year=YEAR, region=county)
        services.quota_grant(actor=city, account=accounts[county.pk], area_mu=rng.randint(30, 90) * 10, on=on,
                             note=f"{YEAR}年度新增建设用地计划指标")
    moves = len(ctx.counties)
    for zone in ctx.zones:
        source = accounts.get(zone.region_id)
        if source is None:
            continue
        area = _affordable(source, rng.randint(5, 20) * 10)  # at scale N a county has more zones to serve
        if not area:
            continue
        target = services.account_for(year=YEAR, zone=zone)
        services.quota_transfer(actor=city, source=source, target=target, area_mu=area,
                                on=on + timedelta(days=10), note="县区统筹安排至园区")
        moves += 2
    counties = list(ctx.counties)
    for _ in range(max(2, len(counties) // 3)):
        a, b = rng.sample(counties, 2)
        area = _affordable(accounts[a.pk], rng.randint(2, 8) * 10)
        if not area:
            continue
        services.quota_transfer(actor=city, source=accounts[a.pk], target=accounts[b.pk],
                                area_mu=area, on=date(YEAR, 5, rng.randint(1, 28)),
                                price_per_mu=Decimal(rng.randint(10, 30)), note="跨县区有偿调剂")
        moves += 2
    for project in projects:
        if project.land_mu is None or project.stage not in STARTED or not project.land_mu:
            continue
        county = next((c for c in counties if project.region.path.startswith(c.path)), None)
        account = accounts.get(county.pk) if county else None
        if account is None or services.account_balance(account) < project.land_mu:
            continue
        services.quota_allocate(actor=city, account=account, project=project, area_mu=project.land_mu,
                                on=date(YEAR, rng.randint(3, 10), rng.randint(1, 28)), note="项目用地指标")
        moves += 1
    return moves


def _affordable(account, wanted: int) -> int:
    """`wanted` 亩, or at most half of what the account still holds (whole tens), so no demo move overdraws."""
    half = int(services.account_balance(account) / 2) // 10 * 10
    return min(wanted, half)


def _parcel(ctx, rng, n: int, state: str, *, region, zone=None, project=None, enterprise=None, area=None):
    base = project if project is not None and project.lon is not None else None
    lon = base.lon if base else Decimal(str(round(113.2 + rng.uniform(0, 1.1), 6)))
    lat = base.lat if base else Decimal(str(round(34.1 + rng.uniform(0, 0.8), 6)))
    data = {"code": f"DK{YEAR}-{n:04d}", "name": f"{region.name}{rng.choice(ROADS)}{rng.choice('东西南北')}侧地块",
            "region": region, "zone": zone, "area_mu": area or Decimal(rng.randint(20, 300)),
            "use": "industrial" if rng.random() < 0.85 else "warehouse", "lon": lon, "lat": lat,
            "project": project, "enterprise": enterprise, **_dates(rng, state)}
    return services.parcel_create(actor=ctx.users["city"], data=data)


def _parcels(ctx: DemoContext, rng, projects: list) -> list:
    parcels = []
    states = ["approved"] * 3 + ["expropriated"] * 3 + ["supplied"] * 2 + ["idle"] * 2 + ["used"] * 6
    with_land = [p for p in projects if p.land_mu and p.stage in STARTED][: 60 * ctx.scale]
    for project in with_land:
        state = "used" if rng.random() < 0.7 else rng.choice(states)
        parcels.append(_parcel(ctx, rng, len(parcels) + 1, state, region=project.region, zone=project.zone,
                               project=project, enterprise=project.owner, area=project.land_mu))
    evaluated = sorted((e for e in ctx.enterprises if e.above_size), key=lambda e: e.credit_code)
    for enterprise in rng.sample(evaluated, min(len(evaluated), 40 * ctx.scale)):
        parcels.append(_parcel(ctx, rng, len(parcels) + 1, "used", region=enterprise.region, zone=enterprise.zone,
                               enterprise=enterprise))
    zones = list(ctx.zones)
    for _ in range(30 * ctx.scale):
        zone = rng.choice(zones)
        parcels.append(_parcel(ctx, rng, len(parcels) + 1, rng.choice(states[:10]), region=zone.region, zone=zone))
    return parcels


def _standard(ctx: DemoContext, rng, parcels: list) -> tuple[int, int]:
    city = ctx.users["city"]
    standard = [p for p in parcels if p.project_id and rng.random() < 0.3]
    checks = 0
    for parcel in standard:
        threshold = parcel.zone.intensity_threshold if parcel.zone_id else Decimal("180")
        services.standard_condition_set(actor=city, parcel=parcel, data={
            "min_investment_intensity": threshold, "min_tax_per_mu": Decimal(rng.choice([10, 15, 20])),
            "max_energy_per_output": Decimal("0.35"), "max_emission_per_output": Decimal("0.05")})
        if parcel.project.stage == Stage.EFFECTIVE:
            checks += len(services.standard_checks_run(actor=city, project=parcel.project, on=AS_OF))
    return len(standard), checks


CATEGORY_OF = {"approved": "approved_not_expropriated", "expropriated": "expropriated_not_supplied",
               "supplied": "supplied_not_used"}


def _disposals(ctx: DemoContext, rng, parcels: list) -> int:
    city = ctx.users["city"]
    count = 0
    for parcel in parcels:
        state = parcel.state_on(AS_OF)
        idle = state == "supplied" and parcel.supplied_on <= AS_OF - timedelta(days=730)
        category = "idle" if idle else CATEGORY_OF.get(state)
        if category is None or rng.random() < 0.4:
            continue
        action = rng.choice(["reclaim", "revitalise"] if idle else ["rectify", "revitalise"])
        disposal = services.disposal_create(actor=city, parcel=parcel, data={
            "category": category, "action": action, "responsible": f"{parcel.region.name}自然资源局",
            "due_on": AS_OF + timedelta(days=rng.randint(30, 180)), "plan": "限期完成处置,按月报送进展"})
        if rng.random() < 0.3:
            services.disposal_progress(actor=city, disposal=disposal, status=DisposalAction.Status.DONE,
                                       done_on=AS_OF - timedelta(days=rng.randint(1, 60)), result="已按计划处置到位")
        count += 1
    return count


def build_land(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("land")
    for zone in ctx.zones:
        ZoneLandRule.objects.create(zone=zone, tax_per_mu_threshold=TAX_THRESHOLD.get(zone.level, Decimal("15")))
    projects = sorted(ctx.extra.get("projects", []), key=lambda p: p.pk)
    moves = _quotas(ctx, rng, projects)
    parcels = _parcels(ctx, rng, projects)
    standard, checks = _standard(ctx, rng, parcels)
    disposals = _disposals(ctx, rng, parcels)
    return {"land_quota_movements": moves, "parcels": len(parcels), "standard_land_parcels": standard,
            "standard_land_checks": checks, "land_disposals": disposals}
