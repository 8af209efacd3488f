from django.urls import path

from devzone.finance import views

app_name = "finance"
urlpatterns = [
    path("", views.need_list, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/loans/", views.loan_create, name="loan_create"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("banks/", views.bank_list, name="banks"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path("kpis/", views.kpi_board, name="kpis"),
]
