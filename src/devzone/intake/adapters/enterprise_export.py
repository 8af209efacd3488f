"""The enterprise registry in the layout the importer reads: one row per enterprise in the user's jurisdiction,
with the latest year's figures (two queries per 2,000 enterprises)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region
from devzone.enterprises.models import Enterprise, EnterpriseYear
from devzone.intake.adapters.base import Field

BATCH = 2000


def export_rows(actor, fields: Sequence[Field], year: int | None, labels: dict[str, dict[str, str]]) -> Iterator[list]:
    """[序号, value per field] for every enterprise in scope; `labels` turns stored choices into Chinese."""
    qs = (Enterprise.objects.filter(scope_for(actor).region_q())
          .select_related("region__parent", "zone", "industry").order_by("region__path", "name", "pk"))
    number = 0
    batch: list[Enterprise] = []
    for enterprise in qs.iterator(chunk_size=BATCH):
        batch.append(enterprise)
        if len(batch) == BATCH:
            yield from _rows(batch, fields, year, labels, number)
            number += len(batch)
            batch = []
    yield from _rows(batch, fields, year, labels, number)


def _rows(batch: list[Enterprise], fields: Sequence[Field], year: int | None, labels: dict[str, dict[str, str]],
          number: int) -> Iterator[list]:
    if not batch:
        return
    years = {} if year is None else {y.enterprise_id: y for y in EnterpriseYear.objects.filter(
        enterprise_id__in=[e.pk for e in batch], year=year)}
    for offset, enterprise in enumerate(batch, start=1):
        figures = years.get(enterprise.pk)
        yield [number + offset, *(_value(enterprise, figures, f.key, year, labels) for f in fields)]


def _value(enterprise: Enterprise, figures: EnterpriseYear | None, key: str, year: int | None,
           labels: dict[str, dict[str, str]]):
    region = enterprise.region
    township = region.level == Region.Level.TOWNSHIP
    if key == "region":
        return region.parent.name if township and region.parent_id else region.name
    if key == "township":
        return region.name if township else None
    if key == "zone":
        return enterprise.zone.name if enterprise.zone_id else None
    if key == "industry":
        return enterprise.industry.code if enterprise.industry_id else None
    if key in labels:
        return labels[key].get(getattr(enterprise, key)) or None
    if key == "year":
        return year if figures is not None else None
    if key in EnterpriseYear.FIGURE_FIELDS:
        return getattr(figures, key) if figures is not None else None
    return getattr(enterprise, key)
