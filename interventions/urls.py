from django.urls import path

from . import views, views_corrections

app_name = "interventions"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.intervention_new, name="intervention_new"),
    path("<int:intervention_id>/edit/", views.intervention_edit, name="intervention_edit"),
    path("<int:intervention_id>/", views.attendance, name="attendance"),
    path("<int:intervention_id>/session/", views.group_session, name="group_session"),
    path("place/<int:enrolment_id>/", views.place, name="place"),
    path(
        "participations/<int:participation_id>/hours/",
        views.record_hours,
        name="record_hours",
    ),
    path(
        "participations/<int:participation_id>/records/",
        views_corrections.participation_records,
        name="participation_records",
    ),
    path(
        "participations/<int:participation_id>/records/<int:record_id>/correct/",
        views_corrections.correct_attendance,
        name="correct_attendance",
    ),
]
