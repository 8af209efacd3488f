from django.urls import path
from django.utils.translation import gettext_lazy

from devzone.land import views

app_name = "land"
urlpatterns = [
    path("quotas/", views.account_list, name="accounts"),
    path("quotas/<int:pk>/", views.account_detail, name="account"),
    path("quotas/grant/", views.grant, name="grant"),
    path("quotas/transfer/", views.transfer, name="transfer"),
    path("quotas/proposal/", views.proposal, name="proposal"),
    path("parcels/", views.parcel_list, name="parcels"),
    path("parcels/new/", views.parcel_create, name="parcel_create"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel"),
    path("parcels/<int:pk>/edit/", views.parcel_edit, name="parcel_edit"),
    path("parcels/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("parcels/<int:pk>/disposals/", views.disposal_create, name="disposal_create"),
    path("parcels/<int:pk>/conditions/", views.condition_set, name="condition_set"),
    path("disposals/<int:pk>/progress/", views.disposal_progress, name="disposal_progress"),
    path("documents/<int:pk>/", views.document_file, name="document"),
    path("low-efficiency/", views.low_efficiency, name="low_efficiency"),
    path("standard/", views.standard_list, name="standard"),
]

# The navigation group's label (web/navigation.py), translated in this app's catalog.
NAV_GROUP_LABEL = gettext_lazy("Factor guarantees")
