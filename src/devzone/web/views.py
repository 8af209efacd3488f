"""The home page: a few real numbers from the data, each linking to the rows behind it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from devzone.core import selectors as core_selectors
from devzone.enterprises import selectors as enterprise_selectors


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
