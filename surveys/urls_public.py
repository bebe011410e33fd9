"""The participant's answer page, no login: /s/<language>/<token>/ (surveys/views_link.py)."""

from django.urls import path

from . import views_link

app_name = "survey_link"
urlpatterns = [
    # Before the answer page: "thanks" is never a token (a token always holds a ":").
    path("<str:language>/thanks/", views_link.thanks, name="thanks"),
    path("<str:language>/<str:token>/", views_link.answer, name="answer"),
]
