"""The bulletins page: the bulletins generated so far and a form that starts a new one in the background."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from devzone.core.errors import DomainError
from devzone.reports import selectors, services
from devzone.reports.forms import BulletinForm
from devzone.web.formflow import _attach_errors


@login_required
def bulletins(request: HttpRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.bulletin_start(actor=request.user, kind=data["kind"], period=data["period"],
                                          fmt=data["format"])
        except DomainError as exc:
            _attach_errors(form, exc)
        else:
            messages.success(request, _("The bulletin is being generated; this page shows its progress."))
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "reports/bulletins.html", {
        "title": _("Bulletins"), "form": form, "jobs": list(selectors.bulletin_jobs(user=request.user))})
