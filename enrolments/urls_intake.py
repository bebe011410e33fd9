from django.urls import path

from . import intake_views as views
from . import views_corrections

app_name = "participants"
urlpatterns = [
    path("", views.intake, name="intake"),
    path("register/", views.register, name="register"),
    path("register/anonymous/", views.register_anonymous, name="register_anonymous"),
    path("enrol/<int:participant_id>/", views.enrol_existing, name="enrol_existing"),
    path(
        "consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "consents/<int:consent_id>/change/",
        views_corrections.change_consent,
        name="consent_change",
    ),
]
