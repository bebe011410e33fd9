"""The project's survey pages, under /projects/<id>/surveys/ (foljsam/urls.py)."""

from django.urls import path

from . import urls_questionnaires, views

app_name = "surveys"
participant = "participants/<int:enrolment_id>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(participant, views.enrolment, name="enrolment"),
    path(f"{participant}ask/", views.ask, name="ask"),
    path(f"{participant}invitations/<int:invitation_id>/send/", views.send, name="send"),
    path(f"{participant}invitations/<int:invitation_id>/remind/", views.remind, name="remind"),
    path(f"{participant}invitations/<int:invitation_id>/answers/", views.type_in, name="type_in"),
    *urls_questionnaires.urlpatterns,
]
