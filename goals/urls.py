from django.urls import path

from . import views

app_name = "goals"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("goals.json", views.goals_json, name="goals_json"),
]
