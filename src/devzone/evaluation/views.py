"""Pages of evaluation runs: list, create, detail with results and charts, explanation per unit, rank history,
publishing, scheme copies, vetoes and differentiated policies. Thin: reads through selectors, writes through
services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from devzone.core.errors import DomainError, NotFound
from devzone.evaluation import selectors, services
from devzone.evaluation.forms import (
    ResultFilterForm,
    RunCreateForm,
    RunFilterForm,
    SchemeVersionForm,
    VetoFilterForm,
    VetoForm,
)
from devzone.evaluation.models import EvaluationResultRow, EvaluationRun, PolicyRule
from devzone.web.formflow import form_page
from devzone.web.tables import Column, render_list

NON_PARTICIPANTS_SHOWN = 20


def _or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _require_manager(request: HttpRequest) -> None:
    if not services.can_manage(request.user):
        raise DjangoPermissionDenied(_("Only the project office, the industry bureau or administrators may do this."))


# --- columns -------------------------------------------------------------------------------------------------

RUN_COLUMNS = [
    Column("id", gettext_lazy("No."), lambda r: r.pk, sort="created", kind="number", width=8),
    Column("scheme", gettext_lazy("scheme"), lambda r: r.scheme_name, sort="scheme",
           link=lambda r: reverse("evaluation:run", args=[r.pk]), width=26),
    Column("year", gettext_lazy("year"), lambda r: r.year, sort="year", width=8),
    Column("period", gettext_lazy("period"), lambda r: r.period, width=12),
    Column("source", gettext_lazy("population source"), lambda r: r.get_source_display(), width=12),
    Column("status", gettext_lazy("status"), lambda r: r.job.get_status_display() if r.job_id else "", width=10),
    Column("units", gettext_lazy("units"), lambda r: r.units, sort="units", kind="number", width=8),
    Column("participants", gettext_lazy("participants"), lambda r: r.participants, kind="number", width=8),
    Column("published", gettext_lazy("published"), lambda r: r.published, sort="published", kind="bool", width=8),
    Column("created_by", gettext_lazy("created by"), lambda r: str(r.created_by or ""), width=12),
    Column("created_at", gettext_lazy("created at"), lambda r: r.created_at, kind="date", width=12),
]


def result_columns(run: EvaluationRun) -> list[Column]:
    """The results table (and its Excel export) for one run: fixed columns, then one per indicator."""
    scheme = run.scheme
    labels = selectors.class_labels(scheme)
    columns = [
        Column("rank", gettext_lazy("rank"), lambda r: r.rank, sort="rank", kind="number", width=7),
        Column("name", gettext_lazy("name"), lambda r: r.unit_name, sort="name",
               link=lambda r: reverse("evaluation:row", args=[r.run_id, r.pk]), width=32),
        Column("unit", scheme.inputs[scheme.unit_key].label or scheme.unit_key, lambda r: r.unit_key, sort="unit",
               width=22),
    ]
    if run.group_columns:
        columns.append(Column("group", _group_label(run), lambda r: r.group, sort="group", width=14))
    if run.unit == "enterprise":
        columns.append(Column("industry", gettext_lazy("industry division"), lambda r: r.industry_division,
                              sort="industry", width=10))
    columns.append(Column("score", gettext_lazy("score"), lambda r: r.score, sort="score", kind="money", width=10))
    if labels:
        columns.append(Column("class", gettext_lazy("class"),
                              lambda r: f"{r.klass} {labels.get(r.klass, '')}" if r.klass else "", sort="class",
                              width=12))
    for indicator in scheme.indicators:
        columns.append(Column(f"s_{indicator.key}", indicator.name,
                              lambda r, key=indicator.key: r.scores.get(key), kind="money", width=12))
    if scheme.lever is not None:
        columns.append(Column("tax", scheme.lever.label, lambda r: r.tax_to_next_class, sort="tax", kind="money",
                              width=16))
    columns.append(Column("flags", gettext_lazy("flags"), lambda r: "、".join(selectors.flag_labels(scheme, r.flags)),
                          width=30))
    return columns


def _group_label(run: EvaluationRun) -> str:
    scheme = run.scheme
    labels = [scheme.inputs[c].label if c in scheme.inputs and scheme.inputs[c].label else c
              for c in run.group_columns]
    return " / ".join(labels)


# --- runs ----------------------------------------------------------------------------------------------------

@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    form = RunFilterForm(request.GET or None)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="evaluation/run_list.html", title=_("Evaluation runs"),
                       queryset=selectors.run_list(user=request.user, filters=filters), columns=RUN_COLUMNS,
                       form=form, export_name=_("Evaluation runs"),
                       extra={"can_manage": services.can_manage(request.user),
                              "can_veto": services.can_record_veto(request.user)})


@login_required
def run_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = RunCreateForm(request.POST or None, request.FILES or None)
    return form_page(request, template="evaluation/run_form.html", form=form,
                     save=lambda data: services.evaluation_run_create(actor=request.user, **data),
                     success_message=_("The evaluation has been queued; the page shows its progress."),
                     context={"title": _("New evaluation run")})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _or_404(selectors.run_get, user=request.user, run_id=pk)
    context = {"run": run, "can_manage": services.can_manage(request.user), "scheme": run.scheme}
    if not run.succeeded:
        return render(request, "evaluation/run_detail.html", {**context, "title": str(run)})
    form = ResultFilterForm(request.GET or None, user=request.user, run=run)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    excluded = list(selectors.result_queryset(user=request.user, run=run).filter(participates=False)
                    .defer(None).defer("explanation").order_by("group", "unit_key")[:NON_PARTICIPANTS_SHOWN + 1])
    levels = run.scheme.classes.levels if run.scheme.classes else ()
    groups = [{**g, "class_counts": [g.get(f"class_{level.key}", 0) for level in levels]}
              for g in selectors.visible_groups(user=request.user, run=run)]
    context.update({
        "groups": groups, "levels": levels,
        "by_group": selectors.class_distribution(user=request.user, run=run, by="group"),
        "by_industry": (selectors.class_distribution(user=request.user, run=run, by="industry")
                        if run.unit == "enterprise" else None),
        "excluded": [{"row": row, "reason": selectors.population_reason(run.scheme, row.inputs)}
                     for row in excluded[:NON_PARTICIPANTS_SHOWN]],
        "excluded_more": len(excluded) > NON_PARTICIPANTS_SHOWN,
        "population_rule": run.scheme.population_label,
    })
    return render_list(request, template="evaluation/run_detail.html", title=str(run),
                       queryset=selectors.result_list(user=request.user, run=run, filters=filters),
                       columns=result_columns(run), form=form, export_name=f"{run.scheme_name}{run.year}",
                       unit=_("Scores in points; money in 10k yuan"), extra=context)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The polled progress partial; once the job has finished the page reloads to show the results."""
    run = _or_404(selectors.run_get, user=request.user, run_id=pk)
    response = render(request, "evaluation/_run_status.html", {"run": run, "job": run.job})
    if run.job_id and run.job.finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _post_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    run = _or_404(selectors.run_get, user=request.user, run_id=pk)
    try:
        action(actor=request.user, run=run)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("evaluation:run", pk=run.pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, services.evaluation_run_publish, _("The results have been published."))


@login_required
@require_POST
def run_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_action(request, pk, services.evaluation_run_unpublish, _("The results have been withdrawn."))


@login_required
@require_POST
def run_delete(request: HttpRequest, pk: int) -> HttpResponse:
    run = _or_404(selectors.run_get, user=request.user, run_id=pk)
    try:
        services.evaluation_run_delete(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:run", pk=run.pk)
    messages.success(request, _("The evaluation run has been deleted."))
    return redirect("evaluation:runs")


# --- one unit ------------------------------------------------------------------------------------------------

@login_required
def row_detail(request: HttpRequest, run_pk: int, pk: int) -> HttpResponse:
    run = _or_404(selectors.run_get, user=request.user, run_id=run_pk)
    row = _or_404(selectors.result_get, user=request.user, run=run, row_id=pk)
    scheme = run.scheme
    summary = next((g for g in run.group_summary if g.get("group") == row.group), None)
    levels = scheme.classes.levels if scheme.classes else ()
    return render(request, "evaluation/row_detail.html", {
        "run": run, "row": row, "scheme": scheme, "title": f"{row.unit_name} · {run}",
        "indicators": [_indicator_display(item) for item in row.explanation.get("indicators", [])],
        "categories": row.explanation.get("categories", []),
        "inputs": [{"label": spec.label or name, "name": name, "value": fmt(row.inputs.get(name))}
                   for name, spec in scheme.inputs.items() if name in row.inputs],
        "flags": selectors.flag_labels(scheme, row.flags),
        "class_label": selectors.class_labels(scheme).get(row.klass, ""),
        "class_badge": class_badge(scheme, row.klass),
        "summary": summary, "levels": levels,
        "class_counts": [(lv.key, lv.label, (summary or {}).get(f"class_{lv.key}", 0)) for lv in levels],
        "lever": _lever_words(run, row, summary),
        "box": _box_data(row, summary),
        "policies": list(selectors.policies(scheme_key=run.scheme_key, class_key=row.klass)) if row.klass else [],
        "population_reason": selectors.population_reason(scheme, row.inputs) if not row.participates else "",
    })


CLASS_BADGES = ("bg-green text-green-fg", "bg-blue text-blue-fg", "bg-orange text-orange-fg", "bg-red text-red-fg",
                "bg-purple text-purple-fg", "bg-dark text-dark-fg")


def class_badge(scheme, key: str) -> str:
    keys = [level.key for level in scheme.classes.levels] if scheme.classes else []
    if key not in keys:
        return "bg-secondary text-secondary-fg"
    return CLASS_BADGES[min(keys.index(key), len(CLASS_BADGES) - 1)]


def fmt(value) -> str:
    """A figure for reading: thousands separators, a few significant decimals, ∞ for an unbounded ratio."""
    if value is None or value == "":
        return "—"
    if value == "inf":
        return "∞"
    if value == "-inf":
        return "−∞"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.2f}"
    if size >= 1:
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def _indicator_display(item: dict) -> dict:
    """One indicator of an explanation, with its figures formatted and its statistics in words."""
    stats = []
    if "benchmark" in item:
        stats.append((_("benchmark (group mean)"), fmt(item["benchmark"])))
    for key, label in (("min", _("group minimum")), ("max", _("group maximum")), ("mean", _("group mean")),
                       ("std", _("standard deviation"))):
        if key in item:
            stats.append((label, fmt(item[key])))
    share = item.get("share")
    return {**item, "value_text": fmt(item.get("value")), "normalised_text": fmt(item.get("normalised")),
            "score_text": fmt(item.get("score")), "stats": stats,
            "share_pct": None if share is None else round(100 * share, 1)}


def _lever_words(run: EvaluationRun, row: EvaluationResultRow, summary: dict | None) -> dict | None:
    """What tax_to_next_class means for this unit, in words (mujun's lever; any scheme's lever alike)."""
    scheme = run.scheme
    if scheme.lever is None or scheme.classes is None or not row.participates:
        return None
    lever = scheme.lever
    keys = [level.key for level in scheme.classes.levels]
    labels = selectors.class_labels(scheme)
    current = row.inputs.get(lever.column)
    if "override:" in row.flags:
        return {"kind": "override", "label": lever.label}
    if row.klass == keys[0]:
        return {"kind": "top", "label": lever.label, "class": f"{keys[0]} {labels[keys[0]]}"}
    better = [k for k in keys[:keys.index(row.klass)] if (summary or {}).get(f"class_{k}", 1)] if row.klass in keys \
        else []
    target = better[-1] if better else None
    if row.tax_to_next_class is None:
        return {"kind": "unreachable", "label": lever.label,
                "target": f"{target} {labels[target]}" if target else ""}
    extra = float(row.tax_to_next_class)
    after = current + extra if isinstance(current, int | float) else None
    return {"kind": "reachable", "label": lever.label, "extra": row.tax_to_next_class, "current": current,
            "after": after, "target": f"{target} {labels[target]}" if target else "",
            "indicator": scheme.indicator(lever.indicator).name}


def _box_data(row: EvaluationResultRow, summary: dict | None) -> dict | None:
    if not summary or summary.get("score_p00") is None:
        return None
    return {"name": row.group or _("all units"), "box": [summary.get(k) for k in (
        "score_p00", "score_p25", "score_p50", "score_p75", "score_p100")],
            "score": row.score, "unit": row.unit_name, "mean": summary.get("score_mean")}


@login_required
def enterprise_history(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _or_404(selectors.enterprise_for_history, user=request.user, enterprise_id=pk)
    schemes = selectors.history_schemes(user=request.user, enterprise=enterprise)
    scheme_key = request.GET.get("scheme") or (schemes[0][0] if schemes else "mujun")
    rows = selectors.rank_history(user=request.user, enterprise=enterprise, scheme_key=scheme_key)
    chart = {"years": [row.run.year for row in rows], "ranks": [row.rank for row in rows],
             "n": [row.n for row in rows], "classes": [row.klass for row in rows],
             "scores": [row.score for row in rows], "label": _("rank in group")}
    return render(request, "evaluation/history.html", {
        "enterprise": enterprise, "rows": rows, "schemes": schemes, "scheme_key": scheme_key, "chart": chart,
        "title": _("Rank history of %(name)s") % {"name": enterprise.name}})


# --- policies, schemes, vetoes ---------------------------------------------------------------------------------

@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    scheme_key = request.GET.get("scheme") or "mujun"
    rules = list(selectors.policies(scheme_key=scheme_key))
    try:
        scheme = services.parse_scheme(services.scheme_source(scheme_key)[0])
    except DomainError as exc:
        raise Http404(exc.message) from exc
    levels = scheme.classes.levels if scheme.classes else ()
    by_class = [{"key": lv.key, "label": lv.label, "rules": [r for r in rules if r.class_key == lv.key]}
                for lv in levels]
    return render(request, "evaluation/policy_list.html", {
        "title": _("Differentiated policies"), "scheme": scheme, "by_class": by_class,
        "categories": PolicyRule.Category.choices, "schemes": selectors.scheme_labels()})


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/scheme_list.html", {
        "title": _("Evaluation schemes"), "schemes": selectors.scheme_labels(),
        "versions": list(selectors.scheme_versions()), "can_manage": services.can_manage(request.user)})


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    source = request.GET.get("from") or "mujun"
    initial = {}
    if request.method != "POST":
        try:
            initial["yaml_text"] = services.scheme_source(source)[0]
        except DomainError as exc:
            raise Http404(exc.message) from exc
    form = SchemeVersionForm(request.POST or None, initial=initial)

    def save(data: dict):
        return services.scheme_version_create(actor=request.user, yaml_text=data["yaml_text"],
                                              note=data.get("note", ""), activate=data.get("activate", False))

    return form_page(request, template="evaluation/scheme_form.html", form=form, save=save,
                     success_message=_("The scheme copy has been saved."),
                     context={"title": _("Edit a copy of a scheme"), "source": source})


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _or_404(selectors.scheme_version_get, version_id=pk)
    return render(request, "evaluation/scheme_detail.html", {
        "version": version, "title": str(version), "can_manage": services.can_manage(request.user)})


@login_required
@require_POST
def scheme_activate(request: HttpRequest, pk: int) -> HttpResponse:
    version = _or_404(selectors.scheme_version_get, version_id=pk)
    action = services.scheme_version_deactivate if request.POST.get("active") == "0" else \
        services.scheme_version_activate
    try:
        action(actor=request.user, version=version)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("evaluation:scheme", pk=version.pk)


@login_required
def veto_list(request: HttpRequest) -> HttpResponse:
    form = VetoFilterForm(request.GET or None)
    columns = [
        Column("year", gettext_lazy("year"), lambda v: v.year, width=8),
        Column("credit_code", gettext_lazy("unified social credit code"), lambda v: v.enterprise.credit_code,
               width=22),
        Column("name", gettext_lazy("enterprise"), lambda v: v.enterprise.name,
               link=lambda v: reverse("enterprises:detail", args=[v.enterprise_id]), width=30),
        Column("region", gettext_lazy("region"), lambda v: v.enterprise.region.name, width=12),
        Column("kind", gettext_lazy("kind"), lambda v: v.get_kind_display(), width=14),
        Column("reason", gettext_lazy("reason"), lambda v: v.reason, width=30),
        Column("evidence", gettext_lazy("evidence note"), lambda v: v.evidence, width=30),
        Column("by", gettext_lazy("recorded by"), lambda v: str(v.created_by or ""), width=10),
    ]
    if services.can_record_veto(request.user):
        columns.append(Column("withdraw", gettext_lazy("withdraw"), lambda v: _("withdraw"),
                              link=lambda v: reverse("evaluation:veto_delete", args=[v.pk]), width=8))
    return render_list(request, template="evaluation/veto_list.html", title=_("One-vote vetoes"),
                       queryset=selectors.veto_list(user=request.user, filters=form.filters()), columns=columns,
                       form=form, export_name=_("One-vote vetoes"),
                       extra={"can_veto": services.can_record_veto(request.user)})


@login_required
def veto_create(request: HttpRequest) -> HttpResponse:
    if not services.can_record_veto(request.user):
        raise DjangoPermissionDenied(_("Only the industry bureau, the supervision office or administrators may "
                                       "record a veto."))
    form = VetoForm(request.POST or None, user=request.user)
    return form_page(request, template="evaluation/veto_form.html", form=form,
                     save=lambda data: services.veto_create(actor=request.user, data=data),
                     success_message=_("The veto has been recorded."), context={"title": _("Record a veto")})


@login_required
def veto_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws the veto."""
    veto = _or_404(selectors.veto_get, user=request.user, veto_id=pk)
    if request.method != "POST":
        return render(request, "evaluation/veto_confirm_delete.html", {"veto": veto, "title": _("Withdraw a veto")})
    try:
        services.veto_delete(actor=request.user, veto=veto)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The veto has been withdrawn."))
    return redirect("evaluation:vetoes")
