from django.contrib.auth.decorators import login_required
from django.urls import path

from . import docs, schema_view, views

app_name = "api"

project = "v1/projects/<int:project_id>/"

urlpatterns = [
    path("schema/", schema_view.SchemaView.as_view(), name="schema"),
    path("docs/", login_required(docs.api_docs), name="docs"),
    path("v1/projects/", views.ProjectList.as_view(), name="project-list"),
    path(project, views.ProjectDetail.as_view(), name="project-detail"),
    path(f"{project}participants/", views.ParticipantList.as_view(), name="participant-list"),
    path(
        f"{project}participants/<int:pk>/",
        views.ParticipantDetail.as_view(),
        name="participant-detail",
    ),
    path(f"{project}enrolments/", views.EnrolmentList.as_view(), name="enrolment-list"),
    path(
        f"{project}enrolments/<int:pk>/", views.EnrolmentDetail.as_view(), name="enrolment-detail"
    ),
    path(f"{project}participations/", views.ParticipationList.as_view(), name="participation-list"),
    path(
        f"{project}participations/<int:pk>/",
        views.ParticipationDetail.as_view(),
        name="participation-detail",
    ),
    path(f"{project}follow-ups/", views.FollowUpList.as_view(), name="follow-up-list"),
    path(f"{project}follow-ups/<int:pk>/", views.FollowUpDetail.as_view(), name="follow-up-detail"),
    path(
        f"{project}follow-ups/<int:pk>/record/",
        views.FollowUpRecord.as_view(),
        name="follow-up-record",
    ),
    path(f"{project}survey-answers/", views.SurveyAnswerList.as_view(), name="survey-answer-list"),
    path(
        f"{project}survey-answers/<int:pk>/",
        views.SurveyAnswerDetail.as_view(),
        name="survey-answer-detail",
    ),
    path(f"{project}goals/", views.GoalList.as_view(), name="goal-list"),
]
