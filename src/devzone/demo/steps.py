"""The demo generator's steps, in order. A later app appends its own step (projects, leads, problems,
indicators …); each step reads what earlier ones left in the context and returns row counts."""

from __future__ import annotations

from collections.abc import Callable

from devzone.demo.context import DemoContext
from devzone.demo.enterprises import build_enterprises
from devzone.demo.organisation import build_departments, build_regions, build_users, build_zones

Step = tuple[str, Callable[[DemoContext], dict[str, int]]]

STEPS: list[Step] = [
    ("行政区划", build_regions),
    ("开发区", build_zones),
    ("部门", build_departments),
    ("用户", build_users),
    ("企业及年度数据", build_enterprises),
]
