from django.urls import path

from . import views, views_corrections, views_purpose

app_name = "enrolments"
urlpatterns = [
    path("enrolments/", views.case_list, name="case_list"),
    path("enrolments/<int:enrolment_id>/", views.participant, name="participant"),
    path(
        "enrolments/<int:enrolment_id>/purpose/",
        views_purpose.read_purpose,
        name="read_purpose",
    ),
    path("enrolments/<int:enrolment_id>/status/", views.change_status, name="change_status"),
    path("enrolments/<int:enrolment_id>/exit/", views.exit_enrolment, name="exit"),
    path("enrolments/<int:enrolment_id>/notes/", views.add_note, name="add_note"),
    path("follow-ups/", views.follow_up_worklist, name="follow_up_worklist"),
    path(
        "enrolments/<int:enrolment_id>/follow-ups/<int:follow_up_id>/",
        views.record_follow_up,
        name="record_follow_up",
    ),
    # Corrections with history (enrolments/views_corrections.py)
    path(
        "enrolments/<int:enrolment_id>/correct/person/",
        views_corrections.correct_person,
        name="correct_person",
    ),
    path(
        "enrolments/<int:enrolment_id>/correct/",
        views_corrections.correct_enrolment,
        name="correct_enrolment",
    ),
    path(
        "enrolments/<int:enrolment_id>/correct/exit/",
        views_corrections.correct_exit,
        name="correct_exit",
    ),
    path(
        "enrolments/<int:enrolment_id>/follow-ups/<int:follow_up_id>/correct/",
        views_corrections.correct_follow_up,
        name="correct_follow_up",
    ),
]
