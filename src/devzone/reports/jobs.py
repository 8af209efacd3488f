"""The "reports.bulletin" background job: read the period's data, render the document, attach it."""

from __future__ import annotations

from devzone.core.errors import ValidationFailed
from devzone.core.jobs import JobOutcome, Progress, job_kind
from devzone.core.models import Job
from devzone.reports import services


@job_kind(services.JOB_KIND)
def run_bulletin(job: Job, progress: Progress) -> JobOutcome:
    params = job.params
    user = job.created_by
    if user is None or not user.is_active:
        raise ValidationFailed("发起作业的用户不存在或已停用")
    rendered = services.bulletin_render(user=user, kind=params.get("kind", "monthly"), period=params.get("period", ""),
                                        fmt=params.get("format", ""), progress=progress)
    progress(90, "保存文件")
    progress.log(f"{rendered.file_name}:{len(rendered.content):,} 字节")
    bulletin = rendered.bulletin
    return JobOutcome(result={"kind": bulletin.kind, "period": bulletin.period.key, "format": params["format"],
                              "bytes": len(rendered.content), "tables": len(bulletin.tables)},
                      file_name=rendered.file_name, file_content=rendered.content)
