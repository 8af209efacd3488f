"""Jurisdiction (管辖范围): which part of the region tree a user may see and change.

A user's jurisdiction is the subtree under their region; a department user's is the subtree under the
department's region (a city bureau covers the city). Superusers see everything; a user with neither a
region nor a department sees nothing. Selectors and services call `scope_for(user)` and filter with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from devzone.core.errors import NotFound


@dataclass(frozen=True)
class Scope:
    unrestricted: bool
    region_path: str | None  # materialised path prefix of the subtree, e.g. "/1/4/"
    region_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.unrestricted and self.region_path is None

    def covers_path(self, path: str) -> bool:
        if self.unrestricted:
            return True
        return self.region_path is not None and path.startswith(self.region_path)

    def region_q(self, field: str = "region") -> Q:
        """A Q object keeping rows whose `field` region lies in the subtree."""
        if self.unrestricted:
            return Q()
        if self.region_path is None:
            return Q(pk__in=[])
        prefix = f"{field}__path__startswith" if field else "path__startswith"
        return Q(**{prefix: self.region_path})

    def with_ancestors_q(self, field: str = "region") -> Q:
        """The subtree plus the ancestors of its root (context a county may see, e.g. its city)."""
        if self.unrestricted or self.region_path is None:
            return self.region_q(field)
        ids = [int(part) for part in self.region_path.strip("/").split("/")[:-1]]
        key = f"{field}_id__in" if field else "id__in"
        return self.region_q(field) | Q(**{key: ids})


def scope_for(user) -> Scope:
    """The jurisdiction of `user` (AnonymousUser gets an empty scope)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(unrestricted=False, region_path=None)
    if user.is_superuser:
        return Scope(unrestricted=True, region_path=None)
    region = user.region if user.region_id else (user.department.region if user.department_id else None)
    if region is None:
        return Scope(unrestricted=False, region_path=None)
    return Scope(unrestricted=False, region_path=region.path, region_id=region.pk)


def get_in_scope(queryset: QuerySet, **lookup):
    """`queryset.get(**lookup)` that answers NotFound (404) for missing and out-of-scope objects alike."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
