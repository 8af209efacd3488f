"""Pages for policy fulfilment: applications (list with lateness, detail with approve / reject / pay, create),
policies with their clauses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.policies import selectors, services
from devzone.policies.forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    ClauseForm,
    PayForm,
    PolicyForm,
    RejectForm,
)
from devzone.policies.tables import application_columns, policy_columns
from devzone.web.formflow import form_page
from devzone.web.tables import render_list


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ApplicationFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="policies/list.html", title=_("Policy applications"),
                       queryset=selectors.application_list(user=request.user, filters=filters, today=today),
                       columns=application_columns(today), form=form, export_name=_("Policy applications"),
                       unit=_("Unit: 10k yuan"),
                       extra={"create_url": reverse("policies:application_create"),
                              "create_label": _("Register application"),
                              "summary": selectors.fulfilment_summary(user=request.user, today=today)})


ACTION_FORMS = {"approve": ApproveForm, "reject": RejectForm, "pay": PayForm}


def _detail(request: HttpRequest, app, forms: dict | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    forms = forms or {}
    if app.status == app.Status.SUBMITTED:
        forms.setdefault("approve", ApproveForm(initial={"amount": app.claimed_amount, "approved_on": today}))
        forms.setdefault("reject", RejectForm())
    elif app.status == app.Status.APPROVED:
        forms.setdefault("pay", PayForm(initial={"amount": app.approved_amount, "paid_on": today}))
    return render(request, "policies/application_detail.html", {
        "app": app, "title": str(app), "days_late": app.days_late(today), "overdue": app.is_overdue(today),
        "forms": forms}, status=status)


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _or_404(selectors.application_get, user=request.user, application_id=pk))


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = _or_404(selectors.application_get, user=request.user, application_id=pk)
    if action not in ACTION_FORMS:
        raise Http404()
    form = ACTION_FORMS[action](request.POST)
    if form.is_valid():
        run = {"approve": services.application_approve, "reject": services.application_reject,
               "pay": services.application_pay}[action]
        try:
            run(actor=request.user, application=app, **form.cleaned_data)
            messages.success(request, _("Application updated."))
            return redirect("policies:application", pk=app.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return _detail(request, app, {action: form}, status=422)


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="policies/form.html",
                     form=ApplicationForm(request.POST or None, user=request.user),
                     save=lambda data: services.application_create(actor=request.user, data=data),
                     success_message=_("Application saved."), context={"title": _("Register application")})


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET[k] for k in ("q", "sort") if request.GET.get(k)}
    return render_list(request, template="policies/list.html", title=_("Policies"),
                       queryset=selectors.policy_list(user=request.user, filters=filters), columns=policy_columns(),
                       form=None, export_name=_("Policies"),
                       extra={"create_url": reverse("policies:policy_create"), "create_label": _("Register policy")})


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _or_404(selectors.policy_get, user=request.user, policy_id=pk)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "title": policy.name, "clauses": list(policy.clauses.all()), "clause_form": ClauseForm()})


@login_required
def policy_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="policies/form.html", form=PolicyForm(request.POST or None, user=request.user),
                     save=lambda data: services.policy_create(actor=request.user, data=data),
                     success_message=_("Policy saved."), context={"title": _("Register policy")})


@login_required
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _or_404(selectors.policy_get, user=request.user, policy_id=pk)
    form = PolicyForm(request.POST or None, instance=policy, user=request.user)

    def save(data: dict):
        return services.policy_update(actor=request.user, policy=policy, data=data,
                                      expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="policies/form.html", form=form, save=save,
                     success_message=_("Policy saved."), context={"title": _("Edit %s") % policy})


@login_required
@require_POST
def clause_create(request: HttpRequest, pk: int) -> HttpResponse:
    policy = _or_404(selectors.policy_get, user=request.user, policy_id=pk)
    form = ClauseForm(request.POST)
    if form.is_valid():
        try:
            services.clause_create(actor=request.user, policy=policy, data=form.cleaned_data)
            messages.success(request, _("Clause saved."))
            return redirect("policies:policy", pk=policy.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "policies/policy_detail.html", {
        "policy": policy, "title": policy.name, "clauses": list(policy.clauses.all()), "clause_form": form},
        status=422)
