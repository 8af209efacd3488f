"""The demo generator's steps, in order. A later app appends its own step (projects, leads, problems,
indicators …); each step reads what earlier ones left in the context and returns row counts."""

from __future__ import annotations

from collections.abc import Callable

from devzone.demo.attraction import build_attraction, build_chains
from devzone.demo.context import DemoContext
from devzone.demo.dispatch import build_dispatch
from devzone.demo.enterprises import build_enterprises
from devzone.demo.evaluation import build_evaluation
from devzone.demo.finpol import build_financing, build_policies
from devzone.demo.indicators import build_indicators
from devzone.demo.land import build_land
from devzone.demo.maps import build_map
from devzone.demo.organisation import build_departments, build_regions, build_users, build_zones
from devzone.demo.projects import build_projects

Step = tuple[str, Callable[[DemoContext], dict[str, int]]]

BASE_STEPS: list[Step] = [
    ("行政区划", build_regions),
    ("开发区", build_zones),
    ("部门", build_departments),
    ("用户", build_users),
    ("企业及年度数据", build_enterprises),
]

STEPS: list[Step] = [
    *BASE_STEPS,
    ("重点项目", build_projects),
    ("产业链图谱", build_chains),
    ("招商引资", build_attraction),
    ("调度督办", build_dispatch),
    ("经济指标", build_indicators),
    ("考核评价", build_evaluation),
    ("挂图作战边界", build_map),
    ("用地保障", build_land),
    ("政银企对接", build_financing),
    ("政策兑现", build_policies),
]
