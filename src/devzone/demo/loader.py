"""Load the demo data in one transaction; running again with the same scale only reports what is there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from devzone.core import audit
from devzone.core.errors import Conflict
from devzone.core.models import Region, User
from devzone.core.reference import ensure_reference_data
from devzone.demo.context import DemoContext
from devzone.demo.models import DemoState
from devzone.demo.organisation import DEMO_PASSWORD
from devzone.demo.steps import STEPS


@dataclass
class DemoReport:
    scale: int
    counts: dict[str, int]
    logins: list[tuple[str, str]] = field(default_factory=list)
    reused: bool = False

    def text(self) -> str:
        lines = [f"演示数据(规模 {self.scale}){'已存在,直接使用' if self.reused else '已载入'}:"]
        lines += [f"  {key}: {value:,}" for key, value in self.counts.items()]
        lines.append(f"演示账号(密码均为 {DEMO_PASSWORD}):")
        lines += [f"  {username:<12} {description}" for username, description in self.logins]
        return "\n".join(lines)


def demo_logins() -> list[tuple[str, str]]:
    users = User.objects.select_related("region", "department").prefetch_related("roles").order_by("pk")
    rows = []
    for user in users:
        where = user.region.name if user.region_id else user.department.name if user.department_id else "全部"
        roles = "、".join(str(r) for r in user.roles.all()) or ("系统管理员" if user.is_superuser else "")
        rows.append((user.username, f"{user.display_name} · {roles} · {where}"))
    return rows


def demo_load(*, scale: int = 1, progress: Callable[[str], None] = lambda _m: None) -> DemoReport:
    state = DemoState.objects.filter(pk=1).first()
    if state is not None:
        if state.scale != scale:
            raise Conflict(f"数据库中已有规模 {state.scale} 的演示数据;"
                           f"请换用新的 DEVZONE_DATA_DIR 或数据库再载入规模 {scale}")
        return DemoReport(scale=scale, counts=state.counts, logins=demo_logins(), reused=True)
    if Region.objects.exists() or User.objects.exists():
        raise Conflict("数据库中已有业务数据,演示数据只能载入空数据库(请换用新的 DEVZONE_DATA_DIR 或数据库)")
    counts: dict[str, int] = {}
    with transaction.atomic():
        ensure_reference_data()
        ctx = DemoContext(scale=scale)
        for label, step in STEPS:
            progress(f"  生成{label}…")
            counts.update(step(ctx))
        DemoState.objects.create(pk=1, scale=scale, counts=counts)
        audit.record(actor=None, action="demo_load", object_type="demo.demostate", object_id="1",
                     object_repr=f"演示数据 规模 {scale}", after=counts)
    return DemoReport(scale=scale, counts=counts, logins=demo_logins())
