"""Reference data every deployment has: the roles of DOMAIN.md §1 and the GB/T 4754 industry classes.

Data migrations load it; `ensure_reference_data()` restores it idempotently (the demo loader calls it, and
so do tests after a transactional test has flushed the database).
"""

from __future__ import annotations

ROLE_CODES = ["city_leader", "project_office", "supervision", "investment", "industry", "statistics", "county",
              "service_officer", "enterprise", "observer"]
ADMIN_ROLE_CODES = ["system_admin", "security_admin", "audit_admin"]  # 三员: loaded by migration 0005


def load_roles(role_model) -> None:
    existing = set(role_model.objects.values_list("code", flat=True))
    role_model.objects.bulk_create([role_model(code=code) for code in [*ROLE_CODES, *ADMIN_ROLE_CODES]
                                    if code not in existing])


def ensure_reference_data() -> None:
    from devzone.core.models import Role
    from devzone.enterprises.industries import load_industries
    from devzone.enterprises.models import Industry

    load_roles(Role)
    load_industries(Industry)
