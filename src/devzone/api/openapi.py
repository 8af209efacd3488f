"""OpenAPI component names that do not collide.

ninja builds each schema on its own and merges the components by their short name, so two choice enums called
`Level` (Region.Level and Zone.Level) overwrote each other and the document described region levels with zone
values (found by schemathesis, tests/api/test_fuzz_openapi.py); likewise two apps' schemas of the same name
(the dispatch and attraction KPI rows). Classes nested in another class are named after their owner here
(RegionLevel, ZoneLevel); top-level schema names used by more than one app get the app's name in front
(DispatchCountyKpi); every other name is unchanged.
"""

from __future__ import annotations

import re
import sys

import ninja.openapi.schema as ninja_schema
from ninja.schema import NinjaGenerateJsonSchema

_SHARED_NAMES: set[str] = set()


def _qualify(component: str) -> str:
    """'devzone.core.models.Region.Level:140…' → 'devzone.core.models.RegionLevel:140…'; a shared top-level
    name 'devzone.dispatch.api.CountyKpi:…' → 'devzone.dispatch.api.DispatchCountyKpi:…'."""
    path, sep, ident = component.partition(":")
    if not path.startswith("devzone."):
        return component
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:cut]) in sys.modules:
            module, qualname = parts[:cut], parts[cut:]
            name = "".join(qualname)
            if len(qualname) == 1 and name in _SHARED_NAMES:
                name = module[1].title().replace("_", "") + name
            return ".".join([*module, name]) + sep + ident
    return component


def _schema_classes() -> list[type]:
    from ninja import Schema

    found, stack = [], [Schema]
    while stack:
        for sub in stack.pop().__subclasses__():
            found.append(sub)
            stack.append(sub)
    return found


def _find_shared_names() -> set[str]:
    modules_by_name: dict[str, set[str]] = {}
    for cls in _schema_classes():
        if cls.__module__.startswith("devzone.") and "." not in cls.__qualname__:
            modules_by_name.setdefault(cls.__name__, set()).add(cls.__module__)
    return {name for name, modules in modules_by_name.items() if len(modules) > 1}


class QualifiedNamesJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        pieces = re.split(r"([\][,])", core_ref)
        return super().get_defs_ref(("".join(_qualify(p) for p in pieces), mode))


def install() -> None:
    """Call once every router is imported (devzone/api/urls.py)."""
    _SHARED_NAMES.clear()
    _SHARED_NAMES.update(_find_shared_names())
    ninja_schema.NinjaGenerateJsonSchema = QualifiedNamesJsonSchema
