"""Pages for organisation data: zones (list, detail, create, edit), regions and departments, audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from devzone.core import selectors, services
from devzone.core.errors import NotFound
from devzone.core.forms import AuditFilterForm, ZoneFilterForm, ZoneForm
from devzone.core.security import can_read_audit
from devzone.web.formflow import form_page
from devzone.web.tables import Column, render_list

ZONE_COLUMNS = [
    Column("name", gettext_lazy("name"), lambda z: z.name, sort="name",
           link=lambda z: reverse("core:zone", args=[z.pk]), width=30),
    Column("level", gettext_lazy("level"), lambda z: z.get_level_display(), sort="level"),
    Column("kind", gettext_lazy("kind"), lambda z: z.get_kind_display(), sort="kind", width=20),
    Column("region", gettext_lazy("region"), lambda z: z.region.name, sort="region"),
    Column("parent", gettext_lazy("parent zone"), lambda z: z.parent.name if z.parent else ""),
    Column("planned", gettext_lazy("planned area (km²)"), lambda z: z.planned_area_km2, sort="planned_area",
           kind="money"),
    Column("built", gettext_lazy("built area (km²)"), lambda z: z.built_area_km2, kind="money"),
    Column("threshold", gettext_lazy("investment-intensity threshold (10k yuan/mu)"),
           lambda z: z.intensity_threshold, sort="threshold", kind="money"),
    Column("industries", gettext_lazy("leading industries"), lambda z: z.leading_industries, width=30),
]


def _get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def zone_list(request: HttpRequest) -> HttpResponse:
    form = ZoneFilterForm(request.GET or None, user=request.user)
    filters = {**form.filters(), "sort": request.GET.get("sort", "")}
    return render_list(request, template="core/zone_list.html", title=_("Development zones"),
                       queryset=selectors.zone_list(user=request.user, filters=filters), columns=ZONE_COLUMNS,
                       form=form, export_name=_("Development zones"))


@login_required
def zone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    zone = _get_or_404(selectors.zone_get, user=request.user, zone_id=pk)
    return render(request, "core/zone_detail.html", {
        "zone": zone, "title": zone.name,
        "sub_zones": selectors.zone_list(user=request.user).filter(parent=zone),
        "enterprise_count": zone.enterprises.count(),
    })


@login_required
def zone_create(request: HttpRequest) -> HttpResponse:
    return form_page(request, template="core/zone_form.html", form=ZoneForm(request.POST or None, user=request.user),
                     save=lambda data: services.zone_create(actor=request.user, data=data),
                     success_message=_("Zone saved."), context={"title": _("New development zone")})


@login_required
def zone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    zone = _get_or_404(selectors.zone_get, user=request.user, zone_id=pk)
    form = ZoneForm(request.POST or None, instance=zone, user=request.user)

    def save(data: dict):
        return services.zone_update(actor=request.user, zone=zone, data=data,
                                    expected_updated_at=form.cleaned_data.get("updated_at"))

    return form_page(request, template="core/zone_form.html", form=form, save=save,
                     success_message=_("Zone saved."), context={"zone": zone, "title": _("Edit %s") % zone})


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/region_list.html", {
        "title": _("Regions and departments"),
        "regions": selectors.region_list(user=request.user),
        "departments": selectors.department_list(user=request.user),
    })


AUDIT_COLUMNS = [
    Column("seq", gettext_lazy("No."), lambda e: e.seq, width=8),
    Column("time", gettext_lazy("time"), lambda e: e.created_at, kind="date", width=20),
    Column("user", gettext_lazy("user"), lambda e: e.actor_username or "—"),
    Column("action", gettext_lazy("action"), lambda e: e.action),
    Column("object", gettext_lazy("object"), lambda e: f"{e.object_type}:{e.object_id}", width=24),
    Column("repr", gettext_lazy("description"), lambda e: e.object_repr, width=30),
    Column("changes", gettext_lazy("changes"), lambda e: _changes(e), width=60),
]


def _changes(event) -> str:
    before, after = event.before or {}, event.after or {}
    keys = sorted(set(before) | set(after))
    return "; ".join(f"{k}: {before.get(k, '')} → {after.get(k, '')}" for k in keys)[:500]


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise DjangoPermissionDenied
    form = AuditFilterForm(request.GET or None)
    return render_list(request, template="core/audit_list.html", title=_("Audit trail"),
                       queryset=selectors.audit_event_list(user=request.user, filters=form.filters()),
                       columns=AUDIT_COLUMNS, form=form, export_name=_("Audit trail"))
