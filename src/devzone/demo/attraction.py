"""Demo steps: the six industry chains (links filled from the demo enterprises) and investment attraction — leads in
every stage with follow-up histories (some stale, some breaking the negative list), agreements tied to the signed
projects of the ledger when the projects step ran before, fulfilment records, activities with leaders, directories,
counties' commitments, and the five rules run once as of DEMO_TODAY.

Deterministic: everything is drawn from `ctx.rng("chains")` and `ctx.rng("attraction")` in a fixed order, and the
reference date is fixed (never the machine's clock).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from devzone.attraction.config import attraction_settings
from devzone.attraction.models import (
    Activity,
    Agent,
    Agreement,
    AgreementProgress,
    Commitment,
    Contact,
    FollowUp,
    Lead,
    Leader,
    LeadStageChange,
    NegativeListRule,
    TargetEnterprise,
)
from devzone.attraction.rules import apply_lead_rules
from devzone.chains.config import chain_settings
from devzone.chains.models import Chain, ChainLink, ChainSegment
from devzone.demo import names
from devzone.demo.context import DemoContext
from devzone.enterprises.models import Industry

DEMO_TODAY = date(2026, 11, 16)
FIRST_DAY = date(2024, 11, 1)
LEADS_PER_SCALE = 400
TARGETS_PER_SCALE = 120
CONTACTS_PER_SCALE = 60
AGENTS_PER_SCALE = 10
LINK_ENTERPRISE_CAP = 40

# Per chain: the product words of names.CHAINS become links (so enterprises and ledger projects land on them), laid
# out upstream → downstream, plus links the city lacks (the gaps an investment team targets).
SEGMENTS = (("upstream", "上游"), ("midstream", "中游"), ("downstream", "下游"))
GAP_LINKS = {
    "纺织服装": [("upstream", "化纤原料", "C28"), ("downstream", "品牌设计", "M74")],
    "装备制造": [("upstream", "精密铸锻件", "C33"), ("downstream", "工业软件", "I65")],
    "食品加工": [("upstream", "良种繁育", "A01"), ("downstream", "冷链物流", "G59")],
    "新材料": [("upstream", "稀土功能材料", "C32"), ("downstream", "复合材料制品", "C30")],
    "电子信息": [("upstream", "集成电路设计", "I65"), ("downstream", "智能终端", "C39")],
    "新能源汽车": [("upstream", "锂电材料", "C26"), ("downstream", "整车制造", "C36")],
}
CHAIN_CHIEFS = ["副市长", "常务副市长", "副市长", "市委常委", "副市长", "副市长"]
SOURCES = [("entrusted", 10), ("business", 20), ("chain", 25), ("expo", 12), ("office", 8), ("native", 15),
           ("online", 10)]
STAGES = [("clue", 24), ("contacted", 18), ("visited", 15), ("negotiating", 21), ("signed", 12), ("dropped", 10)]
ORDER = ["clue", "contacted", "visited", "negotiating", "signed"]
WAYS = ["visit", "phone", "meeting", "inspection", "online"]
FOLLOW_UP_TEXT = ["与企业负责人电话沟通投资意向", "上门拜访企业总部,介绍园区政策", "陪同客商实地考察园区地块",
                  "召开项目对接会,研究用地和配套需求", "视频会议沟通项目可研和投资强度", "反馈企业关于用电增容的诉求",
                  "与企业商谈投资协议文本", "邀请企业参加推介会"]
NEXT_STEPS = ["安排实地考察", "提交项目可研", "商谈协议条款", "报县政府常务会研究", "等待企业董事会决策", ""]
DROP_REASONS = ["企业投资计划调整", "已落户其他地区", "不符合园区产业定位", "投资强度达不到要求", "长期无实质进展"]
CITIES = ["深圳", "上海", "苏州", "杭州", "宁波", "广州", "北京", "厦门", "温州", "青岛", "成都", "香港"]
LEADER_POSTS = ["{k}委书记", "{k}长", "常务副{k}长", "分管副{k}长"]  # 县 / 区 / 市 by the county's name
HALVES = [(date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31)),
          (date(2026, 1, 1), date(2026, 6, 30)), (date(2026, 7, 1), DEMO_TODAY)]
NEGATIVE_RULES = [
    ("炼焦、石油加工", "industry", "C25", None),
    ("黑色金属冶炼", "industry", "C31", None),
    ("高耗能项目", "energy", "", Decimal("0.5")),
    ("投资强度低于园区门槛", "intensity", "", None),
]


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def _day(rng, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


def _person(rng) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.randint(1, 2)))


# --- chains --------------------------------------------------------------------------------------------

def build_chains(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("chains")
    chain_settings()
    enterprises = ctx.enterprises or []
    by_word: dict[tuple[str, str], list] = {}
    divisions = {name: set(codes) for name, (codes, _words) in names.CHAINS.items()}
    industry_codes = {i.pk: i.code for i in Industry.objects.only("pk", "code")}
    for enterprise in enterprises:
        code = industry_codes.get(enterprise.industry_id, "")
        for chain_name, (_codes, words) in names.CHAINS.items():
            if code in divisions[chain_name]:
                for word in words:
                    if word in enterprise.name:
                        by_word.setdefault((chain_name, word), []).append(enterprise)
    chains, links = [], 0
    through = ChainLink.enterprises.through
    for order, (chain_name, (codes, words)) in enumerate(names.CHAINS.items()):
        chain = Chain.objects.create(name=chain_name, industry_codes=",".join(codes), sort_order=order,
                                     leader_name=_person(rng), leader_post=CHAIN_CHIEFS[order % len(CHAIN_CHIEFS)],
                                     description=f"{names.CITY[0]}重点培育的{chain_name}产业链")
        segments = {position: ChainSegment.objects.create(chain=chain, position=position, name=label, sort_order=i)
                    for i, (position, label) in enumerate(SEGMENTS)}
        weak_word = rng.choice(words)
        rows, members = [], []
        for index, word in enumerate(words):
            position = SEGMENTS[min(index * 3 // len(words), 2)][0]
            link = ChainLink.objects.create(segment=segments[position], name=word, keywords=word, sort_order=index,
                                            industry_codes=",".join(codes), key_link=index == 1)
            found = sorted(by_word.get((chain_name, word), []), key=lambda e: (not e.above_size, e.pk))
            if word == weak_word:
                found = [e for e in found if not e.above_size][:2]
            chosen = found[:LINK_ENTERPRISE_CAP]
            rows += [through(chainlink_id=link.pk, enterprise_id=e.pk) for e in chosen]
            members += chosen
            links += 1
        for index, (position, name, code) in enumerate(GAP_LINKS[chain_name]):
            ChainLink.objects.create(segment=segments[position], name=name, industry_codes=code, key_link=True,
                                     sort_order=len(words) + index, note="缺链环节,列入精准招商目标")
            links += 1
        through.objects.bulk_create(rows)
        anchors = sorted({e.pk: e for e in members if e.above_size}.values(),
                         key=lambda e: (not e.chain_leader, e.pk))[:2]
        chain.anchor_enterprises.set(anchors)
        chains.append(chain)
    ctx.extra["chains"] = chains
    return {"chains": len(chains), "chain_links": links}


# --- attraction ----------------------------------------------------------------------------------------

def _links(ctx: DemoContext) -> dict[str, list[ChainLink]]:
    result: dict[str, list[ChainLink]] = {}
    for link in ChainLink.objects.select_related("segment__chain").order_by("segment__chain__sort_order", "pk"):
        result.setdefault(link.segment.chain.name, []).append(link)
    return result


def _signed_projects() -> dict[int, list]:
    """Ledger projects that were signed (agreement amount set), by county id, latest signing first; empty without
    the projects step."""
    from django.apps import apps

    try:
        project_model = apps.get_model("projects", "Project")
        stage_model = apps.get_model("projects", "ProjectStage")
    except LookupError:
        return {}
    signed_on = dict(stage_model.objects.filter(stage="signed").values_list("project_id", "actual_date"))
    result: dict[int, list] = {}
    projects = (project_model.objects.filter(agreement_amount__isnull=False, category="industry")
                .exclude(stage="cancelled").select_related("region").order_by("pk"))
    for project in projects:
        if project.pk not in signed_on or signed_on[project.pk] is None:
            continue
        project.demo_signed_on = signed_on[project.pk]
        county_id = int(project.region.path.strip("/").split("/")[2])
        result.setdefault(county_id, []).append(project)
    for items in result.values():  # the lead ledger started in 2024-11: its signed leads are the recent signings
        items.sort(key=lambda project: (project.demo_signed_on, project.pk), reverse=True)
    return result


def _negative_rules() -> list[NegativeListRule]:
    return NegativeListRule.objects.bulk_create([
        NegativeListRule(name=name, kind=kind, industry_codes=codes, max_energy_per_output=limit,
                         note="三个一律不招") for name, kind, codes, limit in NEGATIVE_RULES])


def _leaders(ctx: DemoContext, rng) -> dict[int, list[Leader]]:
    leaders = [Leader(name=_person(rng), post=post.format(k=county.name[-1]), region=county)
               for county in ctx.counties for post in LEADER_POSTS]
    leaders += [Leader(name=_person(rng), post=post, region=ctx.city) for post in ("市长", "分管副市长")]
    created = Leader.objects.bulk_create(leaders)
    result: dict[int, list[Leader]] = {}
    for leader in created:
        result.setdefault(leader.region_id, []).append(leader)
    return result


def _activities(ctx: DemoContext, rng, leaders: dict[int, list[Leader]]) -> list[Activity]:
    activities, leader_rows = [], []
    kinds = [("outbound", 45), ("inbound", 25), ("promotion", 15), ("online", 15)]
    for county in [*ctx.counties, ctx.city]:
        team = leaders.get(county.pk, [])
        for _ in range(8 if county != ctx.city else 6):
            kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
            start = _day(rng, date(2025, 1, 6), DEMO_TODAY - timedelta(days=5))
            place = rng.choice(CITIES) if kind != "inbound" else county.name
            chain = rng.choice(list(names.CHAINS))
            title = {"outbound": f"赴{place}开展{chain}产业链招商", "inbound": f"{place}客商来{county.name}考察对接",
                     "promotion": f"{county.name}({place}){chain}产业投资推介会",
                     "online": f"{chain}项目“不见面”视频洽谈会"}[kind]
            activity = Activity(title=title, kind=kind, region=county, start_date=start,
                                end_date=start + timedelta(days=rng.randint(0, 4)), place=place,
                                batches=rng.randint(1, 6), person_times=rng.randint(3, 40),
                                summary=f"对接企业{rng.randint(2, 15)}家,达成合作意向{rng.randint(0, 4)}个。")
            activity.demo_leaders = rng.sample(team, k=min(len(team), rng.randint(1, 2))) if team else []
            activities.append(activity)
        for leader in team:  # most leaders lead an outbound trip every half-year (the quota); some fall behind
            for first, last in HALVES:
                if rng.random() < 0.8:
                    start = _day(rng, first, last - timedelta(days=4))
                    place, chain = rng.choice(CITIES), rng.choice(list(names.CHAINS))
                    activity = Activity(title=f"{leader.name}带队赴{place}开展{chain}产业链招商", kind="outbound",
                                        region=county, start_date=start, end_date=start + timedelta(days=3),
                                        place=place, batches=rng.randint(1, 4), person_times=rng.randint(4, 15),
                                        summary=f"拜访企业{rng.randint(3, 12)}家,洽谈项目{rng.randint(1, 5)}个。")
                    activity.demo_leaders = [leader]
                    activities.append(activity)
    created = Activity.objects.bulk_create(activities)
    through = Activity.leaders.through
    for activity in created:
        leader_rows += [through(activity_id=activity.pk, leader_id=leader.pk) for leader in activity.demo_leaders]
    through.objects.bulk_create(leader_rows)
    return created


def _directories(ctx: DemoContext, rng, links: dict[str, list[ChainLink]], industries: dict[str, Industry]):
    targets, used = [], set()
    gap_links = [link for chain_links in links.values() for link in chain_links if link.note]
    for index in range(TARGETS_PER_SCALE * ctx.scale):
        chain_name = rng.choice(list(names.CHAINS))
        codes, words = names.CHAINS[chain_name]
        link = rng.choice(gap_links) if index % 3 == 0 and gap_links else None
        while True:
            name = f"{rng.choice(CITIES)}{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}" \
                   f"{rng.choice(words)}{rng.choice(['集团有限公司', '股份有限公司', '科技股份有限公司'])}"
            if name not in used:
                used.add(name)
                break
        code = link.code_prefixes()[0] if link and link.code_prefixes() else rng.choice(codes)
        global500, china500 = rng.random() < 0.06, rng.random() < 0.15
        targets.append(TargetEnterprise(
            name=name, region=ctx.city if rng.random() < 0.5 else rng.choice(ctx.counties),
            industry=industries.get(code), chain_link=link, headquarters=name[:2], contact_person=_person(rng),
            phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}", global500=global500, china500=china500,
            industry_leader=rng.random() < 0.3, listed=rng.random() < 0.35))
    TargetEnterprise.objects.bulk_create(targets)
    contacts = []
    for _ in range(CONTACTS_PER_SCALE * ctx.scale):
        county = rng.choice(ctx.counties)
        kind = rng.choice(["chamber", "native", "native", "entrepreneur"])
        city = rng.choice(CITIES)
        contacts.append(Contact(
            name=_person(rng), kind=kind, region=county, based_in=city,
            organisation=f"{city}{county.name[:2]}商会" if kind == "chamber" else
            f"{city}{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}实业有限公司",
            post=rng.choice(["会长", "常务副会长", "秘书长", "董事长", "总经理"]),
            phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}"))
    Contact.objects.bulk_create(contacts)
    agents = []
    for _ in range(AGENTS_PER_SCALE * ctx.scale):
        city = rng.choice(CITIES)
        start = _day(rng, date(2024, 1, 1), date(2026, 6, 30))
        agents.append(Agent(name=_person(rng), organisation=f"{names.CITY[0]}驻{city}招商代表处", based_in=city,
                            focus="、".join(rng.sample(list(names.CHAINS), 2)), contract_start=start,
                            contract_end=start + timedelta(days=730), region=ctx.city,
                            phone=f"1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}"))
    return Agent.objects.bulk_create(agents)


def _stage_dates(rng, registered: date, stage: str, stale: bool) -> list[tuple[str, date]]:
    """The dates the lead entered each stage up to `stage` (dropped: from some earlier stage)."""
    reached = ORDER[:ORDER.index(stage) + 1] if stage != "dropped" else ORDER[:rng.randint(1, 4)]
    days, current = [], registered
    last_allowed = DEMO_TODAY - timedelta(days=(200 if stale else 3))
    for index, name in enumerate(reached):
        if index:
            current = min(current + timedelta(days=rng.randint(10, 90)), max(last_allowed, current))
        days.append((name, current))
    if stage == "dropped":
        days.append(("dropped", min(current + timedelta(days=rng.randint(20, 200)), DEMO_TODAY)))
    return days


def build_attraction(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("attraction")
    settings = attraction_settings()
    industries = {i.code: i for i in Industry.objects.all()}
    links = _links(ctx)
    rules = _negative_rules()
    leaders = _leaders(ctx, rng)
    activities = _activities(ctx, rng, leaders)
    agents = _directories(ctx, rng, links, industries)
    projects = _signed_projects()
    users = ctx.users or {}
    county_users = {county.pk: users.get(f"county{i}") for i, county in enumerate(ctx.counties, start=1)}
    activities_by_region: dict[int, list[Activity]] = {}
    for activity in activities:
        activities_by_region.setdefault(activity.region_id, []).append(activity)

    plans = []
    stages = [s for s, _ in STAGES]
    weights = [w for _, w in STAGES]
    signed_budget = {county_id: list(items) for county_id, items in projects.items()}
    for index in range(LEADS_PER_SCALE * ctx.scale):
        county = ctx.counties[index % len(ctx.counties)]
        stage = rng.choices(stages, weights)[0]
        project = None
        if stage == "signed" and signed_budget.get(county.pk):
            project = signed_budget[county.pk].pop(0)
        plans.append(_lead_plan(rng, ctx, county, stage, project, links, industries, county_users,
                                activities_by_region, agents))
    leads = Lead.objects.bulk_create([plan["lead"] for plan in plans])
    changes, follow_ups, agreements = [], [], []
    for lead, plan in zip(leads, plans, strict=True):
        previous = ""
        for stage, day in plan["dates"]:
            changes.append(LeadStageChange(lead=lead, from_stage=previous, to_stage=stage, changed_on=day,
                                           changed_by=lead.responsible_person,
                                           reason=lead.drop_reason if stage == "dropped" else ""))
            previous = stage
        follow_ups += _follow_ups(rng, lead, plan)
        if lead.stage == "signed":
            agreements.append(_agreement(rng, lead, plan, settings))
    LeadStageChange.objects.bulk_create(changes, batch_size=2000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
    agreements = Agreement.objects.bulk_create(agreements)
    progress = [row for agreement in agreements for row in _progress(rng, agreement)]
    AgreementProgress.objects.bulk_create(progress)
    commitments = _commitments(ctx, rng)
    report = apply_lead_rules(today=DEMO_TODAY)
    return {"leads": len(leads), "follow_ups": len(follow_ups), "agreements": len(agreements),
            "activities": len(activities), "target_enterprises": TargetEnterprise.objects.count(),
            "commitments": len(commitments), "negative_rules": len(rules),
            "lead_alerts": report.raised}


def _lead_plan(rng, ctx, county, stage, project, links, industries, county_users, activities_by_region, agents):
    chain_name = rng.choice(list(names.CHAINS))
    codes, words = names.CHAINS[chain_name]
    chain_links = links.get(chain_name, [])
    link = rng.choice(chain_links) if chain_links and rng.random() < 0.8 else None
    word = link.name if link else rng.choice(words)
    investor = f"{rng.choice(CITIES)}{rng.choice(names.FIRM_WORDS)}{rng.choice(names.FIRM_WORDS)}" \
               f"{rng.choice(['集团', '控股集团', '实业', '科技'])}有限公司"
    investment = min(max(math.exp(rng.gauss(10.0, 1.1)), 2000.0), 500000.0)
    zones = [z for z in ctx.zones if z.region_id == county.pk]
    zone = rng.choice(zones) if zones and rng.random() < 0.7 else None
    threshold = float(zone.intensity_threshold) if zone else 180.0
    intensity = threshold * rng.uniform(1.05, 2.5)
    output = investment * rng.uniform(1.0, 2.2)
    energy = output * rng.uniform(0.02, 0.3)
    code = link.code_prefixes()[0] if link and link.code_prefixes() else rng.choice(codes)
    roll = rng.random()
    if stage != "signed" and roll < 0.03:
        code = rng.choice(["C25", "C31"])                       # a banned industry
    elif stage != "signed" and roll < 0.06:
        energy = output * rng.uniform(0.6, 1.5)                 # energy-hungry
    elif stage != "signed" and roll < 0.09:
        intensity = threshold * rng.uniform(0.4, 0.9)           # too little investment per mu
    stale = stage in ("clue", "contacted", "visited", "negotiating") and rng.random() < 0.18
    registered = _day(rng, FIRST_DAY, DEMO_TODAY - timedelta(days=(240 if stale else 20)))
    if project is not None:
        registered = min(registered, project.demo_signed_on - timedelta(days=rng.randint(60, 300)))
    dates = _stage_dates(rng, registered, stage, stale)
    if not stale and stage in ("clue", "contacted", "visited", "negotiating") and \
            dates[-1][1] < DEMO_TODAY - timedelta(days=150):
        shift = DEMO_TODAY - timedelta(days=rng.randint(5, 150)) - dates[-1][1]  # an active lead moved lately
        dates = [(name, day + shift) for name, day in dates]
        registered = dates[0][1]
    if project is not None:  # the lead's stages spread evenly up to the ledger's signing date
        span = (project.demo_signed_on - registered).days
        dates = [(name, registered + timedelta(days=span * i // (len(ORDER) - 1))) for i, name in enumerate(ORDER)]
    user = county_users.get(county.pk)
    townships = ctx.townships.get(county.pk, [])
    region = rng.choice(townships) if townships and rng.random() < 0.25 else county
    region = project.region if project is not None else region
    activity = rng.choice(activities_by_region[county.pk]) if activities_by_region.get(county.pk) and \
        rng.random() < 0.3 else None
    source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
    name = project.name if project is not None else rng.choice([
        f"年产{rng.randint(2, 60)}万{rng.choice(['吨', '件', '套', '台'])}{word}项目", f"{word}产业园项目",
        f"{investor[2:4]}{word}生产基地项目", f"{word}研发制造基地项目"])
    lead = Lead(
        name=name, investor_name=project.agreement_counterpart if project is not None and
        project.agreement_counterpart else investor, source=source, industry=industries.get(code), chain_link=link,
        activity=activity, agent=rng.choice(agents) if source == "entrusted" and agents else None,
        intended_investment=_money(investment), intended_land_mu=_money(investment / intensity),
        expected_output=_money(output), expected_energy_tce=_money(energy), region=region,
        zone=zone if project is None else project.zone, responsible_person=user,
        responsible_unit=f"{county.name}商务局", stage=stage, stage_since=dates[-1][1], registered_on=registered,
        drop_reason=rng.choice(DROP_REASONS) if stage == "dropped" else "",
        description=f"{investor}拟投资建设{word}项目,主要建设生产厂房及配套设施。")
    return {"lead": lead, "dates": dates, "stale": stale, "project": project}


def _follow_ups(rng, lead: Lead, plan: dict) -> list[FollowUp]:
    first, last = lead.registered_on, DEMO_TODAY
    if lead.stage in ("signed", "dropped"):
        last = lead.stage_since
    elif plan["stale"]:
        last = min(last, lead.stage_since + timedelta(days=rng.randint(0, 10)), DEMO_TODAY - timedelta(days=45))
    elif lead.stage == "negotiating":
        last = DEMO_TODAY - timedelta(days=rng.randint(1, 25))
    days = sorted(_day(rng, first, max(first, last)) for _ in range(rng.randint(1, 6)))
    if lead.stage == "negotiating" and not plan["stale"]:
        days.append(last)
    return [FollowUp(lead=lead, date=day, way=rng.choice(WAYS), content=rng.choice(FOLLOW_UP_TEXT),
                     next_step=rng.choice(NEXT_STEPS), recorded_by=lead.responsible_person) for day in days]


def _agreement(rng, lead: Lead, plan: dict, settings) -> Agreement:
    project = plan["project"]
    amount = project.agreement_amount if project is not None else _money(
        float(lead.intended_investment) * rng.uniform(0.9, 1.1))
    land = project.land_mu if project is not None and project.land_mu else lead.intended_land_mu
    signed = lead.stage_since
    output = project.committed_output if project is not None and project.committed_output else \
        _money(float(amount) * rng.uniform(1.2, 2.4))
    return Agreement(
        lead=lead, region=lead.region, project=project, signed_on=signed, counterpart=lead.investor_name,
        amount=amount, land_mu=land, committed_intensity=(amount / land).quantize(Decimal("0.01")) if land else None,
        committed_output=output, committed_tax=project.committed_tax if project is not None and
        project.committed_tax else _money(float(output) * rng.uniform(0.04, 0.07)),
        start_deadline=signed + timedelta(days=180), production_deadline=signed + timedelta(days=720),
        service_officer=lead.responsible_person)


def _progress(rng, agreement: Agreement) -> list[AgreementProgress]:
    rows, day, share = [], agreement.signed_on, 0.0
    while True:
        day = day + timedelta(days=rng.randint(60, 120))
        if day > DEMO_TODAY:
            break
        step = rng.uniform(0.05, 0.3)
        share = min(share + step, 1.0)
        status = "fulfilled" if share >= 0.99 else rng.choices(["on_track", "lagging", "breached"], [70, 25, 5])[0]
        rows.append(AgreementProgress(agreement=agreement, as_of=day, status=status,
                                      funds_in_place=_money(float(agreement.amount) * step),
                                      note="按季度核实到位资金"))
        if status == "fulfilled":
            break
    return rows


def _commitments(ctx: DemoContext, rng) -> list[Commitment]:
    meetings = [("2026年全市招商引资和项目建设第一次推进会", date(2026, 1, 5), date(2026, 1, 1), date(2026, 6, 30)),
                ("2026年全市招商引资和项目建设半年观摩会", date(2026, 7, 8), date(2026, 7, 1), date(2026, 12, 31))]
    rows = [Commitment(region=county, meeting=meeting, meeting_date=held, period_start=start, period_end=end,
                       signed_amount=_money(rng.uniform(20, 80) * 10000), project_count=rng.randint(3, 10),
                       note="PPT挂图作战汇报承诺")
            for meeting, held, start, end in meetings for county in ctx.counties]
    return Commitment.objects.bulk_create(rows)

