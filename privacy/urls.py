"""Data-protection rights, under /projects/<project_id>/ (privacy/views.py)."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("enrolments/<int:enrolment_id>/register-extract/", views.extract, name="extract"),
    path(
        "enrolments/<int:enrolment_id>/register-extract/json/",
        views.extract_json,
        name="extract_json",
    ),
    path(
        "enrolments/<int:enrolment_id>/register-extract/pdf/",
        views.extract_pdf,
        name="extract_pdf",
    ),
    path("register-extracts/<int:job_id>/", views.extract_download, name="extract_download"),
    path("enrolments/<int:enrolment_id>/erase/", views.erase, name="erase"),
]
