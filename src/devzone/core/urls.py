from django.urls import path

from devzone.core import views

app_name = "core"
urlpatterns = [
    path("zones/", views.zone_list, name="zones"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("zones/<int:pk>/", views.zone_detail, name="zone"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("regions/", views.region_list, name="regions"),
    path("audit/", views.audit_list, name="audit"),
]
