"""Demo steps: bank–enterprise matchmaking (政银企对接) and policy fulfilment (政策兑现).

Matchmaking: a dozen banks; financing needs raised by enterprises (some for their key projects) in every county;
a quarterly matchmaking event per county for the last four quarters, each presenting the needs raised since the
previous one; loans granted after the events, so some needs are met, some partly, some not, a few withdrawn.
Policies: the city's 十章34条-style package with its clauses, and applications in every state — waiting for
review, rejected, approved and not yet due, approved and overdue, paid on time and paid late; the overdue sweep
then runs so the overdue payments are dispatch problems, as the scheduled job would have made them.

Everything goes through the services (validation, status rules, audit). The content is deterministic for a
scale; dates are relative to the day of loading so overdue payments look current.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from devzone.core.models import Region
from devzone.demo.context import DemoContext
from devzone.finance import services as finance
from devzone.finance.models import FinancingNeed
from devzone.policies import services as policies

NEEDS_PER_COUNTY = 15
APPLICATIONS_PER_COUNTY = 12
BANKS = [("中国工商银行{city}分行", "state"), ("中国农业银行{city}分行", "state"), ("中国银行{city}分行", "state"),
         ("中国建设银行{city}分行", "state"), ("交通银行{city}分行", "state"), ("国家开发银行{province}分行", "policy"),
         ("中国农业发展银行{city}分行", "policy"), ("兴业银行{city}分行", "joint_stock"),
         ("招商银行{city}分行", "joint_stock"), ("{city}银行", "city"), ("{city}农村商业银行", "rural"),
         ("{city}融资担保集团", "other")]
PURPOSES = ["流动资金周转", "购置生产设备", "技术改造", "厂房建设", "原材料采购", "研发投入", "并购重组",
            "扩大产能", "订单融资", "还旧借新(续贷)"]
AMOUNTS = [200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000, 8000]
TERMS = [6, 12, 12, 24, 36, 60]
CLAUSES = [  # number, title, benefit, rule, max (万元), payment days
    ("第3条", "固定资产投资奖补", "subsidy", "按设备和生产性用房投资额的5%奖补", 1000, 60),
    ("第5条", "技术改造奖补", "subsidy", "按技改设备投资额的10%奖补", 500, 30),
    ("第8条", "首次升规奖励", "reward", "首次纳入规上统计的工业企业一次性奖励20万元", 20, 30),
    ("第12条", "贷款贴息", "interest", "按实际贷款利息的50%贴息,期限不超过两年", 200, 45),
    ("第15条", "高新技术企业认定奖励", "reward", "首次认定奖励30万元,重新认定奖励10万元", 30, 30),
    ("第19条", "专精特新企业奖励", "reward", "国家级小巨人奖励100万元,省级专精特新奖励20万元", 100, 30),
    ("第24条", "研发费用补助", "subsidy", "按上年度研发费用增量的10%补助", 300, 60),
    ("第28条", "标准厂房租金减免", "rent", "入驻标准厂房前三年租金全免、后两年减半", 100, 30),
    ("第31条", "上市挂牌奖励", "reward", "境内外首发上市分阶段奖励", 500, 90),
    ("第34条", "人才安居补贴", "other", "引进高层次人才安家补贴", 50, 30),
]
# state, days since application, days from approval to payment beyond the clause's limit
APPLICATION_PLAN = [("submitted", 20), ("rejected", 90), ("approved", 10), ("overdue", 200), ("paid", 200),
                    ("paid_late", 240), ("submitted", 8), ("paid", 300), ("overdue", 160), ("approved", 25),
                    ("paid", 120), ("paid_late", 180)]


def _quarter_start(day: date) -> date:
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _quarters_back(today: date, count: int) -> list[tuple[int, int, date]]:
    """The last `count` quarters whose mid-quarter event day (the 15th of its middle month) is not after today,
    oldest first."""
    start = _quarter_start(today)
    result = []
    while len(result) < count:
        held = date(start.year, start.month + 1, 15)
        if held <= today:
            result.append((start.year, (start.month - 1) // 3 + 1, held))
        start = _quarter_start(start - timedelta(days=1))
    return list(reversed(result))


def firms_by_county(ctx: DemoContext) -> dict[int, list]:
    """The demo's enterprises grouped by county, without a query per enterprise."""
    paths = dict(Region.objects.values_list("pk", "path"))
    groups: dict[int, list] = {county.pk: [] for county in ctx.counties}
    for enterprise in ctx.enterprises:
        path = paths[enterprise.region_id]
        for county in ctx.counties:
            if path.startswith(county.path):
                groups[county.pk].append(enterprise)
                break
    return groups


def build_financing(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("financing")
    actor = ctx.users["city"]
    today = timezone.localdate()
    province = ctx.city.parent.name if ctx.city.parent_id else ctx.city.name
    banks = [finance.bank_create(actor=actor, data={"name": name.format(city=ctx.city.name, province=province),
                                                    "kind": kind, "contact": f"信贷部{n + 1}"})
             for n, (name, kind) in enumerate(BANKS)]
    projects = ctx.extra.get("projects", [])
    quarters = _quarters_back(today, 4)
    cache = firms_by_county(ctx)
    paths = dict(Region.objects.values_list("pk", "path"))
    counts = {"banks": len(banks), "financing_needs": 0, "match_events": 0, "loans": 0}
    for county in ctx.counties:
        firms = cache[county.pk]
        own_projects = [p for p in projects if paths[p.region_id].startswith(county.path) and p.owner_id]
        needs = _county_needs(rng, actor, firms, own_projects, today, quarters[0][2] - timedelta(days=80),
                              NEEDS_PER_COUNTY)  # counties grow with the scale already
        counts["financing_needs"] += len(needs)
        previous = date.min
        for year, quarter, held in quarters:
            presented = [n for n in needs if previous < n.raised_on <= held]
            previous = held
            event = finance.event_create(actor=actor, data={
                "title": f"{county.name}{year}年第{quarter}季度政银企对接会", "held_on": held, "year": year,
                "quarter": quarter, "region": county, "location": f"{county.name}政务服务中心"},
                banks=rng.sample(banks, 5), needs=presented)
            counts["match_events"] += 1
            counts["loans"] += _grant(rng, actor, event, presented, banks, today)
        for need in needs:
            need.refresh_from_db()
            if need.status in (FinancingNeed.Status.OPEN, FinancingNeed.Status.MATCHED) and not need.loans.exists() \
                    and rng.random() < 0.12:
                finance.need_update(actor=actor, need=need, data={"status": FinancingNeed.Status.WITHDRAWN,
                                                                  "note": "企业已通过其他渠道解决"})
    return counts


def _county_needs(rng, actor, firms, projects, today: date, first_day: date, count: int) -> list[FinancingNeed]:
    needs = []
    span = max(1, (today - first_day).days)
    for index in range(count):
        project = projects[index % len(projects)] if projects and index % 5 == 0 else None
        enterprise = project.owner if project is not None else rng.choice(firms)
        needs.append(finance.need_create(actor=actor, data={
            "enterprise": enterprise, "project": project, "amount": Decimal(rng.choice(AMOUNTS)),
            "purpose": rng.choice(PURPOSES), "term_months": rng.choice(TERMS),
            "raised_on": first_day + timedelta(days=rng.randrange(span))}))
    return needs


def _grant(rng, actor, event, presented, banks, today: date) -> int:
    """Loans after an event: about half the needs fully met (one or two banks), a quarter partly."""
    loans = 0
    for need in presented:
        roll = rng.random()
        if roll >= 0.75:
            continue
        share = Decimal(1) if roll < 0.5 else Decimal(rng.choice([30, 50, 60, 80])) / 100
        total = (need.amount * share).quantize(Decimal("0.01"))
        parts = [total] if total < 1000 or rng.random() < 0.5 else [total / 2, total - total / 2]
        for part in parts:
            granted_on = min(today, event.held_on + timedelta(days=rng.randint(7, 45)))
            finance.loan_create(actor=actor, data={
                "need": need, "bank": rng.choice(event.banks.all()), "event": event,
                "amount": part.quantize(Decimal("0.01")), "granted_on": granted_on,
                "term_months": need.term_months})
            loans += 1
    return loans


def build_policies(ctx: DemoContext) -> dict[str, int]:
    rng = ctx.rng("policies")
    actor = ctx.users["city"]
    today = timezone.localdate()
    package = policies.policy_create(actor=actor, data={
        "name": "十章34条", "document_number": f"{ctx.city.name[:2]}政发〔{today.year - 1}〕8号",
        "issuer": f"{ctx.city.name}人民政府", "issued_on": today - timedelta(days=420), "region": ctx.city})
    clauses = [policies.clause_create(actor=actor, policy=package, data={
        "number": number, "title": title, "benefit": benefit, "amount_rule": rule, "max_amount": Decimal(cap),
        "payment_days": days}) for number, title, benefit, rule, cap, days in CLAUSES]
    applications = 0
    groups = firms_by_county(ctx)
    for county in ctx.counties:
        firms = groups[county.pk]
        for index in range(APPLICATIONS_PER_COUNTY):  # per county: the counties grow with the scale
            state, age = APPLICATION_PLAN[index % len(APPLICATION_PLAN)]
            clause = rng.choice(clauses)
            _application(rng, actor, rng.choice(firms), clause, state, today - timedelta(days=age + index // 12))
            applications += 1
    report = policies.policy_overdue_sweep(now=timezone.now())
    return {"policies": 1, "policy_clauses": len(clauses), "policy_applications": applications,
            "policy_overdue_problems": len(report.created)}


def _application(rng, actor, enterprise, clause, state: str, applied_on: date) -> None:
    claimed = min(clause.max_amount, Decimal(rng.choice([10, 20, 30, 50, 80, 120, 200, 300])))
    app = policies.application_create(actor=actor, data={"enterprise": enterprise, "clause": clause,
                                                          "applied_on": applied_on, "claimed_amount": claimed})
    if state == "submitted":
        return
    if state == "rejected":
        policies.application_reject(actor=actor, application=app, reason="申报材料不符合条款要求")
        return
    today = timezone.localdate()
    if state == "approved":      # approved recently: still within the payment limit
        approved_on = max(applied_on, today - timedelta(days=clause.payment_days // 2))
    elif state == "overdue":     # due date passed weeks ago
        approved_on = max(applied_on, today - timedelta(days=clause.payment_days + rng.randint(5, 40)))
    else:
        approved_on = applied_on + timedelta(days=rng.randint(10, 30))
    approved = (claimed * Decimal(rng.choice([80, 90, 100])) / 100).quantize(Decimal("0.01"))
    app = policies.application_approve(actor=actor, application=app, amount=approved, approved_on=approved_on)
    if state in ("paid", "paid_late"):
        late = state == "paid_late"
        delay = clause.payment_days + rng.randint(10, 40) if late else rng.randint(5, clause.payment_days)
        policies.application_pay(actor=actor, application=app, amount=approved,
                                 paid_on=min(today, approved_on + timedelta(days=delay)))
