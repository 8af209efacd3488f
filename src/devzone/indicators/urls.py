from django.urls import path

from devzone.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.monitor, name="list"),
    path("trend/", views.trend_pick, name="trend_pick"),
    path("trend/<slug:code>/", views.trend, name="trend"),
    path("places/<str:entity>/", views.profile, name="profile"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("checks/", views.run_checks, name="run_checks"),
    path("flags/<int:pk>/explain/", views.flag_explain, name="flag_explain"),
    path("flags/<int:pk>/close/", views.flag_close, name="flag_close"),
    path("values/", views.value_list, name="values"),
    path("values/new/", views.value_create, name="value_create"),
    path("values/<int:pk>/edit/", views.value_edit, name="value_edit"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_create, name="target_create"),
    path("targets/breakdown/", views.target_breakdown, name="breakdown"),
]
