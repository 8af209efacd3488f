"""Who may do what in dispatch: pure predicates over a user (roles prefetched or not) and an object.

"My unit" (本单位): a department user acts for their department. A user with a region and no department
(a county account in the demo) acts for the units of their own government: the departments whose region is
the user's region, and those of the townships directly under it. A city account therefore acts for the
city bureaus, a county account for that county's bureaus — never for a neighbour's, nor for the units of
the counties below a city. Reading is wider than acting: see selectors.visible_q.
"""

from __future__ import annotations

from django.db.models import Q

from devzone.core.jurisdiction import scope_for
from devzone.core.models import Department, Region, Role, User
from devzone.core.services import READ_ONLY_ROLES, role_codes

# Roles that dispatch work: they create tasks and assign (交办) problems within their jurisdiction.
DISPATCH_ROLES = {Role.Code.SUPERVISION, Role.Code.PROJECT_OFFICE, Role.Code.COUNTY}
# Roles that supervise: they may close (销号) or send back any problem or task in their jurisdiction.
SUPERVISE_ROLES = {Role.Code.SUPERVISION, Role.Code.PROJECT_OFFICE}
# Department users holding one of these read their department's whole region; others read only their work.
WIDE_READ_ROLES = {Role.Code.SUPERVISION, Role.Code.PROJECT_OFFICE, Role.Code.CITY_LEADER, Role.Code.OBSERVER}


def is_read_only(user: User) -> bool:
    codes = role_codes(user)
    return not user.is_superuser and bool(codes) and codes <= READ_ONLY_ROLES


def can_dispatch(user: User) -> bool:
    return user.is_superuser or (not is_read_only(user) and bool(role_codes(user) & DISPATCH_ROLES))


def supervises(user: User) -> bool:
    return user.is_superuser or bool(role_codes(user) & SUPERVISE_ROLES)


def covers(user: User, region: Region) -> bool:
    return scope_for(user).covers_path(region.path)


def home_region_ids(department: Department) -> set[int]:
    """Regions whose region accounts act for `department` (its own, and its county's for a township unit)."""
    ids = {department.region_id}
    if department.region.level == Region.Level.TOWNSHIP and department.region.parent_id:
        ids.add(department.region.parent_id)
    return ids


def acts_for_unit(user: User, department: Department | None) -> bool:
    if department is None or is_read_only(user):
        return False
    if user.is_superuser or user.department_id == department.pk:
        return True
    return user.region_id is not None and user.region_id in home_region_ids(department)


def my_units_q(user: User, prefix: str = "") -> Q:
    """Departments the user acts for, as a Q over `prefix` + department fields (prefix "lead_unit__")."""
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    if user.department_id:
        q |= Q(**{f"{prefix}id" if prefix else "pk": user.department_id})
    if user.region_id:
        q |= Q(**{f"{prefix}region_id": user.region_id})
        q |= Q(**{f"{prefix}region__parent_id": user.region_id, f"{prefix}region__level": Region.Level.TOWNSHIP})
    return q


def can_handle_problem(user: User, problem) -> bool:
    """The lead unit (or the named handler) works on the problem: accept, resolve, return."""
    if is_read_only(user):
        return False
    return user.is_superuser or problem.handler_id == user.pk or acts_for_unit(user, problem.lead_unit)


def can_supervise_item(user: User, item) -> bool:
    """Supervisors in whose jurisdiction the item was raised (and the superuser)."""
    return user.is_superuser or (supervises(user) and not is_read_only(user) and covers(user, item.region))


def can_assign_problem(user: User, problem) -> bool:
    return can_dispatch(user) and covers(user, problem.region)


def can_handle_task(user: User, task) -> bool:
    if is_read_only(user):
        return False
    return user.is_superuser or task.responsible_person_id == user.pk or acts_for_unit(user, task.lead_unit)


def can_supervise_task(user: User, task) -> bool:
    return (task.created_by_id == user.pk and not is_read_only(user)) or can_supervise_item(user, task)
