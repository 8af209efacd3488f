"""Indicator fixtures: the catalog, a statistics-bureau user, and a quick way to put figures in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from tests_support import PASSWORD

from devzone.core import services as core_services
from devzone.core.models import Region, Role, User, Zone
from devzone.indicators.catalog import ensure_catalog
from devzone.indicators.models import Indicator, IndicatorValue
from devzone.indicators.periods import Period


@dataclass
class Ind:
    stats: User
    codes: dict[str, Indicator]

    def __getitem__(self, code: str) -> Indicator:
        return self.codes[code]


@pytest.fixture
def ind(org) -> Ind:
    ensure_catalog()
    department = core_services.department_create(actor=None, name="市统计局", code="stats", region=org.city)
    stats = core_services.user_create(actor=None, username="stats", password=PASSWORD, roles=[Role.Code.STATISTICS],
                                      department=department)
    return Ind(stats=stats, codes={i.code: i for i in Indicator.objects.all()})


@pytest.fixture
def put(ind):
    """put(code, place, period, value, source="official", stated=None) → an IndicatorValue row (fixture data)."""

    def make(code: str, place: Region | Zone, period: str, value, source: str = "official",
             stated=None) -> IndicatorValue:
        p = Period.parse(period)
        where = {"zone": place} if isinstance(place, Zone) else {"region": place}
        return IndicatorValue.objects.create(
            indicator=ind[code], year=p.year, month=p.month, value=Decimal(str(value)), source=source,
            stated_growth=None if stated is None else Decimal(str(stated)), channel="admin", **where)

    return make


@pytest.fixture
def series(put):
    """series(code, place, "2025-01", [v1, v2, …], source) → consecutive months from the start period."""

    def make(code: str, place, start: str, values, source: str = "official") -> None:
        period = Period.parse(start)
        for value in values:
            if value is not None:
                put(code, place, str(period), value, source)
            period = period.shift(1)

    return make
