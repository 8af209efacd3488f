"""Pages for background jobs: my jobs, one job with a polled progress bar, download, retry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from devzone.core import jobs, selectors
from devzone.core.errors import DomainError, NotFound


def _job_or_404(request: HttpRequest, pk: int):
    try:
        return selectors.job_get(user=request.user, job_id=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/job_list.html", {
        "title": _("Background jobs"), "jobs": selectors.job_queryset(user=request.user)[:100]})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    template = "core/_job_status.html" if request.headers.get("HX-Request") else "core/job_detail.html"
    return render(request, template, {"job": job, "title": job.title})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request, pk)
    if not job.result_file:
        raise Http404(_("This job has no file."))
    return FileResponse(job.result_file.open("rb"), as_attachment=True,
                        filename=job.result_file.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    try:
        again = jobs.job_retry(actor=request.user, job=job)
    except DomainError as exc:
        from django.contrib import messages

        messages.error(request, exc.message)
        return redirect("jobs:detail", pk=job.pk)
    return redirect("jobs:detail", pk=again.pk)
