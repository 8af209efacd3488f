"""Pages for the enterprise registry: list with filters and export, detail with annual data, create, edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devzone.core.errors import NotFound
from devzone.enterprises import selectors, services
from devzone.enterprises.forms import EnterpriseFilterForm, EnterpriseForm
from devzone.enterprises.models import EnterpriseYear
from devzone.web.formflow import form_page
from devzone.web.tables import Column, render_list


def enterprise_columns(year: int | None) -> list[Column]:
    suffix = f"({year})" if year else ""
    return [
        Column("credit_code", gettext_lazy("unified social credit code"), lambda e: e.credit_code,
               sort="credit_code", width=22),
        Column("name", gettext_lazy("name"), lambda e: e.name, sort="name",
               link=lambda e: reverse("enterprises:detail", args=[e.pk]), width=34),
        Column("region", gettext_lazy("region"), lambda e: region_label(e.region), sort="region", width=18),
        Column("zone", gettext_lazy("zone"), lambda e: e.zone.name if e.zone else "", sort="zone", width=24),
        Column("industry", gettext_lazy("industry"), lambda e: str(e.industry) if e.industry else "",
               sort="industry", width=24),
        Column("size", gettext_lazy("size"), lambda e: e.get_size_display(), sort="size", width=8),
        Column("flags", gettext_lazy("flags"), lambda e: "、".join(e.flag_labels()), width=30),
        Column("land", f"{_('land (mu)')}{suffix}", lambda e: e.latest_land_mu, kind="money"),
        Column("revenue", f"{_('revenue')}{suffix}", lambda e: e.latest_revenue, sort="revenue", kind="money"),
        Column("tax", f"{_('taxes paid')}{suffix}", lambda e: e.latest_tax, sort="tax", kind="money"),
    ]


def region_label(region) -> str:
    """A township reads with its county ("石门县 三里镇"); a county by itself."""
    if region.level == region.Level.TOWNSHIP and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


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
    return render_list(request, template="enterprises/enterprise_list.html", title=_("Enterprise registry"),
                       queryset=selectors.enterprise_list(user=request.user, filters=filters, year=year),
                       columns=enterprise_columns(year), form=form, export_name=_("Enterprise registry"),
                       unit=_("Unit: 10k yuan"), extra={"year": year})


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
