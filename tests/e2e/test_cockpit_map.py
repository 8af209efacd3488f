"""In a real browser: the city opens the leaders' cockpit (charts drawn on canvas, a number opens its rows), then
the project map (boundaries and points drawn offline; clicking a point opens the project). Screenshots go to
tmp_path, and to docs/screenshots/ when DEVZONE_SCREENSHOTS is set."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from tests_support import PASSWORD

from devzone.core.models import Region, Zone
from devzone.demo.maps import Grid, polygon, zone_ring
from devzone.projects import services
from devzone.projects.models import Project, ProjectStage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(page, tmp_path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    if os.environ.get("DEVZONE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


def _located_projects(org) -> list[Project]:
    grid = Grid(2, 1)
    Region.objects.filter(pk=org.county1.pk).update(boundary=polygon(grid.cell_ring(0)))
    Region.objects.filter(pk=org.county2.pk).update(boundary=polygon(grid.cell_ring(1)))
    ring, _box = zone_ring(grid, 0, 0)
    Zone.objects.filter(pk=org.zone1.pk).update(boundary=polygon(ring))
    jan1 = date(timezone.localdate().year, 1, 1)
    stages = [(), ("signed",), ("signed", "started"), ("signed", "started", "producing")]
    projects = []
    for n in range(8):
        county, index = (org.county1, 0) if n % 2 == 0 else (org.county2, 1)
        lon, lat = grid.inner(index, (n % 4) / 4 + 0.1, (n // 4) / 2 + 0.2)
        project = services.project_create(actor=org.admin, data={
            "name": f"挂图项目{n + 1}", "region": county, "total_investment": Decimal(str(8000 + 9000 * n)),
            "owner_name": f"挂图建设单位{n + 1}有限公司", "lon": Decimal(str(lon)), "lat": Decimal(str(lat))})
        for stage in stages[n % 4]:
            ProjectStage.objects.create(project=project, stage=stage, actual_date=jan1, status="verified")
        if stages[n % 4]:
            Project.objects.filter(pk=project.pk).update(stage=stages[n % 4][-1])
        services.project_year_plan_set(actor=org.admin, project=project, year=jan1.year,
                                       planned_investment=Decimal("1200"))
        projects.append(project)
    return projects


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def test_cockpit_charts_and_map_click_through(org, page, tmp_path):
    projects = _located_projects(org)
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, "city")
    page.goto("/cockpit/")
    for chart in ("funnel-chart", "investment-chart", "ranking-chart"):
        page.wait_for_selector(f"[data-testid={chart}] canvas")
    assert page.locator("[data-testid=cockpit-projects] .card").count() == 7
    _shot(page, tmp_path, "cockpit")
    page.get_by_test_id("batch-2").click()  # 开工一批 → the ledger filtered to those rows
    page.wait_for_url("**/projects/?*kpi=production_rate*")
    assert page.locator("table.dz-table tbody tr").count() == 4

    page.goto("/cockpit/map/")
    page.wait_for_selector("[data-testid=project-map][data-ready='1']")
    map_el = page.get_by_test_id("project-map")
    assert map_el.get_attribute("data-points") == "8" and map_el.get_attribute("data-areas") == "3"
    assert page.locator("[data-testid=project-map] canvas").count() >= 1
    page.select_option("#id_colour", "light")
    page.wait_for_function("window.dzMap.getOption().series.length === 4")
    page.select_option("#id_colour", "stage")
    page.wait_for_function("window.dzMap.getOption().series.length === 8")
    _shot(page, tmp_path, "map")
    target = projects[3]
    x, y = page.evaluate("([lon, lat]) => window.dzMap.convertToPixel({geoIndex: 0}, [lon, lat])",
                         [float(target.lon), float(target.lat)])
    box = map_el.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/projects/{target.pk}/")
    assert target.name in page.content()
