from django.urls import path

from devzone.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("runs/<int:pk>/unpublish/", views.run_unpublish, name="run_unpublish"),
    path("runs/<int:pk>/delete/", views.run_delete, name="run_delete"),
    path("runs/<int:run_pk>/rows/<int:pk>/", views.row_detail, name="row"),
    path("enterprises/<int:pk>/history/", views.enterprise_history, name="history"),
    path("policies/", views.policy_list, name="policies"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/activate/", views.scheme_activate, name="scheme_activate"),
    path("vetoes/", views.veto_list, name="vetoes"),
    path("vetoes/new/", views.veto_create, name="veto_create"),
    path("vetoes/<int:pk>/delete/", views.veto_delete, name="veto_delete"),
]
