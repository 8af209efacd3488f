"""Bulletin generation: render a period's bulletin in a format, and start the background job that does it.

Rendering reads only (nothing is written); starting the job is the audited write (core.jobs records it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from devzone.core.errors import PermissionDenied, ValidationFailed
from devzone.core.jobs import job_enqueue
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Job, User
from devzone.reports.content import Bulletin, build_bulletin
from devzone.reports.periods import KIND_LABELS, BulletinPeriod, parse_period

FORMATS = {"docx": "Word(.docx)", "pdf": "PDF", "xlsx": "Excel 附表(.xlsx)"}
JOB_KIND = "reports.bulletin"


@dataclass(frozen=True)
class Rendered:
    bulletin: Bulletin
    file_name: str
    content: bytes


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationFailed(f"格式「{fmt}」应为 docx、pdf 或 xlsx",
                               details=[{"field": "format", "message": "格式错误"}])
    return fmt


def file_name(bulletin: Bulletin, fmt: str) -> str:
    suffix = "附表" if fmt == "xlsx" else ""
    return f"{bulletin.scope_name}{bulletin.period.label.split('(')[0]}{KIND_LABELS[bulletin.kind]}{suffix}.{fmt}"


def write(bulletin: Bulletin, fmt: str) -> bytes:
    if fmt == "docx":
        from devzone.reports.docx_writer import write_docx

        return write_docx(bulletin)
    if fmt == "pdf":
        from devzone.reports.pdf_writer import write_pdf

        return write_pdf(bulletin)
    from devzone.reports.xlsx_writer import write_xlsx

    return write_xlsx(bulletin)


def bulletin_render(*, user: User, kind: str, period: str | BulletinPeriod, fmt: str,
                    issued_on: date | None = None, progress=None) -> Rendered:
    """The bulletin of `period` in `fmt`, read in the user's jurisdiction."""
    check_format(fmt)
    parsed = period if isinstance(period, BulletinPeriod) else parse_period(period, kind)
    if scope_for(user).empty:
        raise PermissionDenied("您没有管辖范围,不能生成通报")
    if progress:
        progress(10, "读取数据")
    bulletin = build_bulletin(user=user, period=parsed, issued_on=issued_on, with_appendix=fmt == "xlsx")
    if progress:
        progress(50, f"生成 {FORMATS[fmt]}")
    content = write(bulletin, fmt)
    return Rendered(bulletin, file_name(bulletin, fmt), content)


def bulletin_start(*, actor: User, kind: str, period: str, fmt: str) -> Job:
    """Validate the request and enqueue the "reports.bulletin" job."""
    check_format(fmt)
    parsed = parse_period(period, kind)
    if scope_for(actor).empty:
        raise PermissionDenied("您没有管辖范围,不能生成通报")
    title = f"{parsed.label}{KIND_LABELS[kind]}({fmt})"
    return job_enqueue(actor=actor, kind=JOB_KIND, title=title,
                       params={"kind": kind, "period": parsed.key, "format": fmt})
