from django.urls import path

from devzone.attraction import views

app_name = "attraction"
urlpatterns = [
    path("", views.lead_list, name="leads"),
    path("board/", views.lead_board, name="board"),
    path("leads/new/", views.lead_create, name="lead_create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", views.lead_edit, name="lead_edit"),
    path("leads/<int:pk>/move/", views.lead_move, name="move"),
    path("leads/<int:pk>/follow-ups/", views.follow_up_create, name="follow_up"),
    path("leads/<int:pk>/drop/", views.lead_drop, name="drop"),
    path("leads/<int:pk>/review/", views.lead_review, name="review"),
    path("leads/<int:pk>/sign/", views.lead_sign, name="sign"),
    path("alerts/", views.alert_list, name="alerts"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/quota/", views.leader_quota, name="quota"),
    path("directory/targets/", views.target_list, name="targets"),
    path("directory/targets/new/", views.target_create, name="target_create"),
    path("directory/contacts/", views.contact_list, name="contacts"),
    path("directory/contacts/new/", views.contact_create, name="contact_create"),
    path("directory/agents/", views.agent_list, name="agents"),
    path("directory/agents/new/", views.agent_create, name="agent_create"),
    path("commitments/", views.commitment_list, name="commitments"),
    path("commitments/new/", views.commitment_create, name="commitment_create"),
    path("kpis/", views.kpi_page, name="kpis"),
]
