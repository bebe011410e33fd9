from django.urls import path

from . import comparison

app_name = "goal_comparison"
urlpatterns = [
    path("twins/", comparison.twins, name="twins"),
    path("reference/", comparison.reference, name="reference"),
    path("quarters/", comparison.quarters_view, name="quarters"),
]
