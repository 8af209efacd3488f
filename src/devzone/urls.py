"""URL map: pages, the API under /api/v1/, admin, sign-in."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from devzone.api.urls import api
from devzone.ops import views as ops_views
from devzone.ops.metrics import metrics_view
from devzone.web import health
from devzone.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("cockpit/", web_views.cockpit_view, name="cockpit"),
    path("cockpit/county/<int:region_id>/", web_views.county_board, name="cockpit_county"),
    path("cockpit/map/", web_views.project_map, name="cockpit_map"),
    path("cockpit/map/layers/<slug:key>.geojson", web_views.map_layer, name="cockpit_map_layer"),
    path("cockpit/map/boundaries/", web_views.boundary_upload, name="cockpit_boundaries"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", ops_views.PasswordChangeView.as_view(), name="password_change"),
    path("org/", include("devzone.core.urls")),
    path("enterprises/", include("devzone.enterprises.urls")),
    path("projects/", include("devzone.projects.urls")),
    path("dispatch/", include("devzone.dispatch.urls")),
    path("attraction/", include("devzone.attraction.urls")),
    path("chains/", include("devzone.chains.urls")),
    path("indicators/", include("devzone.indicators.urls")),
    path("imports/", include("devzone.intake.urls")),
    path("evaluation/", include("devzone.evaluation.urls")),
    path("jobs/", include("devzone.core.job_urls")),
    path("reports/", include("devzone.reports.urls")),
    path("land/", include("devzone.land.urls")),
    path("financing/", include("devzone.finance.urls")),
    path("policies/", include("devzone.policies.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "devzone.api.errors.page_not_found"
handler500 = "devzone.api.errors.server_error"
