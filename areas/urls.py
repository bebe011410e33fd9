from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.index, name="index"),
    path("statistics/add/", views.statistic_add, name="statistic_add"),
    path("statistics/<int:statistic_id>/", views.statistic_edit, name="statistic_edit"),
    path("statistics/<int:statistic_id>/remove/", views.statistic_remove, name="statistic_remove"),
    path("initiatives/add/", views.initiative_add, name="initiative_add"),
    path("initiatives/<int:initiative_id>/", views.initiative_edit, name="initiative_edit"),
    path(
        "initiatives/<int:initiative_id>/remove/",
        views.initiative_remove,
        name="initiative_remove",
    ),
    path("households/", views.households, name="households"),
    path("households/add/", views.household_add, name="household_add"),
    path("households/<int:household_id>/", views.household, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
]
