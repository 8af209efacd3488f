"""Shared fixtures: a small organisation (a city with two counties), users in each jurisdiction, and
factories for enterprises. Every object is made through the services, as the application makes them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from tests_support import PASSWORD, make_credit_code, next_number

from devzone.core import services as core_services
from devzone.core.models import Department, Region, Role, User, Zone
from devzone.core.reference import ensure_reference_data
from devzone.enterprises import services as enterprise_services
from devzone.enterprises.models import Enterprise, EnterpriseYear, Industry


@dataclass
class Org:
    province: Region
    city: Region
    county1: Region
    county2: Region
    town1: Region
    zone1: Zone
    zone2: Zone
    dept_industry: Department
    dept_county2: Department
    admin: User
    city_user: User
    county1_user: User
    county2_user: User
    observer: User
    industry_user: User


@pytest.fixture
def org(db) -> Org:
    ensure_reference_data()  # a transactional test elsewhere may have flushed the migrations' data
    province = core_services.region_create(actor=None, name="江北省", level="province", code="990000")
    city = core_services.region_create(actor=None, name="云澜市", level="city", parent=province, code="990100")
    county1 = core_services.region_create(actor=None, name="澜江区", level="county", parent=city, code="990102")
    county2 = core_services.region_create(actor=None, name="北湖区", level="county", parent=city, code="990103")
    town1 = core_services.region_create(actor=None, name="新桥街道", level="township", parent=county1,
                                        code="990102001")
    admin = core_services.user_create(actor=None, username="admin", password=PASSWORD, is_superuser=True)
    zone1 = core_services.zone_create(actor=admin, data={"name": "澜江经开区", "level": "national", "kind": "etdz",
                                                         "region": county1})
    zone2 = core_services.zone_create(actor=admin, data={"name": "北湖产业集聚区", "level": "provincial",
                                                         "kind": "cluster", "region": county2})
    dept_industry = core_services.department_create(actor=None, name="市工信局", code="industry", region=city)
    dept_county2 = core_services.department_create(actor=None, name="北湖区发改局", code="ndrc", region=county2)

    def user(username: str, roles: list[str], **kwargs) -> User:
        return core_services.user_create(actor=None, username=username, password=PASSWORD, roles=roles, **kwargs)

    return Org(
        province=province, city=city, county1=county1, county2=county2, town1=town1, zone1=zone1, zone2=zone2,
        dept_industry=dept_industry, dept_county2=dept_county2, admin=admin,
        city_user=user("city", [Role.Code.PROJECT_OFFICE], region=city),
        county1_user=user("county1", [Role.Code.COUNTY], region=county1),
        county2_user=user("county2", [Role.Code.COUNTY], region=county2),
        observer=user("observer", [Role.Code.OBSERVER], region=city),
        industry_user=user("industry", [Role.Code.INDUSTRY], department=dept_industry),
    )


@pytest.fixture
def make_enterprise(org):
    """make_enterprise(region=..., **fields) → an Enterprise created through the service, with annual data."""

    def make(region: Region | None = None, years: dict[int, dict] | None = None, **fields) -> Enterprise:
        region = region or org.county1
        data = {"credit_code": make_credit_code(region.code or "990100"), "name": f"测试企业{next_number()}有限公司",
                "region": region, "industry": Industry.objects.get(code="C17"), **fields}
        enterprise = enterprise_services.enterprise_create(actor=org.admin, data=data)
        for year, figures in (years or {2025: {"tax": Decimal("100"), "revenue": Decimal("2000"),
                                                "land_mu": Decimal("50")}}).items():
            EnterpriseYear.objects.create(enterprise=enterprise, year=year, **figures)
        return enterprise

    return make


@pytest.fixture
def login():
    """login(user) → a test Client signed in as that user (through the real login view)."""

    def make(user: User) -> Client:
        client = Client()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]
        return client

    return make
