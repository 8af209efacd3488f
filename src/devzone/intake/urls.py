from django.urls import path

from devzone.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("batches/", views.batch_list, name="batches"),
    path("<int:pk>/", views.batch_detail, name="batch"),
    path("<int:pk>/commit/", views.batch_commit, name="commit"),
    path("<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("<int:pk>/result/", views.batch_result, name="result"),
    path("<int:pk>/file/", views.batch_file, name="file"),
    path("<int:pk>/rejected.xlsx", views.rejected_xlsx, name="rejected"),
    path("template/<slug:kind>/", views.template_download, name="template"),
    path("export/<slug:kind>/", views.export_download, name="export"),
]
