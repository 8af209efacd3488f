"""Generated boundaries for the project map (挂图作战): the demo city's counties as a grid of cells with wavy,
shared edges over the same box the projects lie in, each zone a small polygon inside its county, and every
project moved inside its zone (or its county). Deterministic for a given scale; no real geography."""

from __future__ import annotations

import math
import random
from decimal import Decimal

from devzone.core.models import Region, Zone
from devzone.demo.context import DemoContext

BOX = (113.2, 34.1, 114.3, 34.9)  # lon/lat of the demo city (the projects step uses the same box)
EDGE_POINTS = 3                   # wavy points between two corners
JITTER = 0.08                     # share of a cell's size a corner or an edge point may move
Point = tuple[float, float]


class Grid:
    """Counties laid out in rows and columns; corners and edge points are shared by neighbouring cells."""

    def __init__(self, count: int, scale: int) -> None:
        width, height = BOX[2] - BOX[0], BOX[3] - BOX[1]
        self.cols = max(1, math.ceil(math.sqrt(count * width / height)))
        self.rows = max(1, math.ceil(count / self.cols))
        self.dx, self.dy = width / self.cols, height / self.rows
        self.seed = f"devzone-demo:{scale}:map"

    def _rng(self, *key) -> random.Random:
        return random.Random(f"{self.seed}:{key}")

    def corner(self, col: int, row: int) -> Point:
        x, y = BOX[0] + col * self.dx, BOX[1] + row * self.dy
        on_border = col in (0, self.cols) or row in (0, self.rows)
        if on_border:
            return round(x, 6), round(y, 6)
        rng = self._rng("corner", col, row)
        return (round(x + rng.uniform(-JITTER, JITTER) * self.dx, 6),
                round(y + rng.uniform(-JITTER, JITTER) * self.dy, 6))

    def edge(self, a: tuple[int, int], b: tuple[int, int]) -> list[Point]:
        """Points strictly between corners a and b, in the a → b direction (the same points both sides)."""
        first, second = sorted([a, b])
        start, end = self.corner(*first), self.corner(*second)
        rng = self._rng("edge", first, second)
        border = (first[0] == second[0] and first[0] in (0, self.cols)) or \
                 (first[1] == second[1] and first[1] in (0, self.rows))
        points = []
        for i in range(1, EDGE_POINTS + 1):
            t = i / (EDGE_POINTS + 1)
            x, y = start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t
            if not border:
                wobble = rng.uniform(-JITTER, JITTER)
                if first[0] == second[0]:
                    x += wobble * self.dx
                else:
                    y += wobble * self.dy
            points.append((round(x, 6), round(y, 6)))
        return points if (first, second) == (a, b) else points[::-1]

    def cell_ring(self, index: int) -> list[Point]:
        col, row = index % self.cols, self.rows - 1 - index // self.cols  # first county top left
        corners = [(col, row), (col + 1, row), (col + 1, row + 1), (col, row + 1)]
        ring: list[Point] = []
        for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
            ring.append(self.corner(*a))
            ring.extend(self.edge(a, b))
        return [*ring, ring[0]]

    def inner(self, index: int, u: float, v: float) -> Point:
        """A point of the cell's safe inner part (15%–85% of each side), u and v in [0, 1]."""
        col, row = index % self.cols, self.rows - 1 - index // self.cols
        x = BOX[0] + (col + 0.15 + 0.7 * u) * self.dx
        y = BOX[1] + (row + 0.15 + 0.7 * v) * self.dy
        return round(x, 6), round(y, 6)


def polygon(ring: list[Point]) -> dict:
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}}


def zone_ring(grid: Grid, index: int, slot: int) -> tuple[list[Point], tuple[float, float, float, float]]:
    """A hexagon-ish zone in one of four slots of its county's inner part; returns the ring and its u/v box."""
    u0, v0 = (0.05 + 0.5 * (slot % 2), 0.05 + 0.5 * ((slot // 2) % 2))
    box = (u0, v0, u0 + 0.4, v0 + 0.4)
    (x0, y0), (x1, y1) = grid.inner(index, box[0], box[1]), grid.inner(index, box[2], box[3])
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    ring = [(x0, my), ((x0 + mx) / 2, y0), ((mx + x1) / 2, y0), (x1, my), ((mx + x1) / 2, y1), ((x0 + mx) / 2, y1)]
    ring = [(round(x, 6), round(y, 6)) for x, y in ring]
    return [*ring, ring[0]], box


def county_id_of(path: str) -> int | None:
    parts = [p for p in path.split("/") if p]
    return int(parts[2]) if len(parts) >= 3 else None


def build_map(ctx: DemoContext) -> dict[str, int]:
    from devzone.projects.models import Project

    rng = ctx.rng("map")
    counties = list(ctx.counties)
    grid = Grid(len(counties), ctx.scale)
    index_of = {c.pk: i for i, c in enumerate(counties)}
    for i, county in enumerate(counties):
        county.boundary = polygon(grid.cell_ring(i))
    Region.objects.bulk_update(counties, ["boundary"])

    zones = Zone.objects.filter(pk__in=[z.pk for z in ctx.zones]).order_by("pk")
    slots: dict[int, int] = {}
    zone_boxes: dict[int, tuple[int, tuple[float, float, float, float]]] = {}
    placed = []
    for zone in zones:
        index = index_of.get(zone.region_id)
        if index is None:
            continue
        slot = slots.get(zone.region_id, 0)
        slots[zone.region_id] = slot + 1
        ring, box = zone_ring(grid, index, slot)
        zone.boundary = polygon(ring)
        zone_boxes[zone.pk] = (index, box)
        placed.append(zone)
    Zone.objects.bulk_update(placed, ["boundary"])

    projects = list(Project.objects.order_by("pk").only("pk", "region__path", "zone_id", "lon", "lat")
                    .select_related("region"))
    for project in projects:
        u, v = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
        if project.zone_id in zone_boxes:
            index, (u0, v0, u1, v1) = zone_boxes[project.zone_id]
            # inside the hexagon: keep to its middle band
            lon, lat = grid.inner(index, u0 + (u1 - u0) * (0.3 + 0.4 * u), v0 + (v1 - v0) * (0.25 + 0.5 * v))
        else:
            index = index_of.get(county_id_of(project.region.path))
            if index is None:
                continue
            lon, lat = grid.inner(index, u, v)
        project.lon, project.lat = Decimal(str(lon)), Decimal(str(lat))
    Project.objects.bulk_update(projects, ["lon", "lat"], batch_size=500)
    return {"county_boundaries": len(counties), "zone_boundaries": len(placed), "located_projects": len(projects)}
