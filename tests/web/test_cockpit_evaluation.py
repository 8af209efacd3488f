"""The cockpit's latest published evaluation: class counts over the user's rows (or one county's on its board),
each linking to the run's result list filtered to exactly those rows; unpublished runs are not shown."""

from __future__ import annotations

from decimal import Decimal

from devzone.core import jobs
from devzone.evaluation import services
from devzone.web import cockpit

YEAR = 2025


def _figures(tax: float) -> dict:
    return {"tax": Decimal(str(tax)), "land_mu": Decimal("50"), "value_added": Decimal(str(tax * 4)),
            "employees": 100, "energy_tce": Decimal("500"), "emission_eq": Decimal("10"),
            "rd_expense": Decimal("20"), "revenue": Decimal("5000")}


def _run(org, make_enterprise, django_capture_on_commit_callbacks):
    for region, taxes in ((org.county1, (400, 250, 180, 120, 90)), (org.county2, (300, 200, 100))):
        for tax in taxes:
            make_enterprise(region=region, above_size=True, production_start_year=2015,
                            years={YEAR: _figures(tax), YEAR - 1: _figures(tax * 0.9)})
    with django_capture_on_commit_callbacks(execute=False):
        run = services.evaluation_run_create(actor=org.city_user, scheme_key="mujun", year=YEAR)
    jobs.run_job(run.job_id)
    run.refresh_from_db()
    return run


def test_latest_published_evaluation_counts_and_links(org, login, make_enterprise,
                                                      django_capture_on_commit_callbacks):
    run = _run(org, make_enterprise, django_capture_on_commit_callbacks)
    assert cockpit.board(user=org.city_user).evaluation is None  # not published yet
    services.evaluation_run_publish(actor=org.city_user, run=run)
    client = login(org.city_user)
    whole = cockpit.board(user=org.city_user).evaluation
    assert whole["run"].pk == run.pk and whole["total"] == 8
    assert sum(f.value for f in whole["classes"]) == 8
    board = cockpit.board(user=org.city_user, region=org.county1).evaluation
    assert board["total"] == 5
    for figure in board["classes"]:
        listing = client.get(figure.url).context["listing"]
        rows = list(listing.page.object_list)
        assert len(rows) == figure.value, figure.label
        assert all(r.region_id == org.county1.pk for r in rows)
    mine = cockpit.board(user=org.county2_user).evaluation
    assert mine["total"] == 3
