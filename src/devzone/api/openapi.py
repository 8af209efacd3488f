"""OpenAPI component names that do not collide.

ninja builds each schema on its own and merges the components by their short name, so two choice enums called
`Level` (Region.Level and Zone.Level) overwrote each other and the document described region levels with zone
values (found by schemathesis, tests/api/test_fuzz_openapi.py). Classes nested in another class are named after
their owner here (RegionLevel, ZoneLevel); top-level names are unchanged.
"""

from __future__ import annotations

import re
import sys

import ninja.openapi.schema as ninja_schema
from ninja.schema import NinjaGenerateJsonSchema


def _qualify(component: str) -> str:
    """'devzone.core.models.Region.Level:140…' → 'devzone.core.models.RegionLevel:140…'."""
    path, sep, ident = component.partition(":")
    if not path.startswith("devzone."):
        return component
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:cut]) in sys.modules:
            module, qualname = parts[:cut], parts[cut:]
            return ".".join([*module, "".join(qualname)]) + sep + ident
    return component


class QualifiedNamesJsonSchema(NinjaGenerateJsonSchema):
    def get_defs_ref(self, core_mode_ref):
        core_ref, mode = core_mode_ref
        pieces = re.split(r"([\][,])", core_ref)
        return super().get_defs_ref(("".join(_qualify(p) for p in pieces), mode))


def install() -> None:
    ninja_schema.NinjaGenerateJsonSchema = QualifiedNamesJsonSchema
