"""The home page, the leaders' cockpit and county boards, the project map: real numbers from the data, each
linking to the rows behind it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from devzone.core import selectors as core_selectors
from devzone.core.errors import DomainError, NotFound
from devzone.enterprises import selectors as enterprise_selectors
from devzone.web import cockpit, maps
from devzone.web import services as web_services
from devzone.web.forms import BoundaryUploadForm, MapFilterForm


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    summary = enterprise_selectors.registry_summary(user=user)
    by_county = enterprise_selectors.enterprise_counts_by_county(user=user)
    enterprises_url = reverse("enterprises:list")
    chart = {
        "categories": [row["county"].name for row in by_county],
        "links": [f"{enterprises_url}?{urlencode({'region': row['county'].pk})}" for row in by_county],
        "series": [
            {"name": str(_("Enterprise count")), "data": [row["total"] for row in by_county]},
            {"name": str(_("above designated size")), "data": [row["above_size"] for row in by_county]},
        ],
    }
    return render(request, "web/home.html", {
        "title": _("Overview"),
        "summary": summary,
        "zone_count": core_selectors.zone_list(user=user).count(),
        "by_county": by_county,
        "chart": chart,
        "enterprises_url": enterprises_url,
    })


# --- the leaders' cockpit, county boards, the map ---------------------------------------------------------------

def _board_page(request: HttpRequest, data: cockpit.Board, title: str) -> HttpResponse:
    funnel_chart = {"stages": [{"name": s["label"], "value": s["count"]} for s in data.funnel["stages"]],
                    "links": [s["url"] for s in data.funnel["stages"]]}
    return render(request, "web/cockpit.html", {
        "title": title, "board": data, "funnel_chart": funnel_chart, "investment_chart": data.investment,
        "ranking_chart": data.ranking,
        "overdue_chart": {"categories": [f.label for f in data.overdue], "links": [f.url for f in data.overdue],
                          "series": [{"name": str(_("Overdue problems")), "data": [f.value for f in data.overdue]}]},
        "counties": core_selectors.counties_in_scope(user=request.user) if data.region is None else [],
    })


@login_required
def cockpit_view(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱: the user's whole jurisdiction."""
    data = cockpit.board(user=request.user)
    return _board_page(request, data, str(_("Leaders' cockpit")))


@login_required
def county_board(request: HttpRequest, region_id: int) -> HttpResponse:
    """One county's board; a county user sees only its own (404 for any other)."""
    try:
        region = cockpit.county_get(user=request.user, region_id=region_id)
    except NotFound as exc:
        raise Http404 from exc
    data = cockpit.board(user=request.user, region=region)
    return _board_page(request, data, _("%(county)s · county board") % {"county": region.name})


@login_required
def project_map(request: HttpRequest) -> HttpResponse:
    """挂图作战: projects over county and zone boundaries, coloured by stage or light, filterable."""
    form = MapFilterForm(request.GET or None, user=request.user)
    query = urlencode(form.filters())
    layers = [{"key": layer.key, "label": str(layer.label), "kind": layer.kind, "on": layer.default_on,
               "color": layer.color,
               "url": reverse("cockpit_map_layer", args=[layer.key]) + (f"?{query}" if query else "")}
              for layer in maps.LAYERS.values()]
    return render(request, "web/map.html", {
        "title": _("Project map"), "form": form, "layers": layers,
        "config": {"layers": layers, "colour": request.GET.get("colour") or "stage",
                   "palettes": map_palettes()},
        "can_upload": web_services.can_upload_boundaries(request.user),
    })


def map_palettes() -> dict:
    from devzone.projects.models import Stage

    stage_colours = ["#74b0e8", "#4263eb", "#f59f00", "#ae3ec9", "#2fb344", "#0ca678", "#868e96", "#495057"]
    return {
        "stage": [{"key": s.value, "label": str(s.label), "color": c} for s, c in zip(Stage, stage_colours,
                                                                                      strict=True)],
        "light": [{"key": "red", "label": str(_("red light")), "color": "#d63939"},
                  {"key": "yellow", "label": str(_("yellow light")), "color": "#f59f00"},
                  {"key": "green", "label": str(_("green light")), "color": "#2fb344"},
                  {"key": "none", "label": str(_("no plan")), "color": "#868e96"}],
    }


@login_required
def map_layer(request: HttpRequest, key: str) -> JsonResponse:
    """One map layer as a GeoJSON FeatureCollection, for the user's jurisdiction and the page's filters."""
    layer = maps.layer_get(key)
    if layer is None:
        raise Http404
    filters = MapFilterForm(request.GET or None, user=request.user).filters()
    return JsonResponse(layer.loader(request.user, filters), content_type="application/geo+json",
                        json_dumps_params={"ensure_ascii": False})


@login_required
def boundary_upload(request: HttpRequest) -> HttpResponse:
    """Upload a county's or zone's boundary (superuser or city users)."""
    if not web_services.can_upload_boundaries(request.user):
        raise PermissionDenied
    counties = core_selectors.counties_in_scope(user=request.user)
    zones = core_selectors.zone_queryset(user=request.user).order_by("region__path", "name")
    form = BoundaryUploadForm(request.POST or None, request.FILES or None, counties=counties, zones=zones)
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["target"].partition(":")
        target = (core_selectors.region_get(user=request.user, region_id=int(pk)) if kind == "region"
                  else core_selectors.zone_get(user=request.user, zone_id=int(pk)))
        try:
            web_services.boundary_upload(actor=request.user, target=target, geojson=form.cleaned_data["file"].read())
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Boundary of %(name)s saved.") % {"name": target.name})
            return redirect("cockpit_map")
    with_boundary = [*counties.exclude(boundary__isnull=True), *zones.exclude(boundary__isnull=True)]
    return render(request, "web/boundary_upload.html", {"title": _("Upload boundaries"), "form": form,
                                                        "with_boundary": with_boundary})
