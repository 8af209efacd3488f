from django.urls import path

from devzone.dispatch import intake_views, views

app_name = "dispatch"
urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_create, name="problem_create"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/<slug:action>/", views.problem_action, name="problem_action"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/decisions/", views.meeting_decision_add, name="decision_add"),
    path("meetings/<int:pk>/intake/", intake_views.meeting_intake, name="meeting_intake"),
    path("meetings/<int:pk>/decisions/<int:decision_id>/task/", views.decision_to_task, name="decision_to_task"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/", views.notification_open, name="notification"),
    path("digest/", views.digest, name="digest"),
    path("board/", views.board, name="board"),
    path("kpis/", views.kpi_page, name="kpis"),
    path("rules/", views.rules_page, name="rules"),
]
