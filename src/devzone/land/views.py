"""Land pages: quota accounts, grants, transfers, the attraction-based proposal, parcels and derived lists."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from devzone.core import selectors as core_selectors
from devzone.core.errors import DomainError, NotFound
from devzone.land import quota_rule, selectors, services
from devzone.land.forms import (
    AccountFilterForm,
    AllocationForm,
    ConditionForm,
    DisposalForm,
    DisposalProgressForm,
    DocumentForm,
    GrantForm,
    ParcelFilterForm,
    ParcelForm,
    ProposalForm,
    TransferForm,
)
from devzone.land.models import DisposalAction, ParcelDocument
from devzone.land.tables import account_columns, low_efficiency_columns, parcel_columns, standard_columns
from devzone.projects.api import evidence_response
from devzone.projects.views import can_write
from devzone.web.formflow import form_page, submit_form
from devzone.web.tables import render_list

UNIT_MU = "Unit: mu"


def _get(getter, **kwargs):
    try:
        return getter(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- quotas --------------------------------------------------------------------------------------------

@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="land/account_list.html", title=_("Land quotas"),
                       queryset=selectors.account_list(user=request.user, filters=filters),
                       columns=account_columns(), form=form, export_name=_("Land quotas"), unit=_(UNIT_MU),
                       extra={"can_write": can_write(request.user)})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from devzone.projects.selectors import project_queryset

    account = _get(selectors.account_get, user=request.user, account_id=pk)
    projects = project_queryset(user=request.user).filter(region__path__startswith=account.region.path)
    if account.zone_id:
        projects = projects.filter(zone=account.zone)
    form = AllocationForm(request.POST or None, projects=projects.order_by("name"))
    if request.method == "POST":
        done = submit_form(request, form, lambda d: services.quota_allocate(
            actor=request.user, account=account, project=d["project"], area_mu=d["area_mu"], on=d["on"],
            note=d["note"]) and account, _("Quota allocated."))
        if done:
            return done
    return render(request, "land/account_detail.html", {
        "account": account, "title": str(account), "movements": list(selectors.account_movements(account)),
        "form": form if can_write(request.user) else None})


@login_required
def grant(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST or None, user=request.user)

    def save(data: dict):
        account = services.account_for(year=data["year"], region=data["region"], zone=data["zone"])
        services.quota_grant(actor=request.user, account=account, area_mu=data["area_mu"], on=data["on"],
                             note=data["note"])
        return account

    return form_page(request, template="land/form.html", form=form, save=save, success_message=_("Quota granted."),
                     context={"title": _("Grant land quota")})


@login_required
def transfer(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    form = TransferForm(request.POST or None,
                        accounts=selectors.writable_accounts(user=request.user).filter(year__gte=year - 1))

    def save(data: dict):
        services.quota_transfer(actor=request.user, source=data["source"], target=data["target"],
                                area_mu=data["area_mu"], on=data["on"], price_per_mu=data["price_per_mu"],
                                total_price=data["total_price"], note=data["note"])
        return data["source"]

    return form_page(request, template="land/form.html", form=form, save=save,
                     success_message=_("Quota transferred."), context={"title": _("Transfer or swap quota")})


@login_required
def proposal(request: HttpRequest) -> HttpResponse:
    """Shares following attraction results; the user may adjust each number before adopting (writes grants)."""
    settings = services.settings_get()
    year = timezone.localdate().year
    form = ProposalForm(request.GET or None, initial={"year": year - 1, "total_mu": Decimal("1000"),
                                                     "weight_count": settings.weight_count,
                                                     "weight_amount": settings.weight_amount})
    shares = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        shares = quota_rule.propose_shares(
            total_mu=data["total_mu"], results=selectors.attraction_results(user=request.user, year=data["year"]),
            weight_count=data["weight_count"], weight_amount=data["weight_amount"])
    if request.method == "POST":
        return _adopt(request)
    return render(request, "land/proposal.html", {"title": _("Quota proposal from investment results"),
                                                  "form": form, "shares": shares, "grant_year": year,
                                                  "can_write": can_write(request.user)})


def _adopt(request: HttpRequest) -> HttpResponse:
    counties = {c.pk: c for c in core_selectors.counties_in_scope(user=request.user)}
    try:
        year = int(request.POST.get("grant_year", ""))
        shares = [(counties[int(key[6:])], Decimal(value or "0")) for key, value in request.POST.items()
                  if key.startswith("share-") and int(key[6:]) in counties]
        written = services.quota_proposal_adopt(actor=request.user, year=year, shares=shares,
                                                on=timezone.localdate())
    except (ValueError, InvalidOperation):
        messages.error(request, _("The numbers could not be read."))
        return redirect(request.get_full_path())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(request.get_full_path())
    messages.success(request, _("%(n)s grants written.") % {"n": len(written)})
    return redirect(f"{_url('land:accounts')}?year={year}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


# --- parcels -------------------------------------------------------------------------------------------

@login_required
def parcel_list(request: HttpRequest) -> HttpResponse:
    form = ParcelFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    as_of = selectors._as_date(filters.get("as_of"))
    return render_list(request, template="land/parcel_list.html", title=_("Parcels"),
                       queryset=selectors.parcel_list(user=request.user, filters=filters),
                       columns=parcel_columns(as_of), form=form, export_name=_("Parcels"), unit=_(UNIT_MU),
                       extra={"can_write": can_write(request.user),
                              "idle_days": services.settings_get().idle_days})


@login_required
def low_efficiency(request: HttpRequest) -> HttpResponse:
    form = ParcelFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    queryset, findings = selectors.low_efficiency_list(user=request.user, filters=filters)
    return render_list(request, template="land/low_efficiency.html", title=_("Low-efficiency land"),
                       queryset=queryset, columns=low_efficiency_columns(findings), form=form,
                       export_name=_("Low-efficiency land"), unit=_("Unit: 10k yuan/mu"),
                       extra={"run": selectors.latest_published_run()})


@login_required
def standard_list(request: HttpRequest) -> HttpResponse:
    form = ParcelFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="land/standard_list.html", title=_("Standard land"),
                       queryset=selectors.standard_parcels(user=request.user, filters=filters),
                       columns=standard_columns(), form=form, export_name=_("Standard land"), unit=_(UNIT_MU))


@login_required
def parcel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=pk)
    writer = can_write(request.user)
    steps = [{"label": label, "date": getattr(parcel, field)} for field, label in (
        ("approved_on", pgettext("land", "approved")), ("expropriated_on", pgettext("land", "expropriated")),
        ("supplied_on", pgettext("land", "supplied")), ("used_on", pgettext("land", "in use")))]
    condition = getattr(parcel, "standard_condition", None)
    return render(request, "land/parcel_detail.html", {
        "parcel": parcel, "title": str(parcel), "steps": steps, "can_write": writer,
        "documents": list(parcel.documents.all()), "disposals": list(parcel.disposals.all()),
        "checks": list(parcel.standard_checks.all()), "condition": condition,
        "document_form": DocumentForm() if writer else None, "disposal_form": DisposalForm() if writer else None,
        "progress_form": DisposalProgressForm() if writer else None,
        "condition_form": ConditionForm(instance=condition) if writer else None,
    })


@login_required
def parcel_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="land/form.html", form=ParcelForm(request.POST or None, user=request.user),
                     save=lambda data: services.parcel_create(actor=request.user, data=data),
                     success_message=_("Parcel saved."), context={"title": _("Register parcel")})


@login_required
def parcel_edit(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=pk)
    form = ParcelForm(request.POST or None, instance=parcel, user=request.user)

    def save(data: dict):
        return services.parcel_update(actor=request.user, parcel=parcel, data=data,
                                      expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="land/form.html", form=form, save=save, success_message=_("Parcel saved."),
                     context={"title": _("Edit %s") % parcel.code})


def _post_action(request: HttpRequest, parcel, action, success: str) -> HttpResponse:
    try:
        action()
        messages.success(request, success)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(parcel.get_absolute_url())


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind and a file."))
        return redirect(parcel.get_absolute_url())
    return _post_action(request, parcel, lambda: services.document_upload(
        actor=request.user, parcel=parcel, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
        document_number=form.cleaned_data["document_number"]), _("File uploaded."))


@login_required
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    document = ParcelDocument.objects.select_related("parcel").filter(pk=pk).first()
    if document is None:
        raise Http404
    _get(selectors.parcel_get, user=request.user, parcel_id=document.parcel_id)
    return evidence_response(document)


@login_required
@require_POST
def disposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=pk)
    form = DisposalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(parcel.get_absolute_url())
    return _post_action(request, parcel, lambda: services.disposal_create(
        actor=request.user, parcel=parcel, data=form.cleaned_data), _("Disposal action added."))


@login_required
@require_POST
def disposal_progress(request: HttpRequest, pk: int) -> HttpResponse:
    disposal = DisposalAction.objects.filter(pk=pk).first()
    if disposal is None:
        raise Http404
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=disposal.parcel_id)
    form = DisposalProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(parcel.get_absolute_url())
    data = form.cleaned_data
    return _post_action(request, parcel, lambda: services.disposal_progress(
        actor=request.user, disposal=disposal, status=data["status"], done_on=data["done_on"],
        result=data["result"]), _("Disposal action updated."))


@login_required
@require_POST
def condition_set(request: HttpRequest, pk: int) -> HttpResponse:
    parcel = _get(selectors.parcel_get, user=request.user, parcel_id=pk)
    form = ConditionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(parcel.get_absolute_url())
    return _post_action(request, parcel, lambda: services.standard_condition_set(
        actor=request.user, parcel=parcel, data=form.cleaned_data), _("Standard-land conditions saved."))
