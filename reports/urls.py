from django.urls import path

from . import dashboard

app_name = "goals"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("goals.json", dashboard.goals_json, name="goals_json"),
    path("figures-state/", dashboard.figures_state, name="figures_state"),
]
