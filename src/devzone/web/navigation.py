"""The main navigation: the areas of DOMAIN.md. Each app registers its pages by URL name; an area whose
pages are not built yet is shown greyed out with no link, so nobody lands on an empty page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from devzone.core.security import can_read_audit


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None = None
    visible_to: Callable[[Any], bool] | None = None  # None: everyone signed in (the page checks its own rights)

    def url(self) -> str | None:
        if not self.url_name:
            return None
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: tuple[NavItem, ...] = field(default_factory=tuple)


NAVIGATION: tuple[NavGroup, ...] = (
    NavGroup(_("Cockpit"), (NavItem(_("Overview"), "home"),
                            NavItem(_("Leaders' cockpit"), "cockpit"),
                            NavItem(_("Project map"), "cockpit_map"),
                            NavItem(_("My sponsored projects"), "projects:mine"))),
    NavGroup(_("Key projects"), (NavItem(_("Project ledger"), "projects:list"),
                                 NavItem(_("Monthly dispatch"), "projects:reports"))),
    NavGroup(_("Investment"), (NavItem(_("Leads"), "attraction:leads"),
                               NavItem(_("Industry chains"), "chains:list"))),
    NavGroup(_("Enterprises"), (NavItem(_("Enterprise registry"), "enterprises:list"),
                                NavItem(_("Per-mu evaluation"), "evaluation:runs"))),
    NavGroup(_("Supervision"), (NavItem(_("My work"), "dispatch:my_work"),
                                NavItem(_("Problems"), "dispatch:problems"),
                                NavItem(_("Tasks"), "dispatch:tasks"),
                                NavItem(_("Meetings"), "dispatch:meetings"),
                                NavItem(_("Supervision board"), "dispatch:board"),
                                NavItem(_("KPIs"), "dispatch:kpis"))),
    NavGroup(_("Economy"), (NavItem(_("Indicators"), "indicators:list"),)),
    NavGroup(_("Reports"), (NavItem(_("Bulletins"), "reports:bulletins"),)),
    NavGroup(_("Factor guarantees"), (NavItem(_("Land quotas"), "land:accounts"),
                                      NavItem(_("Parcels"), "land:parcels"),
                                      NavItem(_("Low-efficiency land"), "land:low_efficiency"),
                                      NavItem(_("Standard land"), "land:standard"),
                                      NavItem(_("Financing matchmaking"), "finance:needs"),
                                      NavItem(_("Policy fulfilment"), "policies:applications"))),
    NavGroup(_("Organisation"), (NavItem(_("Development zones"), "core:zones"),
                                 NavItem(_("Regions and departments"), "core:regions"),
                                 NavItem(_("Import data"), "intake:upload"),
                                 NavItem(_("Background jobs"), "jobs:list"),
                                 NavItem(_("Audit trail"), "core:audit", visible_to=can_read_audit))),
)


def navigation_for(user) -> list[dict]:
    groups = []
    for group in NAVIGATION:
        items = [{"label": item.label, "url": item.url()} for item in group.items
                 if item.visible_to is None or item.visible_to(user)]
        if items:
            groups.append({"label": group.label, "items": items,
                           "enabled": any(i["url"] for i in items)})
    return groups
