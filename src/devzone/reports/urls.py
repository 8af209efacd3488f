from django.urls import path

from devzone.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.bulletins, name="bulletins"),
]
