"""A link's strength (强链 / 补链 / 延链) from what is behind it; pure, so the rule is easy to read and test.

- strong: at least `strong_min_enterprises` local enterprises, of which at least `strong_min_above_size` 规上;
- missing: no local enterprise (and, unless projects count as presence, whatever the projects);
- weak: everything in between — a few small enterprises, or only a project under way.
Leads do not change the strength (nothing is there yet); they are shown beside it.
"""

from __future__ import annotations

from devzone.chains.models import ChainSettings, Strength


def link_strength(*, enterprises: int, above_size: int, projects: int, settings: ChainSettings) -> str:
    if enterprises >= settings.strong_min_enterprises and above_size >= settings.strong_min_above_size:
        return Strength.STRONG
    if enterprises > 0 or (projects > 0 and settings.projects_count_as_presence):
        return Strength.WEAK
    return Strength.MISSING
