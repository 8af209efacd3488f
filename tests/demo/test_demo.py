"""Demo data: deterministic, fictional, scoped users that work, and a second run that reuses the data."""

from __future__ import annotations

import pytest

from devzone.core import audit
from devzone.core.errors import Conflict
from devzone.core.models import Region, User, Zone
from devzone.demo.loader import demo_load
from devzone.demo.organisation import DEMO_PASSWORD
from devzone.enterprises import selectors as enterprise_selectors
from devzone.enterprises.credit_code import credit_code_problem
from devzone.enterprises.models import Enterprise, EnterpriseYear


@pytest.fixture
def demo(db, monkeypatch):
    """The organisation and enterprise steps only; each later step is tested in its app's tests."""
    from devzone.demo import loader
    from devzone.demo.steps import BASE_STEPS

    monkeypatch.setattr(loader, "STEPS", BASE_STEPS)
    return demo_load(scale=1)


def test_the_whole_demo_loads_and_keeps_the_audit_chain(db):
    report = demo_load(scale=1)
    assert report.counts["enterprises"] == 3000 and report.counts["projects"] > 0
    assert {"leads", "problems", "indicator_values", "evaluation_runs"} <= set(report.counts)
    assert audit.verify_chain().ok


def test_scale_one_counts(demo):
    counts = demo.counts
    assert counts["enterprises"] == 3000 and counts["zones"] == 10
    assert Region.objects.filter(level="county").count() == 8
    assert counts["enterprise_years"] == EnterpriseYear.objects.count() > 3000 * 2
    assert Zone.objects.filter(parent__isnull=False).count() == 1  # 一区多园


def test_logins_are_the_documented_ones(demo):
    usernames = {name for name, _ in demo.logins}
    assert {"admin", "city"} | {f"county{i}" for i in range(1, 9)} <= usernames
    assert User.objects.get(username="county3").check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


def test_county_user_sees_only_own_county(demo):
    county1 = User.objects.get(username="county1")
    visible = enterprise_selectors.enterprise_list(user=county1)
    assert 0 < visible.count() < 3000
    assert all(e.region.path.startswith(county1.region.path) for e in visible[:200])
    assert enterprise_selectors.enterprise_list(user=User.objects.get(username="city")).count() == 3000


def test_every_credit_code_is_valid(demo):
    assert all(credit_code_problem(code) is None for code in Enterprise.objects.values_list("credit_code", flat=True))


def test_generation_is_deterministic(demo):
    first = list(Enterprise.objects.order_by("pk").values_list("credit_code", "name")[:50])
    taxes = list(EnterpriseYear.objects.order_by("pk").values_list("tax", flat=True)[:50])
    Enterprise.objects.all().delete()
    from devzone.demo.context import DemoContext
    from devzone.demo.enterprises import build_enterprises

    ctx = DemoContext(scale=1)
    ctx.counties = list(Region.objects.filter(level="county").order_by("sort_order"))
    for township in Region.objects.filter(level="township").order_by("pk"):
        ctx.townships.setdefault(township.parent_id, []).append(township)
    ctx.zones = list(Zone.objects.order_by("pk"))
    build_enterprises(ctx)
    assert list(Enterprise.objects.order_by("pk").values_list("credit_code", "name")[:50]) == first
    assert list(EnterpriseYear.objects.order_by("pk").values_list("tax", flat=True)[:50]) == taxes


def test_second_run_reuses_and_other_scale_is_refused(demo):
    again = demo_load(scale=1)
    assert again.reused and again.counts == demo.counts
    with pytest.raises(Conflict):
        demo_load(scale=2)


def test_demo_load_is_audited_and_chain_intact(demo):
    assert audit.verify_chain().ok


def test_report_text_lists_logins(demo):
    text = demo.text()
    assert "devzone-demo" in text and "county8" in text
