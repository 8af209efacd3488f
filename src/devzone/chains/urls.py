from django.urls import path

from devzone.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.chain_list, name="list"),
    path("new/", views.chain_create, name="create"),
    path("gaps/", views.gap_list, name="gaps"),
    path("<int:pk>/", views.chain_detail, name="detail"),
    path("<int:pk>/edit/", views.chain_edit, name="edit"),
    path("<int:chain_pk>/links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/", views.link_detail, name="link"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
]
