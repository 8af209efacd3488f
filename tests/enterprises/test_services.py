"""Enterprise writes: credit-code validation, uniqueness, jurisdiction, zone consistency, annual data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests_support import make_credit_code

from devzone.core.errors import Conflict, NotFound, ValidationFailed
from devzone.core.models import AuditEvent
from devzone.enterprises import services
from devzone.enterprises.models import Enterprise


def test_create_normalises_and_audits(org):
    code = make_credit_code().lower()
    enterprise = services.enterprise_create(actor=org.county1_user, data={
        "credit_code": f" {code} ", "name": "澜江恒泰纺织有限公司", "region": org.county1, "above_size": True})
    assert enterprise.credit_code == code.upper()
    assert AuditEvent.objects.filter(object_type="enterprises.enterprise", object_id=str(enterprise.pk)).exists()


def test_wrong_check_character_is_refused_with_the_reason(org):
    code = make_credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=org.admin, data={"credit_code": wrong, "name": "错码企业",
                                                          "region": org.county1})
    assert "校验位错误" in exc.value.message
    assert not Enterprise.objects.filter(name="错码企业").exists()


def test_duplicate_credit_code_is_a_conflict(org, make_enterprise):
    existing = make_enterprise()
    with pytest.raises(Conflict):
        services.enterprise_create(actor=org.admin, data={"credit_code": existing.credit_code, "name": "重复",
                                                          "region": org.county1})


def test_county_cannot_register_in_neighbour_county(org):
    with pytest.raises(NotFound):
        services.enterprise_create(actor=org.county1_user, data={"credit_code": make_credit_code(), "name": "越界",
                                                                 "region": org.county2})


def test_zone_must_lie_in_the_region(org):
    with pytest.raises(ValidationFailed):
        services.enterprise_create(actor=org.admin, data={"credit_code": make_credit_code(), "name": "错位企业",
                                                          "region": org.county1, "zone": org.zone2})


def test_township_enterprise_may_sit_in_its_countys_zone(org):
    enterprise = services.enterprise_create(actor=org.admin, data={
        "credit_code": make_credit_code(), "name": "乡镇企业", "region": org.town1, "zone": org.zone1})
    assert enterprise.zone == org.zone1


def test_update_with_stale_timestamp_is_refused(org, make_enterprise):
    enterprise = make_enterprise()
    seen = enterprise.updated_at
    services.enterprise_update(actor=org.county1_user, enterprise=enterprise, data={"high_tech": True},
                               expected_updated_at=seen)
    with pytest.raises(Conflict):
        services.enterprise_update(actor=org.county1_user, enterprise=enterprise, data={"listed": True},
                                   expected_updated_at=seen)


def test_year_save_creates_then_updates(org, make_enterprise):
    enterprise = make_enterprise(years={})
    row = services.enterprise_year_save(actor=org.admin, enterprise=enterprise,
                                        data={"year": 2024, "tax": Decimal("12.5"), "land_mu": Decimal("30")})
    again = services.enterprise_year_save(actor=org.admin, enterprise=enterprise,
                                          data={"year": 2024, "tax": Decimal("15")})
    assert row.pk == again.pk and again.tax == Decimal("15")
    assert AuditEvent.objects.filter(object_type="enterprises.enterpriseyear", action="update").exists()


def test_negative_tax_is_refused(org, make_enterprise):
    enterprise = make_enterprise(years={})
    with pytest.raises(ValidationFailed):
        services.enterprise_year_save(actor=org.admin, enterprise=enterprise, data={"year": 2024, "tax": -1})
