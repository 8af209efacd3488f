"""Sorting and paging helpers shared by list pages, list endpoints and exports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import F, QuerySet


def apply_sort(qs: QuerySet, sort: str | None, allowed: Mapping[str, str],
               default: Sequence[str]) -> QuerySet:
    """Order by a whitelisted key ("name" or "-name"); unknown keys fall back to the default order.

    The primary key is always the last tie-breaker so that pages never overlap or skip rows.
    """
    if sort:
        descending = sort.startswith("-")
        field = allowed.get(sort.lstrip("-"))
        if field:
            expr = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
            return qs.order_by(expr, "pk")
    return qs.order_by(*default, "pk")
