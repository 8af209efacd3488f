from django.urls import path

from devzone.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("mine/", views.sponsored, name="mine"),
    path("warnings/", views.warnings, name="warnings"),
    path("kpis/", views.kpi_board, name="kpis"),
    path("verifications/", views.verification_queue, name="verifications"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("reports/<int:report_id>/fix/", views.report_fix, name="report_fix"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("milestones/<int:milestone_id>/done/", views.milestone_done, name="milestone_done"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/declare/", views.project_declare, name="declare"),
    path("<int:pk>/verify/", views.project_verify, name="verify"),
    path("<int:pk>/suspend/", views.project_suspend, name="suspend"),
    path("<int:pk>/resume/", views.project_resume, name="resume"),
    path("<int:pk>/cancel/", views.project_cancel, name="cancel"),
    path("<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/plans/", views.year_plan, name="year_plan"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
]
