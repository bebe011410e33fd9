"""The questionnaire pages (surveys/views_questionnaires.py), under /projects/<id>/surveys/."""

from django.urls import path

from . import views_questionnaires as views

urlpatterns = [
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire, name="questionnaire"),
    path(
        "questionnaires/<int:questionnaire_id>/settings/",
        views.questionnaire_settings,
        name="questionnaire_settings",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/",
        views.questionnaire_questions,
        name="questionnaire_questions",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/new/",
        views.questionnaire_question_new,
        name="questionnaire_question_new",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:item_id>/",
        views.questionnaire_question_edit,
        name="questionnaire_question_edit",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/translate/",
        views.questionnaire_translate,
        name="questionnaire_translate",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/publish/",
        views.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/new-version/",
        views.questionnaire_new_version,
        name="questionnaire_new_version",
    ),
]
