from django.urls import path

from . import views

app_name = "enrolments"
urlpatterns = [
    path("enrolments/", views.case_list, name="case_list"),
    path("enrolments/<int:enrolment_id>/", views.participant, name="participant"),
    path("enrolments/<int:enrolment_id>/status/", views.change_status, name="change_status"),
    path("enrolments/<int:enrolment_id>/exit/", views.exit_enrolment, name="exit"),
    path("enrolments/<int:enrolment_id>/notes/", views.add_note, name="add_note"),
    path("follow-ups/", views.follow_up_worklist, name="follow_up_worklist"),
    path(
        "enrolments/<int:enrolment_id>/follow-ups/<int:follow_up_id>/",
        views.record_follow_up,
        name="record_follow_up",
    ),
]
