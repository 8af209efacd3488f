"""Background jobs of the enterprise registry: the Excel export of a large filtered list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from devzone.core.errors import NotFound
from devzone.core.exports import write_xlsx
from devzone.core.jobs import JobOutcome, Progress, job_kind
from devzone.core.models import Job
from devzone.enterprises import selectors
from devzone.enterprises.tables import enterprise_columns

CHUNK = 2000


@job_kind("enterprises.export")
def export_enterprises(job: Job, progress: Progress) -> JobOutcome:
    """Write every enterprise matching the job's filters, as the acting user may see them, to .xlsx."""
    user = job.created_by
    if user is None or not user.is_active:
        raise NotFound("发起导出的用户已不存在或已停用")
    filters: dict[str, Any] = job.params.get("filters", {})
    year = selectors.latest_year(user=user)
    queryset = selectors.enterprise_list(user=user, filters=filters, year=year)
    total = queryset.count()
    columns = enterprise_columns(year)
    progress(0, f"共 {total} 条")

    def rows() -> Iterator[list]:
        for index, enterprise in enumerate(queryset.iterator(chunk_size=CHUNK), start=1):
            if index % CHUNK == 0:
                progress(95 * index / max(total, 1), f"已写入 {index:,} / {total:,} 条")
            yield [column.value(enterprise) for column in columns]

    content = write_xlsx(title=_("Enterprise registry"), columns=[c.export_column() for c in columns], rows=rows(),
                         unit=_("Unit: 10k yuan"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobOutcome(result={"rows": total}, file_name=f"enterprises-{stamp}.xlsx", file_content=content)
