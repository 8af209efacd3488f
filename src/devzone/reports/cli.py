"""`devzone bulletin --period YYYY-MM [--kind monthly|weekly] --format docx|pdf|xlsx --out FILE [--user NAME]`:
the same bulletin the web page makes, written to a file. Returns the line to print; user mistakes raise
DomainError (devzone.cli prints one line and exits 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from devzone.core.errors import ValidationFailed
from devzone.core.models import User
from devzone.reports.periods import parse_period
from devzone.reports.services import bulletin_render, check_format


def _actor(username: str | None) -> User:
    if username is None:
        return User(username="system", is_superuser=True, is_active=True)  # the whole city; never saved
    user = User.objects.filter(username=username, is_active=True).select_related("region", "department").first()
    if user is None:
        raise ValidationFailed(f"用户 {username} 不存在或已停用")
    return user


def bulletin_command(*, period: str, kind: str, fmt: str, out: str, username: str | None = None,
                     issued_on: str | None = None) -> str:
    check_format(fmt)
    parsed = parse_period(period, kind)
    target = Path(out)
    if not target.parent.is_dir():
        raise ValidationFailed(f"输出目录不存在:{target.parent}")
    issued = None
    if issued_on:
        try:
            issued = date.fromisoformat(issued_on)
        except ValueError as exc:
            raise ValidationFailed(f"成文日期「{issued_on}」格式应为 YYYY-MM-DD") from exc
    rendered = bulletin_render(user=_actor(username), kind=kind, period=parsed, fmt=fmt, issued_on=issued)
    target.write_bytes(rendered.content)
    return f"已生成{rendered.bulletin.title}({fmt},{len(rendered.content):,} 字节):{target}"
