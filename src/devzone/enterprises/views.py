"""Pages for the enterprise registry: list with filters and export, detail with annual data, create, edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from devzone.core.errors import NotFound
from devzone.core.jobs import job_enqueue
from devzone.enterprises import selectors, services
from devzone.enterprises.forms import EnterpriseFilterForm, EnterpriseForm
from devzone.enterprises.models import EnterpriseYear
from devzone.enterprises.tables import enterprise_columns
from devzone.web.formflow import form_page
from devzone.web.tables import render_list


def _get_or_404(**kwargs):
    try:
        return selectors.enterprise_get(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    year = selectors.latest_year(user=request.user)
    def export_job() -> HttpResponse:
        job = job_enqueue(actor=request.user, kind="enterprises.export", title=_("Enterprise registry export"),
                          params={"filters": filters})
        return redirect("jobs:detail", pk=job.pk)

    return render_list(request, template="enterprises/enterprise_list.html", title=_("Enterprise registry"),
                       queryset=selectors.enterprise_list(user=request.user, filters=filters, year=year),
                       columns=enterprise_columns(year), form=form, export_name=_("Enterprise registry"),
                       unit=_("Unit: 10k yuan"), extra={"year": year}, export_job=export_job)


YEAR_FIELDS = [(name, EnterpriseYear._meta.get_field(name).verbose_name) for name in EnterpriseYear.FIGURE_FIELDS]


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _get_or_404(user=request.user, enterprise_id=pk)
    years = list(enterprise.years.all())
    chart = {"years": [y.year for y in years],
             "series": {str(_("revenue")): [_num(y.revenue) for y in years],
                        str(_("taxes paid")): [_num(y.tax) for y in years],
                        str(_("industrial value added")): [_num(y.value_added) for y in years]}}
    rows = [{"label": label, "values": [getattr(y, name) for y in years], "name": name}
            for name, label in YEAR_FIELDS]
    return render(request, "enterprises/enterprise_detail.html", {
        "enterprise": enterprise, "title": enterprise.name, "years": years, "rows": rows, "chart": chart,
    })


def _num(value) -> float | None:
    return float(value) if value is not None else None


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="enterprises/enterprise_form.html",
                     form=EnterpriseForm(request.POST or None, user=request.user),
                     save=lambda data: services.enterprise_create(actor=request.user, data=data),
                     success_message=_("Enterprise saved."), context={"title": _("Register enterprise")})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _get_or_404(user=request.user, enterprise_id=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)

    def save(data: dict):
        return services.enterprise_update(actor=request.user, enterprise=enterprise, data=data,
                                          expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="enterprises/enterprise_form.html", form=form, save=save,
                     success_message=_("Enterprise saved."),
                     context={"enterprise": enterprise, "title": _("Edit %s") % enterprise})
