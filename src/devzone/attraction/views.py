"""Pages for investment attraction: leads (list, pipeline board, detail, forms), alerts, agreements, activities and
the leader quota, directories, commitments and KPIs. Thin: parse → service/selector → template."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from devzone.attraction import forms as f
from devzone.attraction import kpis, selectors, services
from devzone.attraction.config import attraction_settings
from devzone.attraction.models import Lead
from devzone.attraction.negative import active_rules, lead_violations
from devzone.core.errors import DomainError, NotFound
from devzone.web.formflow import form_page, submit_form
from devzone.web.tables import Column, render_list


def region_label(region) -> str:
    """A township reads with its county ("石门县 三里镇"); a county by itself."""
    if region.level == region.Level.TOWNSHIP and region.parent_id:
        return f"{region.parent.name} {region.name}"
    return region.name


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _warner():
    """A function lead → violation messages, with the rules loaded once per request."""
    rules, threshold = active_rules(), attraction_settings().default_intensity_threshold
    return lambda lead: [v.message for v in lead_violations(lead, rules, default_threshold=threshold)]


# --- leads ---------------------------------------------------------------------------------------------

def lead_columns(warn) -> list[Column]:
    return [
        Column("name", gettext_lazy("name"), lambda x: x.name, sort="name",
               link=lambda x: reverse("attraction:lead", args=[x.pk]), width=30),
        Column("investor", gettext_lazy("investor"), lambda x: x.investor_name, sort="investor", width=26),
        Column("stage", gettext_lazy("stage"), lambda x: x.get_stage_display(), sort="stage", width=8),
        Column("source", gettext_lazy("source"), lambda x: x.get_source_display(), width=12),
        Column("region", gettext_lazy("region"), lambda x: region_label(x.region), sort="region", width=14),
        Column("chain", gettext_lazy("chain link"),
               lambda x: f"{x.chain_link.segment.chain.name}·{x.chain_link.name}" if x.chain_link_id else "", width=20),
        Column("investment", gettext_lazy("intended investment"), lambda x: x.intended_investment,
               sort="investment", kind="money"),
        Column("registered", gettext_lazy("registered on"), lambda x: x.registered_on, sort="registered",
               kind="date"),
        Column("last_follow_up", gettext_lazy("last follow-up"), lambda x: x.last_follow_up,
               sort="last_follow_up", kind="date"),
        Column("responsible", gettext_lazy("responsible person"),
               lambda x: str(x.responsible_person) if x.responsible_person_id else x.responsible_unit, width=10),
        Column("alerts", gettext_lazy("alerts"), lambda x: ";".join(a.message for a in x.open_alerts), width=30),
        Column("negative", gettext_lazy("negative list"), lambda x: ";".join(warn(x)), width=30),
    ]


@login_required
def lead_list(request: HttpRequest) -> HttpResponse:
    form = f.LeadFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    queryset = selectors.lead_list(user=request.user, filters=filters)
    return render_list(request, template="attraction/lead_list.html", title=_("Investment leads"),
                       queryset=queryset, columns=lead_columns(_warner()), form=form,
                       export_name=_("Investment leads"), unit=_("Unit: 10k yuan"),
                       ledger=lambda: _ledgers().leads_response(queryset))


def _ledgers():
    from devzone.reports import ledgers

    return ledgers


def _board_context(request: HttpRequest, query: QueryDict) -> dict:
    form = f.LeadFilterForm(query or None, user=request.user)
    warn = _warner()
    columns = selectors.lead_board(user=request.user, filters=form.filters())
    for column in columns:
        for lead in column.leads:
            lead.warnings = warn(lead)
            lead.allowed = " ".join(services.allowed_moves(lead.stage))
    return {"columns": columns, "form": form, "query": query.urlencode(), "limit": selectors.BOARD_LIMIT}


@login_required
def lead_board(request: HttpRequest) -> HttpResponse:
    return render(request, "attraction/lead_board.html", {"title": _("Lead pipeline"),
                                                           **_board_context(request, request.GET)})


@login_required
@require_POST
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a lead; from the board (X-Board header) answer the redrawn board or a readable refusal (422)."""
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    form = f.MoveForm(request.POST)
    from_board = request.headers.get("X-Board") == "1"
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_("Unknown stage."))
        services.lead_move(actor=request.user, lead=lead, to_stage=form.cleaned_data["stage"],
                           reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if from_board:
            return HttpResponse(exc.message, status=422 if exc.status != 404 else 404,
                                content_type="text/plain; charset=utf-8")
        messages.error(request, exc.message)
        return redirect(lead.get_absolute_url())
    if from_board:
        query = QueryDict(mutable=True)
        for key, value in parse_qsl(request.POST.get("query", "").lstrip("?")):
            query.appendlist(key, value)
        return render(request, "attraction/_board.html", _board_context(request, query))
    messages.success(request, _("Stage changed."))
    return redirect(lead.get_absolute_url())


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    agreement = getattr(lead, "agreement", None) if lead.stage == Lead.Stage.SIGNED else None
    moves = [(stage, Lead.Stage(stage).label) for stage in services.allowed_moves(lead.stage)
             if stage not in (Lead.Stage.SIGNED, Lead.Stage.DROPPED)]
    return render(request, "attraction/lead_detail.html", {
        "lead": lead, "title": lead.name, "warnings": services.lead_warnings(lead), "agreement": agreement,
        "moves": moves, "can_sign": lead.stage == Lead.Stage.NEGOTIATING,
        "can_drop": Lead.Stage.DROPPED in services.allowed_moves(lead.stage),
        "follow_up_form": f.FollowUpForm(), "project_url": _project_url(agreement),
    })


def _project_url(agreement) -> str | None:
    if agreement is None or not agreement.project_id:
        return None
    try:
        return reverse("projects:detail", args=[agreement.project_id])
    except Exception:
        return None


@login_required
def lead_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict):
        lead = services.lead_create(actor=request.user, data=data)
        for warning in services.lead_warnings(lead):
            messages.warning(request, _("Negative list: %s") % warning.message)
        return lead

    return form_page(request, template="attraction/form.html", form=f.LeadForm(request.POST or None,
                                                                                user=request.user),
                     save=save, success_message=_("Lead saved."), context={"title": _("Register lead")})


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    form = f.LeadForm(request.POST or None, instance=lead, user=request.user)

    def save(data: dict):
        return services.lead_update(actor=request.user, lead=lead, data=data,
                                    expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="attraction/form.html", form=form, save=save,
                     success_message=_("Lead saved."), context={"title": _("Edit %s") % lead})


@login_required
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    form = f.FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_create(actor=request.user, lead=lead, data=form.cleaned_data)
            messages.success(request, _("Follow-up recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(lead.get_absolute_url())


@login_required
def lead_drop(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    return form_page(request, template="attraction/form.html", form=f.DropForm(request.POST or None),
                     save=lambda data: services.lead_move(actor=request.user, lead=lead, to_stage=Lead.Stage.DROPPED,
                                                          reason=data["reason"]),
                     success_message=_("Lead dropped."), context={"title": _("Drop %s") % lead, "lead": lead})


@login_required
def lead_review(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    return form_page(request, template="attraction/form.html", form=f.ReviewForm(request.POST or None),
                     save=lambda data: services.lead_review(actor=request.user, lead=lead,
                                                            keep=data["decision"] == "keep", reason=data["reason"]),
                     success_message=_("Review recorded."),
                     context={"title": _("Elimination review: %s") % lead, "lead": lead})


@login_required
def lead_sign(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _or_404(selectors.lead_get, user=request.user, lead_id=pk)
    warnings = services.lead_warnings(lead)
    needs_override = bool(warnings)
    form = f.AgreementForm(request.POST or None, user=request.user, lead=lead, needs_override=needs_override)

    def save(data: dict):
        agreement = services.lead_sign(actor=request.user, lead=lead, agreement_data=data,
                                       override_reason=form.cleaned_data.get("override_reason"))
        return agreement

    if request.method == "POST":
        done = submit_form(request, form, save, _("Agreement signed; the project entered the ledger."))
        if done:
            return done
    return render(request, "attraction/sign.html", {
        "form": form, "lead": lead, "warnings": warnings, "title": _("Sign %s") % lead,
        "can_override": services.can_override_negative_list(request.user)})


# --- alerts --------------------------------------------------------------------------------------------

@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    rule = request.GET.get("rule", "")
    mine = request.GET.get("mine", "")
    alerts = list(selectors.alert_list(user=request.user, filters={"rule": rule, "mine": mine})[:500])
    return render(request, "attraction/alert_list.html", {
        "title": _("Lead alerts"), "alerts": alerts, "rule": rule, "mine": mine,
        "rules": services.LeadAlert.Rule.choices})


# --- agreements ----------------------------------------------------------------------------------------

AGREEMENT_COLUMNS = [
    Column("name", gettext_lazy("lead"), lambda a: a.lead.name, sort="name",
           link=lambda a: reverse("attraction:agreement", args=[a.pk]), width=30),
    Column("counterpart", gettext_lazy("counterpart"), lambda a: a.counterpart, width=26),
    Column("region", gettext_lazy("region"), lambda a: region_label(a.region), sort="region", width=14),
    Column("signed_on", gettext_lazy("signed on"), lambda a: a.signed_on, sort="signed_on", kind="date"),
    Column("amount", gettext_lazy("agreed investment"), lambda a: a.amount, sort="amount", kind="money"),
    Column("intensity", gettext_lazy("committed investment intensity (10k yuan/mu)"),
           lambda a: a.committed_intensity, kind="money"),
    Column("output", gettext_lazy("committed full-production output"), lambda a: a.committed_output,
           kind="money"),
    Column("tax", gettext_lazy("committed full-production tax"), lambda a: a.committed_tax, kind="money"),
    Column("start_deadline", gettext_lazy("start deadline"), lambda a: a.start_deadline, kind="date"),
    Column("funds", gettext_lazy("funds in place"), lambda a: a.funds_total, sort="funds", kind="money"),
    Column("officer", gettext_lazy("service officer"), lambda a: str(a.service_officer or ""), width=10),
    Column("override", gettext_lazy("override reason"), lambda a: a.override_reason, width=30),
]


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    form = f.AgreementFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="attraction/agreement_list.html", title=_("Agreements"),
                       queryset=selectors.agreement_list(user=request.user, filters=filters),
                       columns=AGREEMENT_COLUMNS, form=form, export_name=_("Agreements"),
                       unit=_("Unit: 10k yuan"))


@login_required
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _or_404(selectors.agreement_get, user=request.user, agreement_id=pk)
    form = f.ProgressForm(request.POST or None)
    if request.method == "POST":
        done = submit_form(request, form, lambda data: services.agreement_progress_add(
            actor=request.user, agreement=agreement, data=data) and agreement, _("Fulfilment recorded."))
        if done:
            return done
    records = list(agreement.progress.all())
    total = sum((r.funds_in_place for r in records), start=0)
    return render(request, "attraction/agreement_detail.html", {
        "agreement": agreement, "title": str(agreement), "records": records, "funds_total": total,
        "funds_rate": (total / agreement.amount * 100) if agreement.amount else None, "form": form,
        "project_url": _project_url(agreement)})


# --- activities and the quota board --------------------------------------------------------------------

ACTIVITY_COLUMNS = [
    Column("start", gettext_lazy("start date"), lambda a: a.start_date, sort="start", kind="date"),
    Column("title", gettext_lazy("title"), lambda a: a.title, sort="title",
           link=lambda a: reverse("attraction:activity", args=[a.pk]), width=30),
    Column("kind", gettext_lazy("kind"), lambda a: a.get_kind_display(), sort="kind", width=10),
    Column("region", gettext_lazy("region"), lambda a: region_label(a.region), sort="region", width=14),
    Column("place", gettext_lazy("place"), lambda a: a.place, width=14),
    Column("leaders", gettext_lazy("leaders taking part"), lambda a: "、".join(str(x) for x in a.leaders.all()),
           width=24),
    Column("batches", gettext_lazy("batches"), lambda a: a.batches, kind="number"),
    Column("person_times", gettext_lazy("person-times"), lambda a: a.person_times, sort="person_times",
           kind="number"),
    Column("leads", gettext_lazy("leads produced"), lambda a: a.lead_count, sort="leads", kind="number"),
]


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form = f.ActivityFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="attraction/activity_list.html", title=_("Investment activities"),
                       queryset=selectors.activity_list(user=request.user, filters=filters),
                       columns=ACTIVITY_COLUMNS, form=form, export_name=_("Investment activities"))


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _or_404(selectors.activity_get, user=request.user, activity_id=pk)
    return render(request, "attraction/activity_detail.html", {"activity": activity, "title": activity.title,
                                                                "leads": list(activity.leads.all())})


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    form = f.ActivityForm(request.POST or None, user=request.user)

    def save(data: dict):
        leaders = data.pop("leaders", [])
        return services.activity_create(actor=request.user, data=data, leaders=leaders)

    return form_page(request, template="attraction/form.html", form=form, save=save,
                     success_message=_("Activity saved."), context={"title": _("Record activity")})


@login_required
def leader_quota(request: HttpRequest) -> HttpResponse:
    form = f.QuotaForm(request.GET or f.default_half(timezone.localdate()))
    params = form.cleaned_data if form.is_valid() else f.default_half(timezone.localdate())
    year, half = int(params["year"]), int(params["half"])
    rows = selectors.leader_quota(user=request.user, year=year, half=half)
    return render(request, "attraction/quota.html", {
        "title": _("Leader outbound quota"), "form": form, "rows": rows, "year": year, "half": half,
        "unmet": sum(1 for r in rows if not r.met), "required": attraction_settings().outbound_quota})


# --- directories and commitments -----------------------------------------------------------------------

TARGET_COLUMNS = [
    Column("name", gettext_lazy("name"), lambda t: t.name, width=30),
    Column("industry", gettext_lazy("industry"), lambda t: str(t.industry or ""), width=24),
    Column("chain", gettext_lazy("chain link"),
           lambda t: f"{t.chain_link.segment.chain.name}·{t.chain_link.name}" if t.chain_link_id else "", width=20),
    Column("tags", gettext_lazy("tags"), lambda t: "、".join(t.tag_labels()), width=24),
    Column("hq", gettext_lazy("headquarters"), lambda t: t.headquarters, width=12),
    Column("contact", gettext_lazy("contact person"), lambda t: t.contact_person, width=10),
    Column("phone", gettext_lazy("phone"), lambda t: t.phone, width=14, sensitive="phone"),
    Column("kept_by", gettext_lazy("kept by"), lambda t: t.region.name, width=10),
]
CONTACT_COLUMNS = [
    Column("name", gettext_lazy("name"), lambda c: c.name, width=12),
    Column("kind", gettext_lazy("kind"), lambda c: c.get_kind_display(), width=14),
    Column("organisation", gettext_lazy("organisation"), lambda c: c.organisation, width=26),
    Column("post", gettext_lazy("post"), lambda c: c.post, width=12),
    Column("based_in", gettext_lazy("based in"), lambda c: c.based_in, width=12),
    Column("phone", gettext_lazy("phone"), lambda c: c.phone, width=14, sensitive="phone"),
    Column("kept_by", gettext_lazy("kept by"), lambda c: c.region.name, width=10),
]
AGENT_COLUMNS = [
    Column("name", gettext_lazy("name"), lambda a: a.name, width=12),
    Column("organisation", gettext_lazy("organisation"), lambda a: a.organisation, width=26),
    Column("based_in", gettext_lazy("based in"), lambda a: a.based_in, width=12),
    Column("focus", gettext_lazy("focus industries"), lambda a: a.focus, width=20),
    Column("contract_end", gettext_lazy("contract end"), lambda a: a.contract_end, kind="date"),
    Column("leads", gettext_lazy("leads"), lambda a: a.lead_count, kind="number"),
    Column("kept_by", gettext_lazy("kept by"), lambda a: a.region.name, width=10),
]


def _directory_page(request, *, title, form, queryset, columns, create_url) -> HttpResponse:
    return render_list(request, template="attraction/directory_list.html", title=title, queryset=queryset,
                       columns=columns, form=form, export_name=title, extra={"create_url": create_url})


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    form = f.TargetFilterForm(request.GET or None)
    return _directory_page(request, title=_("Target enterprises"), form=form,
                           queryset=selectors.target_list(user=request.user, filters=form.filters()),
                           columns=TARGET_COLUMNS, create_url=reverse("attraction:target_create"))


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    form = f.ContactFilterForm(request.GET or None)
    return _directory_page(request, title=_("Contacts"), form=form,
                           queryset=selectors.contact_list(user=request.user, filters=form.filters()),
                           columns=CONTACT_COLUMNS, create_url=reverse("attraction:contact_create"))


@login_required
def agent_list(request: HttpRequest) -> HttpResponse:
    form = f.SearchForm(request.GET or None)
    return _directory_page(request, title=_("Investment agents"), form=form,
                           queryset=selectors.agent_list(user=request.user, filters=form.filters()),
                           columns=AGENT_COLUMNS, create_url=reverse("attraction:agent_create"))


def _create_page(request, form_class, service, title):
    return form_page(request, template="attraction/form.html", form=form_class(request.POST or None,
                                                                                user=request.user),
                     save=lambda data: service(actor=request.user, data=data), success_message=_("Saved."),
                     context={"title": title})


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    return _create_page(request, f.TargetForm, services.target_create, _("Add target enterprise"))


@login_required
def contact_create(request: HttpRequest) -> HttpResponse:
    return _create_page(request, f.ContactForm, services.contact_create, _("Add contact"))


@login_required
def agent_create(request: HttpRequest) -> HttpResponse:
    return _create_page(request, f.AgentForm, services.agent_create, _("Add investment agent"))


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    form = f.SearchForm(request.GET or None)
    rows = selectors.commitment_report(user=request.user, filters=form.filters())
    return render(request, "attraction/commitment_list.html", {"title": _("Commitments and results"),
                                                                "rows": rows, "form": form})


@login_required
def commitment_create(request: HttpRequest) -> HttpResponse:
    def save(data: dict):
        services.commitment_create(actor=request.user, data=data)
        return _Redirect(reverse("attraction:commitments"))

    return form_page(request, template="attraction/form.html",
                     form=f.CommitmentForm(request.POST or None, user=request.user), save=save,
                     success_message=_("Saved."), context={"title": _("Record commitment")})


class _Redirect:
    def __init__(self, url: str) -> None:
        self.url = url

    def get_absolute_url(self) -> str:
        return self.url


# --- KPIs ----------------------------------------------------------------------------------------------

@login_required
def kpi_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    default = {"date_from": date(today.year, 1, 1), "date_to": today, "as_of": today}
    form = f.KpiForm(request.GET or {k: v.isoformat() for k, v in default.items()})
    params = form.cleaned_data if form.is_valid() else default
    rows, total = kpis.county_kpis(user=request.user, date_from=params["date_from"], date_to=params["date_to"],
                                   as_of=params.get("as_of") or params["date_to"])
    chart = {"categories": [str(r.county or _("City level")) for r in rows],
             "series": [{"name": str(_("agreed investment")), "data": [float(r.signed_amount) for r in rows]},
                        {"name": str(_("funds in place")), "data": [float(r.funds_in_period) for r in rows]}]}
    settings = attraction_settings()
    return render(request, "attraction/kpis.html", {
        "title": _("Attraction KPIs"), "form": form, "rows": rows, "total": total, "chart": chart,
        "tier_large": f"{settings.tier_large / 10000:g}", "tier_major": f"{settings.tier_major / 10000:g}"})
