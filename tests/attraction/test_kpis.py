"""KPIs by county for a period: new leads, signed count and amount by tier, lead → sign and sign → start
conversion (verified starts only), fulfilment rate, funds in place; a known fixture with hand-checked figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from devzone.attraction import services
from devzone.attraction.kpis import county_kpis
from devzone.projects.models import ProjectStage


def _sign(org, make_lead, amount: str, on: date, since: date = date(2026, 1, 10), **fields):
    lead = make_lead("negotiating", since=since, **fields)
    return services.lead_sign(actor=org.admin, lead=lead, agreement_data={"signed_on": on,
                                                                          "amount": Decimal(amount)})


def test_known_fixture(org, make_lead):
    big = _sign(org, make_lead, "150000", date(2026, 2, 1))       # ≥10亿 and ≥1亿
    mid = _sign(org, make_lead, "20000", date(2026, 3, 1))        # ≥1亿
    _sign(org, make_lead, "5000", date(2026, 3, 2))               # small
    _sign(org, make_lead, "30000", date(2026, 3, 3), region=org.county2, responsible_person=org.county2_user)
    _sign(org, make_lead, "40000", date(2025, 12, 1), since=date(2025, 11, 1))  # outside the period
    make_lead("clue", since=date(2026, 1, 10))                    # a new lead that is not signed
    make_lead("clue", since=date(2026, 1, 10), region=org.city)   # city-level work
    ProjectStage.objects.create(project_id=big.project_id, stage="started", actual_date=date(2026, 5, 1),
                                status="verified")
    ProjectStage.objects.create(project_id=mid.project_id, stage="started", actual_date=date(2026, 5, 1),
                                status="declared")          # declared, not verified: does not count
    services.agreement_progress_add(actor=org.admin, agreement=big, data={
        "as_of": date(2026, 4, 1), "funds_in_place": Decimal("30000"), "status": "on_track"})
    services.agreement_progress_add(actor=org.admin, agreement=big, data={
        "as_of": date(2026, 7, 1), "funds_in_place": Decimal("15000"), "status": "on_track"})
    services.agreement_progress_add(actor=org.admin, agreement=mid, data={
        "as_of": date(2026, 5, 1), "funds_in_place": Decimal("2000"), "status": "lagging"})

    rows, total = county_kpis(user=org.city_user, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30))
    by_name = {(r.county.name if r.county else None): r for r in rows}
    c1 = by_name["澜江区"]
    assert (c1.new_leads, c1.leads_signed, c1.signed, c1.signed_amount) == (4, 3, 3, Decimal("175000"))
    assert (c1.large, c1.large_amount, c1.major, c1.major_amount) == (2, Decimal("170000"), 1, Decimal("150000"))
    assert c1.lead_to_sign == Decimal("75.0") and c1.sign_to_start == Decimal("33.3")
    assert c1.fulfilment_rate == Decimal("50.0") and c1.funds_in_period == Decimal("32000")
    assert c1.funds_rate == Decimal("18.3")  # 32000 by 6-30 of 175000
    assert by_name["北湖区"].signed == 1 and by_name[None].new_leads == 1
    assert total.signed == 4 and total.new_leads == 6 and total.signed_amount == Decimal("205000")
    county_rows, _total = county_kpis(user=org.county1_user, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30))
    assert [r.county.name for r in county_rows] == ["澜江区"]
    later, _ = county_kpis(user=org.county1_user, date_from=date(2026, 1, 1), date_to=date(2026, 6, 30),
                           as_of=date(2026, 12, 31))
    assert later[0].funds_rate == Decimal("26.9")  # the July funds count by a later as-of date
