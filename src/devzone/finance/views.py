"""Pages for matchmaking: needs (list, detail with loans, create, edit), events (list, detail, create with
the quarterly proposal), banks, and the KPI board by county where every number links to its needs."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.core.jurisdiction import scope_for
from devzone.core.models import Region
from devzone.finance import selectors, services
from devzone.finance.forms import BankForm, EventForm, KpiForm, LoanForm, NeedFilterForm, NeedForm
from devzone.finance.tables import bank_columns, event_columns, need_columns
from devzone.web.formflow import form_page
from devzone.web.tables import render_list

KPI_PASSTHROUGH = ("kpi", "part", "as_of")


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- needs ---------------------------------------------------------------------------------------------

@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    form = NeedFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    filters.update({k: request.GET[k] for k in KPI_PASSTHROUGH if request.GET.get(k)})
    kpi_label = selectors.kpis.RATE_LABELS.get(filters.get("kpi", ""))
    return render_list(request, template="finance/list.html", title=_("Financing needs"),
                       queryset=selectors.need_list(user=request.user, filters=filters), columns=need_columns(),
                       form=form, export_name=_("Financing needs"), unit=_("Unit: 10k yuan"),
                       extra={"create_url": reverse("finance:need_create"), "create_label": _("Register need"),
                              "kpi_label": kpi_label, "tabs": True})


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = _or_404(selectors.need_get, user=request.user, need_id=pk)
    return render(request, "finance/need_detail.html", {
        "need": need, "title": str(need), "loans": list(need.loans.all()), "events": list(need.events.all()),
        "loan_form": LoanForm(need=need, initial={"granted_on": timezone.localdate()})})


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="finance/form.html", form=NeedForm(request.POST or None, user=request.user),
                     save=lambda data: services.need_create(actor=request.user, data=data),
                     success_message=_("Financing need saved."), context={"title": _("Register need")})


@login_required
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = _or_404(selectors.need_get, user=request.user, need_id=pk)
    form = NeedForm(request.POST or None, instance=need, user=request.user)

    def save(data: dict):
        return services.need_update(actor=request.user, need=need, data=data,
                                    expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="finance/form.html", form=form, save=save,
                     success_message=_("Financing need saved."), context={"title": _("Edit %s") % need})


@login_required
@require_POST
def loan_create(request: HttpRequest, pk: int) -> HttpResponse:
    need = _or_404(selectors.need_get, user=request.user, need_id=pk)
    form = LoanForm(request.POST, need=need)
    if form.is_valid():
        try:
            services.loan_create(actor=request.user, data={"need": need, **form.cleaned_data})
            messages.success(request, _("Loan recorded."))
            return redirect("finance:need", pk=need.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "finance/need_detail.html", {
        "need": need, "title": str(need), "loans": list(need.loans.all()), "events": list(need.events.all()),
        "loan_form": form}, status=422)


# --- events --------------------------------------------------------------------------------------------

@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET[k] for k in ("year", "quarter", "sort") if request.GET.get(k)}
    return render_list(request, template="finance/list.html", title=_("Matchmaking events"),
                       queryset=selectors.event_list(user=request.user, filters=filters), columns=event_columns(),
                       form=None, export_name=_("Matchmaking events"),
                       extra={"create_url": reverse("finance:event_create") + "?propose=1",
                              "create_label": _("Plan next quarter's event"), "tabs": True})


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _or_404(selectors.event_get, user=request.user, event_id=pk)
    return render(request, "finance/event_detail.html", {
        "event": event, "title": event.title, "banks": list(event.banks.all()), "needs": list(event.needs.all()),
        "loans": list(event.loans.all())})


def _proposal_initial(request: HttpRequest) -> dict:
    region = _home_region(request.user)
    if region is None:
        return {}
    proposal = services.event_propose_next(actor=request.user, region=region, today=timezone.localdate())
    return {"title": proposal.title, "held_on": proposal.held_on, "region": region, "bank_list": proposal.banks,
            "need_list": proposal.needs}


def _home_region(user):
    scope = scope_for(user)
    if scope.unrestricted:
        return Region.objects.filter(level=Region.Level.CITY).order_by("path").first()
    return Region.objects.filter(pk=scope.region_id).first()


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    initial = _proposal_initial(request) if request.method == "GET" and request.GET.get("propose") else {}
    form = EventForm(request.POST or None, user=request.user, initial=initial)

    def save(data: dict):
        return services.event_create(actor=request.user, data=data, banks=form.cleaned_data["bank_list"],
                                     needs=form.cleaned_data["need_list"])

    return form_page(request, template="finance/form.html", form=form, save=save,
                     success_message=_("Matchmaking event saved."), context={"title": _("Plan matchmaking event")})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _or_404(selectors.event_for_write, user=request.user, event_id=pk)
    form = EventForm(request.POST or None, instance=event, user=request.user)

    def save(data: dict):
        return services.event_update(actor=request.user, event=event, data=data,
                                     banks=form.cleaned_data["bank_list"], needs=form.cleaned_data["need_list"],
                                     expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="finance/form.html", form=form, save=save,
                     success_message=_("Matchmaking event saved."), context={"title": _("Edit %s") % event})


# --- banks ---------------------------------------------------------------------------------------------

@login_required
def bank_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET[k] for k in ("q", "kind", "sort") if request.GET.get(k)}
    return render_list(request, template="finance/list.html", title=_("Banks"),
                       queryset=selectors.bank_list(filters=filters), columns=bank_columns(), form=None,
                       export_name=_("Banks"), unit=_("Unit: 10k yuan"),
                       extra={"create_url": reverse("finance:bank_create"), "create_label": _("Register bank"),
                              "tabs": True})


@login_required
def bank_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="finance/form.html", form=BankForm(request.POST or None),
                     save=lambda data: services.bank_create(actor=request.user, data=data),
                     success_message=_("Bank saved."), context={"title": _("Register bank")})


# --- KPI -----------------------------------------------------------------------------------------------

@login_required
def kpi_board(request: HttpRequest) -> HttpResponse:
    form = KpiForm(request.GET or None)
    as_of, year = timezone.localdate(), None
    if form.is_valid():
        as_of = form.cleaned_data.get("as_of") or as_of
        year = form.cleaned_data.get("year")
    report = selectors.financing_kpis(user=request.user, as_of=as_of, year=year)
    rows = [_kpi_row(_("Whole jurisdiction"), None, report.overall, as_of, year),
            *[_kpi_row(c.name, c.id, c.kpi, as_of, year) for c in report.counties]]
    chart = {"categories": [c.name for c in report.counties],
             "series": [{"name": rate.label, "data": [float(getattr(c.kpi, rate.key).value or 0)
                                                      for c in report.counties]}
                        for rate in report.overall.rates],
             "links": [_rows_url("count_met", "denominator", c.id, as_of, year) for c in report.counties]}
    return render(request, "finance/kpis.html", {"title": _("Financing KPIs"), "form": form, "report": report,
                                                 "rows": rows, "chart": chart, "as_of": as_of, "tabs": True})


def _rows_url(key: str, part: str, county_id: int | None, as_of: date, year: int | None) -> str:
    params = {"kpi": key, "part": part, "as_of": as_of.isoformat()}
    if county_id:
        params["region"] = county_id
    if year:
        params["year"] = year
    return reverse("finance:needs") + "?" + urlencode(params)


def _kpi_row(label: str, county_id: int | None, kpi, as_of: date, year: int | None) -> dict:
    return {"label": label, "rates": [
        {"rate": rate, "num_url": _rows_url(rate.key, "numerator", county_id, as_of, year),
         "den_url": _rows_url(rate.key, "denominator", county_id, as_of, year)} for rate in kpi.rates]}
