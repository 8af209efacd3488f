"""The demo's map step on a real demo load: every county and zone gets a valid boundary, and every project of a
county lies inside its county (and its zone's polygon when it is in a zone)."""

from __future__ import annotations

import itertools

import pytest

from devzone.core.models import Region, Zone
from devzone.demo import loader
from devzone.demo.maps import build_map, county_id_of
from devzone.demo.projects import build_projects
from devzone.demo.steps import BASE_STEPS
from devzone.projects.models import Project
from devzone.web import maps


def _inside(x: float, y: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


@pytest.fixture
def demo(db, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(loader, "STEPS", [*BASE_STEPS, ("重点项目", build_projects), ("挂图作战边界", build_map)])
    return loader.demo_load(scale=1)


def test_demo_boundaries_hold_their_projects(demo):
    counties = {c.pk: c for c in Region.objects.filter(level=Region.Level.COUNTY)}
    zones = {z.pk: z for z in Zone.objects.all()}
    assert len(counties) == 8 and all(c.boundary for c in counties.values())
    assert all(z.boundary for z in zones.values())
    for boundary in [c.boundary for c in counties.values()] + [z.boundary for z in zones.values()]:
        maps.parse_boundary(boundary)  # what the upload form accepts
    placed = 0
    for project in Project.objects.select_related("region"):
        county = counties.get(county_id_of(project.region.path))
        if county is None:
            continue
        x, y = float(project.lon), float(project.lat)
        assert _inside(x, y, county.boundary["geometry"]["coordinates"][0]), project.name
        if project.zone_id:
            assert _inside(x, y, zones[project.zone_id].boundary["geometry"]["coordinates"][0]), project.name
        placed += 1
    assert placed >= 500
