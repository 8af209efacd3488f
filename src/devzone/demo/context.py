"""What demo steps share: the scale, seeded random streams, and the objects earlier steps made."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    scale: int
    city: Any = None
    counties: list = field(default_factory=list)
    townships: dict[int, list] = field(default_factory=dict)
    zones: list = field(default_factory=list)
    departments: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    enterprises: list = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # later steps keep what they share here

    def rng(self, stream: str) -> random.Random:
        """An independent, deterministic stream per step: adding a step never changes earlier data."""
        return random.Random(f"devzone-demo:{self.scale}:{stream}")
