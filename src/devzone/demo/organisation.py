"""Demo step: the fictional province, city, counties, townships, zones, departments and users."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import make_password

from devzone.core.models import Department, Region, Role, User, Zone
from devzone.demo import names
from devzone.demo.context import DemoContext

DEMO_PASSWORD = "devzone-demo"


def county_names(count: int, rng) -> list[str]:
    """The eight named counties, then generated two-character names (never repeating)."""
    result = list(names.COUNTIES[:count])
    seen = set(result)
    while len(result) < count:
        name = rng.choice(names.COUNTY_FIRST) + rng.choice(names.COUNTY_SECOND) + rng.choice(["县", "区"])
        if name not in seen:
            seen.add(name)
            result.append(name)
    return result


def _region(name: str, level: str, parent: Region | None, code: str, order: int) -> Region:
    region = Region.objects.create(name=name, level=level, parent=parent, code=code, sort_order=order)
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.save(update_fields=["path"])
    return region


def build_regions(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("regions")
    province = _region(names.PROVINCE[0], Region.Level.PROVINCE, None, names.PROVINCE[1], 0)
    city = _region(names.CITY[0], Region.Level.CITY, province, names.CITY[1], 0)
    ctx.city = city
    townships = 0
    for index, county_name in enumerate(county_names(8 * ctx.scale, rng), start=1):
        code = f"9901{index + 1:02d}" if index < 99 else ""
        county = _region(county_name, Region.Level.COUNTY, city, code, index)
        ctx.counties.append(county)
        words = rng.sample(names.TOWNSHIP_WORDS, 3)
        for t_index, word in enumerate(words, start=1):
            t_code = f"{code}{t_index:03d}" if code else ""
            suffix = "街道" if county_name.endswith("区") else rng.choice(names.TOWNSHIP_SUFFIXES[:2])
            ctx.townships.setdefault(county.pk, []).append(
                _region(f"{word}{suffix}", Region.Level.TOWNSHIP, county, t_code, t_index))
            townships += 1
    return {"regions": 2 + len(ctx.counties) + townships}


def build_zones(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("zones")
    city_short = names.CITY[0][:2]
    counties = ctx.counties
    specs = [
        (f"{city_short}经济技术开发区", Zone.Level.NATIONAL, Zone.Kind.ETDZ, counties[0], 180, "装备制造、新能源汽车"),
        (f"{city_short}高新技术产业开发区", Zone.Level.PROVINCIAL, Zone.Kind.HIGH_TECH, counties[1], 280,
         "电子信息、新材料"),
        (f"{city_short}综合保税区", Zone.Level.NATIONAL, Zone.Kind.BONDED, counties[0], 180, "保税加工、跨境电商"),
    ]
    zones = []
    for name, level, kind, county, threshold, industries in specs:
        zones.append(Zone(name=name, short_name=name.replace(city_short, "")[:8], level=level, kind=kind,
                          region=county, intensity_threshold=Decimal(threshold), leading_industries=industries,
                          planned_area_km2=Decimal(rng.randint(3000, 9000)) / 100, star_rating=rng.randint(3, 5),
                          management_body=f"{name}管理委员会", established_year=rng.randint(1992, 2012)))
    chains = list(names.CHAINS)
    taken = {spec[0] for spec in specs}
    per_scale = 10 * ctx.scale - len(specs) - 1
    for index in range(per_scale):
        county = counties[index % len(counties)]
        chain = chains[index % len(chains)]
        level = Zone.Level.PROVINCIAL if index < len(counties) else Zone.Level.COUNTY
        kind = Zone.Kind.CLUSTER if index < len(counties) else Zone.Kind.PARK
        name = f"{county.name}产业集聚区" if kind == Zone.Kind.CLUSTER else f"{county.name}{chain}产业园"
        name = _unique(name, taken)
        zones.append(Zone(name=name, short_name=name[:8], level=level, kind=kind, region=county,
                          intensity_threshold=Decimal(180 if level != Zone.Level.COUNTY else 150),
                          leading_industries=chain, planned_area_km2=Decimal(rng.randint(500, 3000)) / 100,
                          star_rating=rng.randint(1, 4), management_body=f"{name}管理委员会",
                          established_year=rng.randint(2000, 2020)))
    for zone in zones:
        zone.built_area_km2 = (zone.planned_area_km2 * Decimal(rng.randint(40, 95)) / 100).quantize(Decimal("0.01"))
    created = Zone.objects.bulk_create(zones)
    etdz = created[0]
    sub_park = Zone.objects.create(
        name=f"{city_short}经济技术开发区{counties[2].name[:2]}园区", short_name=f"经开区{counties[2].name[:2]}园",
        level=Zone.Level.NATIONAL, kind=Zone.Kind.PARK, region=counties[2], parent=etdz,
        intensity_threshold=Decimal(180), leading_industries="装备制造", planned_area_km2=Decimal("12.50"),
        built_area_km2=Decimal("6.80"), management_body=f"{etdz.name}管理委员会", established_year=2015)
    ctx.zones = [*created, sub_park]
    return {"zones": len(ctx.zones)}


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}{number}"
    taken.add(candidate)
    return candidate


def build_departments(ctx: DemoContext) -> dict[str, int]:
    departments = Department.objects.bulk_create(
        [Department(code=code, name=name, short_name=short, region=ctx.city)
         for code, name, short in names.DEPARTMENTS])
    ctx.departments = {d.code: d for d in departments}
    return {"departments": len(departments)}


def build_users(ctx: DemoContext) -> dict[str, int]:
    """admin, city, county1…countyN and a few department users, all with the demo password."""
    rng = ctx.rng("users")
    hashed = make_password(DEMO_PASSWORD)
    roles = {r.code: r for r in Role.objects.all()}

    def person() -> str:
        return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.randint(1, 2)))

    specs: list[tuple[str, str, dict, list[str], str]] = [
        ("admin", "系统管理员", {"is_superuser": True, "is_staff": True}, [], "系统管理员"),
        ("city", person(), {"region": ctx.city}, [Role.Code.PROJECT_OFFICE], "市发改委大项目办"),
        ("leader", person(), {"region": ctx.city}, [Role.Code.CITY_LEADER], "副市长"),
        ("supervisor", person(), {"department": ctx.departments["supervision"]}, [Role.Code.SUPERVISION],
         "两办督查室"),
        ("industry", person(), {"department": ctx.departments["industry"]}, [Role.Code.INDUSTRY], "市工信局"),
        ("investment", person(), {"department": ctx.departments["commerce"]}, [Role.Code.INVESTMENT], "市商务局"),
    ]
    specs += [(f"county{i}", person(), {"region": county}, [Role.Code.COUNTY], f"{county.name}发改局")
              for i, county in enumerate(ctx.counties, start=1)]
    users = User.objects.bulk_create([
        User(username=username, display_name=display, password=hashed, unit=unit, **extra)
        for username, display, extra, _codes, unit in specs])
    through = User.roles.through
    through.objects.bulk_create([through(user_id=user.pk, role_id=roles[code].pk)
                                 for user, spec in zip(users, specs, strict=True) for code in spec[3]])
    ctx.users = {u.username: u for u in users}
    return {"users": len(users)}
