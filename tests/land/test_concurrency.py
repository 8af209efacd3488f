"""Two allocations racing for the same quota on PostgreSQL: the account row lock lets exactly one through."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from devzone.core.errors import ValidationFailed
from devzone.land import services
from devzone.land.models import QuotaAccount, QuotaMovement

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")]


def test_concurrent_allocations_cannot_overdraw(org, make_project):
    account = services.account_for(year=2026, region=org.county1)
    services.quota_grant(actor=org.city_user, account=account, area_mu=Decimal("100"), on=date(2026, 1, 5))
    projects = [make_project(), make_project()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate(project) -> None:
        try:
            barrier.wait(timeout=10)
            services.quota_allocate(actor=org.county1_user, account=QuotaAccount.objects.get(pk=account.pk),
                                    project=project, area_mu=Decimal("60"), on=date(2026, 2, 1))
            outcomes.append("ok")
        except ValidationFailed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok", "refused"]
    assert QuotaMovement.objects.filter(kind="allocation").count() == 1
    assert services.account_balance(account) == Decimal("40.00")
