"""Demo step: enterprises with credit codes, flags, and three years of annual data."""

from __future__ import annotations

import math
from decimal import Decimal

from devzone.demo import names
from devzone.demo.context import DemoContext
from devzone.enterprises.credit_code import ALPHABET, check_character
from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry

ENTERPRISES_PER_SCALE = 3000
DATA_YEARS = (2023, 2024, 2025)
BATCH = 2000


def credit_code(rng, region_code: str, taken: set[str]) -> str:
    """A valid, unique 统一社会信用代码: 9 (market regulator) 1 (company), region, organisation code, check."""
    while True:
        body = "91" + (region_code or "990100")[:6] + "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_character(body)
        if code not in taken:
            taken.add(code)
            return code


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _pick_industry(rng, industries: dict[str, Industry]) -> tuple[Industry, str]:
    if rng.random() < 0.85:
        chain = rng.choice(list(names.CHAINS))
        divisions, words = names.CHAINS[chain]
        return industries[rng.choice(divisions)], rng.choice(words)
    code = rng.choice(names.OTHER_DIVISIONS)
    return industries[code], industries[code].name[:2]


def _enterprise(rng, ctx: DemoContext, industries: dict[str, Industry], taken: set[str],
                used_names: set[str]) -> Enterprise:
    county = rng.choice(ctx.counties)
    region = rng.choice(ctx.townships[county.pk]) if rng.random() < 0.6 else county
    zones = [z for z in ctx.zones if z.region_id == county.pk]
    zone = rng.choice(zones) if zones and rng.random() < 0.7 else None
    industry, word = _pick_industry(rng, industries)
    prefix = county.name[:2] if rng.random() < 0.5 else names.CITY[0][:2]
    while True:
        brand = rng.choice(names.FIRM_WORDS) + rng.choice(names.FIRM_WORDS)
        name = f"{prefix}{brand}{word}{rng.choice(names.COMPANY_FORMS)}"
        if name not in used_names:
            used_names.add(name)
            break
        prefix = rng.choice(names.FIRM_WORDS) + rng.choice(names.FIRM_WORDS)
    above = rng.random() < 0.32
    start_year = rng.randint(1998, 2025)
    return Enterprise(
        credit_code=credit_code(rng, region.code or county.code, taken), name=name, region=region, zone=zone,
        industry=industry,
        size=rng.choices(["large", "medium", "small", "micro"], [2, 10, 50, 38] if not above else [8, 35, 57, 0])[0],
        legal_representative=rng.choice(names.SURNAMES) + rng.choice(names.GIVEN) + rng.choice(names.GIVEN),
        address=f"{county.name}{region.name if region != county else ''}{rng.randint(1, 399)}号",
        production_start_year=start_year,
        stats_status="in" if above else rng.choice(["none", "none", "kept", "out"]),
        above_size=above, high_tech=rng.random() < (0.18 if above else 0.03),
        specialised=rng.random() < (0.12 if above else 0.02), little_giant=above and rng.random() < 0.02,
        single_champion=above and rng.random() < 0.004, chain_leader=above and rng.random() < 0.01,
        listed=above and rng.random() < 0.01, listing_reserve=above and rng.random() < 0.03,
        global500_sub=rng.random() < 0.002, china500_sub=rng.random() < 0.004,
    )


def _years(rng, enterprise: Enterprise) -> list[EnterpriseYear]:
    """Three years with plausible ratios (tax ≈ 3–7% of revenue, value added ≈ 20–35% of output)."""
    scale = 1.0 if enterprise.above_size else 0.08
    revenue = math.exp(rng.gauss(9.3, 0.9)) * scale  # 万元: median ≈ 1.1亿 for 规上
    land = max(5.0, math.exp(rng.gauss(3.9, 0.6)) * (1.0 if enterprise.above_size else 0.3))
    employees = max(8, int(revenue / rng.uniform(60, 140)))
    rows = []
    for year in DATA_YEARS:
        if enterprise.production_start_year and year < enterprise.production_start_year:
            continue
        revenue *= rng.uniform(0.9, 1.18)
        output = revenue * rng.uniform(0.9, 1.05)
        value_added = output * rng.uniform(0.2, 0.35)
        missing_energy = rng.random() < 0.02
        rows.append(EnterpriseYear(
            enterprise=enterprise, year=year, land_mu=_money(land), revenue=_money(revenue), output=_money(output),
            value_added=_money(value_added), tax=_money(revenue * rng.uniform(0.025, 0.07)),
            profit=_money(revenue * rng.uniform(-0.03, 0.12)), employees=int(employees * rng.uniform(0.95, 1.08)),
            energy_tce=None if missing_energy else _money(output * rng.uniform(0.01, 0.12)),
            emission_eq=Decimal(str(round(output * rng.uniform(0.0, 0.004), 3))),
            rd_expense=_money(revenue * rng.uniform(0.0, 0.05)),
            electricity_kwh=Decimal(int(output * rng.uniform(300, 1500))),
            sources={"tax": "tax", "electricity_kwh": "power", "land_mu": "land"},
        ))
    return rows


def build_enterprises(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("enterprises")
    industries = {i.code: i for i in Industry.objects.all()}
    taken: set[str] = set()
    used_names: set[str] = set()
    total = ENTERPRISES_PER_SCALE * ctx.scale
    year_rows = 0
    for start in range(0, total, BATCH):
        batch = [_enterprise(rng, ctx, industries, taken, used_names) for _ in range(min(BATCH, total - start))]
        created = Enterprise.objects.bulk_create(batch)
        years = [row for enterprise in created for row in _years(rng, enterprise)]
        EnterpriseYear.objects.bulk_create(years, batch_size=BATCH)
        year_rows += len(years)
        ctx.enterprises.extend(created)
    return {"enterprises": total, "enterprise_years": year_rows}
