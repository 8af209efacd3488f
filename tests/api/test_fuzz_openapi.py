"""Schemathesis fuzzing of the whole API (/api/v1/openapi.json) in-process, as an authenticated county user.

Every operation gets FUZZ_EXAMPLES generated requests (positive and negative data) against a small organisation
with enterprises and projects in both counties. Checks: no response with status 500, status codes documented,
and every response body matches its schema. Bound the run with DEVZONE_FUZZ_EXAMPLES (default 5 for each of the
138 operations: a few minutes on 2 cores); run alone with
`PYTHONPATH=src .venv/bin/python -m pytest -q tests/api/test_fuzz_openapi.py`.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devzone.core import services as core_services

FUZZ_EXAMPLES = int(os.environ.get("DEVZONE_FUZZ_EXAMPLES", "5"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """As Django's test client does: the in-process WSGI calls must not close the test's database connection at
    the end of each request (on PostgreSQL that would end the test transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def county_token(org, make_enterprise, keep_connection) -> str:
    """A county user's bearer token, with data in both counties so lists and details have rows."""
    from devzone.projects.models import Project

    for region in (org.county1, org.county2):
        enterprise = make_enterprise(region=region, name=f"{region.name}模糊测试企业")
        Project.objects.create(code=f"FZ-{region.pk}", name=f"{region.name}模糊测试项目", region=region,
                               owner=enterprise, total_investment=Decimal("5000"), start_year=2025, end_year=2027)
    _token, raw = core_services.api_token_create(actor=org.admin, user=org.county1_user, name="fuzz")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_never_errors_and_matches_its_schema(case, county_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {county_token}"}, checks=CHECKS)
