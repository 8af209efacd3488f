"""Pages of economic monitoring: the monitor table, a trend per indicator, a profile per place, reconciliation
with the consistency flags, value entry and targets. Each page exports to Excel with ?export=xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound, ValidationFailed
from devzone.indicators import exports, selectors, services
from devzone.indicators.forms import (
    BreakdownForm,
    CloseForm,
    ExplainForm,
    MonitorFilterForm,
    PeriodFilterForm,
    PeriodForm,
    TargetForm,
    TrendFilterForm,
    ValueEditForm,
    ValueFilterForm,
    ValueForm,
)
from devzone.web.formflow import form_page
from devzone.web.tables import Column, render_list


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _exporting(request: HttpRequest) -> bool:
    return request.GET.get("export") == "xlsx"


def _valid(form) -> dict:
    return form.cleaned_data if form.is_valid() else {}


@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    """经济运行监测表: indicators down, places across."""
    user = request.user
    focus = request.GET.get("place") or None
    place = _or_404(selectors.place_get, user=user, entity=focus) if focus else _or_404(selectors.default_place,
                                                                                           user=user)
    form = MonitorFilterForm(request.GET or None, user=user, benchmarks=selectors.benchmark_choices(place=place))
    period = _valid(form).get("period") or None
    table = _or_404(selectors.monitor, user=user, period=period, focus=place.entity,
                    benchmark=request.GET.get("benchmark") or None)
    if _exporting(request):
        return exports.xlsx_response(exports.workbook([exports.monitor_sheet(table)]), _("Economic monitor"))
    if not form.is_bound:
        form.initial["period"] = str(table.period)
    return render(request, "indicators/monitor.html", {
        "title": _("Economic monitor"), "table": table, "form": form, "settings": table.settings,
        "export_url": "?" + urlencode([*request.GET.items(), ("export", "xlsx")]),
    })


@login_required
def trend(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    indicator = _or_404(selectors.indicator_get, key=code)
    entity = request.GET.get("place") or _or_404(selectors.default_place, user=user).entity
    year = request.GET.get("year")
    result = _or_404(selectors.trend, user=user, indicator=indicator, entity=entity,
                     year=int(year) if year and year.isdigit() else None)
    if _exporting(request):
        return exports.xlsx_response(exports.workbook([exports.trend_sheet(result)]),
                                     f"{result.place.name}{indicator.name}")
    form = TrendFilterForm(initial={"indicator": indicator.code, "place": result.place.entity, "year": result.year},
                           user=user)
    chart = {
        "unit": indicator.unit, "point": indicator.basis == "point",
        "months": [f"{p.period.month}月" for p in result.points],
        "series": {
            "month": {"name": str(_("month value")), "data": [p.month_value for p in result.points]},
            "ytd": {"name": str(_("year to date")), "data": [p.ytd_value for p in result.points]},
            "last_year": {"name": str(_("same period last year")), "data": [p.last_year_ytd for p in result.points]},
            "target": {"name": str(_("target path")), "data": [p.target_path for p in result.points]},
            "projection": {"name": str(_("projection")), "data": [p.projection_path for p in result.points]},
        },
    }
    return render(request, "indicators/trend.html", {
        "title": f"{result.place.name} · {indicator.name}", "result": result, "indicator": indicator, "form": form,
        "chart": chart, "export_url": "?" + urlencode([*request.GET.items(), ("export", "xlsx")]),
        "form_action": reverse("indicators:trend_pick"),
    })


@login_required
def trend_pick(request: HttpRequest) -> HttpResponse:
    """The trend page's filter form submits here: redirect to the chosen indicator's page."""
    code = request.GET.get("indicator") or ""
    params = {k: v for k, v in request.GET.items() if k in {"place", "year"} and v}
    url = reverse("indicators:trend", args=[code]) if code else reverse("indicators:list")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


@login_required
def profile(request: HttpRequest, entity: str) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    result = _or_404(selectors.region_profile, user=request.user, entity=entity,
                     period=_valid(form).get("period") or None)
    if not form.is_bound:
        form.initial["period"] = str(result.period)
    if _exporting(request):
        return exports.xlsx_response(exports.workbook([exports.profile_sheet(result)]), result.place.name)
    return render(request, "indicators/profile.html", {
        "title": result.place.name, "profile": result, "form": form,
        "export_url": "?" + urlencode([*request.GET.items(), ("export", "xlsx")]),
    })


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    form = PeriodFilterForm(request.GET or None)
    data = _valid(form)
    result = selectors.reconciliation(user=request.user, period=data.get("period") or None,
                                      only_exceeding=bool(data.get("only_exceeding")))
    if not form.is_bound:
        form.initial["period"] = str(result.period)
    flags = list(selectors.flag_list(user=request.user, filters={"period": str(result.period),
                                                                 "status": data.get("status")}))
    if _exporting(request):
        return exports.xlsx_response(exports.workbook(exports.reconciliation_sheets(result, flags)),
                                     _("Reconciliation"))
    return render(request, "indicators/reconciliation.html", {
        "title": _("Reconciliation"), "result": result, "flags": flags, "form": form,
        "can_run_checks": services.can_run_checks(request.user),
        "export_url": "?" + urlencode([*request.GET.items(), ("export", "xlsx")]),
        "back": request.get_full_path(),
    })


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or reverse("indicators:reconciliation")
    if not target.startswith("/") or target.startswith("//"):
        target = reverse("indicators:reconciliation")
    return redirect(target)


@login_required
@require_POST
def run_checks(request: HttpRequest) -> HttpResponse:
    try:
        flags = services.checks_run(actor=request.user, period=request.POST.get("period", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Checks done: %(n)d findings.") % {"n": len(flags)})
    return _back(request)


@login_required
@require_POST
def flag_explain(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _or_404(selectors.flag_get, user=request.user, flag_id=pk)
    form = ExplainForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Please write an explanation."))
        services.flag_explain(actor=request.user, flag=flag, explanation=form.cleaned_data["explanation"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Explanation saved."))
    return _back(request)


@login_required
@require_POST
def flag_close(request: HttpRequest, pk: int) -> HttpResponse:
    flag = _or_404(selectors.flag_get, user=request.user, flag_id=pk)
    form = CloseForm(request.POST)
    try:
        services.flag_close(actor=request.user, flag=flag, note=form.cleaned_data["note"] if form.is_valid() else "")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Flag closed."))
    return _back(request)


# --- values and targets ---------------------------------------------------------------------------------------

VALUE_COLUMNS = [
    Column("indicator", gettext_lazy("indicator"), lambda v: v.indicator.name, sort="indicator", width=20),
    Column("place", gettext_lazy("region or zone"), lambda v: str(v.place), sort="region", width=18),
    Column("period", pgettext_lazy("indicators", "period"), lambda v: v.period, sort="period", width=10),
    Column("value", gettext_lazy("value"), lambda v: v.value, sort="value", kind="money",
           link=lambda v: reverse("indicators:value_edit", args=[v.pk])),
    Column("unit", pgettext_lazy("indicators", "unit"), lambda v: v.indicator.unit, width=8),
    Column("source", pgettext_lazy("indicators", "source"), lambda v: v.get_source_display(), sort="source", width=10),
    Column("stated_growth", gettext_lazy("stated growth (%)"), lambda v: v.stated_growth, kind="money"),
    Column("channel", gettext_lazy("entered through"), lambda v: v.get_channel_display(), width=10),
    Column("entered_by", gettext_lazy("entered by"), lambda v: str(v.entered_by) if v.entered_by_id else ""),
    Column("updated", gettext_lazy("updated at"), lambda v: v.updated_at, sort="updated", kind="date", width=18),
]


@login_required
def value_list(request: HttpRequest) -> HttpResponse:
    form = ValueFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="indicators/value_list.html", title=_("Indicator values"),
                       queryset=selectors.value_list(user=request.user, filters=filters), columns=VALUE_COLUMNS,
                       form=form, export_name=_("Indicator values"))


@login_required
def value_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="indicators/form.html",
                     form=ValueForm(request.POST or None, user=request.user),
                     save=lambda data: services.value_create(actor=request.user, data=data),
                     success_message=_("Value saved."), context={"title": _("Enter a value")})


@login_required
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    value = _or_404(selectors.value_get, user=request.user, value_id=pk)
    form = ValueEditForm(request.POST or None, instance=value)

    def save(data: dict):
        return services.value_update(actor=request.user, value=value, data=data,
                                     expected_updated_at=form.cleaned_data.get("updated_at"))

    title = f"{value.indicator.name} · {value.place} · {value.period} · {value.get_source_display()}"
    return form_page(request, template="indicators/form.html", form=form, save=save,
                     success_message=_("Value saved."), context={"title": title, "value": value})


TARGET_COLUMNS = [
    Column("year", gettext_lazy("year"), lambda t: t.year, width=8),
    Column("indicator", gettext_lazy("indicator"), lambda t: t.indicator.name, width=20),
    Column("place", gettext_lazy("region or zone"), lambda t: str(t.place), width=18),
    Column("amount", gettext_lazy("target value"), lambda t: t.amount, kind="money"),
    Column("unit", pgettext_lazy("indicators", "unit"), lambda t: t.indicator.unit, width=8),
    Column("growth", gettext_lazy("target growth (%)"), lambda t: t.growth, kind="money"),
    Column("note", gettext_lazy("note"), lambda t: t.note, width=24),
]


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year")
    filters = {"year": int(year)} if year and year.isdigit() else {}
    return render_list(request, template="indicators/target_list.html", title=_("Annual targets"),
                       queryset=selectors.target_list(user=request.user, filters=filters), columns=TARGET_COLUMNS,
                       form=None, export_name=_("Annual targets"))


@login_required
def target_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="indicators/form.html",
                     form=TargetForm(request.POST or None, user=request.user),
                     save=lambda data: services.target_save(actor=request.user, data=data),
                     success_message=_("Target saved."), context={"title": _("Set an annual target")})


@login_required
def target_breakdown(request: HttpRequest) -> HttpResponse:
    """Split a target over the child regions by last year's shares (preview), and save it (POST)."""
    data = request.POST if request.method == "POST" else request.GET
    form = BreakdownForm(data or None, user=request.user)
    lines = []
    if form.is_valid():
        args = {"indicator": form.cleaned_data["indicator"], "entity": form.cleaned_data["place"],
                "year": form.cleaned_data["year"], "total": form.cleaned_data["total"]}
        try:
            if request.method == "POST":
                services.target_breakdown_apply(actor=request.user, **args)
                messages.success(request, _("Targets saved."))
                return redirect(f"{reverse('indicators:targets')}?year={args['year']}")
            lines = selectors.target_breakdown(user=request.user, **args)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "indicators/breakdown.html", {"title": _("Target breakdown"), "form": form,
                                                         "lines": lines})
